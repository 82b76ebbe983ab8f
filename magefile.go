//go:build mage

// The project's verbs. Each target is a thin call into a package; run them
// with `go run github.com/magefile/mage <target>` (no install needed), and
// `go run github.com/magefile/mage -h <target>` for a target's knobs.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/console"
	"github.com/stackslice/stackslice/harness"
	"github.com/stackslice/stackslice/lint"
	"github.com/stackslice/stackslice/proc"
	"github.com/stackslice/stackslice/scaffold"
	"github.com/stackslice/stackslice/toolchain"
)

// Test runs the conformance suite.
type Test mg.Namespace

// Port scaffolds new ports.
type Port mg.Namespace

// Docker manages the toolchain images.
type Docker mg.Namespace

// Prune removes the toolchain images (stackslice-toolchain:<release>-<hash>) that this checkout's Dockerfiles and package lists no longer produce.
func (Docker) Prune(ctx context.Context) error {
	o, err := options()
	if err != nil {
		return err
	}
	return harness.PruneImages(ctx, o)
}

// A launcher that died while mage still compiled this file (a SIGTERM to
// `go run github.com/magefile/mage`) stops every target before it starts.
func init() {
	if err := proc.OrphanedLauncher(os.Getpid()); err != nil {
		fmt.Fprintln(os.Stderr, "Error: not started:", err)
		os.Exit(1)
	}
}

// options reads the knobs the test targets share from the environment.
func options() (harness.Options, error) {
	o, err := harness.FromEnv(os.Getenv)
	o.Live = console.IsLive(os.Stdout)
	return o, err
}

// run runs the suite with the environment's knobs, adjusted by pick.
func run(ctx context.Context, pick func(*harness.Options)) error {
	o, err := options()
	if err != nil {
		return err
	}
	pick(&o)
	_, err = harness.Test(ctx, o)
	return err
}

// All runs every port in the default builds (gcc -O0 and -O2) and its examples, after proving each toolchain (installing what is missing).
//
// Knobs (environment): SL_CASES=<regexp> runs only the matching cases;
// SL_REPEAT=<n> runs them n times; SL_BUILDS=<build,...> or "all" picks
// builds (gcc-O0, gcc-O2, gcc-O3-lto, gcc-O2-framepointer, clang-O2,
// gcc-asan-ubsan); SL_FORCE_QEMU=1 (or true, yes) emulates even what the
// host runs natively; SL_OUT=<dir> is where report.json, junit.xml,
// summary.md and the binaries (under bin/) go (default out/; one run at a
// time per folder); SL_TOOLCHAIN=host|<image>[,<image>...] builds and runs
// inside toolchain images (docker/<image>/Dockerfile: bookworm, trixie,
// ubuntu-24.04) through the Docker engine DOCKER_HOST names, each a
// dimension of the matrix. With GITHUB_STEP_SUMMARY set, the summary is appended
// there. Progress lines update in place on a terminal, and are append-only
// when CI is set or output is not a terminal.
func (Test) All(ctx context.Context) error {
	return run(ctx, func(*harness.Options) {})
}

// Full runs every port in the full build matrix: gcc -O0, -O2, -O3 -flto, -O2 -fno-omit-frame-pointer, clang -O2, and the sanitizers on the host arch.
//
// The random programs of the model_* cases run ten times as many programs
// as in test:all. Takes the knobs of test:all, except SL_BUILDS.
func (Test) Full(ctx context.Context) error {
	return run(ctx, func(o *harness.Options) {
		o.Builds = []string{"all"}
		o.Thorough = true
	})
}

// Arch runs one port, named as its folder under arch/ (test:arch arm64), in the default builds.
//
// Takes the knobs of test:all.
func (Test) Arch(ctx context.Context, name string) error {
	return run(ctx, func(o *harness.Options) { o.Ports = []string{name} })
}

// Foreign runs foreign ports (foreign/<name>/port.json, and folders of SL_FOREIGN_PATH) through the suite: one by name, or "all" (test:foreign greenlet-arm64).
//
// A foreign port is someone else's switch on top of our port of its arch:
// an SLP-style header (greenlet's slp_switch) through foreign/adapter, or
// a source defining sl_arch_switch. Its declared gaps (not_claimed: only
// the FP control and status registers its base marks declarable) and
// unsupported builds are reported, never counted as passes, and the last
// line says how many ("passed with 2 declared gaps and 1 unsupported
// build"); SL_STRICT=1 fails such a run. Takes the knobs of test:all, and
// SL_FOREIGN_PATH (colon-separated folders).
func (Test) Foreign(ctx context.Context, name string) error {
	return run(ctx, func(o *harness.Options) { o.Foreign = []string{name} })
}

// Mutants checks that the suite kills every mutant of one port's switch.S, each dropping one register save or restore (test:mutants arm64, or a foreign port: test:mutants slp-example-arm64).
//
// A foreign port's C switch gets one mutant per clobber-list register the
// register canaries check (callee-saved; the other clobbers are named, not
// mutated) and per save or restore in its asm templates; survivors are
// named by register.
// test:mutants core plants the bugs of mutants/core.mutants in copies of
// core/slice.c instead, on the host's own port, each of which the suite
// must catch.
// A control run of the unmutated port comes first and must pass every case;
// a mutant counts as killed only when a case that passed there fails. Takes
// SL_BUILDS, SL_FORCE_QEMU, SL_OUT and SL_TOOLCHAIN.
func (Test) Mutants(ctx context.Context, name string) error {
	o, err := options()
	if err != nil {
		return err
	}
	o.Ports = []string{name}
	return harness.Mutants(ctx, o)
}

// New scaffolds arch/<name>/ for a new port: port.json, and switch.S and probe.S templates that fail the suite until written (port:new mips64le).
//
// The triple, compiler and QEMU binary come from SL_TRIPLE, SL_CC, SL_QEMU
// and SL_QEMU_CPU, the other fields from SL_PREDEFINED, SL_ABI,
// SL_STACK_AREA, SL_FP_ROUNDING, SL_STACK_GROWS, SL_TOOLCHAIN_IMAGES and
// SL_TOOLCHAIN_IMAGES_WHY; on a terminal, whatever is missing is asked for.
func (Port) New(ctx context.Context, name string) error {
	root, err := harness.Root()
	if err != nil {
		return err
	}
	if err := scaffold.CheckFree(root, name); err != nil {
		return err
	}
	spec := scaffold.FromEnv(name, os.Getenv)
	if console.IsLive(os.Stdin) {
		if spec, err = scaffold.Ask(os.Stdin, os.Stdout, root, spec); err != nil {
			return err
		}
	}
	notes, err := scaffold.CheckExclusive(ctx, root, spec, toolchain.Predefines)
	if err != nil {
		return err
	}
	for _, note := range notes {
		fmt.Println(note)
	}
	dir, err := scaffold.New(root, spec)
	if err != nil {
		return err
	}
	fmt.Printf("scaffolded %s: fill in switch.S and probe.S, then run `go run github.com/magefile/mage test:arch %s`\n", dir, name)
	return nil
}

// List prints the ports' names as a JSON array, from arch/*/port.json: the CI workflow's matrix.
func (Port) List() error {
	return harness.WritePortList(harness.Options{})
}

// Select rewrites arch/switch.S, which picks the port the compiler targets, from every arch/<name>/port.json (port:new does it for the port it adds).
func (Port) Select() error {
	root, err := harness.Root()
	if err != nil {
		return err
	}
	return arch.WriteSelector(filepath.Join(root, "arch"))
}

// Lib builds the C library of one port, or of every port with "all", into SL_OUT/lib/<arch>/: libstackslice.a, include/slice.h and a relocatable stackslice.pc (lib riscv64, lib all).
//
// A C project then builds with
// PKG_CONFIG_PATH=out/lib/<arch> cc $(pkg-config --cflags stackslice) prog.c $(pkg-config --libs --static stackslice).
func Lib(ctx context.Context, which string) error {
	o, err := options()
	if err != nil {
		return err
	}
	_, err = harness.Lib(ctx, o, which)
	return err
}

// Install installs the host's C library under PREFIX (default /usr/local): lib/libstackslice.a, include/slice.h, lib/pkgconfig/stackslice.pc.
func Install(ctx context.Context) error {
	o, err := options()
	if err != nil {
		return err
	}
	prefix := os.Getenv("PREFIX")
	if prefix == "" {
		prefix = "/usr/local"
	}
	return harness.Install(ctx, o, prefix)
}

// Lint checks gofmt, go vet, the GitHub workflows (actionlint), that the generated arch/switch.S and ports table are current, and that the docs' links, anchors, knob and target tables hold.
func Lint(ctx context.Context) error {
	root, err := harness.Root()
	if err != nil {
		return err
	}
	return lint.All(ctx, root, os.Stdout)
}

// Setup installs what every port needs (cross compilers with their C libraries, clang, qemu-user) with apt-get, as root or through password-less sudo, and proves it.
//
// With SL_TOOLCHAIN=<image>[,...], it builds those toolchain images instead and proves them.
func Setup(ctx context.Context) error {
	o, err := options()
	if err != nil {
		return err
	}
	return harness.Setup(ctx, o)
}

// Doctor proves every port's toolchain without installing anything: it compiles, statically links and runs a small pthreads program for each port and compiler, natively or under QEMU, and prints a table.
//
// Takes SL_FORCE_QEMU and SL_TOOLCHAIN (the images' tables, one each).
func Doctor(ctx context.Context) error {
	o, err := options()
	if err != nil {
		return err
	}
	return harness.Doctor(ctx, o)
}

// Bench measures the cost of a switch on every port: stackslice at slice sizes from 0 to 128 KiB against libaco's copy-stack mode (386, amd64), boost.context fcontext, swapcontext, memcpy of the same bytes and greenlet, with instructions per switch; writes bench.json and bench.svg to SL_OUT.
//
// Natively on the host's arch (the only speed figures), under QEMU on the
// others (instruction counts and relative figures only; times there are
// labelled emulated). Each time is the minimum of 10 interleaved runs, with
// the spread. SL_BENCH_QUICK=1 runs short measurements (CI);
// SL_BENCH_PORTS=<name,...> picks ports; SL_BENCH_RECORD=1 writes the
// instruction counts to bench/baseline.json. Fails when a count rises more
// than 5% above that baseline or a steady-state switch allocates; timings
// never fail it. Takes SL_FORCE_QEMU and SL_OUT.
func Bench(ctx context.Context) error {
	o, err := options()
	if err != nil {
		return err
	}
	bo, err := harness.BenchFromEnv(os.Getenv, &o)
	if err != nil {
		return err
	}
	_, err = harness.Bench(ctx, o, bo)
	return err
}

// Docs rewrites the README's ports table from arch/*/port.json and each port's switch.S (mage lint fails while it is stale).
func Docs() error {
	root, err := harness.Root()
	if err != nil {
		return err
	}
	return lint.WritePortsTable(root)
}
