package mutants

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/internal/testkit"
)

func TestParseCoreReadsHeadersAndLines(t *testing.T) {
	ms, err := ParseCore("# comment\n\n@@ a: drops a line\n-x = 1;\n-y = 2;\n+z = 3;\n\n@@ b: deletes\n-w = 4;\n")
	require.NoError(t, err)
	assert.Equal(t, []CoreMutant{
		{Name: "a", Why: "drops a line", Line: 3, Find: "x = 1;\ny = 2;\n", Replace: "z = 3;\n"},
		{Name: "b", Why: "deletes", Line: 8, Find: "w = 4;\n"},
	}, ms)
	out, err := ms[0].Apply("a\nx = 1;\ny = 2;\nb\n")
	require.NoError(t, err)
	assert.Equal(t, "a\nz = 3;\nb\n", out)
}

// Anything the check cannot read is an error naming the line, and a mutant
// whose text is not in the core exactly once plants nothing: an error too.
func TestParseCoreRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty", "# nothing\n", "mutants/core.mutants: no mutant"},
		{"no text", "@@ a: b\n+x\n", `mutants/core.mutants:1: mutant a replaces nothing (no "-" line)`},
		{"bad header", "@@ a b\n-x\n", `mutants/core.mutants:1: a header is "@@ <name>: <what the bug does>", got "@@ a b"`},
		{"space in name", "@@ a b: c\n-x\n", `mutants/core.mutants:1: a header is`},
		{"twice", "@@ a: b\n-x\n@@ a: c\n-y\n", "mutants/core.mutants:3: mutant a is named twice"},
		{"before header", "-x\n", `mutants/core.mutants:1: a "-" line before the first "@@" header`},
		{"minus after plus", "@@ a: b\n-x\n+y\n-z\n", `mutants/core.mutants:4: a "-" line after the "+" lines of mutant a`},
		{"stray", "@@ a: b\n-x\n x\n", `mutants/core.mutants:3: neither a header, a "-" or "+" line nor a comment: " x"`},
	}
	for _, tt := range tests {
		_, err := ParseCore(tt.data)
		require.Error(t, err, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
	m := CoreMutant{Name: "a", Line: 7, Find: "x\n"}
	for _, src := range []string{"y\n", "x\nx\n"} {
		_, err := m.Apply(src)
		require.Error(t, err)
		assert.Regexp(t, `^mutants/core.mutants:7: the text mutant a replaces occurs [02] times in core/slice.c, not once$`, err.Error())
	}
}

// The repository's planted bugs: at least twelve, each applying once to
// the core as it is, and each changing it.
func TestCoreMutantsApplyToTheCore(t *testing.T) {
	root := testkit.Root(t)
	src, ms, err := LoadCore(root)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(ms), 12)
	for _, m := range ms {
		out, err := m.Apply(src)
		require.NoError(t, err, m.Name)
		assert.NotEqual(t, src, out, m.Name)
	}
}

// A core change that moves a mutant's text away fails the load.
func TestLoadCoreFailsWhenTheCoreMoved(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{CoreData, CoreSource} {
		data, err := os.ReadFile(filepath.Join(testkit.Root(t), f))
		require.NoError(t, err)
		if f == CoreSource {
			data = []byte(strings.Replace(string(data), "if (c->state == SL_ACTIVE) return SL_EBUSY;", "if (c->state == SL_ACTIVE) { return SL_EBUSY; }", 1))
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, f), data, 0o644))
	}
	_, _, err := LoadCore(root)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the text mutant free-suspended replaces occurs 0 times in core/slice.c, not once")
}
