package arch

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The canary slots of every port: a list of each kind of register, and its
// FP control registers (fp_rounding among them).
func TestEveryPortHasSlots(t *testing.T) {
	ports, err := Load(".")
	require.NoError(t, err)
	require.NotEmpty(t, ports)
	for _, p := range ports {
		slots, err := p.Slots()
		require.NoError(t, err, p.Name)
		assert.Greater(t, len(slots), 4, p.Name)
		for _, reg := range p.FPRounding {
			assert.Contains(t, slots, reg, p.Name)
		}
	}
}

func TestReadSlots(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
		wantErr   string
	}{
		{"lists, loops and single slots", `/* slot x0 in a comment */
#define GPRS	r14, r15
#define VRS	20, 21
	.macro	other
	slot	nope
	.endm
	.macro	slots
	sl_slots GPRS, f14
	.irp	vr, VRS
	slot	v\vr, 0, -1, .hi
	slot	v\vr, 0, -1, .lo
	.endr
	slot	fpscr, 0, 0x7	/* the rounding mode */
	.endm
`, []string{"r14", "r15", "f14", "v20", "v21", "fpscr"}, ""},
		{"no slots macro", "\tslot\tfpcr\n", nil, "no .macro slots ... .endm"},
		{"empty", "\t.macro\tslots\n\t/* sl_slots <...> */\n\t.endm\n", nil, "no slot in .macro slots"},
		{"unknown line", "\t.macro\tslots\n\t.rept 3\n\t.endm\n", nil, `".rept 3" in .macro slots: only slot, sl_slots and .irp loops are read`},
		{"open loop", "\t.macro\tslots\n\t.irp r, a, b\n\tslot \\r\n\t.endm\n", nil, ".irp without .endr in .macro slots"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "probe.S"), []byte(tt.src), 0o644))
			got, err := Port{Dir: dir}.Slots()
			if tt.wantErr != "" {
				require.EqualError(t, err, filepath.Join(dir, "probe.S")+": "+tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
