package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/toolchain"
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
		},
		{
			name:       "runner stopped early with status 0",
			out:        "SL-BEGIN a\nSL-END a pass 10\nSL-BEGIN b\n",
			want:       map[string]Status{"a": Pass, "b": Fail},
			wantReason: map[string]string{"b": "did not report: the runner exited with status 0"},
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
			got := ParseResults(tt.out, []string{"a", "b"}, "exited with status 0")
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
	got := ParseResults("SL-BEGIN a\nline 1\nline 2\nSL-END a fail 1500 crashed with SIGSEGV\nSL-DONE 1\n", []string{"a"}, "")
	require.Len(t, got, 1)
	assert.Equal(t, CaseResult{Name: "a", Status: Fail, Reason: "crashed with SIGSEGV",
		Duration: 1500 * time.Microsecond, Output: "line 1\nline 2\n"}, got[0])
}

func buildNames(builds []Build) []string {
	var names []string
	for _, b := range builds {
		names = append(names, b.Name)
	}
	return names
}

func TestSelectBuilds(t *testing.T) {
	tests := []struct {
		names []string
		want  []string
		err   string
	}{
		{nil, []string{"gcc-O0", "gcc-O2"}, ""},
		{[]string{"all"}, []string{"gcc-O0", "gcc-O2", "gcc-O3-lto", "gcc-O2-framepointer", "clang-O2", "gcc-asan-ubsan"}, ""},
		{[]string{"clang-O2", "gcc-O0"}, []string{"clang-O2", "gcc-O0"}, ""},
		{[]string{"gcc-O0", "gcc-O0", "gcc-O2", "gcc-O0"}, []string{"gcc-O0", "gcc-O2"}, ""},
		{[]string{"gcc-O9"}, nil, `unknown build "gcc-O9" (known builds: gcc-O0, gcc-O2, gcc-O3-lto, gcc-O2-framepointer, clang-O2, gcc-asan-ubsan, or all)`},
		{[]string{"gcc-O0", "all"}, nil, `builds "gcc-O0,all": "all" stands alone (it already means every build)`},
	}
	for _, tt := range tests {
		got, err := SelectBuilds(tt.names)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, buildNames(got), "%v", tt.names)
	}
	sanitizer, err := SelectBuilds([]string{"gcc-asan-ubsan"})
	require.NoError(t, err)
	assert.True(t, sanitizer[0].HostOnly, "the sanitizer runtimes exist for the host only")
	assert.Equal(t, toolchain.Clang, selectBuild(t, "clang-O2").Compiler)
}

func selectBuild(t *testing.T, name string) Build {
	builds, err := SelectBuilds([]string{name})
	require.NoError(t, err)
	return builds[0]
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
			got := ParseResults(tt.out+"SL-DONE 1\n", []string{"a"}, "exited with status 0")
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
			got := ParseResults(tt.out, []string{"a"}, "exited with status 0")
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
	got := p.Finish("exited with status 0")
	require.Equal(t, Pass, got[0].Status)
	lines := strings.Split(strings.TrimSuffix(got[0].Output, "\n"), "\n")
	require.Equal(t, OutputLines+1, len(lines))
	assert.Equal(t, "[… 999901 earlier lines not kept]", lines[0])
	assert.Equal(t, "last line", lines[len(lines)-1])
}

// An overlong line is cut and says so; the parse goes on after it.
func TestParserCutsOverlongLines(t *testing.T) {
	huge := strings.Repeat("y", 16<<20)
	got := ParseResults("SL-BEGIN a\n"+huge+"\nafter\n\nSL-END a pass 1\nSL-BEGIN b\n\nSL-END b pass 1\nSL-DONE 2\n", []string{"a", "b"}, "")
	assert.Equal(t, map[string]Status{"a": Pass, "b": Pass}, statuses(got))
	first, rest, _ := strings.Cut(got[0].Output, "\n")
	assert.Equal(t, strings.Repeat("y", MaxLineBytes)+"… [line cut: 16777216 bytes in all]", first)
	assert.Equal(t, "after\n", rest)

	// A marker line that long is not the runner's: it is the case's output.
	got = ParseResults("SL-BEGIN a\n\nSL-END a pass 1 "+huge+"\nSL-DONE 1\n", []string{"a"}, "exited with status 1")
	assert.Equal(t, Fail, got[0].Status)
	assert.Equal(t, "did not report: the runner exited with status 1", got[0].Reason)
}

func TestParserKeepsTheOutputOfACaseThatNeverEnded(t *testing.T) {
	got := ParseResults("SL-BEGIN a\nabout to hang\npartial", []string{"a"}, "killed after timing out (20m0s)")
	assert.Equal(t, "did not report: the runner killed after timing out (20m0s)", got[0].Reason)
	assert.Equal(t, "about to hang\npartial\n", got[0].Output)
}
