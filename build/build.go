// Package build compiles C for a port and a build configuration: the
// builds matrix every port is tested in (Build, Matrix, Select) and the
// driver (Compile) that turns a Program's sources into one static binary
// through the executor of the context, with an object cache. The
// conformance runner, the benchmark and the mutation check compile
// through it; what a program means is theirs.
package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/text"
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
	return !b.HostOnly || (p.Arch() == runtime.GOARCH && !forceQEMU)
}

// Matrix is the full set of builds every port is tested in: the flag sets that
// broke real libraries (greenlet at -O2/-O3, with and without frame pointers,
// with the start-up function inlined) and a second compiler.
var Matrix = []Build{
	{Name: "gcc-O0", Compiler: toolchain.GCC, Flags: []string{"-O0"}, Default: true},
	{Name: "gcc-O2", Compiler: toolchain.GCC, Flags: []string{"-O2"}, Default: true},
	{Name: "gcc-O3-lto", Compiler: toolchain.GCC, Flags: []string{"-O3", "-flto=auto"}},
	{Name: "gcc-O2-framepointer", Compiler: toolchain.GCC, Flags: []string{"-O2", "-fno-omit-frame-pointer"}},
	{Name: "clang-O2", Compiler: toolchain.Clang, Flags: []string{"-O2"}},
	// The copy routines are left uninstrumented on purpose (greenlet had to):
	// this build proves the rest of the core clean and leak-free. Locals must
	// live on the thread's stack, which is what a slice copies: ASan's fake
	// stacks for use-after-return detection (on by default in gcc 14's
	// runtime) move them to the heap, and every switch then lands on a stale
	// stack, so they are compiled out.
	{Name: "gcc-asan-ubsan", Compiler: toolchain.GCC, HostOnly: true, Flags: []string{
		"-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer",
		"--param=asan-use-after-return=0"}},
}

// Absent says why a port has no run in a build that others have: "host
// only" for a build that runs on the host's own arch alone, else "".
func Absent(build string) string {
	for _, b := range Matrix {
		if b.Name == build && b.HostOnly {
			return "host only"
		}
	}
	return ""
}

// All selects the full matrix in Select.
const All = "all"

// Default is the quick subset.
func Default() []Build {
	var builds []Build
	for _, b := range Matrix {
		if b.Default {
			builds = append(builds, b)
		}
	}
	return builds
}

// Select returns the named builds, each once, in the order given: the
// default subset when names is empty, the full matrix for "all" alone.
func Select(names []string) ([]Build, error) {
	if len(names) == 0 {
		return Default(), nil
	}
	if slices.Contains(names, All) {
		if len(names) > 1 {
			return nil, fmt.Errorf("builds %q: %q stands alone (it already means every build)", strings.Join(names, ","), All)
		}
		return Matrix, nil
	}
	var selected []Build
	for _, n := range names {
		i := slices.IndexFunc(Matrix, func(b Build) bool { return b.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown build %q (known builds: %s, or %s)", n, strings.Join(Names(), ", "), All)
		}
		if !slices.ContainsFunc(selected, func(b Build) bool { return b.Name == n }) {
			selected = append(selected, Matrix[i])
		}
	}
	return selected, nil
}

// Names are the names of the matrix's builds, in its order.
func Names() []string {
	names := make([]string, len(Matrix))
	for i, b := range Matrix {
		names[i] = b.Name
	}
	return names
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

// compileFlags are the flags every source of prog is compiled with: the
// port's and the build's, the core's headers and prog's include folders on
// the path, and prog's macros.
func compileFlags(root string, p arch.Port, b Build, prog Program) []string {
	flags := []string{"-g", "-std=gnu11", "-Wall", "-Wextra", "-Werror"}
	flags = append(append(flags, p.CompileFlags()...), b.Flags...)
	for _, dir := range append([]string{filepath.Join(root, "core")}, prog.Includes...) {
		flags = append(flags, "-I", dir)
	}
	for _, d := range append(p.CoreDefines(), prog.Defines...) {
		flags = append(flags, "-D"+d)
	}
	return flags
}

// Program is a target program built from the core: its name, its sources
// (the core's and the port's among them), the folders its sources include
// from besides the core, and what it links besides.
type Program struct {
	Name     string
	Sources  []string
	Includes []string // -I folders after the core's; their headers key the object cache
	Defines  []string // -D flags, without the -D
	Libs     []string // archives or -l flags, after the objects
	// SourceFlags are flags of single sources, after the common ones
	// (another project's code, not held to our warnings).
	SourceFlags map[string][]string
}

// ErrCompile is the error of a program that did not compile or link.
var ErrCompile = errors.New("compiling")

// Compile builds prog for p and b into outDir as <name>-<port>-<build> and
// returns its path. Each source is compiled on its own into an object kept
// in cacheDir (outDir when empty) under the hash of everything it depends
// on: the command, the source and the headers it may include. A rebuild
// that changes one file (a mutant of switch.S) compiles that file only,
// then links.
func Compile(ctx context.Context, root string, p arch.Port, b Build, prog Program, outDir, cacheDir string) (string, error) {
	if cacheDir == "" {
		cacheDir = outDir
	}
	for _, dir := range []string{outDir, cacheDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("creating %s: %w", dir, err)
		}
	}
	bin := filepath.Join(outDir, fmt.Sprintf("%s-%s-%s", prog.Name, p.Name, b.Name))
	// A stale binary must not pass for this build's output.
	if err := os.Remove(bin); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("removing the previous %s: %w", bin, err)
	}
	srcs := prog.Sources
	compiler := b.Compiler.Command(p)
	flags := compileFlags(root, p, b, prog)
	headers, err := headerDigest(root, p, prog.Includes)
	if err != nil {
		return "", err
	}
	var objs, failed []string
	for _, src := range srcs {
		srcFlags := append(append(slices.Clone(flags), p.SourceFlags(src)...), prog.SourceFlags[src]...)
		obj, out, err := compileObject(ctx, cacheDir, compiler, srcFlags, src, headers)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v\n%s", src, err, text.Ends(out, 15)))
			continue
		}
		objs = append(objs, obj)
	}
	if len(failed) > 0 {
		return "", fmt.Errorf("%w %s %s: %s", ErrCompile, p.Name, b.Name, strings.Join(failed, "\n"))
	}
	link := append(append(append([]string{}, compiler...), p.CompileFlags()...), b.Flags...)
	if !b.HostOnly {
		link = append(link, "-static")
	}
	link = append(append(append(append(append(link, p.LinkFlags()...), "-g"), objs...), prog.Libs...), "-o", bin, "-lpthread", "-lm")
	if out, err := run(ctx, outDir, link); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("%w %s %s: linking: %v\n%s", ErrCompile, p.Name, b.Name, err, text.Ends(out, 15))
	}
	if err := toolchain.CheckExecutable(bin, !b.HostOnly); err != nil {
		return "", fmt.Errorf("%w %s %s: %s exited 0, but %v", ErrCompile, p.Name, b.Name, compiler[0], err)
	}
	return bin, nil
}

// headerDigest hashes what a source may include: the headers of the core
// and of the include folders, the other files of the port's folder, and
// what a foreign port's switch sources read (the SLP header the adapter
// includes).
func headerDigest(root string, p arch.Port, includes []string) (string, error) {
	// Group by group, each in its own order: where the tree and the port's
	// folder lie must not change the digest (a sorted list of whole paths
	// put a port folder under /tmp after /root's headers and before
	// /work's).
	var files []string
	for _, dir := range append([]string{filepath.Join(root, "core")}, includes...) {
		m, err := filepath.Glob(filepath.Join(dir, "*.h"))
		if err != nil {
			return "", err
		}
		files = append(files, m...) // Glob sorts
	}
	entries, err := os.ReadDir(p.Dir)
	if err != nil {
		return "", fmt.Errorf("port %s: %w", p.Name, err)
	}
	for _, e := range entries { // ReadDir sorts by name
		// The port's sources are hashed as sources, not as what others include.
		path := filepath.Join(p.Dir, e.Name())
		if !e.IsDir() && !slices.Contains(p.Sources(), path) && e.Name() != arch.DataFile {
			files = append(files, path)
		}
	}
	files = append(files, p.Inputs()...)
	h := sha256.New()
	for _, f := range files {
		data, err := inputfile.Read(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(f), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// compileObject compiles src unless an object of the same command, source
// and headers is cached, and returns the object. Objects appear whole or
// not at all, so runs sharing the cache never see half of one.
func compileObject(ctx context.Context, cacheDir string, compiler, flags []string, src, headers string) (obj, out string, err error) {
	data, err := inputfile.Read(src)
	if err != nil {
		return "", "", err
	}
	h := sha256.New()
	// The same command line means another compiler under another toolchain.
	fmt.Fprintf(h, "%s\x00%q\x00%q\x00%s\x00%s\x00", executor.From(ctx).ID(), compiler, flags, filepath.Ext(src), headers)
	h.Write(data)
	obj = filepath.Join(cacheDir, hex.EncodeToString(h.Sum(nil))[:32]+".o")
	if _, err := os.Stat(obj); err == nil {
		return obj, "", nil
	}
	tmp, err := os.CreateTemp(cacheDir, ".obj-*.o")
	if err != nil {
		return "", "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	argv := append(append(append([]string{}, compiler...), flags...), "-c", src, "-o", tmp.Name())
	if out, err := run(ctx, cacheDir, argv); err != nil {
		return "", out, err
	}
	return obj, "", os.Rename(tmp.Name(), obj)
}

func run(ctx context.Context, dir string, argv []string) (string, error) {
	return toolchain.Build(ctx, dir, argv)
}

// UnsupportedCompiler is why port p declares every build of compiler c
// unsupported, the reasons of those builds, or "" when some build of c is
// not declared (toolchain.Options.Unsupported): a compiler that cannot
// target the port at all (clang 14 for alpha) then fails no toolchain check.
func UnsupportedCompiler(p arch.Port, c toolchain.Compiler) string {
	var reasons []string
	for _, b := range Matrix {
		if b.Compiler != c || !b.RunsFor(p, true) {
			continue
		}
		why, _, ok := p.Unsupported(b.Name)
		if !ok {
			return ""
		}
		if !slices.Contains(reasons, why) {
			reasons = append(reasons, why)
		}
	}
	return strings.Join(reasons, "; ")
}
