package library

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
)

// ExamplesBuild names the examples' column in the matrix and reports.
const ExamplesBuild = "examples"

// PkgConfig is the tool the examples build through.
var PkgConfig = toolchain.Tool{Binary: "pkg-config", Package: "pkg-config"}

// Options say where the library and the examples go and how they run.
type Options struct {
	LibDir string // the library for port p goes to LibDir/<p>/
	BinDir string // objects and example binaries
	QEMU   qemu.Options
}

// RunExamples builds the library for p, builds each examples/<name>.c
// against it through its pkg-config file, as a user would, runs it natively
// or under QEMU and compares what it prints with examples/<name>.out. Each
// example is a case of the run.
func RunExamples(ctx context.Context, root string, p arch.Port, o Options) (run conformance.Run) {
	start := time.Now()
	backend := qemu.For(ctx, p, o.QEMU)
	run = conformance.NewRun(ctx, p, build.Build{Name: ExamplesBuild, Compiler: toolchain.GCC}, backend)
	defer func() { run.Duration = time.Since(start) }()
	libDir := filepath.Join(o.LibDir, p.Name)
	if err := Build(ctx, root, p, InDir(libDir), filepath.Join(o.BinDir, "lib-"+p.Name)); err != nil {
		run.Err = fmt.Errorf("%w %s: %v", build.ErrCompile, p.Name, err)
		return run
	}
	srcs, err := filepath.Glob(filepath.Join(root, "examples", "*.c"))
	if err != nil || len(srcs) == 0 {
		run.Err = fmt.Errorf("no examples under %s", filepath.Join(root, "examples"))
		return run
	}
	for _, src := range srcs {
		c := runExample(ctx, root, p, backend, libDir, o, src)
		if ctx.Err() != nil {
			run.Err = fmt.Errorf("%w (%v)", conformance.ErrInterrupted, context.Cause(ctx))
			run.Cases = nil
			return run
		}
		run.Cases = append(run.Cases, c)
	}
	return run
}

func runExample(ctx context.Context, root string, p arch.Port, backend qemu.Backend, libDir string, o Options, src string) conformance.CaseResult {
	name := strings.TrimSuffix(filepath.Base(src), ".c")
	c := conformance.CaseResult{Name: "example_" + name, Iteration: 1, Status: conformance.Fail}
	start := time.Now()
	defer func() { c.Duration = time.Since(start) }()
	flags, err := pkgConfigFlags(ctx, libDir)
	if err != nil {
		c.Reason = err.Error()
		return c
	}
	bin := filepath.Join(o.BinDir, fmt.Sprintf("example-%s-%s", p.Name, name))
	// Flags as pkg-config gives them: compile flags before the source, link
	// flags after it.
	argv := append(append(append(append(append([]string{}, toolchain.GCC.Command(p)...), p.CompileFlags()...), "-static", "-O2"), flags.cflags...), src)
	argv = append(append(append(argv, flags.libs...), p.LinkFlags()...), "-o", bin)
	if err := run(ctx, o.BinDir, argv); err != nil {
		c.Reason = "building: " + err.Error()
		return c
	}
	res, err := qemu.Run(ctx, backend, bin, nil, time.Minute)
	if err != nil {
		c.Reason = err.Error()
		return c
	}
	c.Output = text.Printable(text.Tail(res.Stdout+res.Stderr, conformance.OutputLines)) + "\n"
	want, err := inputfile.Read(strings.TrimSuffix(src, ".c") + ".out")
	switch {
	case err != nil:
		c.Reason = fmt.Sprintf("no expected output: %v", err)
	case res.Failed():
		c.Reason = res.Describe()
	case res.Stdout != string(want):
		c.Reason = "printed other than " + filepath.Join("examples", name+".out") + ": " + firstDifference(res.Stdout, string(want))
	default:
		c.Status, c.Reason = conformance.Pass, ""
	}
	return c
}

type buildFlags struct{ cflags, libs []string }

// pkgConfigFlags asks pkg-config, and no other place, for the library in dir.
func pkgConfigFlags(ctx context.Context, dir string) (buildFlags, error) {
	var f buildFlags
	for _, q := range []struct {
		arg  string
		into *[]string
	}{{"--cflags", &f.cflags}, {"--libs", &f.libs}} {
		var stdout, stderr bytes.Buffer
		st, err := executor.From(ctx).Run(ctx, executor.Spec{Argv: []string{PkgConfig.Binary, "--static", q.arg, Name}, Dir: dir,
			Env: []string{"PKG_CONFIG_PATH=" + dir, "PKG_CONFIG_LIBDIR=" + dir}, Stdout: &stdout, Stderr: &stderr})
		if err == nil {
			err = st.Err()
		}
		if err != nil {
			return f, fmt.Errorf("pkg-config %s %s: %s", q.arg, Name, toolchain.FirstError(stderr.String(), err))
		}
		*q.into = strings.Fields(stdout.String())
	}
	return f, nil
}

// firstDifference names the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %q, want %q", i+1, text.Printable(gl), wl)
		}
	}
	return "they differ"
}
