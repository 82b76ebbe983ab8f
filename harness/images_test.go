package harness

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
)

// An image-only port (arch.Images) runs where it builds: in an image asked
// for, or, on a default run, in its first image started for it alone when
// an engine answers; otherwise it is skipped saying why, and the mutation
// check and the benchmark, which cannot skip, refuse it.
func TestPlacementOfAnImageOnlyPort(t *testing.T) {
	sh4 := arch.Port{Name: "sh4", Dir: "arch/sh4", Images: &arch.Images{Only: []string{"trixie"}, Why: "gcc 12 miscompiles its glibc"}}
	amd64 := arch.Port{Name: "amd64", Dir: "arch/amd64"}
	noEngine := errors.New("no Docker engine reachable at unix:///var/run/docker.sock (the default): connection refused")
	tests := []struct {
		name       string
		toolchains []string
		autoStart  bool
		engine     error
		start      []string
		skipped    string
		sh4In      []string
		amd64In    []string
	}{
		{name: "default run with an engine", autoStart: true, start: []string{"host", "trixie"}, sh4In: []string{"trixie"}, amd64In: []string{""}},
		{name: "default run without one", autoStart: true, engine: noEngine,
			skipped: "builds only in toolchain image trixie (gcc 12 miscompiles its glibc), and no Docker engine reachable at unix:///var/run/docker.sock (the default): connection refused; where one answers, this run starts trixie for it",
			amd64In: []string{""}},
		{name: "its image asked for", toolchains: []string{"trixie"}, autoStart: true, start: []string{"trixie"}, sh4In: []string{"trixie"}, amd64In: []string{"trixie"}},
		{name: "other images asked for", toolchains: []string{"host", "bookworm"}, autoStart: true,
			skipped: "builds only in toolchain image trixie (gcc 12 miscompiles its glibc), and SL_TOOLCHAIN=host,bookworm leaves it out",
			start:   []string{"host", "bookworm"}, amd64In: []string{"", "bookworm"}},
		{name: "no start (mutants, bench)",
			skipped: "builds only in toolchain image trixie (gcc 12 miscompiles its glibc), and SL_TOOLCHAIN=host leaves it out",
			amd64In: []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked, real := false, engineAnswers
			engineAnswers = func(context.Context) error { asked = true; return tt.engine }
			t.Cleanup(func() { engineAnswers = real })
			pl, err := place(context.Background(), Options{Root: testkit.Root(t), Toolchains: tt.toolchains}, []arch.Port{sh4, amd64}, tt.autoStart)
			require.NoError(t, err)
			assert.Equal(t, tt.start, pl.toolchains())
			assert.Equal(t, tt.skipped, pl.skipped["sh4"])
			assert.Equal(t, tt.autoStart && len(tt.toolchains) == 0, asked, "the engine is asked only where it may start the image")
			for _, where := range []string{"", "bookworm", "trixie"} {
				assert.Equal(t, slices.Contains(tt.sh4In, where), pl.runsIn(sh4, where), "sh4 in %q", where)
				assert.Equal(t, slices.Contains(tt.amd64In, where), pl.runsIn(amd64, where), "amd64 in %q", where)
			}
			if tt.skipped != "" {
				assert.EqualError(t, pl.refuse(), "sh4 "+tt.skipped+": name one of its images in SL_TOOLCHAIN")
			} else {
				assert.NoError(t, pl.refuse())
			}
		})
	}
}

// An image the repository has no Dockerfile for is one line naming the
// port's data file.
func TestPlacementRefusesAnUnknownImage(t *testing.T) {
	p := arch.Port{Name: "sh4", Dir: "arch/sh4", Images: &arch.Images{Only: []string{"sid"}, Why: "x"}}
	_, err := place(context.Background(), Options{Root: testkit.Root(t)}, []arch.Port{p}, true)
	assert.EqualError(t, err, `arch/sh4/port.json: toolchain_images: no toolchain image "sid" (docker/sid/Dockerfile)`)
}

// On a host with no Docker engine, a default run of an image-only port next
// to one the host builds runs the other, and shows the first skipped with
// why in every report; it passes "with 1 skipped port", and strict mode
// fails it. Alone, it is one line saying nothing could run.
func TestImageOnlyPortIsSkippedWithoutAnEngine(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Copy(t, "go.mod", "arch", "core", "conformance", "docker")
	testkit.Edit(t, root, "arch/riscv64/port.json", func(s string) string {
		return strings.Replace(s, `"stack_area"`, `"toolchain_images": {"only": ["trixie"], "why": "a test's pretence"}, "stack_area"`, 1)
	})
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "docker.sock"))
	var out bytes.Buffer
	o := Options{Root: root, Ports: []string{"amd64", "riscv64"}, Builds: []string{"gcc-O2"}, Cases: "^switch_ping_pong$", OutDir: t.TempDir(), Out: &out}
	runs, err := Test(context.Background(), o)
	require.NoError(t, err, out.String())
	require.Len(t, runs, 2)
	assert.Equal(t, "amd64", runs[0].Port)
	assert.True(t, runs[0].OK())
	assert.Equal(t, "riscv64", runs[1].Port)
	assert.Contains(t, runs[1].Skipped, "builds only in toolchain image trixie (a test's pretence), and no Docker engine reachable at unix://")
	assert.Contains(t, out.String(), "skipped: riscv64: builds only in toolchain image trixie")
	assert.Contains(t, out.String(), "passed with 1 skipped port")
	report, err := os.ReadFile(filepath.Join(o.OutDir, "report.json"))
	require.NoError(t, err)
	assert.Contains(t, string(report), `"skipped": "builds only in toolchain image trixie`)

	o.Strict, o.OutDir = true, t.TempDir()
	_, err = Test(context.Background(), o)
	assert.EqualError(t, err, "conformance failed: SL_STRICT=1 counts 1 skipped port as failures")

	o.Strict, o.Ports = false, []string{"riscv64"}
	_, err = Test(context.Background(), o)
	require.Error(t, err)
	assert.Regexp(t, `^nothing to run: riscv64 builds only in toolchain image trixie \(a test's pretence\), and no Docker engine reachable at unix://\S+ \(from DOCKER_HOST\): .*; where one answers, this run starts trixie for it: name one of its images in SL_TOOLCHAIN$`, err.Error())
	assert.NotContains(t, err.Error(), "\n")
}

// A tree with no docker/ folder (a test's copy) has no image for the port:
// it is skipped, saying so, rather than stopping the run.
func TestPlacementWithoutToolchainImages(t *testing.T) {
	p := arch.Port{Name: "sh4", Dir: "arch/sh4", Images: &arch.Images{Only: []string{"trixie"}, Why: "x"}}
	pl, err := place(context.Background(), Options{Root: t.TempDir()}, []arch.Port{p, {Name: "amd64"}}, true)
	require.NoError(t, err)
	assert.Equal(t, "builds only in toolchain image trixie (x), and this tree has no docker/ folder to build one from", pl.skipped["sh4"])
	assert.Nil(t, pl.toolchains())
}
