package testkit

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the code produces now")

// Golden compares got with testdata/<name>.golden, or rewrites that file
// when the tests run with -update: an output format is pinned byte for byte,
// and a deliberate change shows as a diff of the golden file.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file: run the test with -update to write it")
	assert.Equal(t, string(want), string(got), "differs from %s (rerun with -update to accept a deliberate change)", path)
}
