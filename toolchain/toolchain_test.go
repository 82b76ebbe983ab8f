package toolchain

import (
	"context"
	"errors"
	"io"
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
	"github.com/stackslice/stackslice/qemu"
)

func TestPackages(t *testing.T) {
	cross := arch.Port{Name: "toy", Packages: []string{"gcc-toy-linux-gnu", "libc6-dev-toy-cross"}}
	host := arch.Port{Name: runtime.GOARCH, Packages: []string{"gcc-host-cross", "libc6-dev-host-cross"}}
	tests := []struct {
		port     arch.Port
		compiler Compiler
		emulated bool
		want     []string
	}{
		{cross, GCC, true, []string{"gcc-toy-linux-gnu", "libc6-dev-toy-cross", QEMUPackage}},
		{cross, Clang, false, []string{"gcc-toy-linux-gnu", "libc6-dev-toy-cross", ClangPackage}},
		{host, GCC, false, NativePackages},
		{host, Clang, true, append(append([]string{}, NativePackages...), ClangPackage, QEMUPackage)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Packages(tt.port, runtime.GOARCH, tt.compiler, tt.emulated), "%s %s", tt.port.Name, tt.compiler)
	}
	assert.Equal(t, []string{"gcc-toy-linux-gnu", "libc6-dev-toy-cross"}, cross.Packages, "the port is not changed")
	assert.Equal(t, NativePackages, Packages(cross, "toy", GCC, false), "native where the machine is of the port's arch")
	foreign := arch.Port{Name: "theirs", Foreign: &arch.Foreign{Base: "toy"}, Packages: cross.Packages}
	assert.Equal(t, NativePackages, Packages(foreign, "toy", GCC, false), "a foreign port by its base")
}

func TestInstallCommand(t *testing.T) {
	assert.Equal(t, "apt-get update && apt-get install -y --no-install-recommends a b", InstallCommand([]string{"a", "b"}))
}

func TestFirstError(t *testing.T) {
	tests := []struct{ out, want string }{
		{"In file included from /usr/include/stdio.h:27,\n                 from doctor.c:4:\n/usr/include/features.h:1: fatal error: bits/libc-header-start.h: No such file or directory\ncompilation terminated.\n",
			"/usr/include/features.h:1: fatal error: bits/libc-header-start.h: No such file or directory"},
		{"/usr/bin/ld: cannot find crt1.o: No such file or directory\ncollect2: error: ld returned 1 exit status\n",
			"/usr/bin/ld: cannot find crt1.o: No such file or directory"},
		{"/usr/bin/ld: doctor.o: in function `main':\ndoctor.c:(.text+0x1): undefined reference to `pthread_create'\n",
			"doctor.c:(.text+0x1): undefined reference to `pthread_create'"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FirstError(tt.out, nil))
	}
	assert.Equal(t, "exit status 1", FirstError("\n", errors.New("exit status 1")))
}

// fakeHost puts scripts on PATH for a port "toy" that the host does not run:
// toy-gcc and qemu-toy. By default they wrap the host's gcc and run the
// binary natively, so the check passes; each test breaks one of them.
type fakeHost struct {
	t   *testing.T
	bin string
}

func newFakeHost(t *testing.T) fakeHost {
	if testing.Short() {
		t.Skip("builds with the host's gcc")
	}
	h := fakeHost{t: t, bin: t.TempDir()}
	h.script("toy-gcc", `exec gcc "$@"`)
	h.script("qemu-toy", `[ "$1" = --version ] && { echo "qemu-toy version 9.9.9"; exit 0; }; shift 2; exec "$@"`)
	t.Setenv("PATH", h.bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return h
}

func (h fakeHost) script(name, body string) {
	require.NoError(h.t, os.WriteFile(filepath.Join(h.bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
}

var toy = arch.Port{Name: "toy", Triple: "toy-linux-gnu", CC: "toy-gcc", QEMU: "qemu-toy", QEMUCPU: "max",
	Packages: []string{"gcc-toy-linux-gnu", "libc6-dev-toy-cross"}, Dir: "/repo/arch/toy"}

func TestDoctorPassesAWorkingToolchain(t *testing.T) {
	newFakeHost(t)
	results := Doctor(context.Background(), []arch.Port{toy}, []Compiler{GCC}, qemu.Options{})
	require.Len(t, results, 1)
	r := results[0]
	require.Nil(t, r.Problem)
	assert.True(t, r.Linked)
	assert.True(t, r.Ran)
	assert.Equal(t, "toy-gcc", r.Command)
	assert.Regexp(t, `^\d+(\.\d+)*$`, r.Version)
	assert.Equal(t, "qemu-toy 9.9.9", r.Runner)
	assert.Equal(t, "qemu-toy 9.9.9", r.QEMU)
}

// Each broken toolchain is named in one line: port, data file, step, tool,
// its first error, and the packages to install.
func TestDoctorNamesTheStepThatFailed(t *testing.T) {
	const install = "; install: gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user"
	tests := []struct {
		name, script, body string
		want               string
	}{
		{"compiler missing", "toy-gcc", "", `toy (arch/toy/port.json): compile failed: toy-gcc: not found on PATH (port.json "cc")` + install},
		{"libc headers missing", "toy-gcc",
			`case "$*" in *-c*) printf 'In file included from doctor.c:4:\n/usr/include/stdio.h:27:10: fatal error: bits/libc-header-start.h: No such file or directory\ncompilation terminated.\n' >&2; exit 1;; esac; exec gcc "$@"`,
			"toy (arch/toy/port.json): compile failed: toy-gcc: /usr/include/stdio.h:27:10: fatal error: bits/libc-header-start.h: No such file or directory" + install},
		{"crt files missing", "toy-gcc",
			`case "$*" in *-static*) printf '/usr/bin/toy-ld: cannot find crt1.o: No such file or directory\ncollect2: error: ld returned 1 exit status\n' >&2; exit 1;; esac; exec gcc "$@"`,
			"toy (arch/toy/port.json): link failed: toy-gcc: /usr/bin/toy-ld: cannot find crt1.o: No such file or directory" + install},
		{"empty output", "toy-gcc",
			`case "$*" in *-static*) for a; do [ "$prev" = -o ] && : > "$a"; prev=$a; done; exit 0;; esac; exec gcc "$@"`,
			"toy (arch/toy/port.json): link failed: toy-gcc: the link wrote an empty file" + install},
		{"dynamic output", "toy-gcc",
			`case "$*" in *-static*) args=$(echo "$@" | sed 's/-static//'); exec gcc $args;; esac; exec gcc "$@"`,
			"toy (arch/toy/port.json): link failed: toy-gcc: the link wrote a dynamically linked executable where a static one was asked for" + install},
		{"qemu missing", "qemu-toy", "", `toy (arch/toy/port.json): run failed: qemu-toy: not found on PATH (port.json "qemu")` + install},
		{"qemu crashes", "qemu-toy", `[ "$1" = --version ] && exit 1; echo "qemu-toy: unsupported CPU" >&2; exit 1`,
			"toy (arch/toy/port.json): run failed: qemu-toy: exited with status 1: qemu-toy: unsupported CPU" + install},
		{"program misbehaves", "qemu-toy", `[ "$1" = --version ] && exit 1; echo "hello"`,
			"toy (arch/toy/port.json): run failed: qemu-toy: exited with status 0: hello" + install},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newFakeHost(t)
			if tt.body == "" {
				require.NoError(t, os.Remove(filepath.Join(h.bin, tt.script)))
			} else {
				h.script(tt.script, tt.body)
			}
			start := time.Now()
			results := Doctor(context.Background(), []arch.Port{toy}, []Compiler{GCC}, qemu.Options{})
			require.Len(t, results, 1)
			require.NotNil(t, results[0].Problem)
			assert.Equal(t, tt.want, results[0].Problem.Error())
			assert.False(t, results[0].Ran)
			assert.Less(t, time.Since(start), 20*time.Second, "a missing toolchain fails within seconds")
		})
	}
}

func TestDoctorGivesUpOnAHangingEmulator(t *testing.T) {
	h := newFakeHost(t)
	h.script("qemu-toy", `[ "$1" = --version ] && exit 1; exec sleep 60`)
	saved := runTimeout
	runTimeout = 300 * time.Millisecond
	t.Cleanup(func() { runTimeout = saved })
	results := Doctor(context.Background(), []arch.Port{toy}, []Compiler{GCC}, qemu.Options{})
	require.NotNil(t, results[0].Problem)
	assert.Contains(t, results[0].Problem.Error(), "run failed: qemu-toy: did not finish within 300ms")
}

func TestWriteTable(t *testing.T) {
	results := []Result{
		{Port: toy, Compiler: GCC, Command: "toy-gcc", Version: "12.2.0", Runner: "qemu-toy 7.2", QEMU: "qemu-toy 7.2", Linked: true, Ran: true},
		{Port: toy, Compiler: Clang, Command: "clang --target=toy-linux-gnu", Runner: "qemu-toy 7.2", QEMU: "qemu-toy 7.2",
			Problem: &Problem{Port: toy, Step: StepCompile, Tool: "clang", Detail: "not found on PATH", Packages: []string{"clang"}}},
	}
	var out strings.Builder
	WriteTable(&out, results)
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Regexp(t, `^arch +compiler +version +qemu +runs +static link +run$`, lines[0])
	assert.Regexp(t, `^toy +toy-gcc +12.2.0 +qemu-toy 7.2 +qemu +ok +ok$`, lines[1])
	assert.Regexp(t, `^toy +clang --target=toy-linux-gnu +- +qemu-toy 7.2 +qemu +- +-$`, lines[2])
	assert.Equal(t, "toy (arch/toy/port.json): compile failed: clang: not found on PATH; install: clang", lines[3])
}

// A compiler whose every build the port declares unsupported (clang for
// alpha) fails its check without being a problem: the table says
// unsupported and why, and nothing is to be installed for it.
func TestDeclaredCompilerIsNoProblem(t *testing.T) {
	failed := func() []Result {
		return []Result{
			{Port: toy, Compiler: GCC, Command: "toy-gcc", Version: "12.2.0", Runner: "qemu-toy 7.2", QEMU: "qemu-toy 7.2", Linked: true, Ran: true},
			{Port: toy, Compiler: Clang, Command: "clang --target=toy-linux-gnu", Version: "14.0.6", Runner: "qemu-toy 7.2", QEMU: "qemu-toy 7.2",
				Problem: &Problem{Port: toy, Compiler: Clang, Step: StepCompile, Tool: "clang", Detail: "error: unknown target triple 'toy-unknown-linux-gnu'",
					Packages: []string{"clang"}}},
		}
	}
	undeclared := failed()
	Declare(undeclared, func(arch.Port, Compiler) string { return "" })
	require.Len(t, Problems(undeclared), 1, "a failure not declared stays a problem")
	Declare(undeclared, nil)
	require.Len(t, Problems(undeclared), 1)

	results := failed()
	Declare(results, func(p arch.Port, c Compiler) string {
		if c == Clang {
			return "clang 14 has no toy target"
		}
		return ""
	})
	assert.Empty(t, Problems(results))
	var out strings.Builder
	WriteTable(&out, results)
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Regexp(t, `^toy +clang --target=toy-linux-gnu +14.0.6 +qemu-toy 7.2 +qemu +unsupported +unsupported$`, lines[2])
	assert.Equal(t, "toy (arch/toy/port.json): compile failed: clang: error: unknown target triple 'toy-unknown-linux-gnu'; "+
		"every clang build is declared unsupported there (clang 14 has no toy target)", lines[3])
}

func TestEnsureWithoutRootNamesTheCommand(t *testing.T) {
	pretend(t, nil, false)
	gone := toy
	gone.CC = "no-such-cc"
	err := Ensure(context.Background(), []arch.Port{gone}, Options{Compilers: []Compiler{GCC}, Install: true})
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, `toy (arch/toy/port.json): compile failed: no-such-cc: not found on PATH (port.json "cc"); install: gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user`, lines[0])
	assert.Equal(t, "not root and no password-less sudo: install them with: sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user'", lines[1])
}

func TestEnsureWithoutInstallOnlyReports(t *testing.T) {
	pretend(t, []string{"false"}, true)
	gone := toy
	gone.CC = "no-such-cc"
	err := Ensure(context.Background(), []arch.Port{gone}, Options{Compilers: []Compiler{GCC}})
	require.EqualError(t, err, `toy (arch/toy/port.json): compile failed: no-such-cc: not found on PATH (port.json "cc"); install: gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user`)
}

func TestEnsureInstallsThenChecksAgain(t *testing.T) {
	// The "root" prefix records the commands instead of running them, so the
	// toolchain stays broken and Ensure must say so, naming the binary.
	dir := t.TempDir()
	record := filepath.Join(dir, "record")
	fake := filepath.Join(dir, "fake-root")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho \"$@\" >> "+record+"\n"), 0o755))
	pretend(t, []string{fake}, true)
	gone := toy
	gone.CC = "no-such-cc"
	var log strings.Builder
	err := Ensure(context.Background(), []arch.Port{gone}, Options{Compilers: []Compiler{GCC}, Install: true, Log: &log})
	require.EqualError(t, err, `toy (arch/toy/port.json): compile failed: no-such-cc: not found on PATH (port.json "cc"); still failing after installing gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user`)
	assert.Equal(t, "toolchain: toy: compile failed: not found on PATH (port.json \"cc\")\ninstalling gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user\n", log.String())
	ran, err := os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, "apt-get update -qq -o DPkg::Lock::Timeout=300\n"+
		"apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 gcc-toy-linux-gnu libc6-dev-toy-cross qemu-user\n", string(ran))
}

func TestEnsureTracesAnUnknownPackageToItsPort(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-root")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\n[ \"$2\" = install ] || exit 0\necho 'Reading package lists...'\necho 'E: Unable to locate package gcc-toy-linux-gnu'\nexit 100\n"), 0o755))
	pretend(t, []string{fake}, true)
	gone := toy
	gone.CC = "no-such-cc"
	err := Ensure(context.Background(), []arch.Port{gone}, Options{Compilers: []Compiler{GCC}, Install: true})
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[1], "failed (exit status 100): E: Unable to locate package gcc-toy-linux-gnu (listed in arch/toy/port.json)")
}

func TestCheckExecutable(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o755))
	script := filepath.Join(dir, "script")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755))
	assert.EqualError(t, CheckExecutable(filepath.Join(dir, "none"), true), "the link wrote no executable")
	assert.EqualError(t, CheckExecutable(empty, true), "the link wrote an empty file")
	assert.ErrorContains(t, CheckExecutable(script, true), "not an ELF executable")
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	assert.ErrorContains(t, CheckExecutable(sh, true), "dynamically linked")
	assert.NoError(t, CheckExecutable(sh, false))
}

func pretend(t *testing.T, prefix []string, ok bool) {
	saved := asRoot
	asRoot = func(context.Context) ([]string, bool) { return prefix, ok }
	t.Cleanup(func() { asRoot = saved })
}

func TestEnsureNamesAMissingTool(t *testing.T) {
	pretend(t, nil, false)
	err := Ensure(context.Background(), nil, Options{Tools: []Tool{{Binary: "no-such-pkg-config", Package: "pkg-config"}, {Binary: "sh", Package: "dash"}}, Install: true})
	require.Error(t, err)
	assert.Equal(t, "no-such-pkg-config: not found on PATH; install: pkg-config\n"+
		"not root and no password-less sudo: install them with: sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends pkg-config'", err.Error())
}

// Installs from processes running at once (the test packages of go test
// ./...) take turns: apt-get refuses to run beside another.
func TestInstallsTakeTurns(t *testing.T) {
	dir := t.TempDir()
	saved := installLock
	installLock = filepath.Join(dir, "install.lock")
	t.Cleanup(func() { installLock = saved })
	// The fake apt fails as the real one does when another one runs.
	fake := filepath.Join(dir, "fake-root")
	busy := filepath.Join(dir, "busy")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\n"+
		"if ! mkdir "+busy+" 2>/dev/null; then echo 'E: Could not get lock /var/lib/dpkg/lock-frontend'; exit 100; fi\n"+
		"sleep 0.2; rmdir "+busy+"\n"), 0o755))
	pretend(t, []string{fake}, true)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			errs <- install(context.Background(), []string{"pkg"}, func(string) []string { return nil }, io.Discard)
		}()
	}
	for range 3 {
		assert.NoError(t, <-errs)
	}
}

// In a toolchain image, a program that compiled and linked but does not run
// is not fixed by the packages the image already holds.
func TestAnImagesRunFailureDoesNotAdviseItsPackages(t *testing.T) {
	p := arch.Port{Name: "386", Packages: []string{"gcc-i686-linux-gnu", "libc6-dev-i386-cross"}}
	run := &Problem{Port: p, Step: StepRun, Tool: "doctor", Detail: "exec format error", Packages: p.Packages, Toolchain: "trixie"}
	assert.Contains(t, run.Error(), "the trixie toolchain image holds its packages; the program it built does not run on this host")
	assert.NotContains(t, run.Error(), "gcc-i686-linux-gnu")
	noQEMU := &Problem{Port: p, Step: StepRun, Tool: "qemu-i386", Detail: notOnPath("qemu"), Packages: []string{"qemu-user"}, Toolchain: "trixie"}
	assert.Contains(t, noQEMU.Error(), "the trixie toolchain image should hold it (qemu-user)")
}

// clang 14 cannot target alpha, sh or hppa: their macros come from the
// triple's gcc, and when neither answers the error names both.
func TestPredefinesFallsBackToTheTriplesGCC(t *testing.T) {
	bin := t.TempDir()
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	}
	write("clang", `case "$*" in *--target=x86_64*) echo '#define __x86_64__ 1'; exit 0;; esac
echo "error: unknown target triple '${1#--target=}'" >&2; exit 1`)
	write("toy-linux-gnu-gcc", `echo '#define __toy__ 1'; echo '#define __TOY_BITS 64'`)
	t.Setenv("PATH", bin)
	ctx := context.Background()

	macros, err := Predefines(ctx, "x86_64-linux-gnu")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"__x86_64__": "1"}, macros, "clang first")

	macros, err = Predefines(ctx, "toy-linux-gnu")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"__toy__": "1", "__TOY_BITS": "64"}, macros)

	_, err = Predefines(ctx, "none-linux-gnu")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "clang --target=none-linux-gnu -dM -E: error: unknown target triple 'none-linux-gnu'; none-linux-gnu-gcc -dM -E: ")
}
