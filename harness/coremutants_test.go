package harness

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/internal/testkit"
)

// envCoreMutants turns TestCoreMutantsAllKilled on: it builds the suite
// once per planted bug and takes minutes, too long for the integration
// tier's package timeout, so .ci/run runs it on its own.
const envCoreMutants = "SL_CORE_MUTANTS_TEST"

// test:mutants core: the suite catches every planted bug of the core, and
// says so in the port mutants' form. gcc-O0 alone kills them all (the
// verb's default builds add gcc-O2).
func TestCoreMutantsAllKilled(t *testing.T) {
	testkit.Integration(t)
	if os.Getenv(envCoreMutants) == "" {
		t.Skipf("takes minutes: set %s=1 (.ci/run does)", envCoreMutants)
	}
	var out bytes.Buffer
	err := Mutants(context.Background(), Options{Ports: []string{"core"}, Builds: []string{"gcc-O0"}, OutDir: t.TempDir(), Out: &out})
	t.Log("\n" + out.String())
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^core: (\d+) of (\d+) mutants killed \(100%\) in \d+s$`, out.String())
	assert.Regexp(t, `\[\d+/\d+\] return-past-parent \(.*\): killed by gcc-O\d `, out.String())
	assert.NotContains(t, out.String(), "SURVIVED")
}

// A planted bug whose text the core no longer holds fails the check before
// anything is built, naming the mutant.
func TestCoreMutantsRefuseAStaleMutant(t *testing.T) {
	root := testkit.Copy(t, "go.mod", "arch", "core", "conformance", "mutants")
	testkit.Edit(t, root, "core/slice.c", func(s string) string {
		return strings.Replace(s, "if (a == c) return SL_ECYCLE;", "if (c == a) return SL_ECYCLE;", 1)
	})
	var out bytes.Buffer
	start := time.Now()
	err := Mutants(context.Background(), Options{Root: root, Ports: []string{"core"}, OutDir: t.TempDir(), Out: &out, NoInstall: true})
	require.Error(t, err)
	assert.Regexp(t, `^mutants/core.mutants:\d+: the text mutant no-cycle-check replaces occurs 0 times in core/slice.c, not once$`, err.Error())
	assert.Empty(t, out.String())
	assert.Less(t, time.Since(start), 30*time.Second)
}
