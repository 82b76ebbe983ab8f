package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/bench"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/library"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

// fakeImage stands for a toolchain image: it records every command and
// runs none (each fails with status 1).
type fakeImage struct {
	mu    sync.Mutex
	argvs [][]string
}

func (*fakeImage) Toolchain() string                      { return "fake" }
func (*fakeImage) ID() string                             { return "fake-image" }
func (*fakeImage) Platform() (string, string)             { return "linux", runtime.GOARCH }
func (*fakeImage) LookPath(context.Context, string) error { return nil }
func (*fakeImage) TempDir() string                        { return os.TempDir() }
func (f *fakeImage) Run(_ context.Context, s executor.Spec) (executor.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.argvs = append(f.argvs, s.Argv)
	return executor.Status{ExitCode: 1}, nil
}

func (f *fakeImage) ran(program string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.ContainsFunc(f.argvs, func(argv []string) bool { return argv[0] == program })
}

// hostShims puts a shim in front of every compiler and QEMU the ports name,
// recording each call and failing it, and returns what they recorded.
func hostShims(t *testing.T, ports []arch.Port) func() string {
	dir := t.TempDir()
	log := filepath.Join(dir, "called")
	tools := []string{"gcc", "cc", "clang", "pkg-config"}
	for _, p := range ports {
		tools = append(tools, toolchain.GCC.Command(p)[0], toolchain.Clang.Command(p)[0], p.QEMU)
	}
	for _, tool := range tools {
		script := "#!/bin/sh\necho \"" + tool + " $*\" >> " + log + "\nexit 1\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, tool), []byte(script), 0o755))
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() string {
		data, _ := os.ReadFile(log)
		_ = os.Remove(log)
		return string(data)
	}
}

// Every step that compiles or runs goes to the executor it was given: a
// run meant for a toolchain image never runs a compiler on the host, and
// one given none where the harness expects one fails naming that, rather
// than running on the host.
func TestAToolchainImageRunNeverRunsACompilerOnTheHost(t *testing.T) {
	root := testkit.Root(t)
	ports := toolchaintest.Ports(t, root)
	host, err := library.HostPort(ports, runtime.GOARCH)
	require.NoError(t, err)
	called := hostShims(t, ports)
	steps := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"conformance", func(ctx context.Context) error {
			return conformance.RunSuite(ctx, root, host, build.Default()[0], conformance.Options{OutDir: t.TempDir()}).Err
		}},
		{"examples", func(ctx context.Context) error {
			return library.RunExamples(ctx, root, host, library.Options{LibDir: t.TempDir(), BinDir: t.TempDir()}).Err
		}},
		{"library", func(ctx context.Context) error {
			return library.Build(ctx, root, host, library.InDir(t.TempDir()), t.TempDir())
		}},
		{"bench", func(ctx context.Context) error {
			_, err := bench.Run(ctx, []arch.Port{host}, runtime.GOARCH, bench.Options{Root: root, BinDir: t.TempDir(), Quick: true})
			return err
		}},
		{"doctor", func(ctx context.Context) error {
			r := toolchain.Doctor(ctx, []arch.Port{host}, []toolchain.Compiler{toolchain.GCC}, qemu.Options{})
			if r[0].Problem == nil {
				return nil
			}
			return errors.New(r[0].Problem.Detail)
		}},
	}
	for _, step := range steps {
		t.Run(step.name+" in an image", func(t *testing.T) {
			image := &fakeImage{}
			err := step.run(executor.With(executor.Expect(context.Background()), image))
			require.Error(t, err, "every command of the fake image fails")
			assert.True(t, image.ran(toolchain.GCC.Command(host)[0]), "the image got the compiler: %q", image.argvs)
			assert.Empty(t, called(), "the host ran a tool")
		})
		t.Run(step.name+" with no executor", func(t *testing.T) {
			err := step.run(executor.Expect(context.Background()))
			require.Error(t, err)
			assert.Contains(t, err.Error(), executor.ErrMissing.Error())
			assert.Empty(t, called(), "the host ran a tool")
		})
	}
}

// A verb that runs in one place names the toolchains it was given rather
// than use the first; one that builds for this machine refuses an image.
func TestOneToolchainVerbsRefuseMore(t *testing.T) {
	two := &toolchains{list: []executor.Executor{executor.Host{}, &fakeImage{}}}
	_, err := two.only("the benchmark")
	assert.EqualError(t, err, "the benchmark runs in one toolchain at a time; SL_TOOLCHAIN names 2 (host, fake)")
	one := &toolchains{list: []executor.Executor{&fakeImage{}}}
	ex, err := one.only("the benchmark")
	require.NoError(t, err)
	assert.Equal(t, "fake", ex.Toolchain())

	_, err = onTheHost(context.Background(), Options{Toolchains: []string{"trixie"}}, "lib")
	assert.EqualError(t, err, "lib builds with the host's compilers; SL_TOOLCHAIN=trixie asks for a toolchain image, which it does not use")
	ctx, err := onTheHost(executor.Expect(context.Background()), Options{Toolchains: []string{"host"}}, "lib")
	require.NoError(t, err)
	assert.Equal(t, executor.Host{}, executor.From(ctx), "the host, chosen")
}
