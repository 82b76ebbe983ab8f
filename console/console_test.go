package console

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/report/reporttest"
)

var (
	passing = conformance.Run{Port: "amd64", Build: "gcc-O2", Backend: "native", Duration: 1200 * time.Millisecond,
		Cases: []conformance.CaseResult{{Name: "a", Status: conformance.Pass}, {Name: "b", Status: conformance.Pass}}}
	failing = conformance.Run{Port: "arm64", Build: "gcc-O2", Backend: "qemu-aarch64 7.2.22", Duration: 3 * time.Second,
		Cases: []conformance.CaseResult{
			{Name: "a", Status: conformance.Pass},
			{Name: "registers", Iteration: 2, Status: conformance.Fail, Reason: "expectations failed", Output: "x19: want 0x1 got 0x2\n"},
		}}
	broken = conformance.Run{Port: "s390x", Build: "gcc-O0", Backend: "qemu-s390x 7.2.22",
		Err: fmt.Errorf("%w s390x gcc-O0: exit status 1\nswitch.S:3: Error: template", build.ErrCompile)}
)

func TestRunLine(t *testing.T) {
	tests := []struct {
		run  conformance.Run
		want string
	}{
		{passing, `^PASS amd64 +gcc-O2 +2 passed +0 failed +native +1.2s$`},
		{failing, `^FAIL arm64 +gcc-O2 +1 passed +1 failed +qemu-aarch64 7.2.22 +3.0s$`},
		{broken, `^FAIL s390x .* compiling s390x gcc-O0: exit status 1$`},
	}
	for _, tt := range tests {
		assert.Regexp(t, tt.want, RunLine(tt.run))
	}
}

func TestWriteMatrixIsArchByBuild(t *testing.T) {
	second := passing
	second.Build = "gcc-O0"
	var out bytes.Buffer
	WriteMatrix(&out, []conformance.Run{passing, second, failing, broken})
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Regexp(t, `^arch +runner +gcc-O2 +gcc-O0`, lines[0])
	assert.Regexp(t, `^amd64 +native +ok 2/2 1.2s +ok 2/2 1.2s`, lines[1])
	assert.Regexp(t, `^arm64 +qemu-aarch64 7.2.22 +FAIL 1/2 3.0s +-`, lines[2])
	assert.Regexp(t, `^s390x +qemu-s390x 7.2.22 +- +FAIL \(build error\)`, lines[3])
}

func TestWriteFailuresShowsTheOutputTail(t *testing.T) {
	var out bytes.Buffer
	WriteFailures(&out, []conformance.Run{passing, failing, broken})
	assert.Contains(t, out.String(), "arm64 gcc-O2 registers#2: expectations failed\n    x19: want 0x1 got 0x2\n")
	assert.Contains(t, out.String(), "s390x gcc-O0: compiling s390x gcc-O0: exit status 1\nswitch.S:3: Error: template\n")
	assert.NotContains(t, out.String(), "amd64")
}

func TestPlainProgressAppendsLines(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, false, []Row{{Port: "amd64", Build: "gcc-O2"}})
	p.Update(conformance.Progress{Port: "amd64", Build: "gcc-O2", Stage: conformance.Compiling})
	p.Update(conformance.Progress{Port: "amd64", Build: "gcc-O2", Stage: conformance.Running, Total: 2})
	p.Update(conformance.Progress{Port: "amd64", Build: "gcc-O2", Stage: conformance.Running, Done: 1, Total: 2})
	p.Finish(passing)
	p.Close()
	assert.NotContains(t, out.String(), "\x1b")
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	assert.Regexp(t, `^RUN  amd64 +gcc-O2 +2 cases$`, lines[0])
	assert.Equal(t, RunLine(passing), lines[1])
}

func TestLiveProgressRedrawsInPlaceAndErasesItself(t *testing.T) {
	var out testkit.Buffer
	p := NewProgress(&out, true, []Row{{Port: "amd64", Build: "gcc-O2"}, {Port: "arm64", Build: "gcc-O2"}})
	p.Update(conformance.Progress{Port: "amd64", Build: "gcc-O2", Stage: conformance.Running, Done: 7, Total: 26})
	time.Sleep(3 * redrawEvery)
	p.Finish(passing)
	p.Close()
	s := out.String()
	assert.Contains(t, s, "arm64    gcc-O2               waiting")
	assert.Regexp(t, `RUN  amd64 +gcc-O2 +7/26 cases`, s)
	assert.Contains(t, s, "\x1b[2A", "moves up over its two lines to redraw them")
	assert.True(t, strings.HasSuffix(s, "\x1b[2A\x1b[J"), "erases its lines when closed")
}

func TestLiveProgressFoldsRowsThatDoNotFit(t *testing.T) {
	rows := []Row{{Port: "amd64", Build: "gcc-O0"}, {Port: "amd64", Build: "gcc-O2"}, {Port: "arm64", Build: "gcc-O0"}, {Port: "arm64", Build: "gcc-O2"}}
	p := &Progress{live: true, rows: rows, maxLines: 3, start: time.Now(), state: map[Row]conformance.Progress{},
		since: map[Row]time.Time{}, done: map[Row]string{}}
	p.Update(conformance.Progress{Port: "arm64", Build: "gcc-O0", Stage: conformance.Compiling})
	p.Finish(passing)
	failed := failing
	failed.Port, failed.Build = "amd64", "gcc-O0"
	p.Finish(failed)
	lines := p.lines()
	require.Len(t, lines, 3)
	assert.Regexp(t, `^2 of 4 runs done \(1 failed\), 1 waiting, \d+s$`, lines[0])
	assert.Regexp(t, `^FAIL amd64 +gcc-O0`, lines[1], "failures stay on screen")
	assert.Regexp(t, `^RUN  arm64 +gcc-O0 +compiling`, lines[2])
}

// What a case printed cannot drive the terminal: an escape sequence that
// would clear the screen arrives as a visible replacement character.
func TestFailuresAndNotesAreCleanedForTheTerminal(t *testing.T) {
	run := conformance.Run{Port: "arm64", Build: "gcc-O2", Cases: []conformance.CaseResult{
		{Name: "a", Status: conformance.Fail, Reason: "crashed\x1b]0;owned\x07", Output: "\x1b[2Jcleared\n\x9b31mred\n"},
		{Name: "b", Status: conformance.Pass, Note: "note \x1b[1A"},
	}}
	var out bytes.Buffer
	WriteFailures(&out, []conformance.Run{run})
	WriteNotes(&out, []conformance.Run{run})
	assert.NotContains(t, out.String(), "\x1b")
	assert.NotContains(t, out.String(), "\x9b")
	assert.Contains(t, out.String(), "arm64 gcc-O2 a: crashed\uFFFD]0;owned\uFFFD\n    \uFFFD[2Jcleared\n    \uFFFD31mred\n")
	assert.Contains(t, out.String(), "note: arm64 gcc-O2 b: note \uFFFD[1A\n")
	assert.Regexp(t, "no case passed$", RunLine(conformance.Run{Port: "x", Build: "y", Cases: []conformance.CaseResult{{Status: conformance.KnownFailure}}}))
}

// The final screen, byte for byte: the matrix, the failures and the notes.
func TestGolden(t *testing.T) {
	second := passing
	second.Build = "gcc-O0"
	noted := passing
	noted.Port = "386"
	noted.Cases = []conformance.CaseResult{{Name: "a", Status: conformance.Pass, Note: "passed although listed in emulator_bugs"},
		{Name: "b", Status: conformance.KnownFailure, Reason: "known emulator failure (qemu bug): crashed with SIGSEGV"}}
	sanitized := passing
	sanitized.Build = "gcc-asan-ubsan"
	runs := []conformance.Run{passing, second, failing, broken, noted, sanitized}
	var out bytes.Buffer
	WriteMatrix(&out, runs)
	WriteFailures(&out, runs)
	WriteNotes(&out, runs)
	testkit.Golden(t, "final.txt", out.Bytes())
}

// A foreign port's final screen: its gap, the unsupported build and the
// switch source with its SHA-256.
func TestGoldenForeign(t *testing.T) {
	runs := reporttest.ForeignRuns()
	var out bytes.Buffer
	WriteMatrix(&out, runs)
	WriteFailures(&out, runs)
	WriteNotes(&out, runs)
	WriteTotals(&out, conformance.Outcome{Runs: runs}, 2*time.Second)
	testkit.Golden(t, "foreign.txt", out.Bytes())
	assert.True(t, strings.HasSuffix(out.String(), "\npassed with 1 declared gap and 1 unsupported build\n"), "the last line says what was set apart")
	assert.Contains(t, out.String(), reporttest.ForeignSHA256)
	assert.Contains(t, out.String(), reporttest.ForeignInputsSHA256)
	for _, in := range reporttest.ForeignInputs() {
		assert.Contains(t, out.String(), in.SHA256+"  "+in.Path+" ("+in.Role+")")
	}
}

// The toolchain dimension: a row per arch and toolchain, naming the image
// and the gcc and QEMU it ran.
func TestGoldenToolchains(t *testing.T) {
	runs := []conformance.Run{
		{Port: "riscv64", Build: "gcc-O2", Backend: "qemu-riscv64 7.2.22", Compiler: "riscv64-linux-gnu-gcc 12.2.0", Duration: 2 * time.Second,
			Cases: []conformance.CaseResult{{Name: "a", Status: conformance.Pass}}},
		{Port: "riscv64", Build: "gcc-O2", Toolchain: "trixie", Backend: "qemu-riscv64 10.0.2", Compiler: "riscv64-linux-gnu-gcc 14.2.0",
			Duration: 3 * time.Second, Cases: []conformance.CaseResult{{Name: "a", Status: conformance.Fail, Reason: "crashed with SIGSEGV"}}},
		{Port: "riscv64", Build: "examples", Toolchain: "trixie", Backend: "qemu-riscv64 10.0.2", Compiler: "riscv64-linux-gnu-gcc 14.2.0",
			Duration: time.Second, Cases: []conformance.CaseResult{{Name: "b", Status: conformance.Pass}}},
	}
	var out bytes.Buffer
	WriteMatrix(&out, runs)
	WriteFailures(&out, runs)
	out.WriteString(RunLine(runs[1]) + "\n")
	testkit.Golden(t, "toolchains.txt", out.Bytes())
}
