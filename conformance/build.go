// Package conformance builds the C conformance runner for a port and build
// configuration, runs it through package qemu and parses what it reports.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/proc"
	"github.com/stackslice/stackslice/toolchain"
)

// Build is one build configuration of the runner.
type Build struct {
	Name     string
	Compiler toolchain.Compiler
	Flags    []string
	Default  bool // part of the quick default subset
	// HostOnly builds link dynamically against runtimes that exist only for
	// the host's own compiler (the sanitizers), so they run natively, on the
	// port named after the host's GOARCH, and nowhere else.
	HostOnly bool
}

// RunsFor tells whether b applies to port p on this host.
func (b Build) RunsFor(p arch.Port, forceQEMU bool) bool {
	return !b.HostOnly || (p.Name == runtime.GOARCH && !forceQEMU)
}

// Builds is the full matrix every port is tested in: the flag sets that
// broke real libraries (greenlet at -O2/-O3, with and without frame pointers,
// with the start-up function inlined) and a second compiler.
var Builds = []Build{
	{Name: "gcc-O0", Compiler: toolchain.GCC, Flags: []string{"-O0"}, Default: true},
	{Name: "gcc-O2", Compiler: toolchain.GCC, Flags: []string{"-O2"}, Default: true},
	{Name: "gcc-O3-lto", Compiler: toolchain.GCC, Flags: []string{"-O3", "-flto=auto"}},
	{Name: "gcc-O2-framepointer", Compiler: toolchain.GCC, Flags: []string{"-O2", "-fno-omit-frame-pointer"}},
	{Name: "clang-O2", Compiler: toolchain.Clang, Flags: []string{"-O2"}},
	// The copy routines are left uninstrumented on purpose (greenlet had to):
	// this build proves the rest of the core clean and leak-free.
	{Name: "gcc-asan-ubsan", Compiler: toolchain.GCC, HostOnly: true, Flags: []string{
		"-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"}},
}

// AllBuilds selects the full matrix in SelectBuilds.
const AllBuilds = "all"

// DefaultBuilds is the quick subset.
func DefaultBuilds() []Build {
	var builds []Build
	for _, b := range Builds {
		if b.Default {
			builds = append(builds, b)
		}
	}
	return builds
}

// SelectBuilds returns the named builds, each once, in the order given: the
// default subset when names is empty, the full matrix for "all" alone.
func SelectBuilds(names []string) ([]Build, error) {
	if len(names) == 0 {
		return DefaultBuilds(), nil
	}
	if slices.Contains(names, AllBuilds) {
		if len(names) > 1 {
			return nil, fmt.Errorf("builds %q: %q stands alone (it already means every build)", strings.Join(names, ","), AllBuilds)
		}
		return Builds, nil
	}
	var selected []Build
	for _, n := range names {
		i := slices.IndexFunc(Builds, func(b Build) bool { return b.Name == n })
		if i < 0 {
			known := make([]string, len(Builds))
			for i, b := range Builds {
				known[i] = b.Name
			}
			return nil, fmt.Errorf("unknown build %q (known builds: %s, or %s)", n, strings.Join(known, ", "), AllBuilds)
		}
		if !slices.ContainsFunc(selected, func(b Build) bool { return b.Name == n }) {
			selected = append(selected, Builds[i])
		}
	}
	return selected, nil
}

// Compilers are the compilers builds use, each once.
func Compilers(builds []Build) []toolchain.Compiler {
	var compilers []toolchain.Compiler
	for _, b := range builds {
		if !slices.Contains(compilers, b.Compiler) {
			compilers = append(compilers, b.Compiler)
		}
	}
	return compilers
}

// Sources lists the C sources of the runner, core and cases, under root.
func Sources(root string) ([]string, error) {
	var srcs []string
	for _, pattern := range []string{"core/*.c", "conformance/runner/*.c", "conformance/cases/*.c"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, m...)
	}
	sort.Strings(srcs)
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no C sources under %s", root)
	}
	return srcs, nil
}

// CompileCommand is the command line that builds the runner for p and b.
func CompileCommand(root string, p arch.Port, b Build, out string) ([]string, error) {
	srcs, err := Sources(root)
	if err != nil {
		return nil, err
	}
	cmd := b.Compiler.Command(p)
	if !b.HostOnly {
		cmd = append(cmd, "-static")
	}
	cmd = append(cmd, "-g", "-std=gnu11", "-Wall", "-Wextra", "-Werror")
	cmd = append(cmd, b.Flags...)
	cmd = append(cmd, "-I", filepath.Join(root, "core"), "-I", filepath.Join(root, "conformance", "cases"))
	cmd = append(cmd, srcs...)
	cmd = append(cmd, p.Sources()...)
	return append(cmd, "-o", out, "-lpthread", "-lm"), nil
}

// Compile builds the runner for p and b into outDir and returns its path.
func Compile(ctx context.Context, root string, p arch.Port, b Build, outDir string) (string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", outDir, err)
	}
	bin := filepath.Join(outDir, fmt.Sprintf("runner-%s-%s", p.Name, b.Name))
	argv, err := CompileCommand(root, p, b, bin)
	if err != nil {
		return "", err
	}
	// A stale binary must not pass for this build's output.
	if err := os.Remove(bin); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("removing the previous %s: %w", bin, err)
	}
	cmd := proc.Command(ctx, outDir, argv)
	out, err := cmd.CombinedOutput()
	proc.KillGroup(cmd)
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err != nil {
		return "", fmt.Errorf("%w %s %s: %v\n%s", ErrCompile, p.Name, b.Name, err, text.Tail(string(out), 30))
	}
	if err := toolchain.CheckExecutable(bin, !b.HostOnly); err != nil {
		return "", fmt.Errorf("%w %s %s: %s exited 0, but %v", ErrCompile, p.Name, b.Name, argv[0], err)
	}
	return bin, nil
}
