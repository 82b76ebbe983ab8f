package conformance

import (
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

func TestSelectBuilds(t *testing.T) {
	defaults, err := SelectBuilds(nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultBuilds(), defaults)
	assert.Len(t, defaults, 2)
	all, err := SelectBuilds([]string{AllBuilds})
	require.NoError(t, err)
	assert.Equal(t, Builds, all)
	one, err := SelectBuilds([]string{"gcc-O2"})
	require.NoError(t, err)
	assert.Equal(t, "gcc-O2", one[0].Name)
	_, err = SelectBuilds([]string{"gcc-O9"})
	assert.EqualError(t, err, `unknown build "gcc-O9" (known builds: gcc-O0, gcc-O2, gcc-O3-lto, gcc-O2-framepointer, clang-O2, gcc-asan-ubsan, or all)`)
}
