package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

// armelFailures runs the armel port of root in gcc-O2 (where sl_switch
// tail-calls the port, so the port returns straight to sl_switch's caller)
// on the cases that match pattern and returns the names of the failed ones.
func armelFailures(t *testing.T, root, pattern string) ([]string, string) {
	var log bytes.Buffer
	runs, err := Test(context.Background(), Options{Root: root, Ports: []string{"armel"}, Builds: []string{"gcc-O2"},
		Cases: pattern, OutDir: t.TempDir(), Out: &log})
	require.Error(t, err, log.String())
	require.Len(t, runs, 1)
	var failed []string
	for _, c := range runs[0].Cases {
		if c.Status == conformance.Fail {
			failed = append(failed, c.Name)
		}
	}
	return failed, log.String()
}

// The arm ABI hazards our other ports never had are each caught by the case
// written for it, and by no other: on armel (ARMv5TE, C built as A32) no
// other case has a Thumb caller, and no other case needs a CPU without VFP.
func TestArmHazardsAreCaught(t *testing.T) {
	testkit.Integration(t)
	toolchaintest.NeedToolchains(t, mustPort(t, "armel"))
	t.Run("a return that does not interwork", func(t *testing.T) {
		root := testkit.Copy(t)
		testkit.Edit(t, root, "arch/armel/switch.S", func(s string) string {
			const ret = "\tbx\tlr\n\t.size\tsl_arch_switch"
			require.Contains(t, s, ret)
			// stays in A32 whatever bit 0 of lr says, as before ARMv7
			return strings.Replace(s, ret, "\tmov\tpc, lr\n\t.size\tsl_arch_switch", 1)
		})
		failed, log := armelFailures(t, root, "^switch_")
		assert.Equal(t, []string{"switch_mixed_instruction_sets"}, failed, log)
	})
	t.Run("a soft-float port proven on a CPU with VFP", func(t *testing.T) {
		root := testkit.Copy(t)
		testkit.Edit(t, root, "arch/armel/port.json", func(s string) string {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(s), &m))
			m["qemu_cpu"] = "max"
			out, err := json.Marshal(m)
			require.NoError(t, err)
			return string(out)
		})
		failed, log := armelFailures(t, root, "^fp_")
		assert.Equal(t, []string{"fp_values_across_switch"}, failed, log)
		assert.Contains(t, log, "the CPU has a VFP unit")
	})
}
