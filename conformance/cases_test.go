package conformance

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

// caseTree is a root whose case folder holds files, by name.
func caseTree(t *testing.T, files map[string]string) string {
	root := t.TempDir()
	dir := filepath.Join(root, CasesDir)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	return root
}

// Every case a file of the checkout defines is in the list, once, and a
// case file with no list to be added to is one of them.
func TestCaseListIsEveryCaseTheFilesDefine(t *testing.T) {
	root := testkit.Root(t)
	cases, err := CaseList(root)
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(root, CasesDir, "*.c"))
	require.NoError(t, err)
	defined := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		defined += strings.Count("\n"+string(data), "\nvoid case_")
	}
	assert.Len(t, cases, defined)
	names := map[string]bool{}
	for _, c := range cases {
		assert.False(t, names[c.Name], "case %s twice", c.Name)
		names[c.Name] = true
	}
	assert.True(t, names["switch_ping_pong"])

	copied := testkit.Copy(t, CasesDir)
	require.NoError(t, os.WriteFile(filepath.Join(copied, CasesDir, "zz_new.c"), []byte("void case_zz_new(void) {}\n"), 0o644))
	withNew, err := CaseList(copied)
	require.NoError(t, err)
	require.Len(t, withNew, len(cases)+1)
	assert.Equal(t, Case{Name: "zz_new", File: filepath.Join(copied, CasesDir, "zz_new.c")}, withNew[len(cases)],
		"a new case file is in the list without being added to one")
}

func TestCaseListOrderAndSource(t *testing.T) {
	root := caseTree(t, map[string]string{
		"b.c":       "static void helper(void) {}\nvoid case_b_second(void) { helper(); }\nvoid case_b_first(void) {}\n",
		"a.c":       "#include \"check.h\"\nvoid case_a_only(void) {\n    case_count++;\n}\n",
		"helpers.c": "int case_count;\n",
	})
	cases, err := CaseList(root)
	require.NoError(t, err)
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"a_only", "b_second", "b_first"}, names, "files by name, cases as each file defines them")
	src := string(CaseListSource(cases))
	assert.Contains(t, src, "void case_b_first(void);\n")
	assert.Contains(t, src, "{\"a_only\", case_a_only},\n    {\"b_second\", case_b_second},\n    {\"b_first\", case_b_first},\n")
	assert.Contains(t, src, "const int sl_case_count = sizeof sl_cases / sizeof sl_cases[0];")
}

// A case the list could not take is an error naming it, never a case that
// silently never runs.
func TestCaseListNamesWhatItCannotTake(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"another shape", map[string]string{"x.c": "void case_ok(void) {}\n\nvoid\ncase_split(void) {}\nstatic void case_hidden(void) {}\n"},
			`x.c:4: "case_split(void) {}" is not a case the runner can list`},
		{"static", map[string]string{"x.c": "static void case_hidden(void) {}\n"},
			`x.c:1: "static void case_hidden(void) {}" is not a case the runner can list`},
		{"twice", map[string]string{"x.c": "void case_same(void) {}\n", "y.c": "void case_same(void) {}\n"},
			"y.c: case same is defined in "},
		{"none", map[string]string{"x.c": "int x;\n"}, "no case (`void case_<name>(void) {`) in "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CaseList(caseTree(t, tt.files))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// The regression of the hand-kept list: a case file nobody listed is built
// into the runner and runs.
func TestANewCaseFileRuns(t *testing.T) {
	_, p := toolchaintest.Port(t, runtime.GOARCH)
	root := testkit.Copy(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, CasesDir, "zz_added.c"),
		[]byte("#include \"check.h\"\n\nvoid case_zz_added_runs(void) { EXPECT(1); }\n"), 0o644))
	opts := Options{OutDir: t.TempDir()}
	_, names, err := List(context.Background(), root, p, build.Default()[0], opts, nil)
	require.NoError(t, err)
	assert.Contains(t, names, "zz_added_runs")
	opts.Cases = regexp.MustCompile("^zz_added_runs$")
	run := RunSuite(context.Background(), root, p, build.Default()[0], opts)
	require.NoError(t, run.Err)
	require.Len(t, run.Cases, 1)
	assert.Equal(t, Pass, run.Cases[0].Status, run.Cases[0].Reason)
}
