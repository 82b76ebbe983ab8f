//go:build linux

package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/docker/dockertest"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/jsonreport"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
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

// Every port that builds only in a toolchain image (toolchain_images in
// its port.json: sh4, loong64), asked for on a default run with the engine
// up, runs in the first image it names, started for it there: nothing is
// skipped, and the reports name the image with its gcc and QEMU.
func TestImageOnlyPortRunsInItsImage(t *testing.T) {
	e := engine(t)
	versions := map[string]struct{ gcc, qemu string }{"trixie": {"14.", "10.0."}}
	image := map[string]arch.Port{}
	var names []string
	for _, p := range toolchaintest.Ports(t, testkit.Root(t)) {
		if p.Images != nil {
			image[p.Name] = p
			names = append(names, p.Name)
		}
	}
	require.NotEmpty(t, names, "no port.json has toolchain_images")
	out := t.TempDir()
	var log bytes.Buffer
	started := time.Now()
	runs, err := Test(context.Background(), Options{Ports: names, Builds: []string{"gcc-O2"}, OutDir: out, Out: &log})
	t.Logf("in %s:\n%s", time.Since(started).Round(time.Second), log.String())
	require.NoError(t, err)
	require.NotEmpty(t, runs)
	f, err := os.Open(filepath.Join(out, report.JSONFile))
	require.NoError(t, err)
	defer f.Close()
	rep, err := jsonreport.Read(f)
	require.NoError(t, err)
	require.Len(t, rep.Runs, len(runs))
	ran := map[string]bool{}
	for _, r := range rep.Runs {
		p, ok := image[r.Arch]
		require.True(t, ok, "run of %s, which builds on the host", r.Arch)
		want := p.Images.Only[0]
		v, ok := versions[want]
		require.True(t, ok, "%s: the test knows no gcc and QEMU versions of image %q", r.Arch, want)
		ran[r.Arch+" "+r.Build] = true
		assert.Equal(t, want, r.Toolchain, "%s %s", r.Arch, r.Build)
		assert.Empty(t, r.Skipped, "%s %s", r.Arch, r.Build)
		assert.True(t, r.OK, "%s %s", r.Arch, r.Build)
		assert.NotEmpty(t, r.Cases, "%s %s", r.Arch, r.Build)
		assert.Contains(t, r.Compiler, "gcc "+v.gcc, "%s %s", r.Arch, r.Build)
		assert.Contains(t, r.Runner, p.QEMU+" "+v.qemu, "%s %s", r.Arch, r.Build)
		for _, c := range r.Cases {
			assert.Equal(t, want, c.Toolchain, "%s %s", r.Arch, c.Case)
		}
	}
	summary, err := os.ReadFile(filepath.Join(out, report.MarkdownFile))
	require.NoError(t, err)
	for _, name := range names {
		assert.True(t, ran[name+" gcc-O2"], "no gcc-O2 run of %s: %v", name, ran)
		assert.Contains(t, string(summary), name+"@"+image[name].Images.Only[0])
	}
	assert.NotContains(t, string(summary), "skipped")
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

// toolchainChildEnv makes the test binary run a suite in a toolchain
// container in TestToolchainInterruptChild: the process the signal goes to.
const toolchainChildEnv = "SL_TOOLCHAIN_INTERRUPT_OUT"

func TestToolchainInterruptChild(t *testing.T) {
	out := os.Getenv(toolchainChildEnv)
	if out == "" {
		t.Skip("runs only as the child of TestInterruptedToolchainRunLeavesNothing")
	}
	_, err := Test(context.Background(), Options{Ports: []string{"riscv64"}, Builds: []string{"gcc-O0"}, Toolchains: []string{"trixie"},
		SelfTest: true, Cases: "selftest_(daemon|hang)", OutDir: out, Out: os.Stdout})
	fmt.Println("harness returned:", err)
	os.Exit(3)
}

// SIGTERM to a harness whose run is inside a container stops every process
// of it there (a hanging case, and a daemon a case left in a session of its
// own) and removes the container, within seconds: nothing is left in the
// engine or on the host. A container an earlier, killed harness left is
// removed too.
func TestInterruptedToolchainRunLeavesNothing(t *testing.T) {
	e := engine(t)
	leftover := leftoverContainer(t, e)
	out := t.TempDir()
	child, stdout, exited := startChild(t, "TestToolchainInterruptChild", toolchainChildEnv+"="+out)
	waitFor(t, exited, stdout, func() bool {
		return strings.Contains(stdout.String(), "RUN  riscv64@trixie") && len(execProcesses(child.Process.Pid)) >= 2
	})
	inside := execProcesses(child.Process.Pid)

	signalledAt := time.Now()
	require.NoError(t, child.Process.Signal(syscall.SIGTERM))
	// The work inside stops within seconds; removing the container can take
	// longer where the engine copies whole images (vfs) and the machine is busy.
	for len(execProcesses(child.Process.Pid)) > 0 {
		require.Less(t, time.Since(signalledAt), 10*time.Second, "processes of the run still there 10 s after SIGTERM: %v", execProcesses(child.Process.Pid))
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the run's processes in the container (%v) were gone %s after SIGTERM", inside, time.Since(signalledAt).Round(time.Millisecond))
	select {
	case <-exited:
		t.Logf("the harness exited %s after SIGTERM, its container removed", time.Since(signalledAt).Round(time.Millisecond))
	case <-time.After(2 * time.Minute):
		_ = child.Process.Kill()
		require.FailNow(t, "still running 2 minutes after SIGTERM", stdout.String())
	}

	assert.Contains(t, stdout.String(), "harness returned: interrupted (")
	assert.Contains(t, stdout.String(), "toolchain: removed 1 container(s) a harness killed earlier left: "+leftover)
	assert.Empty(t, execProcesses(child.Process.Pid), "processes of the run are left (there were %v)", inside)
	left, err := e.Containers(context.Background())
	require.NoError(t, err)
	assert.Empty(t, left, "containers are left")
	assertInterruptedReports(t, out)
}

// leftoverContainer creates a container of the trixie image as a harness
// that was killed leaves one, and returns its name.
func leftoverContainer(t *testing.T, e *docker.Engine) string {
	ctx := context.Background()
	root := testkit.Root(t)
	images, err := docker.Images(root)
	require.NoError(t, err)
	sel, err := docker.Select(images, []string{"trixie"})
	require.NoError(t, err)
	var log bytes.Buffer
	tag, err := e.EnsureImage(ctx, sel[0], docker.Packages(toolchaintest.Ports(t, root), e.GOARCH(), "trixie"), &log)
	require.NoError(t, err, log.String())
	host, err := os.Hostname()
	require.NoError(t, err)
	name := "stackslice-leftover-" + strconv.Itoa(os.Getpid())
	_, err = e.Client().ContainerCreate(ctx, &container.Config{Image: tag, Cmd: []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelToolchain: "trixie", docker.LabelOwner: host + " 999999999 1"}}, nil, nil, nil, name)
	require.NoError(t, err)
	return name
}

// execProcesses are the processes harness pid runs in toolchain
// containers: the engine runs them on this machine, tagged with its PID.
func execProcesses(pid int) []string {
	prefix := []byte(docker.ExecTagEnv + "=" + strconv.Itoa(pid) + "-")
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

// A base image the engine cannot pull (no registry here, and ubuntu:24.04
// cannot be bootstrapped from the Debian archive) is one line naming it,
// from a real build.
func TestToolchainImageWithAnUnpullableBase(t *testing.T) {
	e := engine(t)
	images, err := docker.Images(testkit.Root(t))
	require.NoError(t, err)
	sel, err := docker.Select(images, []string{"ubuntu-24.04"})
	require.NoError(t, err)
	if e.HasImage(context.Background(), sel[0].Base()) {
		t.Skipf("the engine holds %s: nothing to pull", sel[0].Base())
	}
	var log bytes.Buffer
	_, err = e.EnsureImage(context.Background(), sel[0], []string{"gcc"}, &log)
	require.Error(t, err)
	assert.Regexp(t, `^toolchain ubuntu-24.04: the base image ubuntu:24.04 cannot be pulled: .+ \(.*docker/ubuntu-24.04/Dockerfile\)$`, err.Error())
	assert.NotContains(t, err.Error(), "\n")
}
