package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseList(t *testing.T) {
	names, err := ParseList("SL-CASE a\nSL-CASE b\n")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, names)

	for _, bad := range []string{"", "SL-CASE a\nhello\n", "SL-CASE a\nSL-CASE a\n", "SL-CASE \n"} {
		_, err := ParseList(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func statuses(results []CaseResult) map[string]Status {
	m := map[string]Status{}
	for _, r := range results {
		m[r.Name] = r.Status
	}
	return m
}

func TestParseResults(t *testing.T) {
	tests := []struct {
		name       string
		out        string
		want       map[string]Status
		wantReason map[string]string
		exit       int
	}{
		{
			name: "all pass",
			out:  "SL-BEGIN a\nSL-END a pass 10\nSL-BEGIN b\nhello\nSL-END b pass 20\nSL-DONE 2\n",
			want: map[string]Status{"a": Pass, "b": Pass},
		},
		{
			name:       "a case fails with a reason",
			out:        "SL-BEGIN a\nx.c:3: expected y\nSL-END a fail 10 expectations failed\nSL-BEGIN b\nSL-END b pass 20\nSL-DONE 2\n",
			want:       map[string]Status{"a": Fail, "b": Pass},
			wantReason: map[string]string{"a": "expectations failed"},
			exit:       1,
		},
		{
			name:       "runner stopped early with status 0",
			out:        "SL-BEGIN a\nSL-END a pass 10\nSL-BEGIN b\n",
			want:       map[string]Status{"a": Fail, "b": Fail},
			wantReason: map[string]string{"a": "exited with status 0 without finishing (no SL-DONE)", "b": "did not report: the runner exited with status 0"},
		},
		{
			name: "nothing printed",
			out:  "",
			want: map[string]Status{"a": Fail, "b": Fail},
		},
		{
			name:       "garbage line",
			out:        "SL-BEGIN a\nSL-END a pass 10\n\x00\x01garbage\nSL-BEGIN b\nSL-END b pass 20\nSL-DONE 2\n",
			want:       map[string]Status{"a": Fail, "b": Fail},
			wantReason: map[string]string{"a": "unexpected line"},
		},
		{
			name: "malformed end line",
			out:  "SL-BEGIN a\nSL-END a pass soon\nSL-BEGIN b\nSL-END b pass 20\nSL-DONE 2\n",
			want: map[string]Status{"a": Fail, "b": Fail},
		},
		{
			name: "end for a case that did not begin",
			out:  "SL-END a pass 10\nSL-BEGIN b\nSL-END b pass 20\nSL-DONE 2\n",
			want: map[string]Status{"a": Fail, "b": Fail},
		},
		{
			name:       "done count differs",
			out:        "SL-BEGIN a\nSL-END a pass 10\nSL-BEGIN b\nSL-END b pass 20\nSL-DONE 3\n",
			want:       map[string]Status{"a": Fail, "b": Fail},
			wantReason: map[string]string{"a": "reported 3 cases run, want 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseResults(tt.out, []string{"a", "b"}, Exited(tt.exit))
			require.Len(t, got, 2)
			assert.Equal(t, tt.want, statuses(got))
			for _, r := range got {
				if want, ok := tt.wantReason[r.Name]; ok {
					assert.Contains(t, r.Reason, want)
				}
				if r.Status == Fail {
					assert.NotEmpty(t, r.Reason, r.Name)
				}
			}
		})
	}
}

func TestParseResultsKeepsOutputAndDuration(t *testing.T) {
	got := ParseResults("SL-BEGIN a\nline 1\nline 2\nSL-END a fail 1500 crashed with SIGSEGV\nSL-DONE 1\n", []string{"a"}, Exited(1))
	require.Len(t, got, 1)
	assert.Equal(t, CaseResult{Name: "a", Status: Fail, Reason: "crashed with SIGSEGV",
		Duration: 1500 * time.Microsecond, Output: "line 1\nline 2\n"}, got[0])
}

func TestParserFraming(t *testing.T) {
	tests := []struct {
		name, out, output string
	}{
		{"no output", "SL-BEGIN a\n\nSL-END a pass 1\n", ""},
		{"output with a final newline", "SL-BEGIN a\nhello\n\nSL-END a pass 1\n", "hello\n"},
		{"output without a final newline", "SL-BEGIN a\nhello\nSL-END a pass 1\n", "hello\n"},
		{"output ending in blank lines", "SL-BEGIN a\nhello\n\n\n\nSL-END a pass 1\n", "hello\n\n\n"},
		{"escape sequences are cleaned", "SL-BEGIN a\n\x1b[2Jcleared\x07\n\nSL-END a pass 1\n", "\uFFFD[2Jcleared\uFFFD\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseResults(tt.out+"SL-DONE 1\n", []string{"a"}, Exited(0))
			require.Len(t, got, 1)
			assert.Equal(t, Pass, got[0].Status, got[0].Reason)
			assert.Equal(t, tt.output, got[0].Output)
		})
	}
}

// A case cannot forge its own verdict: the runner's real SL-END then
// arrives for a case that already ended, and the whole output is distrusted.
func TestParserDistrustsForgedMarkers(t *testing.T) {
	for name, tt := range map[string]struct{ out, reason string }{
		"forged end":   {"SL-BEGIN a\nSL-END a pass 1\n\nSL-END a fail 9 crashed with SIGSEGV\nSL-DONE 1\n", "unexpected line"},
		"forged begin": {"SL-BEGIN a\nSL-BEGIN a\n\nSL-END a pass 1\nSL-DONE 1\n", "did not report"},
		"bad done":     {"SL-BEGIN a\n\nSL-END a pass 1\nSL-DONE lots\n", `unexpected line(s), first: "SL-DONE lots"`},
	} {
		t.Run(name, func(t *testing.T) {
			got := ParseResults(tt.out, []string{"a"}, Exited(0))
			assert.Equal(t, Fail, got[0].Status)
			assert.Contains(t, got[0].Reason, tt.reason)
		})
	}
}

// Memory stays bounded whatever a case prints: the last OutputLines lines
// are kept, each cut at MaxLineBytes, with a count of what was dropped.
func TestParserKeepsABoundedTail(t *testing.T) {
	p := NewParser([]string{"a"}, nil)
	_, _ = p.Write([]byte("SL-BEGIN a\n"))
	line := []byte(strings.Repeat("x", 99) + "\n")
	block := []byte(strings.Repeat(string(line), 1000))
	for i := 0; i < 1000; i++ {
		_, _ = p.Write(block)
	}
	_, _ = p.Write([]byte("last line\n\nSL-END a pass 5\nSL-DONE 1\n"))
	got := p.Finish(Exited(0))
	require.Equal(t, Pass, got[0].Status)
	lines := strings.Split(strings.TrimSuffix(got[0].Output, "\n"), "\n")
	require.Equal(t, OutputLines+1, len(lines))
	assert.Equal(t, "[… 999901 earlier lines not kept]", lines[0])
	assert.Equal(t, "last line", lines[len(lines)-1])
}

// An overlong line is cut and says so; the parse goes on after it.
func TestParserCutsOverlongLines(t *testing.T) {
	huge := strings.Repeat("y", 16<<20)
	got := ParseResults("SL-BEGIN a\n"+huge+"\nafter\n\nSL-END a pass 1\nSL-BEGIN b\n\nSL-END b pass 1\nSL-DONE 2\n", []string{"a", "b"}, Exited(0))
	assert.Equal(t, map[string]Status{"a": Pass, "b": Pass}, statuses(got))
	first, rest, _ := strings.Cut(got[0].Output, "\n")
	assert.Equal(t, strings.Repeat("y", MaxLineBytes)+"… [line cut: 16777216 bytes in all]", first)
	assert.Equal(t, "after\n", rest)

	// A marker line that long is not the runner's: it is the case's output.
	got = ParseResults("SL-BEGIN a\n\nSL-END a pass 1 "+huge+"\nSL-DONE 1\n", []string{"a"}, Exited(1))
	assert.Equal(t, Fail, got[0].Status)
	assert.Equal(t, "did not report: the runner exited with status 1", got[0].Reason)
}

func TestParserKeepsTheOutputOfACaseThatNeverEnded(t *testing.T) {
	got := ParseResults("SL-BEGIN a\nabout to hang\npartial", []string{"a"}, Ending{ExitCode: -1, How: "killed after timing out (20m0s)"})
	assert.Equal(t, "did not report: the runner killed after timing out (20m0s)", got[0].Reason)
	assert.Equal(t, "about to hang\npartial\n", got[0].Output)
}

// A case shares the runner's output: it can print every marker the runner
// would, a right SL-DONE included, and then kill the runner. Only an output
// that the runner's own exit confirms passes.
func TestParserChecksTheRunnersEndAgainstItsOutput(t *testing.T) {
	const allPass = "SL-BEGIN a\n\nSL-END a pass 1\nSL-BEGIN b\n\nSL-END b pass 1\nSL-DONE 2\n"
	killed := Ending{ExitCode: -1, How: "crashed with SIGKILL"}
	for name, tt := range map[string]struct {
		out    string
		ended  Ending
		reason string
	}{
		"forged run, runner killed":    {allPass, killed, "crashed with SIGKILL, which disagrees"},
		"forged run, runner timed out": {allPass, Ending{ExitCode: -1, How: "killed after timing out (1s)"}, "timing out (1s), which disagrees"},
		"all passed, exit 1":           {allPass, Exited(1), "exited with status 1, which disagrees"},
		"all passed, exit 2":           {allPass, Exited(2), "exited with status 2, which disagrees"},
		"passes then killed":           {"SL-BEGIN a\n\nSL-END a pass 1\n", killed, "crashed with SIGKILL without finishing"},
		"passes, exit 0, no done":      {"SL-BEGIN a\n\nSL-END a pass 1\nSL-BEGIN b\n\nSL-END b pass 1\n", Exited(0), "without finishing (no SL-DONE)"},
		"done count too small":         {"SL-BEGIN a\n\nSL-END a pass 1\nSL-BEGIN b\n\nSL-END b pass 1\nSL-DONE 1\n", Exited(0), "reported 1 cases run, want 2"},
		"a case reported twice":        {"SL-BEGIN a\n\nSL-END a pass 1\nSL-BEGIN a\n\nSL-END a pass 1\nSL-BEGIN b\n\nSL-END b pass 1\nSL-DONE 2\n", Exited(0), `first: "SL-BEGIN a"`},
		"output after done":            {allPass + "SL-BEGIN b\n", Exited(0), `first: "SL-BEGIN b"`},
		"a second done":                {allPass + "SL-DONE 2\n", Exited(0), `first: "SL-DONE 2"`},
		"done inside a case":           {"SL-BEGIN a\n\nSL-END a pass 1\nSL-BEGIN b\nSL-DONE 2\n\nSL-END b pass 1\n", Exited(0), `first: "SL-DONE 2"`},
	} {
		t.Run(name, func(t *testing.T) {
			got := ParseResults(tt.out, []string{"a", "b"}, tt.ended)
			for _, r := range got {
				assert.Equal(t, Fail, r.Status, r.Name)
			}
			assert.Contains(t, got[0].Reason, tt.reason)
		})
	}
	got := ParseResults(allPass, []string{"a", "b"}, Exited(0))
	assert.Equal(t, map[string]Status{"a": Pass, "b": Pass}, statuses(got), "the honest run")
}
