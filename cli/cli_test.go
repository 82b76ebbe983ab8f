package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice"
	"github.com/stackslice/stackslice/internal/testkit"
)

func TestUnpackWritesTheTreeOnceAndKeepsTreesApart(t *testing.T) {
	cache := t.TempDir()
	tree := fstest.MapFS{"go.mod": {Data: []byte("module x\n")}, "core/slice.c": {Data: []byte("int x;\n")}}
	dir, err := unpack(tree, cache)
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(dir, "core", "slice.c"))
	require.NoError(t, err)
	assert.Equal(t, "int x;\n", string(data))

	again, err := unpack(tree, cache)
	require.NoError(t, err)
	assert.Equal(t, dir, again, "the same sources are unpacked once")

	tree["core/slice.c"] = &fstest.MapFile{Data: []byte("int y;\n")}
	other, err := unpack(tree, cache)
	require.NoError(t, err)
	assert.NotEqual(t, dir, other, "a binary built from other sources never uses this one's tree")
	entries, err := os.ReadDir(cache)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary folder is left")
}

// An unpack cut short (killed, a full disk) leaves a folder without its
// mark; the next command replaces it rather than compiling half a tree.
func TestUnpackReplacesATreeCutShort(t *testing.T) {
	cache := t.TempDir()
	tree := fstest.MapFS{"go.mod": {Data: []byte("module x\n")}, "core/slice.c": {Data: []byte("int x;\n")}}
	dir, err := unpack(tree, cache)
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, completeMark)))
	require.NoError(t, os.Remove(filepath.Join(dir, "core", "slice.c")))
	again, err := unpack(tree, cache)
	require.NoError(t, err)
	assert.Equal(t, dir, again)
	assert.FileExists(t, filepath.Join(dir, "core", "slice.c"))
	assert.FileExists(t, filepath.Join(dir, completeMark))
}

// A tree changed after it was unpacked (a file edited, added or removed,
// say by hand or by another tool) is never compiled: the binary's own files
// are unpacked again over it.
func TestUnpackReplacesATreeChangedSince(t *testing.T) {
	tree := fstest.MapFS{"go.mod": {Data: []byte("module x\n")}, "conformance/cases/a.c": {Data: []byte("int a;\n")}}
	for name, change := range map[string]func(dir string) error{
		"edited": func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "conformance", "cases", "a.c"), []byte("int b;\n"), 0o644)
		},
		"added": func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "conformance", "cases", "z.c"), []byte("int z;\n"), 0o644)
		},
		"removed": func(dir string) error { return os.Remove(filepath.Join(dir, "conformance", "cases", "a.c")) },
	} {
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			dir, err := unpack(tree, cache)
			require.NoError(t, err)
			require.NoError(t, change(dir))
			again, err := unpack(tree, cache)
			require.NoError(t, err)
			assert.Equal(t, dir, again)
			got, err := treeDigest(withoutMark{os.DirFS(dir)})
			require.NoError(t, err)
			want, err := treeDigest(tree)
			require.NoError(t, err)
			assert.Equal(t, want, got, "the tree holds the binary's files again")
			entries, err := os.ReadDir(cache)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary folder is left")
		})
	}
}

func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	t.Chdir(dir)
	code := Main(context.Background(), args, Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
		Tree: stackslice.Tree, Cache: filepath.Join(t.TempDir(), "cache")})
	return code, stdout.String(), stderr.String()
}

// Bad input is one line and exit 2 (usage) or 1, before anything is
// unpacked or built.
func TestBadInputIsOneLine(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"bogus"}, ExitUsage, `stackslice: unknown command "bogus" (stackslice help lists the commands)`},
		{[]string{"foreign"}, ExitUsage, "stackslice: foreign takes a folder of ports, and a port's name or all (stackslice help lists the commands)"},
		{[]string{"foreign", "a", "b", "c"}, ExitUsage, "stackslice: foreign takes a folder of ports, and a port's name or all (stackslice help lists the commands)"},
		{[]string{"doctor", "now"}, ExitUsage, "stackslice: doctor takes no arguments (stackslice help lists the commands)"},
		{[]string{"foreign", "missing"}, ExitFailed, "Error: missing: not a folder of foreign ports (a port.json there, or one per sub-folder)"},
		{[]string{"ports", "vax"}, ExitFailed, "Error: "},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, empty, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout)
			assert.True(t, strings.HasPrefix(stderr, tc.err), stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		})
	}
	code, _, stderr := run(t, empty)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "usage: stackslice <command>")
}

// `stackslice ports` says what a port.json may declare on each base, from
// the embedded ports: the declarable control registers apart from the
// callee-saved ones no declaration excuses.
func TestPortsSaysWhatMayBeDeclared(t *testing.T) {
	code, stdout, stderr := run(t, t.TempDir(), "ports", "amd64", "arm64")
	require.Equal(t, ExitPassed, code, stderr)
	assert.Contains(t, stdout, "base \"amd64\": x86_64-linux-gnu")
	assert.Contains(t, stdout, "  not_claimed may name: mxcsr, x87cw\n")
	assert.Contains(t, stdout, "  callee-saved, to preserve (never declarable): rbx, rbp, r12, r13, r14, r15\n")
	assert.Contains(t, stdout, "  kept by every caller's frame record (need not be named): x29\n")
	assert.NotContains(t, stdout, "riscv64", "only the ports named")
}

// The binary, copied alone into an empty folder, judges a folder of ports
// there: the sources it compiles come from inside it, the reports land in
// ./stackslice-out, and the exit status is the verdict.
func TestBinaryJudgesPortsFromAnEmptyFolder(t *testing.T) {
	testkit.Integration(t)
	work := t.TempDir()
	bin := filepath.Join(work, "stackslice")
	build := exec.Command("go", "build", "-o", bin, "./cmd/stackslice")
	build.Dir = testkit.Root(t)
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	for _, fixture := range []string{"slp-example-amd64", "testdata/slp-leaky-amd64"} {
		copyDir(t, filepath.Join(testkit.Root(t), "foreign", fixture), filepath.Join(work, "ports", filepath.Base(fixture)))
	}
	judge := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(work, "cache"), "SL_BUILDS=gcc-O2", "CI=true")
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	code, log := judge("foreign", "ports", "slp-example-amd64")
	assert.Equal(t, ExitPassed, code, log)
	var rep struct {
		Runs []struct {
			Arch, Build string
			OK          bool
		}
	}
	data, err := os.ReadFile(filepath.Join(work, DefaultOut, "report.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	require.Len(t, rep.Runs, 1)
	assert.True(t, rep.Runs[0].OK)

	code, log = judge("foreign", "ports")
	assert.Equal(t, ExitFailed, code, log)
	assert.Contains(t, log, "register r15 not claimed")
	assert.Contains(t, log, "Error: conformance failed: slp-leaky-amd64/gcc-O2")
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
}
