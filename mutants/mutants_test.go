package mutants

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	pushq	%rbp
	subq	$1*8, %rsp
	stmxcsr	0*8(%rsp)
	stdu	%r1, -FRAME(%r1)
	lay	%r15, -(160+18*8)(%r15)
	/* 2. p = rsp; call sl_core_save(p) */
	movq	%rsp, %rdi
	call	sl_core_save
	/* 5. restore the target's registers */
	ldmxcsr	0*8(%rsp)
	ldr	x19, [sp, #10*8]
	addq	$1*8, %rsp
	popq	%rbp
	ret
	.size	sl_arch_switch, .-sl_arch_switch
	movq	0*8(%rcx), %rbx
`

func TestFindTakesOnlySavesAndRestores(t *testing.T) {
	found := Find(sample)
	var texts []string
	for _, m := range found {
		texts = append(texts, m.Step+": "+m.Text)
	}
	assert.Equal(t, []string{
		"save: pushq\t%rbp",
		"save: stmxcsr\t0*8(%rsp)",
		"restore: ldmxcsr\t0*8(%rsp)",
		"restore: ldr\tx19, [sp, #10*8]",
		"restore: popq\t%rbp",
	}, texts)
	assert.Equal(t, 3, found[0].Line)
}

func TestApplyDropsOneLineAndKeepsNumbering(t *testing.T) {
	m := Find(sample)[1]
	out := Apply(sample, m)
	lines := strings.Split(out, "\n")
	require.Len(t, lines, len(strings.Split(sample, "\n")))
	assert.Equal(t, "\t/* mutant: dropped stmxcsr\t0*8(%rsp) */", lines[m.Line-1])
	assert.Equal(t, strings.Count(sample, "\n"), strings.Count(out, "\n"))
}

// Every port's switch.S has mutants in both steps, as many restores as saves.
func TestEveryPortHasMutants(t *testing.T) {
	for _, name := range []string{"amd64", "386", "arm64", "ppc64le", "riscv64", "s390x"} {
		src, err := os.ReadFile("../arch/" + name + "/switch.S")
		require.NoError(t, err)
		saves, restores := 0, 0
		for _, m := range Find(string(src)) {
			if m.Step == "save" {
				saves++
			} else {
				restores++
			}
		}
		assert.Positive(t, saves, name)
		assert.Equal(t, saves, restores, name)
	}
}
