package arch

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// What a foreign port changes, each decided in one place: ours answer with
// switch.S and nothing added.
func TestForeignDecisions(t *testing.T) {
	ours := Port{Name: "riscv64", Dir: "/arch/riscv64"}
	theirs := Port{Name: "theirs", Dir: "/arch/riscv64", Foreign: &Foreign{Base: "riscv64", Data: "/f/theirs/port.json", SwitchFile: "/f/sw.c",
		Switch: []string{"/f/sw.c", "/f/tramp.S"}, Inputs: []string{"/f/z.h", "/f/a.h"},
		Flags:      map[string][]string{"/f/sw.c": {"-DX", `-DSL_SLP_HEADER="/f/sw.c"`}},
		NotClaimed: map[string]string{"x19": "why", "d8": "why"}}}
	assert.Equal(t, "/arch/riscv64/switch.S", ours.SwitchSource())
	assert.Equal(t, "/f/sw.c", theirs.SwitchSource())
	assert.Nil(t, ours.SourceFlags("/arch/riscv64/switch.S"))
	assert.Equal(t, []string{"-DX", `-DSL_SLP_HEADER="/f/sw.c"`}, theirs.SourceFlags("/f/sw.c"))
	assert.Nil(t, ours.Inputs())
	assert.Equal(t, []string{"/f/a.h", "/f/z.h"}, theirs.Inputs())
	assert.Nil(t, ours.NotClaimed())
	assert.Equal(t, []string{"d8", "x19"}, theirs.NotClaimed())
	assert.Equal(t, "", ours.Base())
	assert.Equal(t, "riscv64", theirs.Base())
	// What a foreign port inherits (emulator_bugs, unsupported_builds) is
	// said by its base's data file, which a foreign port.json cannot hold.
	assert.Equal(t, "arch/riscv64/port.json", ours.DataPath())
	assert.Equal(t, "arch/riscv64/port.json", ours.ArchDataPath())
	assert.Equal(t, "/f/theirs/port.json", theirs.DataPath())
	assert.Equal(t, "arch/riscv64/port.json", theirs.ArchDataPath())

	assert.Equal(t, "/m", ours.WithSwitch("/m", "/m/switch.S").Dir)
	mutant := theirs.WithSwitch("/m", "/m/mutant/sw.c")
	assert.Equal(t, "/m/mutant/sw.c", mutant.SwitchSource())
	assert.Equal(t, []string{"/m/mutant/sw.c", "/f/tramp.S"}, mutant.Foreign.Switch)
	assert.Equal(t, []string{"-DX", `-DSL_SLP_HEADER="/m/mutant/sw.c"`}, mutant.SourceFlags("/m/mutant/sw.c"))
	assert.Equal(t, "/f/sw.c", theirs.SwitchSource(), "the original is not changed")
}
