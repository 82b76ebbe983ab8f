package harness

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/console"
	"github.com/stackslice/stackslice/report"
)

// The whole promise: every port, in the full build matrix, passes every
// case. Toolchains are installed when missing; a port that cannot be built
// or run fails here.
func TestEveryPortConforms(t *testing.T) {
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{Builds: []string{conformance.AllBuilds}, OutDir: t.TempDir(), Out: &out})
	t.Log("\n" + out.String())
	require.NoError(t, err)
	ports, err := Ports(Options{})
	require.NoError(t, err)
	// Every build on every port, but the host-only sanitizer build on the host's port alone.
	require.Len(t, runs, len(ports)*(len(conformance.Builds)-1)+1)
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.Port] = true
		assert.True(t, r.OK(), console.RunLine(r))
		assert.NotEmpty(t, r.Cases)
	}
	assert.Len(t, seen, 6)
	assert.Contains(t, out.String(), "passed, 0 failed")
}

func TestBadInputIsOneClearError(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"unknown port", Options{Ports: []string{"mips"}}, `unknown port "mips" (known ports: 386, amd64, arm64, ppc64le, riscv64, s390x)`},
		{"unknown build", Options{Builds: []string{"gcc-O9"}}, `unknown build "gcc-O9"`},
		{"bad case pattern", Options{Cases: "switch_("}, `case pattern "switch_(": error parsing regexp: missing closing ): ` + "`switch_(`"},
		{"case filter matches nothing", Options{Ports: []string{"amd64"}, Cases: "^nope$"}, `no case matches the filter "^nope$" (cases: switch_ping_pong,`},
		{"negative repeat", Options{Repeat: -1}, "repeat count -1: must be 1 or more"},
		{"output directory under a file", Options{OutDir: "/etc/hostname/out"}, "output directory /etc/hostname/out: not a directory"},
		{"sanitizer build off the host arch", Options{Ports: []string{"s390x"}, Builds: []string{"gcc-asan-ubsan"}}, "nothing to run: the selected builds run only natively on the host's own arch (amd64)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.opts.Out = &out
			_, err := Test(context.Background(), tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, strings.TrimSpace(out.String()))
		})
	}
}

func TestSetupWithDefaultOptionsFindsNothingMissing(t *testing.T) {
	// TestEveryPortConforms installs everything first when run alone; Setup
	// must then be a quiet no-op rather than need a writer.
	_, err := Test(context.Background(), Options{Ports: []string{"amd64"}, OutDir: t.TempDir(), Out: &bytes.Buffer{}})
	require.NoError(t, err)
	require.NoError(t, Setup(context.Background(), Options{}))
}

// A case that fails, crashes, exits early or hangs is a reported failure of
// that case, natively and under QEMU, with its reason and output, and the
// other cases still run and pass; never a pass and never a harness error.
func TestMisbehavingCasesAreReportedNeverPassed(t *testing.T) {
	out := t.TempDir()
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Ports: []string{"amd64", "s390x"}, Builds: []string{"gcc-O0"},
		SelfTest: true, Cases: "^selftest_(pass|fail|crash|exit_early|hang)$", CaseTimeout: time.Second, OutDir: out, Out: &log})
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
	}
	for _, r := range runs {
		require.NoError(t, r.Err, r.Port)
		require.Len(t, r.Cases, len(want), r.Port)
		for i, w := range want {
			c := r.Cases[i]
			assert.Equal(t, w.name, c.Name, r.Port)
			assert.Equal(t, w.status, c.Status, "%s %s", r.Port, c.Name)
			assert.Equal(t, w.reason, c.Reason, "%s %s", r.Port, c.Name)
			assert.Contains(t, c.Output, w.output, "%s %s", r.Port, c.Name)
		}
	}
	assert.Contains(t, log.String(), "amd64 gcc-O0 selftest_crash: crashed with SIGSEGV\n    about to crash\n")
	assert.Contains(t, log.String(), "2 passed, 8 failed")

	junit, err := os.ReadFile(filepath.Join(out, report.JUnitFile))
	require.NoError(t, err)
	assert.Contains(t, string(junit), `<testsuite name="s390x/gcc-O0" tests="5" failures="4"`)
	summary, err := os.ReadFile(filepath.Join(out, report.MarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(summary), "❌ 2 passed, 8 failed")
}

// The sanitizer build is only worth its time if it fails on what it exists
// to catch: a leak and a heap overflow.
func TestSanitizerBuildCatchesLeaksAndOverflows(t *testing.T) {
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

func TestFilterRepeatAndProgress(t *testing.T) {
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

// A port's emulator_bugs must name real cases: a misspelt one would let the
// failure it documents fail the port instead, confusingly.
func TestEmulatorBugsNameRealCases(t *testing.T) {
	ports, err := Ports(Options{})
	require.NoError(t, err)
	host, err := arch.Select(ports, []string{runtime.GOARCH})
	require.NoError(t, err)
	_, names, err := conformance.List(context.Background(), mustRoot(t), host[0], conformance.DefaultBuilds()[0],
		conformance.Options{OutDir: t.TempDir()}, nil)
	require.NoError(t, err)
	for _, p := range ports {
		for name := range p.EmulatorBugs {
			assert.Contains(t, names, name, "arch/%s/port.json: emulator_bugs", p.Name)
		}
	}
}

func mustRoot(t *testing.T) string {
	root, err := Root()
	require.NoError(t, err)
	return root
}
