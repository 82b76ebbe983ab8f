package harness

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/conformance"
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
	require.Len(t, runs, len(ports)*len(conformance.Builds))
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.Port] = true
		assert.True(t, r.OK(), RunLine(r))
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

func TestRunLineNamesTheFailure(t *testing.T) {
	r := conformance.Run{Port: "arm64", Build: "gcc-O2", Backend: "qemu-aarch64 7.2",
		Cases: []conformance.CaseResult{{Name: "a", Status: conformance.Pass}, {Name: "b", Status: conformance.Fail, Reason: "crashed with SIGSEGV", Output: "x\n"}}}
	assert.Regexp(t, `^FAIL arm64 +gcc-O2 +1 passed +1 failed +qemu-aarch64 7.2`, RunLine(r))
	var out bytes.Buffer
	WriteFailures(&out, []conformance.Run{r})
	assert.Contains(t, out.String(), "arm64 gcc-O2 b: crashed with SIGSEGV\n    x\n")
	passed, failed := Totals([]conformance.Run{r, {Port: "s390x", Err: assert.AnError}})
	assert.Equal(t, 1, passed)
	assert.Equal(t, 2, failed)
}

func TestSetupWithDefaultOptionsFindsNothingMissing(t *testing.T) {
	// TestEveryPortConforms installs everything first when run alone; Setup
	// must then be a quiet no-op rather than need a writer.
	_, err := Test(context.Background(), Options{Ports: []string{"amd64"}, OutDir: t.TempDir(), Out: &bytes.Buffer{}})
	require.NoError(t, err)
	require.NoError(t, Setup(context.Background(), Options{}))
}
