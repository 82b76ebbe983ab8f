package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/console"
	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/library"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/jsonreport"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

// The whole promise: every port, in the full build matrix, passes every
// case. Toolchains are installed when missing; a port that cannot be built
// or run fails here.
func TestEveryPortConforms(t *testing.T) {
	testkit.Integration(t)
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{Builds: []string{build.All}, OutDir: t.TempDir(), Out: &out})
	t.Log("\n" + out.String())
	require.NoError(t, err)
	ports, err := Ports(Options{})
	require.NoError(t, err)
	// Every build on every port, but the host-only sanitizer build on the
	// host's port alone, and the examples on every port.
	require.Equal(t, len(ports)*(len(build.Matrix)-1)+1+len(ports), len(runs))
	byName := map[string]arch.Port{}
	for _, p := range ports {
		byName[p.Name] = p
	}
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.Port] = true
		// A port that builds only in a toolchain image (sh4) is skipped
		// here, where no engine runs, and proven in its image by
		// TestImageOnlyPortRunsInItsImage; any other skip is a failure.
		if r.Skipped != "" {
			assert.False(t, byName[r.Port].BuildsIn(""), console.RunLine(r))
			assert.Empty(t, r.Cases)
			continue
		}
		// A build the port declares unsupported (port.json's
		// unsupported_builds) is reported so, never a pass; every other
		// run passes every case.
		if _, _, declared := byName[r.Port].Unsupported(r.Build); declared {
			assert.NotEmpty(t, r.Unsupported, console.RunLine(r))
			assert.False(t, r.OK(), console.RunLine(r))
			continue
		}
		assert.True(t, r.OK(), console.RunLine(r))
		assert.NotEmpty(t, r.Cases)
	}
	assert.Len(t, seen, len(ports))
	assert.Contains(t, out.String(), "passed, 0 failed")
}

func TestBadInputIsOneClearError(t *testing.T) {
	ports, err := Ports(Options{})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	toEtc := filepath.Join(t.TempDir(), "to-etc")
	require.NoError(t, os.Symlink("/etc", toEtc))
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"unknown port", Options{Ports: []string{"vax"}}, `unknown port "vax" (known ports: ` + strings.Join(arch.Names(ports), ", ") + ")"},
		{"unknown build", Options{Builds: []string{"gcc-O9"}}, `unknown build "gcc-O9"`},
		{"all with another build", Options{Builds: []string{"all", "gcc-O0"}}, `builds "all,gcc-O0": "all" stands alone (it already means every build)`},
		{"bad case pattern", Options{Cases: "switch_("}, `case pattern "switch_(": error parsing regexp: missing closing ): ` + "`switch_(`"},
		{"negative repeat", Options{Repeat: -1}, "repeat count -1: must be 1 or more"},
		{"output directory under a file", Options{OutDir: filepath.Join(file, "out")}, "output directory " + filepath.Join(file, "out") + ": not a directory"},
		{"root as output directory", Options{OutDir: "/"}, "refusing output directory /: it is the root directory; set SL_OUT to a folder of its own"},
		{"top-level output directory", Options{OutDir: "/tmp"}, "refusing output directory /tmp: it is a top-level system directory"},
		{"system output directory", Options{OutDir: "/usr/lib/out"}, "refusing output directory /usr/lib/out: it is inside the system directory /usr/lib"},
		{"output directory through a link", Options{OutDir: filepath.Join(toEtc, "out")},
			"refusing output directory " + filepath.Join(toEtc, "out") + " (/etc/out): it is inside the system directory /etc"},
		{"sanitizer build off the host arch", Options{Ports: []string{"s390x"}, Builds: []string{"gcc-asan-ubsan"}}, "nothing to run: the selected builds run only natively on the host's own arch (" + runtime.GOARCH + ")"},
		{"unknown toolchain", Options{Toolchains: []string{"trixie", "sid"}}, `unknown toolchain "sid" (known: host, bookworm, trixie, ubuntu-24.04)`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.opts.Out = &out
			start := time.Now()
			_, err := Test(context.Background(), tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, strings.TrimSpace(out.String()))
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

func TestCaseFilterThatMatchesNothingIsOneClearError(t *testing.T) {
	testkit.Integration(t)
	var out bytes.Buffer
	_, err := Test(context.Background(), Options{Ports: []string{runtime.GOARCH}, Cases: "^nope$", OutDir: t.TempDir(), Out: &out})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no case matches the filter "^nope$" (cases: abi_gp_reload_after_switch, `)
	assert.Contains(t, err.Error(), ", switch_ping_pong, ")
	assert.NotContains(t, err.Error(), "\n")
}

// A second run on the same output directory is refused at once, rather
// than both overwriting each other's binaries ("text file busy") or
// libraries.
func TestOutputDirectoryIsHeldByOneRun(t *testing.T) {
	for name, run := range map[string]func(o Options) error{
		"test:arch": func(o Options) error { _, err := Test(context.Background(), o); return err },
		"lib":       func(o Options) error { _, err := Lib(context.Background(), o, runtime.GOARCH); return err },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			held, err := openOutDir(dir)
			require.NoError(t, err)
			defer held.release()
			err = run(Options{Ports: []string{runtime.GOARCH}, OutDir: dir, Out: &bytes.Buffer{}})
			require.EqualError(t, err, fmt.Sprintf("output directory %s is in use by another run (pid %d); wait for it to end or set SL_OUT to another folder", dir, os.Getpid()))
		})
	}
}

// Binaries go to <out>/bin only when that folder is the harness's own.
func TestBinariesGoToAFolderTheHarnessOwns(t *testing.T) {
	t.Run("a link", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.Symlink(t.TempDir(), filepath.Join(dir, "bin")))
		_, err := openOutDir(dir)
		require.EqualError(t, err, "refusing "+filepath.Join(dir, "bin")+" for binaries: it is not a folder of the harness's own; set SL_OUT to another folder")
	})
	t.Run("a folder of other files", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "ls"), nil, 0o755))
		_, err := openOutDir(dir)
		require.EqualError(t, err, "refusing "+filepath.Join(dir, "bin")+" for binaries: it holds files the harness did not make; set SL_OUT to another folder")
	})
	t.Run("its own folder, then again", func(t *testing.T) {
		dir := t.TempDir()
		for range 2 {
			d, err := openOutDir(dir)
			require.NoError(t, err)
			assert.FileExists(t, filepath.Join(dir, "bin", binMarker))
			d.release()
		}
	})
	// The lock file and the marker as links to another file: refused, and
	// that file is not written.
	t.Run("links to other files", func(t *testing.T) {
		victim := filepath.Join(t.TempDir(), "victim")
		require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o644))
		dir := t.TempDir()
		require.NoError(t, os.Symlink(victim, filepath.Join(dir, lockFile)))
		_, err := openOutDir(dir)
		require.EqualError(t, err, fmt.Sprintf("output directory %s: refusing %s: it is a symbolic link, not a file of the harness's own; remove it, or set SL_OUT to another folder",
			dir, filepath.Join(dir, lockFile)))

		dir = t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
		require.NoError(t, os.Symlink(victim, filepath.Join(dir, "bin", binMarker)))
		_, err = openOutDir(dir)
		require.ErrorContains(t, err, "refusing "+filepath.Join(dir, "bin", binMarker)+": it is a symbolic link")
		data, err := os.ReadFile(victim)
		require.NoError(t, err)
		assert.Equal(t, "precious", string(data))
	})
	t.Run("old reports are removed", func(t *testing.T) {
		dir := t.TempDir()
		for _, name := range report.Files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("stale"), 0o644))
		}
		d, err := openOutDir(dir)
		require.NoError(t, err)
		defer d.release()
		for _, name := range report.Files {
			assert.NoFileExists(t, filepath.Join(dir, name))
		}
	})
}

func TestDuplicateBuildsAndPortsRunOnce(t *testing.T) {
	testkit.Integration(t)
	runs, err := Test(context.Background(), Options{Ports: []string{runtime.GOARCH, runtime.GOARCH}, Builds: []string{"gcc-O0", "gcc-O0"},
		Cases: "^switch_ping_pong$", OutDir: t.TempDir(), Out: &bytes.Buffer{}})
	require.NoError(t, err)
	assert.Len(t, runs, 1)
}

// A missing toolchain stops the run within seconds, with the toolchain
// doctor's line: never a wait for timeouts of cases that cannot start.
func TestMissingToolchainFailsWithinSeconds(t *testing.T) {
	testkit.Integration(t)
	tests := []struct {
		name, field, value, want string
	}{
		{"bogus compiler", "cc", "riscv64-nope-gcc",
			`riscv64 (arch/riscv64/port.json): compile failed: riscv64-nope-gcc: not found on PATH (port.json "cc"); install: gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user`},
		{"bogus emulator", "qemu", "qemu-nope",
			`riscv64 (arch/riscv64/port.json): run failed: qemu-nope: not found on PATH (port.json "qemu"); install: gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := testkit.Copy(t)
			testkit.Edit(t, root, "arch/riscv64/port.json", func(s string) string {
				return replaceField(t, s, tt.field, tt.value)
			})
			start := time.Now()
			_, err := Test(context.Background(), Options{Root: root, Ports: []string{"riscv64"}, NoInstall: true, OutDir: t.TempDir(), Out: &bytes.Buffer{}})
			require.EqualError(t, err, tt.want)
			assert.Less(t, time.Since(start), 20*time.Second)
		})
	}
}

func replaceField(t *testing.T, data, field, value string) string {
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(data), &m))
	m[field] = value
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

// A case that fails, crashes, exits early, hangs or leaves a daemon behind
// is a reported failure of that case, natively and under QEMU, with its
// reason and output, and the other cases still run and pass; never a pass
// and never a harness error. No process is left behind.
func TestMisbehavingCasesAreReportedNeverPassed(t *testing.T) {
	testkit.Integration(t)
	out := t.TempDir()
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Ports: []string{"amd64", "s390x"}, Builds: []string{"gcc-O0"},
		SelfTest: true, Cases: "^selftest_(pass|fail|crash|exit_early|hang|daemon|no_newline)$", CaseTimeout: time.Second, OutDir: out, Out: &log})
	t.Log("\n" + log.String())
	require.EqualError(t, err, "conformance failed: amd64/gcc-O0, s390x/gcc-O0")
	require.Len(t, runs, 2)
	want := []struct {
		name, reason, output string
		status               conformance.Status
	}{
		{"selftest_pass", "", "", conformance.Pass},
		{"selftest_fail", "expectations failed", "x19: want 0x1111111111111111 got 0x0", conformance.Fail},
		{"selftest_crash", "crashed with SIGSEGV", "about to crash", conformance.Fail},
		{"selftest_exit_early", "exited with status 0 before the case finished", "", conformance.Fail},
		{"selftest_hang", "timeout after 1s", "", conformance.Fail},
		{"selftest_daemon", `^left 1 process\(es\) running after it finished \(killed: .+\)$`, "daemon started", conformance.Fail},
		{"selftest_no_newline", "", "no newline at the end\n", conformance.Pass},
	}
	for _, r := range runs {
		require.NoError(t, r.Err, r.Port)
		require.Len(t, r.Cases, len(want), r.Port)
		for i, w := range want {
			c := r.Cases[i]
			assert.Equal(t, w.name, c.Name, r.Port)
			assert.Equal(t, w.status, c.Status, "%s %s", r.Port, c.Name)
			assert.Regexp(t, "^"+strings.TrimPrefix(w.reason, "^"), c.Reason, "%s %s", r.Port, c.Name)
			assert.Contains(t, c.Output, w.output, "%s %s", r.Port, c.Name)
		}
	}
	assert.Contains(t, log.String(), "amd64 gcc-O0 selftest_crash: crashed with SIGSEGV\n    about to crash\n")
	assert.Contains(t, log.String(), "4 passed, 10 failed")
	assert.Empty(t, processesUnder(out, ""), "the daemons were killed")

	junit, err := os.ReadFile(filepath.Join(out, report.JUnitFile))
	require.NoError(t, err)
	assert.Contains(t, string(junit), `<testsuite name="s390x/gcc-O0" tests="7" failures="5"`)
	summary, err := os.ReadFile(filepath.Join(out, report.MarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(summary), "❌ 4 passed, 10 failed")
}

// A daemon that gave up its environment (the run's tag with it) is still
// found and fails its case, natively and under QEMU, and nothing of it
// outlives the run: the run is contained in a PID namespace. A case that
// allocates without end is stopped at the per-case memory bound and fails,
// naming it.
func TestCasesAreContainedWhateverTheirEnvironment(t *testing.T) {
	testkit.Integration(t)
	out := t.TempDir()
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Ports: []string{"amd64", "s390x"}, Builds: []string{"gcc-O0"},
		SelfTest: true, Cases: "^selftest_(pass|daemon_bare_env|memory_hog)$", CaseMemoryMiB: 300, OutDir: out, Out: &log})
	t.Log("\n" + log.String())
	require.EqualError(t, err, "conformance failed: amd64/gcc-O0, s390x/gcc-O0")
	for _, r := range runs {
		require.Len(t, r.Cases, 3, r.Port)
		byName := map[string]conformance.CaseResult{}
		for _, c := range r.Cases {
			byName[c.Name] = c
		}
		assert.Equal(t, conformance.Pass, byName["selftest_pass"].Status, r.Port)
		daemon := byName["selftest_daemon_bare_env"]
		assert.Equal(t, conformance.Fail, daemon.Status, r.Port)
		assert.Regexp(t, `^left 1 process\(es\) running after it finished \(killed: pid [0-9]+\)$`, daemon.Reason, r.Port)
		hog := byName["selftest_memory_hog"]
		assert.Equal(t, conformance.Fail, hog.Status, r.Port)
		assert.Regexp(t, `^killed at 3[0-9]{2} MiB resident, over the per-case memory bound of 300 MiB \(--memory\)$`, hog.Reason, r.Port)
	}
	assert.Empty(t, processesIn(out), "no process of the run is left")
}

// processesIn lists the live processes whose working directory is under
// dir: a daemon with an empty environment still runs where its case ran.
func processesIn(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err == nil && strings.HasPrefix(cwd, dir) && !zombie(e.Name()) {
			found = append(found, e.Name()+" in "+cwd)
		}
	}
	return found
}

// A case that prints the runner's markers, its own pass and a right
// SL-DONE, and then kills the runner fails the run, natively and under
// QEMU: the runner's death disagrees with what it printed.
func TestARunnerKilledAfterForgedMarkersFails(t *testing.T) {
	testkit.Integration(t)
	runs, err := Test(context.Background(), Options{Ports: []string{"amd64", "s390x"}, Builds: []string{"gcc-O0"},
		SelfTest: true, Cases: "^selftest_(pass|forge)$", OutDir: t.TempDir(), Out: &bytes.Buffer{}})
	require.EqualError(t, err, "conformance failed: amd64/gcc-O0, s390x/gcc-O0")
	for _, r := range runs {
		require.Len(t, r.Cases, 2, r.Port)
		for _, c := range r.Cases {
			assert.Equal(t, conformance.Fail, c.Status, "%s %s", r.Port, c.Name)
			assert.Contains(t, c.Reason, "crashed with SIGKILL, which disagrees with its output", "%s %s", r.Port, c.Name)
		}
	}
}

// A case printing hundreds of megabytes, or one line of 20 MiB, leaves the
// harness's memory bounded and its verdict intact.
func TestHugeOutputKeepsMemoryBounded(t *testing.T) {
	testkit.Integration(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	runs, err := Test(context.Background(), Options{Ports: []string{runtime.GOARCH}, Builds: []string{"gcc-O2"},
		SelfTest: true, Cases: "^selftest_(flood|long_line)$", OutDir: t.TempDir(), Out: &bytes.Buffer{}})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	grew := int64(after.Sys) - int64(before.Sys)
	t.Logf("memory obtained from the OS grew by %d MiB while a case printed 256 MiB", grew>>20)
	assert.Less(t, grew, int64(96<<20))
	flood, long := runs[0].Cases[0], runs[0].Cases[1]
	assert.Equal(t, conformance.Pass, flood.Status)
	assert.Regexp(t, `^\[… \d+ earlier lines not kept\]\n`, flood.Output)
	assert.True(t, strings.HasSuffix(flood.Output, "flood done\n"))
	assert.Equal(t, conformance.Pass, long.Status)
	assert.Contains(t, long.Output, "… [line cut: 20971520 bytes in all]\nafter the long line\n")
}

// Targets run in the output folder with core dumps off, so a crash under
// `ulimit -c unlimited` leaves no core file in the checkout, natively or
// under QEMU.
func TestCrashesLeaveNoCoreFiles(t *testing.T) {
	testkit.Integration(t)
	var saved unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_CORE, &saved))
	t.Cleanup(func() { _ = unix.Setrlimit(unix.RLIMIT_CORE, &saved) })
	require.NoError(t, unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: saved.Max, Max: saved.Max}))
	cwd, err := os.Getwd()
	require.NoError(t, err)
	coresBefore := coreFiles(t, cwd)
	out := t.TempDir()
	runs, err := Test(context.Background(), Options{Ports: []string{runtime.GOARCH, "riscv64"}, Builds: []string{"gcc-O0"},
		SelfTest: true, Cases: "^selftest_(crash|environment)$", OutDir: out, Out: &bytes.Buffer{}})
	require.Error(t, err)
	for _, r := range runs {
		require.Len(t, r.Cases, 2, r.Port)
		assert.Equal(t, "crashed with SIGSEGV", r.Cases[0].Reason, r.Port)
		env := r.Cases[1]
		assert.Equal(t, conformance.Pass, env.Status, "%s: %s", r.Port, env.Output)
		assert.Contains(t, env.Output, "cwd: "+filepath.Join(out, "bin")+"\n", r.Port)
		assert.Contains(t, env.Output, "core limit: 0\n", r.Port)
	}
	assert.Equal(t, coresBefore, coreFiles(t, cwd))
	assert.Empty(t, coreFiles(t, out))
}

func coreFiles(t *testing.T, dir string) []string {
	var found []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasPrefix(d.Name(), "core") || strings.HasSuffix(d.Name(), ".core")) {
			found = append(found, path)
		}
		return err
	}))
	return found
}

// The sanitizer build is only worth its time if it fails on what it exists
// to catch: a leak and a heap overflow.
func TestSanitizerBuildCatchesLeaksAndOverflows(t *testing.T) {
	testkit.Integration(t)
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Ports: []string{runtime.GOARCH}, Builds: []string{"gcc-asan-ubsan"},
		SelfTest: true, Cases: "^selftest_(pass|leak|overflow)$", OutDir: t.TempDir(), Out: &log})
	require.Error(t, err, log.String())
	require.Len(t, runs, 1)
	require.Len(t, runs[0].Cases, 3)
	pass, leak, overflow := runs[0].Cases[0], runs[0].Cases[1], runs[0].Cases[2]
	assert.Equal(t, conformance.Pass, pass.Status)
	assert.Equal(t, "LeakSanitizer found leaks", leak.Reason)
	assert.Contains(t, leak.Output, "detected memory leaks")
	assert.Equal(t, conformance.Fail, overflow.Status)
	assert.Regexp(t, `heap-buffer-overflow|insufficient space for an object`, overflow.Output)
}

// The sanitizer build compiles the save path every release switch takes
// (sl_core_leave's fast path), not only save_all: what ASan checks is what
// production runs.
func TestSanitizerBuildKeepsTheFastPath(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Root(t)
	out, err := exec.Command("gcc", "-E", "-P", "-fsanitize=address", "-DSL_STACK_GROWS=down", "-I", filepath.Join(root, "core"),
		filepath.Join(root, "core", "slice.c")).CombinedOutput()
	require.NoError(t, err, string(out))
	src := string(out)
	start := strings.Index(src, "void *sl_core_leave(void *slice_start) {")
	require.GreaterOrEqual(t, start, 0, "sl_core_leave in the preprocessed core")
	end := strings.Index(src[start:], "\n}")
	require.Positive(t, end)
	body := src[start : start+end]
	assert.Contains(t, body, "self->room", "the fast path's room check is compiled under ASan")
	assert.Contains(t, body, "copy_stack(copy_of(self", "the fast path's copy is compiled under ASan")
	assert.Contains(t, body, "note_deepest(t, slice_start)", "and it tracks the deepest switch, as save_all did")
}

// s390x's slice starts above its caller's 160-byte register save area, so
// the one word of it that is the caller's, its back chain, comes back only
// through the register area: a port without either of the two mvc lines
// fails the direct canary case, whose probe checks its frame's back chain.
func TestS390xKeepsItsCallersBackChain(t *testing.T) {
	testkit.Integration(t)
	for step, dropped := range map[string]string{"save": "\tmvc\t19*8(8,%r2), 0(%r15)", "restore": "\tmvc\t0(8,%r15), 19*8(%r6)"} {
		t.Run(step, func(t *testing.T) {
			root := testkit.Copy(t)
			testkit.Edit(t, root, "arch/s390x/switch.S", func(s string) string {
				lines := strings.Split(s, "\n")
				kept := slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return strings.HasPrefix(l, dropped) })
				require.Len(t, kept, len(lines)-1, "one line of arch/s390x/switch.S starts with %q", dropped)
				return strings.Join(kept, "\n")
			})
			var log bytes.Buffer
			runs, err := Test(context.Background(), Options{Root: root, Ports: []string{"s390x"}, Builds: []string{"gcc-O0"},
				Cases: "^registers_canaries_direct$", OutDir: t.TempDir(), Out: &log, NoInstall: true})
			require.EqualError(t, err, "conformance failed: s390x/gcc-O0", log.String())
			require.Len(t, runs, 1)
			require.Len(t, runs[0].Cases, 1)
			c := runs[0].Cases[0]
			assert.Equal(t, conformance.Fail, c.Status)
			assert.Contains(t, c.Output, "sl_probe_direct) = -47820, want 0 = 0", "BACK_CHAIN_LOST of arch/s390x/probe.S")
		})
	}
}

func TestFilterRepeatAndProgress(t *testing.T) {
	testkit.Integration(t)
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Ports: []string{"riscv64"}, Builds: []string{"gcc-O2"},
		Cases: "^switch_|alignment", Repeat: 3, OutDir: t.TempDir(), Out: &log})
	require.NoError(t, err, log.String())
	require.Len(t, runs, 1)
	labels := map[string]bool{}
	for _, c := range runs[0].Cases {
		assert.Regexp(t, `^(switch_|alignment)`, c.Name)
		labels[c.Label()] = true
	}
	assert.Len(t, labels, len(runs[0].Cases), "each repetition is reported on its own")
	assert.Contains(t, labels, "switch_ping_pong#3")
	assert.Zero(t, len(runs[0].Cases)%3)
	assert.Regexp(t, `(?m)^RUN  riscv64 +gcc-O2 +\d+ cases$`, log.String())
	assert.Regexp(t, `(?m)^arch +runner +gcc-O2`, log.String())
	assert.Regexp(t, `(?m)^reports: .*report.json, .*junit.xml, .*summary.md$`, log.String())
}

// brokenRiscv64 is a copy of the tree whose riscv64 port crashes at the
// entry of its switch, with emulator_bugs set by the test.
func brokenRiscv64(t *testing.T, bugs map[string]string) string {
	root := testkit.Copy(t)
	testkit.BreakSwitch(t, root, "riscv64")
	withBugs(t, root, "riscv64", bugs)
	return root
}

func withBugs(t *testing.T, root, port string, bugs map[string]string) {
	testkit.Edit(t, root, filepath.Join("arch", port, "port.json"), func(s string) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		m["emulator_bugs"] = bugs
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return string(out)
	})
}

func caseNames(t *testing.T) []string {
	toolchaintest.NeedToolchains(t, mustPort(t, runtime.GOARCH))
	_, names, err := conformance.List(context.Background(), testkit.Root(t), mustPort(t, runtime.GOARCH), build.Default()[0],
		conformance.Options{OutDir: t.TempDir()}, nil)
	require.NoError(t, err)
	return names
}

// emulator_bugs can never turn a broken port green: it may not excuse more
// than a quarter of the cases, and a run whose every case failed or was
// excused fails.
func TestEmulatorBugsCannotExcuseABrokenPort(t *testing.T) {
	testkit.Integration(t)
	names := caseNames(t)
	every := map[string]string{}
	for _, n := range names {
		every[n] = "a QEMU bug, they say"
	}
	t.Run("every case listed", func(t *testing.T) {
		root := brokenRiscv64(t, every)
		_, err := Test(context.Background(), Options{Root: root, Ports: []string{"riscv64"}, Builds: []string{"gcc-O0"}, OutDir: t.TempDir(), Out: &bytes.Buffer{}})
		require.EqualError(t, err, fmt.Sprintf("arch/riscv64/port.json: emulator_bugs lists %d of the %d cases; at most a quarter (%d) may be excused",
			len(names), len(names), len(names)/conformance.MaxExcusedShare))
	})
	t.Run("every selected case excused", func(t *testing.T) {
		root := brokenRiscv64(t, map[string]string{"signals_timer_storm": "bug", "signals_alternate_stack": "bug"})
		var log bytes.Buffer
		runs, err := Test(context.Background(), Options{Root: root, Ports: []string{"riscv64"}, Builds: []string{"gcc-O0"},
			Cases: "^signals_", OutDir: t.TempDir(), Out: &log})
		require.EqualError(t, err, "conformance failed: riscv64/gcc-O0")
		require.Len(t, runs, 1)
		assert.Equal(t, 2, runs[0].Known())
		assert.Equal(t, "no case passed", runs[0].Why())
		assert.Contains(t, log.String(), "0 passed, 1 failed")
		assert.Regexp(t, `riscv64 +qemu-riscv64 \S+ +FAIL 0/2 .* \(2 known\)`, log.String())
	})
	t.Run("a case the port lists that passes is reported", func(t *testing.T) {
		root := testkit.Copy(t)
		withBugs(t, root, "riscv64", map[string]string{"signals_alternate_stack": "once failed under QEMU"})
		out := t.TempDir()
		var log bytes.Buffer
		runs, err := Test(context.Background(), Options{Root: root, Ports: []string{"riscv64"}, Builds: []string{"gcc-O0"},
			Cases: "^(switch_|signals_alternate_stack)", OutDir: out, Out: &log})
		require.NoError(t, err)
		const note = "passed although arch/riscv64/port.json lists it in emulator_bugs; if it no longer fails, remove it from emulator_bugs"
		assert.Contains(t, log.String(), "note: riscv64 gcc-O0 signals_alternate_stack: "+note)
		data, err := os.ReadFile(filepath.Join(out, report.JSONFile))
		require.NoError(t, err)
		rep, err := jsonreport.Read(bytes.NewReader(data))
		require.NoError(t, err)
		var notes []string
		for _, c := range rep.Runs[0].Cases {
			if c.Note != "" {
				notes = append(notes, c.Case+": "+c.Note)
			}
		}
		assert.Equal(t, []string{"signals_alternate_stack: " + note}, notes)
		assert.Len(t, runs, 1)
	})
	// A foreign port inherits its base's emulator_bugs: the note names the
	// base's data file, the one that lists the case, never the foreign
	// port.json, which cannot hold the field.
	t.Run("a foreign port's note names its base's data file", func(t *testing.T) {
		root := testkit.Copy(t, "go.mod", "arch", "core", "conformance", "foreign")
		withBugs(t, root, "riscv64", map[string]string{"signals_alternate_stack": "once failed under QEMU"})
		var log bytes.Buffer
		runs, err := Test(context.Background(), Options{Root: root, Foreign: []string{"slp-example-riscv64"}, Builds: []string{"gcc-O0"},
			Cases: "^(switch_|signals_alternate_stack)", OutDir: t.TempDir(), Out: &log})
		require.NoError(t, err, log.String())
		require.Len(t, runs, 1)
		const note = "passed although arch/riscv64/port.json lists it in emulator_bugs; if it no longer fails, remove it from emulator_bugs"
		assert.Contains(t, log.String(), "note: slp-example-riscv64 gcc-O0 signals_alternate_stack: "+note)
		assert.NotContains(t, log.String(), "slp-example-riscv64/port.json lists it")
	})
	// The port: amd64 without its MXCSR and x87 control word
	// switched, its fp_* and register canary cases listed, run emulated.
	t.Run("a register bug listed as an emulator bug", func(t *testing.T) {
		root := testkit.Copy(t)
		testkit.Edit(t, root, "arch/amd64/switch.S", func(s string) string {
			var kept []string
			for _, l := range strings.Split(s, "\n") {
				if !regexp.MustCompile(`^\s*(stmxcsr|fnstcw|ldmxcsr|fldcw)\s`).MatchString(l) {
					kept = append(kept, l)
				}
			}
			require.Len(t, kept, len(strings.Split(s, "\n"))-4)
			return strings.Join(kept, "\n")
		})
		withBugs(t, root, "amd64", map[string]string{"fp_rounding_per_coroutine": "bug", "fp_new_inherits_starter": "bug",
			"registers_canaries": "bug", "registers_canaries_direct": "bug"})
		runs, err := Test(context.Background(), Options{Root: root, Ports: []string{"amd64"}, Builds: []string{"gcc-O0"}, ForceQEMU: true,
			OutDir: t.TempDir(), Out: &bytes.Buffer{}})
		require.Error(t, err)
		assert.Empty(t, runs, "refused before any run")
		assert.Contains(t, err.Error(), `arch/amd64/port.json: emulator_bugs names "fp_new_inherits_starter", "fp_rounding_per_coroutine", "registers_canaries", "registers_canaries_direct", which no emulator bug may excuse`)
	})
	t.Run("a name that is no case", func(t *testing.T) {
		root := testkit.Copy(t)
		withBugs(t, root, "riscv64", map[string]string{"signals_timer_strom": "typo"})
		_, err := Test(context.Background(), Options{Root: root, Ports: []string{"riscv64"}, OutDir: t.TempDir(), Out: &bytes.Buffer{}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `arch/riscv64/port.json: emulator_bugs names "signals_timer_strom", which the runner does not have`)
		assert.NotContains(t, err.Error(), "\n")
	})
}

// Every port's emulator_bugs must name real cases, few enough.
func TestEmulatorBugsNameRealCases(t *testing.T) {
	testkit.Integration(t)
	ports, err := Ports(Options{})
	require.NoError(t, err)
	names := caseNames(t)
	for _, p := range ports {
		assert.NoError(t, conformance.CheckEmulatorBugs(p, p.EmulatorBugs, names))
	}
}

func mustPort(t *testing.T, name string) arch.Port {
	ports, err := Ports(Options{Ports: []string{name}})
	require.NoError(t, err)
	return ports[0]
}

// setup installs what is missing, and the doctor then proves every port's
// toolchain for every compiler of the matrix: one row each, ok unless the
// port's data declares every build of that compiler unsupported (then the
// row says so and a note gives the port's reason). A port built only in a
// toolchain image gets no row on the host, and a line saying why.
func TestSetupThenDoctorProvesEveryToolchain(t *testing.T) {
	testkit.Integration(t)
	t.Setenv("SL_TOOLCHAIN", "host")
	require.NoError(t, Setup(context.Background(), Options{Out: &bytes.Buffer{}}))
	var out bytes.Buffer
	require.NoError(t, Doctor(context.Background(), Options{Out: &out}))
	ports, err := Ports(Options{})
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	var skipped, rows, notes []string
	for _, l := range lines {
		switch {
		case strings.Contains(l, ": not checked: "):
			skipped = append(skipped, l)
		case strings.HasPrefix(l, "arch "):
		case strings.Contains(l, ": "):
			notes = append(notes, l)
		default:
			rows = append(rows, l)
		}
	}
	var wantRows, wantSkipped, wantNotes []string
	for _, p := range ports {
		if !p.BuildsIn("") {
			wantSkipped = append(wantSkipped, `^`+p.Name+`: not checked: it builds only in toolchain image `+strings.Join(p.Images.Only, ", ")+` \(.+\)`)
			continue
		}
		for _, c := range build.Compilers(build.Matrix) {
			row := `^` + p.Name + ` +` + regexp.QuoteMeta(strings.Join(c.Command(p), " ")) + ` +\d+\.\d+\S* +` + p.QEMU + ` .* +`
			why := build.UnsupportedCompiler(p, c)
			// A declared compiler may still pass the doctor's small program
			// (armel's clang fails only on the core's atomics); one that
			// fails is shown unsupported, with the port's reason below.
			if why != "" && slices.ContainsFunc(rows, regexp.MustCompile(row+`unsupported +unsupported$`).MatchString) {
				wantRows = append(wantRows, row+`unsupported +unsupported$`)
				wantNotes = append(wantNotes, `^`+p.Name+` \(`+regexp.QuoteMeta(p.DataPath())+`\): .+; every `+string(c)+
					` build is declared unsupported there \(`+regexp.QuoteMeta(why)+`\)$`)
				continue
			}
			wantRows = append(wantRows, row+`ok +ok$`)
		}
	}
	require.NotEmpty(t, wantRows)
	matchEach(t, "row", wantRows, rows)
	matchEach(t, "skipped port", wantSkipped, skipped)
	// Besides the declarations, a note for each port this host proved it
	// cannot run natively (386 on a kernel without IA32 emulation).
	native := regexp.MustCompile(`^\S+: this \S+ host cannot run \S+ binaries natively \(.*\); using \S+ \S+$`)
	matchEach(t, "declaration", wantNotes, slices.DeleteFunc(notes, native.MatchString))
}

// matchEach asserts that got has one line per pattern of want, in order.
func matchEach(t *testing.T, what string, want, got []string) {
	t.Helper()
	if !assert.Len(t, got, len(want), "%s lines:\n%s", what, strings.Join(got, "\n")) {
		return
	}
	for i := range want {
		assert.Regexp(t, want[i], got[i], what)
	}
}

// The mutation check fails, naming the line, when a port's step 1 holds a
// save it cannot read, rather than scoring 100% of the saves it did see.
func TestMutantsRefuseALineTheyCannotRead(t *testing.T) {
	root := testkit.Copy(t)
	testkit.Edit(t, root, "arch/arm64/switch.S", func(s string) string {
		return strings.Replace(s, "\tstp\tx21, x22, [x0, #12*8]", "\tstnp\tx21, x22, [x0, #12*8]", 1)
	})
	var out bytes.Buffer
	start := time.Now()
	err := Mutants(context.Background(), Options{Root: root, Ports: []string{"arm64"}, OutDir: t.TempDir(), Out: &out, NoInstall: true})
	require.Error(t, err)
	assert.Regexp(t, `switch\.S:\d+: stnp x21, x22, \[x0, #12\*8\]: the check does not know "stnp" as a save instruction`, err.Error())
	assert.NotContains(t, out.String(), "mutants killed")
	assert.Less(t, time.Since(start), 30*time.Second)
}

// mage lib after the core stops compiling fails and leaves no library in
// the output folder that would pass for this build's.
func TestLibAfterTheCoreBreaksLeavesNoStaleLibrary(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Copy(t)
	out := t.TempDir()
	o := Options{Root: root, OutDir: out, Out: &bytes.Buffer{}, NoInstall: true}
	dirs, err := Lib(context.Background(), o, runtime.GOARCH)
	require.NoError(t, err)
	layout := library.InDir(dirs[0])
	for _, f := range layout.Files() {
		require.FileExists(t, f)
	}
	testkit.Edit(t, root, "core/slice.c", func(s string) string { return s + "\n#error the core no longer compiles\n" })
	_, err = Lib(context.Background(), o, runtime.GOARCH)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the previous library in "+dirs[0]+" was removed: it no longer matches the sources")
	for _, f := range layout.Files() {
		assert.NoFileExists(t, f)
	}
}

// mage install puts the host's library where pkg-config finds it, and a C
// program builds and runs with nothing but that.
func TestInstallThenBuildThroughPkgConfig(t *testing.T) {
	testkit.Integration(t)
	toolchaintest.Need(t, library.PkgConfig)
	prefix := t.TempDir()
	require.NoError(t, Install(context.Background(), Options{Out: &bytes.Buffer{}}, prefix))
	for _, f := range []string{"lib/libstackslice.a", "include/slice.h", "lib/pkgconfig/stackslice.pc"} {
		assert.FileExists(t, filepath.Join(prefix, f))
	}
	root := testkit.Root(t)
	bin := filepath.Join(t.TempDir(), "generator")
	build := exec.Command("sh", "-c", `cc $(pkg-config --cflags stackslice) "$1" $(pkg-config --libs --static stackslice) -o "$2"`, "sh",
		filepath.Join(root, "examples", "generator.c"), bin)
	build.Env = append(os.Environ(), "PKG_CONFIG_PATH="+filepath.Join(prefix, "lib", "pkgconfig"))
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	got, err := exec.Command(bin).Output()
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(root, "examples", "generator.out"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	err = Install(context.Background(), Options{Out: &bytes.Buffer{}}, "relative/prefix")
	assert.EqualError(t, err, `PREFIX="relative/prefix": want an absolute path`)
}

// mage lib all builds every port the host's compilers can build; a port
// built only in a toolchain image gets a line saying why it has no library,
// and asking for it by name is an error.
func TestLibBuildsEveryPort(t *testing.T) {
	testkit.Integration(t)
	out := t.TempDir()
	var log bytes.Buffer
	dirs, err := Lib(context.Background(), Options{OutDir: out, Out: &log}, "all")
	require.NoError(t, err, log.String())
	ports, err := Ports(Options{})
	require.NoError(t, err)
	var built []string
	for _, p := range ports {
		if !p.BuildsIn("") {
			assert.Contains(t, log.String(), p.Name+": no library: it builds only in toolchain image "+strings.Join(p.Images.Only, ", "))
			assert.NoDirExists(t, filepath.Join(out, "lib", p.Name))
			_, err := Lib(context.Background(), Options{OutDir: out, Out: &bytes.Buffer{}}, p.Name)
			assert.ErrorContains(t, err, p.Name+": no library: it builds only in toolchain image")
			continue
		}
		built = append(built, filepath.Join(out, "lib", p.Name))
		assert.FileExists(t, filepath.Join(out, "lib", p.Name, "libstackslice.a"))
	}
	assert.Equal(t, built, dirs)
	_, err = Lib(context.Background(), Options{OutDir: out, Out: &bytes.Buffer{}}, "vax")
	assert.ErrorContains(t, err, `unknown port "vax"`)
}

// A port whose port.json claims this host runs it natively, where the host
// cannot (as 386 on a kernel without IA32 emulation): the doctor's probe
// fails to start, the run says so once and goes on under the port's QEMU,
// and every report names that runner.
func TestANativeClaimTheHostRefutesRunsUnderQEMU(t *testing.T) {
	testkit.Integration(t)
	if entries, _ := os.ReadDir("/proc/sys/fs/binfmt_misc"); len(entries) > 2 {
		t.Skip("binfmt_misc may run foreign binaries through an emulator: nothing refutes the claim")
	}
	root := testkit.Copy(t)
	var p arch.Port
	for _, p = range toolchaintest.Ports(t, root) {
		if p.Name != runtime.GOARCH {
			break
		}
	}
	testkit.Edit(t, root, filepath.Join("arch", p.Name, "port.json"), func(s string) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		m["native_on"] = []string{runtime.GOARCH}
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return string(out)
	})
	out := t.TempDir()
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Root: root, Ports: []string{p.Name}, Builds: []string{"gcc-O0"},
		Cases: "^switch_ping_pong$", OutDir: out, Out: &log})
	t.Log("\n" + log.String())
	require.NoError(t, err)
	note := fmt.Sprintf("%s: this %s host cannot run %s binaries natively (exec format error); using %s ", p.Name, runtime.GOARCH, p.Name, p.QEMU)
	assert.Equal(t, 1, strings.Count(log.String(), note))
	require.Len(t, runs, 1)
	assert.True(t, strings.HasPrefix(runs[0].Backend, p.QEMU+" "), runs[0].Backend)
	assert.Regexp(t, `(?m)^`+p.Name+` +`+regexp.QuoteMeta(runs[0].Backend)+` `, log.String())
	for file, want := range map[string]string{
		report.JSONFile:     `"runner": "` + runs[0].Backend + `"`,
		report.JUnitFile:    `<property name="runner" value="` + runs[0].Backend + `">`,
		report.MarkdownFile: runs[0].Backend,
	} {
		data, err := os.ReadFile(filepath.Join(out, file))
		require.NoError(t, err)
		assert.Contains(t, string(data), want, file)
	}
}

// Setup ends with the doctor: its advice must not be to run setup, nor to
// install into toolchain images what they hold already.
func TestDoctorAdviceFitsWhereItRuns(t *testing.T) {
	assert.NoError(t, doctorVerdict(0, true, true))
	assert.EqualError(t, doctorVerdict(2, false, false), "2 toolchain check(s) failed; `go run github.com/magefile/mage setup` installs what they need")
	for _, err := range []error{doctorVerdict(1, true, false), doctorVerdict(1, true, true), doctorVerdict(1, false, true)} {
		assert.NotContains(t, err.Error(), "setup`", "setup never sends the user to setup")
	}
	assert.EqualError(t, doctorVerdict(1, true, false), "1 toolchain check(s) still fail after setup installed what they need; the lines above name each")
	assert.Contains(t, doctorVerdict(3, false, true).Error(), "in the toolchain images, which hold every package")
}

func TestALostEngineIsTheRunsErrorSaidOnce(t *testing.T) {
	lost := fmt.Errorf("%w at unix:///run/docker.sock: connection refused", docker.ErrEngineLost)
	runs := []conformance.Run{{Port: "amd64"}, {Port: "riscv64", Err: lost}, {Port: "s390x", Err: lost}}
	assert.EqualError(t, engineLost(runs), "the Docker engine stopped answering at unix:///run/docker.sock: connection refused: 2 runs cut short; their results are not a verdict on the ports")
	assert.NoError(t, engineLost(runs[:1]))
}
