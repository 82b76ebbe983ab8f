package mutants

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/qemu"
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

// hostPort is a copy of the tree's port for the host's arch, which runs
// natively and so is quick to mutate, after edit changes its switch.S.
func hostPort(t *testing.T, edit func(string) string) (root string, p arch.Port) {
	if testing.Short() {
		t.Skip("builds and runs target binaries")
	}
	root = testkit.Copy(t)
	if edit != nil {
		testkit.Edit(t, root, filepath.Join("arch", runtime.GOARCH, "switch.S"), edit)
	}
	ports, err := arch.Load(filepath.Join(root, "arch"))
	require.NoError(t, err)
	selected, err := arch.Select(ports, []string{runtime.GOARCH})
	require.NoError(t, err)
	return root, selected[0]
}

func options(t *testing.T) conformance.Options {
	return conformance.Options{OutDir: t.TempDir(), CaseTimeout: 10 * time.Second, QEMU: qemu.Options{Timeout: 5 * time.Minute}}
}

var gccO0 = []conformance.Build{conformance.DefaultBuilds()[0]}

// judgeAll runs the control run and then every mutant of p in gcc -O0.
func judgeAll(t *testing.T, root string, p arch.Port) []Outcome {
	ctx := context.Background()
	opts := options(t)
	base, err := RunBaseline(ctx, root, p, gccO0, opts)
	require.NoError(t, err)
	outcomes, err := Run(ctx, root, p, gccO0, base, opts, 2, nil)
	require.NoError(t, err)
	return outcomes
}

// A restore written twice survives the loss of either copy: the check must
// say so, and kill every other mutant.
func TestRunReportsASurvivingMutant(t *testing.T) {
	var duplicated string
	root, p := hostPort(t, func(src string) string {
		lines := strings.Split(src, "\n")
		for i, line := range lines {
			if strings.HasPrefix(strings.TrimSpace(line), "/* 5.") {
				for j := i + 1; j < len(lines); j++ {
					if m := Find("/* 5. */\n" + lines[j]); len(m) == 1 {
						duplicated = m[0].Text
						lines = append(lines[:j+1], lines[j:]...)
						return strings.Join(lines, "\n")
					}
				}
			}
		}
		t.Fatal("no restore found")
		return src
	})
	outcomes := judgeAll(t, root, p)
	var survivors []string
	for _, o := range outcomes {
		require.NoError(t, o.Err)
		if !o.Killed {
			survivors = append(survivors, o.Mutant.Text)
		} else {
			assert.Regexp(t, `^gcc-O0 \S+ \(.+\)$`, o.By)
		}
	}
	assert.Equal(t, []string{duplicated, duplicated}, survivors)
	killed, errs, total := Score(outcomes)
	assert.Equal(t, total-2, killed)
	assert.Zero(t, errs)
}

// A port that fails on its own stops the check before any mutant: with no
// control run, every mutant would look killed.
func TestRunBaselineRefusesABrokenPort(t *testing.T) {
	root, p := hostPort(t, nil)
	testkit.BreakSwitch(t, root, p.Name)
	_, err := RunBaseline(context.Background(), root, p, gccO0, options(t))
	require.Error(t, err)
	assert.Regexp(t, `^control run: the unmutated port `+p.Name+` fails in gcc-O0, so no mutant can be judged: \S+: crashed with SIGILL$`, err.Error())
}

// A mutant whose build fails tells nothing about the suite: an error of the
// check, never a kill.
func TestBuildErrorsAreErrorsNeverKills(t *testing.T) {
	root, p := hostPort(t, nil)
	bin := t.TempDir()
	fake := filepath.Join(bin, "flaky-gcc")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\ncase \"$*\" in *mutant-*) echo 'cc1: out of memory' >&2; exit 1;; esac\nexec "+p.CC+" \"$@\"\n"), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	p.CC = "flaky-gcc"
	outcomes := judgeAll(t, root, p)
	killed, errs, total := Score(outcomes)
	assert.Zero(t, killed)
	assert.Equal(t, total, errs)
	assert.Contains(t, outcomes[0].Err.Error(), "gcc-O0: compiling "+p.Name+" gcc-O0: exit status 1")
}

func TestMutantCaseTimeout(t *testing.T) {
	assert.Equal(t, 10*time.Second, MutantCaseTimeout(Baseline{Slowest: 50 * time.Millisecond}))
	assert.Equal(t, 30*time.Second, MutantCaseTimeout(Baseline{Slowest: 3 * time.Second}))
}
