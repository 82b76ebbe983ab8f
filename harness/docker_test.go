package harness

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/docker/dockertest"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/jsonreport"
)

// engine starts a private dockerd with the base images of the Debian
// toolchains imported, for the real-engine tests, which run only when
// dockertest.EnvRun is set (.ci/run sets it).
func engine(t *testing.T) *docker.Engine {
	testkit.Integration(t)
	if os.Getenv(dockertest.EnvRun) == "" {
		t.Skipf("the real-engine tests take minutes the first time: set %s=1 to run them (.ci/run does)", dockertest.EnvRun)
	}
	require.NoError(t, dockertest.CheckRoot())
	ctx := context.Background()
	cache, err := dockertest.CacheDir()
	require.NoError(t, err)
	var log bytes.Buffer
	d, err := dockertest.Start(ctx, cache, &log)
	require.NoError(t, err, log.String())
	t.Cleanup(d.Stop)
	t.Setenv("DOCKER_HOST", d.Host)
	e, err := docker.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	images, err := docker.Images(testkit.Root(t))
	require.NoError(t, err)
	var debian []docker.Image
	for _, im := range images {
		if strings.HasPrefix(im.Base(), "debian:") {
			debian = append(debian, im)
		}
	}
	require.NoError(t, dockertest.Bases(ctx, e, debian, cache, &log), log.String())
	return e
}

// Both Debian toolchains, one native and one emulated port, in one matrix:
// the reports name each image with the gcc and QEMU that really ran.
func TestToolchainImagesRunTheSuite(t *testing.T) {
	e := engine(t)
	out := t.TempDir()
	var log bytes.Buffer
	started := time.Now()
	runs, err := Test(context.Background(), Options{Ports: []string{"amd64", "riscv64"}, Toolchains: []string{"bookworm", "trixie"},
		OutDir: out, Out: &log})
	t.Logf("in %s:\n%s", time.Since(started).Round(time.Second), log.String())
	require.NoError(t, err)
	want := map[string]struct{ gcc, qemu string }{"bookworm": {"12.", "7.2."}, "trixie": {"14.", "10.0."}}
	f, err := os.Open(filepath.Join(out, report.JSONFile))
	require.NoError(t, err)
	defer f.Close()
	rep, err := jsonreport.Read(f)
	require.NoError(t, err)
	require.Len(t, rep.Runs, len(runs))
	seen := map[string]int{}
	for _, r := range rep.Runs {
		w, ok := want[r.Toolchain]
		require.True(t, ok, "run %s/%s names toolchain %q", r.Arch, r.Build, r.Toolchain)
		seen[r.Toolchain+" "+r.Arch]++
		assert.True(t, r.OK, "%s@%s %s", r.Arch, r.Toolchain, r.Build)
		assert.Contains(t, r.Compiler, "gcc "+w.gcc, "%s@%s %s", r.Arch, r.Toolchain, r.Build)
		if r.Arch == "riscv64" {
			assert.Contains(t, r.Runner, "qemu-riscv64 "+w.qemu, r.Toolchain)
		} else {
			assert.Equal(t, "native", r.Runner)
		}
		for _, c := range r.Cases {
			assert.Equal(t, r.Toolchain, c.Toolchain)
		}
	}
	// gcc-O0, gcc-O2 and the examples, per arch and toolchain.
	for _, k := range []string{"bookworm amd64", "bookworm riscv64", "trixie amd64", "trixie riscv64"} {
		assert.Equal(t, 3, seen[k], k)
	}
	summary, err := os.ReadFile(filepath.Join(out, report.MarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(summary), "riscv64@trixie")
	assert.Contains(t, log.String(), "toolchain")
	// Nothing of the run is left in the engine.
	left, err := e.Containers(context.Background())
	require.NoError(t, err)
	assert.Empty(t, left)
}

// A toolchain image with no engine to build it in is one line naming where
// the harness looked, within seconds, before anything is built.
func TestNoEngineIsOneClearError(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "docker.sock")
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	var out bytes.Buffer
	start := time.Now()
	_, err := Test(context.Background(), Options{Ports: []string{"riscv64"}, Toolchains: []string{"trixie"}, OutDir: t.TempDir(), Out: &out})
	require.Error(t, err)
	assert.Regexp(t, `^no Docker engine reachable at unix://`+sock+` \(from DOCKER_HOST\): `, err.Error())
	assert.NotContains(t, err.Error(), "\n")
	assert.Empty(t, out.String())
	assert.Less(t, time.Since(start), 15*time.Second)
}

// Interrupting a run inside a container stops every process of it there and
// removes the container: nothing is left in the engine or on the host.
func TestInterruptedToolchainRunLeavesNothing(t *testing.T) {
	e := engine(t)
	var out testkit.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Test(ctx, Options{Ports: []string{"riscv64"}, Builds: []string{"gcc-O0"}, Toolchains: []string{"trixie"},
			OutDir: t.TempDir(), Out: &out})
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Minute)
	for !strings.Contains(out.String(), "RUN  riscv64@trixie") || len(execProcesses(t)) == 0 {
		require.True(t, time.Now().Before(deadline), "the run never started its cases:\n%s", out.String())
		select {
		case err := <-done:
			require.FailNow(t, "the run ended before it was interrupted", "%v\n%s", err, out.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	inside := execProcesses(t)
	cancel()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "interrupted")
	case <-time.After(30 * time.Second):
		require.FailNow(t, "the run did not stop within 30 s of the interrupt")
	}
	assert.Empty(t, execProcesses(t), "processes of the run are left (there were %v)", inside)
	left, err := e.Containers(context.Background())
	require.NoError(t, err)
	assert.Empty(t, left, "containers are left")
}

// execProcesses are this test's processes inside toolchain containers: the
// engine runs them on this machine, tagged with this process's PID.
func execProcesses(t *testing.T) []string {
	prefix := []byte(docker.ExecTagEnv + "=" + strconv.Itoa(os.Getpid()) + "-")
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.HasPrefix(kv, prefix) {
				comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
				found = append(found, e.Name()+" ("+strings.TrimSpace(string(comm))+")")
			}
		}
	}
	return found
}
