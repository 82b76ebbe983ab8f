package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/docker/docker/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

func TestImagesComeFromTheDockerFolder(t *testing.T) {
	images, err := Images(testkit.Root(t))
	require.NoError(t, err)
	var releases, bases []string
	for _, im := range images {
		releases = append(releases, im.Release)
		bases = append(bases, im.Base())
	}
	assert.Equal(t, []string{"bookworm", "trixie", "ubuntu-24.04"}, releases)
	assert.Equal(t, []string{"debian:bookworm", "debian:trixie", "ubuntu:24.04"}, bases)

	_, err = Images(t.TempDir())
	assert.ErrorContains(t, err, "no toolchain images under")
}

func TestTagChangesExactlyWithTheDockerfileOrThePackages(t *testing.T) {
	im := Image{Release: "trixie", Dockerfile: []byte("FROM debian:trixie\n")}
	tag := im.Tag([]string{"a", "b"})
	assert.Regexp(t, `^stackslice-toolchain:trixie-[0-9a-f]{12}$`, tag)
	assert.Equal(t, tag, im.Tag([]string{"a", "b"}), "the same recipe, the same tag")
	assert.NotEqual(t, tag, im.Tag([]string{"a", "b", "c"}), "another package")
	edited := im
	edited.Dockerfile = []byte("FROM debian:trixie\nRUN true\n")
	assert.NotEqual(t, tag, edited.Tag([]string{"a", "b"}), "another Dockerfile")
	// Package names are not glued together into another list.
	assert.NotEqual(t, im.Tag([]string{"ab"}), im.Tag([]string{"a", "b"}))
}

func TestSelectNamesTheKnownToolchains(t *testing.T) {
	all := []Image{{Release: "bookworm"}, {Release: "trixie"}}
	got, err := Select(all, []string{"trixie"})
	require.NoError(t, err)
	assert.Equal(t, "trixie", got[0].Release)
	_, err = Select(all, []string{"sid"})
	assert.EqualError(t, err, `unknown toolchain "sid" (known: host, bookworm, trixie)`)
}

func TestPackagesHoldEveryPortsCompilersAndQEMU(t *testing.T) {
	ports := toolchaintest.Ports(t, testkit.Root(t))
	pkgs := Packages(ports, "amd64", "trixie")
	for _, p := range ports {
		if p.Name == "amd64" {
			assert.Subset(t, pkgs, []string{"gcc", "libc6-dev"})
			assert.NotContains(t, pkgs, p.Packages[0], "the native gcc serves the host's port")
			continue
		}
		assert.Subset(t, pkgs, p.Packages, p.Name)
	}
	assert.Subset(t, pkgs, []string{"clang", "qemu-user", "pkg-config"})
	assert.IsIncreasing(t, pkgs)
	assert.Equal(t, pkgs, Packages(append(ports, ports...), "amd64", "trixie"), "each once")
}

// A port whose data names the only images that build it is in those
// images alone.
func TestPackagesHoldAnImageOnlyPortInItsImagesAlone(t *testing.T) {
	area := 0
	sh4 := arch.Port{Name: "sh4", Packages: []string{"gcc-sh4-linux-gnu"}, StackArea: &area,
		Images: &arch.Images{Only: []string{"trixie"}, Why: "gcc 12 miscompiles its glibc"}}
	assert.Contains(t, Packages([]arch.Port{sh4}, "amd64", "trixie"), "gcc-sh4-linux-gnu")
	assert.NotContains(t, Packages([]arch.Port{sh4}, "amd64", "bookworm"), "gcc-sh4-linux-gnu")
}

// stream is a build's JSON message stream.
func stream(t *testing.T, msgs ...map[string]any) *bytes.Buffer {
	var b bytes.Buffer
	for _, m := range msgs {
		require.NoError(t, json.NewEncoder(&b).Encode(m))
	}
	return &b
}

func TestAFailedBuildNamesItsStepAndTheOutputsTail(t *testing.T) {
	im := Image{Release: "trixie", Path: "docker/trixie/Dockerfile", Dockerfile: []byte("FROM debian:trixie\nRUN apt-get install x\n")}
	var lines []map[string]any
	lines = append(lines, map[string]any{"stream": "Step 1/2 : FROM debian:trixie\n"}, map[string]any{"stream": " ---> 1234\n"},
		map[string]any{"stream": "Step 2/2 : RUN apt-get install gcc-nosuch\n"})
	for i := range 12 {
		lines = append(lines, map[string]any{"stream": "line " + string(rune('a'+i)) + "\n"})
	}
	// The classic builder colours a step's stderr.
	lines = append(lines, map[string]any{"stream": "\x1b[91mE: Unable to locate package gcc-nosuch\n\x1b[0m"},
		map[string]any{"errorDetail": map[string]any{"message": "The command '/bin/sh -c apt-get install gcc-nosuch' returned a non-zero code: 100"},
			"error": "The command '/bin/sh -c apt-get install gcc-nosuch' returned a non-zero code: 100"})
	var log bytes.Buffer
	err := readBuild(im, stream(t, lines...), &log)
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "\n", "one line")
	assert.Contains(t, msg, "toolchain trixie: building docker/trixie/Dockerfile failed at Step 2/2 : RUN apt-get install gcc-nosuch: exit status 100; output ends: ")
	assert.Equal(t, 1, strings.Count(msg, "apt-get install gcc-nosuch"), "the command once: %s", msg)
	assert.Contains(t, msg, "| E: Unable to locate package gcc-nosuch", "no colour codes: %q", msg)
	assert.NotContains(t, msg, "[91m")
	assert.NotContains(t, msg, "[0m")
	assert.Contains(t, msg, "line l", "the tail")
	assert.NotContains(t, msg, "line d", "only the tail")
	assert.Contains(t, log.String(), "toolchain trixie: Step 1/2 : FROM debian:trixie\ntoolchain trixie: Step 2/2", "progress")
}

func TestABaseImageThatCannotBePulledSaysSo(t *testing.T) {
	im := Image{Release: "ubuntu-24.04", Path: "docker/ubuntu-24.04/Dockerfile", Dockerfile: []byte("FROM ubuntu:24.04\n")}
	err := readBuild(im, stream(t, map[string]any{"stream": "Step 1/3 : FROM ubuntu:24.04\n"},
		map[string]any{"errorDetail": map[string]any{"message": "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"}}), &bytes.Buffer{})
	assert.EqualError(t, err, `toolchain ubuntu-24.04: the base image ubuntu:24.04 cannot be pulled: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host (docker/ubuntu-24.04/Dockerfile)`)

	err = readBuild(im, strings.NewReader("{not json"), &bytes.Buffer{})
	assert.ErrorContains(t, err, "reading the build's output")
	assert.NoError(t, readBuild(im, stream(t, map[string]any{"stream": "Step 1/1 : FROM ubuntu:24.04\n"}), &bytes.Buffer{}))
}

func TestNoEngineSaysWhereItLooked(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "docker.sock")
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	_, err := Connect(context.Background())
	require.Error(t, err)
	assert.Regexp(t, `^no Docker engine reachable at unix://`+sock+` \(from DOCKER_HOST\): .*`, err.Error())
	assert.NotContains(t, err.Error(), "\n")

	t.Setenv("DOCKER_HOST", "")
	os.Unsetenv("DOCKER_HOST")
	assert.Equal(t, "unix:///x.sock (the default; set DOCKER_HOST to look elsewhere)", where("unix:///x.sock"))
}

func TestOnlyContainersOfAnEndedHarnessAreLeftovers(t *testing.T) {
	host, _ := os.Hostname()
	assert.False(t, ownerGone(owner()), "this process")
	assert.True(t, ownerGone(host+" 999999999 1"), "no such process")
	self := strings.Fields(owner())
	assert.True(t, ownerGone(host+" "+self[1]+" 1"), "the PID, reused by another process")
	assert.False(t, ownerGone("another-machine 1 1"), "another machine's container is left alone")
	assert.True(t, ownerGone("garbage"))
}

func TestExitCodesAbove128AreSignals(t *testing.T) {
	for code, want := range map[int]struct {
		code   int
		signal string
	}{0: {0, ""}, 1: {1, ""}, 127: {127, ""}, 128: {128, ""}, 139: {-1, "SIGSEGV"}, 134: {-1, "SIGABRT"}, 137: {-1, "SIGKILL"}, 255: {255, ""}} {
		gotCode, gotSignal := exitStatus(code)
		assert.Equal(t, want.code, gotCode, code)
		assert.Equal(t, want.signal, gotSignal, code)
	}
}

// A killed harness leaves its containers' folders in the temporary folder;
// the next run removes those whose owner is gone, and nothing else.
func TestSweepFoldersRemovesOnlyDeadHarnessesFolders(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	host, _ := os.Hostname()
	folder := func(name, owner string) string {
		dir := filepath.Join(tmp, name)
		require.NoError(t, os.Mkdir(dir, 0o755))
		if owner != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o644))
		}
		return dir
	}
	dead := folder("stackslice-trixie-111", host+" 999999999 1")
	live := folder("stackslice-trixie-222", owner())
	unowned := folder("stackslice-lib-333", "")
	foreign := folder("stackslice-bookworm-444", "another-machine 1 1")
	linked := folder("stackslice-bookworm-555", "")
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "victim"), []byte(host+" 999999999 1"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(tmp, "victim"), filepath.Join(linked, ownerFile)))

	assert.Equal(t, []string{dead}, SweepFolders())
	assert.NoDirExists(t, dead)
	for _, kept := range []string{live, unowned, foreign, linked} {
		assert.DirExists(t, kept)
	}
}

// An engine that dies mid-run is said as such, once, by the run's error:
// not as the failure of whatever the container was running.
func TestALostEngineIsSaidAsSuch(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "gone.sock")
	cli, err := client.NewClientWithOpts(client.WithHost("unix://" + sock))
	require.NoError(t, err)
	c := &Container{engine: &Engine{cli: cli}, release: "trixie", id: "0123456789abcdef", tag: "x"}
	_, err = c.Run(context.Background(), executor.Spec{Argv: []string{"true"}})
	require.ErrorIs(t, err, ErrEngineLost)
	assert.Regexp(t, `^the Docker engine stopped answering at unix://`+regexp.QuoteMeta(sock)+`: `, err.Error())
	assert.NotContains(t, err.Error(), "\n")
}

// Only toolchain images this checkout no longer builds are pruned.
func TestStaleNamesOnlyOldToolchainImages(t *testing.T) {
	have := []string{"stackslice-toolchain:trixie-aaaaaaaaaaaa", "stackslice-toolchain:trixie-bbbbbbbbbbbb",
		"stackslice-toolchain:bookworm-cccccccccccc", "debian:trixie", "stackslice-toolchainx:y"}
	keep := []string{"stackslice-toolchain:trixie-bbbbbbbbbbbb", "stackslice-toolchain:bookworm-cccccccccccc"}
	assert.Equal(t, []string{"stackslice-toolchain:trixie-aaaaaaaaaaaa"}, Stale(have, keep))
}
