package library

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

func TestVersionComesFromTheHeader(t *testing.T) {
	v, err := Version(testkit.Root(t))
	require.NoError(t, err)
	assert.Regexp(t, `^\d+\.\d+$`, v)
	_, err = Version(t.TempDir())
	assert.Error(t, err)
}

func TestPkgConfigFiles(t *testing.T) {
	p := arch.Port{Name: "toy"}
	assert.Equal(t, `prefix=${pcfiledir}
libdir=${prefix}
includedir=${prefix}/include

Name: stackslice
Description: greenlet-style stack-slicing coroutines (toy port)
Version: 1.2
Cflags: -I${includedir}
Libs: -L${libdir} -lstackslice
Libs.private: -lpthread
`, pkgConfig(InDir("/out/lib/toy"), p, "1.2"))
	installed := pkgConfig(Installed("/opt/sl"), p, "1.2")
	assert.True(t, strings.HasPrefix(installed, "prefix=/opt/sl\nlibdir=${prefix}/lib\nincludedir=${prefix}/include\n"), installed)
}

// The core builds with one line on every arch: arch/switch.S picks the
// port by the compiler's predefined macros. The selector is the one the
// ports' data files make (mage lint checks that the committed one is).
// A port that builds only in a toolchain image is left out: the host's
// compiler for it is known to be wrong.
func TestOneLineBuildOnEveryArch(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Copy(t, "go.mod", "arch", "core", "examples")
	require.NoError(t, arch.WriteSelector(filepath.Join(root, "arch")))
	cores, err := filepath.Glob(filepath.Join(root, "core", "*.c"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(root, "examples", "generator.out"))
	require.NoError(t, err)
	all := toolchaintest.HostPorts(t, root)
	toolchaintest.NeedToolchains(t, all...)
	for _, p := range all {
		t.Run(p.Name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "generator")
			// The README's line, with what it says a port adds: its
			// port.json cflags and ldflags, and an upward stack's define.
			args := append([]string{"-static", "-I" + filepath.Join(root, "core")}, p.CompileFlags()...)
			args = append(args, p.LinkFlags()...)
			for _, d := range p.CoreDefines() {
				args = append(args, "-D"+d)
			}
			args = append(args, cores...)
			args = append(args, filepath.Join(root, "arch", "switch.S"), filepath.Join(root, "examples", "generator.c"), "-o", bin, "-lpthread")
			out, err := exec.Command(p.CC, args...).CombinedOutput()
			require.NoError(t, err, "%s", out)
			res, err := qemu.Run(context.Background(), qemu.For(context.Background(), p, qemu.Options{}), bin, nil, time.Minute)
			require.NoError(t, err)
			assert.Equal(t, string(want), res.Stdout, res.Describe())
		})
	}
}

// A target no port matches (a 16-bit microcontroller, never a port) stops
// at one clear #error.
func TestUnknownArchStopsWithOneError(t *testing.T) {
	testkit.Integration(t)
	toolchaintest.Need(t, toolchain.ClangTool)
	root := testkit.Root(t)
	out, err := exec.Command("clang", "--target=msp430-none-elf", "-c", filepath.Join(root, "arch", "switch.S"),
		"-o", filepath.Join(t.TempDir(), "switch.o")).CombinedOutput()
	require.Error(t, err)
	var errorLines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "error:") {
			errorLines = append(errorLines, line)
		}
	}
	require.Len(t, errorLines, 1, "%s", out)
	assert.Contains(t, errorLines[0], "stackslice has no port for this target")
}

// The examples build through the library and its pkg-config file and run,
// natively and under QEMU; one that prints other than its .out fails.
func TestRunExamples(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Copy(t, "go.mod", "arch", "core", "examples")
	testkit.Edit(t, root, "examples/pipeline.out", func(s string) string {
		return strings.Replace(s, "39 letters in all", "40 letters in all", 1)
	})
	toolchaintest.Need(t, PkgConfig)
	for _, name := range []string{runtime.GOARCH, "riscv64"} {
		var p arch.Port
		for _, q := range toolchaintest.Ports(t, root) {
			if q.Name == name {
				p = q
			}
		}
		toolchaintest.NeedToolchains(t, p)
		out := t.TempDir()
		run := RunExamples(context.Background(), root, p, Options{LibDir: filepath.Join(out, "lib"), BinDir: out})
		require.NoError(t, run.Err, name)
		require.Len(t, run.Cases, 2, name)
		gen, pipe := run.Cases[0], run.Cases[1]
		assert.Equal(t, "example_generator", gen.Name)
		assert.Equal(t, conformance.Pass, gen.Status, "%s: %s", name, gen.Reason)
		assert.Equal(t, conformance.Fail, pipe.Status, name)
		assert.Equal(t, `printed other than examples/pipeline.out: line 10 is "producer: 39 letters in all", want "producer: 40 letters in all"`, pipe.Reason)
		assert.FileExists(t, filepath.Join(out, "lib", name, "stackslice.pc"))
	}
}

// fakeTools puts toy-gcc (writes its -o file) and toy-ar (writes the
// archive, or fails when arFails) first on PATH: no compiler runs.
func fakeTools(t *testing.T, arFails bool) arch.Port {
	bin := t.TempDir()
	cc := "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && { echo object > \"$2\"; exit 0; }; shift; done\nexit 1\n"
	ar := "#!/bin/sh\necho \"archive of $# files\" > \"$2\"\n"
	if arFails {
		ar = "#!/bin/sh\necho 'toy-ar: disk full' >&2\nexit 1\n"
	}
	require.NoError(t, os.WriteFile(filepath.Join(bin, "toy-gcc"), []byte(cc), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "toy-ar"), []byte(ar), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return arch.Port{Name: "toy", CC: "toy-gcc", Triple: "toy", Dir: filepath.Join(testkit.Root(t), "arch", runtime.GOARCH)}
}

// A reinstall whose archiver fails leaves the previous install whole: the
// library, its header and its .pc as they were (the old library was
// deleted while the header and .pc stayed).
func TestAFailedBuildLeavesThePreviousSetWhole(t *testing.T) {
	root := testkit.Root(t)
	l := Installed(t.TempDir())
	require.NoError(t, Build(context.Background(), root, fakeTools(t, false), l, t.TempDir()))
	before := map[string]string{}
	for _, f := range l.Files() {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		before[f] = string(data)
	}
	err := Build(context.Background(), root, fakeTools(t, true), l, t.TempDir())
	require.ErrorContains(t, err, "toy library: toy-ar: ")
	for _, f := range l.Files() {
		data, err := os.ReadFile(f)
		require.NoError(t, err, "the previous %s is still there", f)
		assert.Equal(t, before[f], string(data))
		leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(f), ".*.new-*"))
		assert.Empty(t, leftovers)
	}
	require.NoError(t, l.Remove())
	for _, f := range l.Files() {
		assert.NoFileExists(t, f)
	}
	assert.NoError(t, l.Remove(), "removing what is gone is no error")
}
