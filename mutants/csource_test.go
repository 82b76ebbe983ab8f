package mutants

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SLP-style snippets in the shapes real headers take: clobber lists inline,
// repeated, or in (nested, commented, continued) #defines; saves and
// restores through "=m" operands, through a scratch register, in pairs.
func TestFindCReadsClobbersSavesAndRestores(t *testing.T) {
	tests := []struct {
		name, cpu, src string
		want           []string
	}{
		{"amd64, a #define'd list and operands", "amd64", `
#define REGS_TO_SAVE "rbx", "r12", /* "r13" is not a register here */ "r15"
static int slp_switch(void) {
    void *rbp; unsigned int csr;
    register long *stackref, stsizediff;
    __asm__ volatile ("" : : : REGS_TO_SAVE);
    __asm__ ("stmxcsr %0" : "=m" (csr));
    __asm__ ("movq %%rbp, %0" : "=m" (rbp));
    __asm__ ("movq %%rsp, %0" : "=g" (stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile ("addq %0, %%rsp\n" "addq %0, %%rbp\n" : : "r" (stsizediff));
    SLP_RESTORE_STATE();
    __asm__ ("movq %0, %%rbp" : : "m" (rbp));
    __asm__ ("ldmxcsr %0" : : "m" (csr));
    __asm__ volatile ("" : : : REGS_TO_SAVE);
    return 0;
}`, []string{"clobber rbx GPR", "clobber r12 GPR", "clobber r15 GPR", "save mxcsr control", "save rbp GPR",
			"restore rbp GPR", "restore mxcsr control"}},
		{"arm64, inline lists twice, a pair through a scratch register", "arm64", `
static int slp_switch(void) {
    unsigned long saved[2]; long off, *stackref, stsizediff;
    __asm__ volatile("" ::: "x19", "x20", "v8", "memory");
    __asm__ volatile("mrs x9, fpcr\n\t"
                     "stp x29, x9, [%[saved]]\n\t"
                     "mov x9, sp\n\t"
                     "sub %[off], %[saved], x9"
                     : [off] "=r"(off), "=m"(saved) : [saved] "r"(saved) : "x9");
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("ldr x29, %[x29]" :: [x29] "m"(saved[0]));
    __asm__ volatile("" ::: "x19", "x20", "v8", "cc");
    return 0;
}`, []string{"clobber x19 GPR", "clobber x20 GPR", "clobber v8 FP", "clobber x9 GPR", "save x29 GPR", "save fpcr (x9) control",
			"restore x29 GPR"}},
		{"ppc64le, nested macros, continuations, bare register numbers", "ppc64le", `
#if defined(__ALTIVEC__)
#define ALTIVEC_REGS \
       "v20", "v21",
#else
#define ALTIVEC_REGS
#endif
#define REGS_TO_SAVE "r14", "r31", \
       "fr14", \
       ALTIVEC_REGS \
       "cr2"
static int slp_switch(void) {
    register long *stackref, stsizediff; void *toc;
    __asm__ volatile ("" : : : REGS_TO_SAVE);
    __asm__ volatile ("std 2, %0" : "=m" (toc));
    __asm__ ("mr %0, 1" : "=r" (stackref) : );
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile ("mr 11, %0\n" "add 1, 1, 11\n" : : "r" (stsizediff) : "11");
    SLP_RESTORE_STATE();
    __asm__ volatile ("ld 2, %0" : : "m" (toc));
    __asm__ volatile ("" : : : REGS_TO_SAVE);
    return 0;
}`, []string{"clobber r14 GPR", "clobber r31 GPR", "clobber fr14 FP", "clobber v20 vector", "clobber v21 vector", "clobber cr2 control",
			"clobber 11 GPR", "save 2 GPR", "restore 2 GPR"}},
		{"a source defining sl_arch_switch, with comments and strings that look like code", "arm64", `
/* __asm__ volatile("str x19, [sp]"); in a comment is no code; SLP_SAVE_STATE neither */
static const char *s = "asm(\"str x20, [sp]\")";
int sl_arch_switch(void) {
    __asm__ volatile("str x21, [sp, #8]" ::: "memory");
    void *top = sl_core_save(0);
    __asm__ volatile("mov sp, %0" :: "r"(top));
    int r = sl_core_restore();
    __asm__ volatile("ldr x21, [sp, #8]" ::: "memory");
    return r;
}`, []string{"save x21 GPR", "restore x21 GPR"}},
		{"amd64 stacklet: one template, divided at its first and last call", "amd64", `
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("pushq %%rbp\n\t"
                     "pushq %%rbx\n\t"
                     "movq %%rsp, %%rdi\n\t"
                     "call *%%rcx\n\t"
                     "movq %%rax, %%rsp\n\t"
                     "call *%%r12\n\t"
                     "popq %%rbx\n\t"
                     "popq %%rbp" : "=a"(r) : "c"(save) : "memory", "r12");
}`, []string{"clobber r12 GPR", "save rbp GPR", "save rbx GPR", "restore rbx GPR", "restore rbp GPR"}},
		{"amd64 stacklet: a register written before it is stored is not saved", "amd64", `
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("pushq %%rbx\n\t"
                     "movq %%rsp, %%rbp\n\t"
                     "pushq %%rbp\n\t"
                     "call *%%rcx\n\t"
                     "call *%%r12\n\t"
                     "popq %%rbp\n\t"
                     "popq %%rbx" : "=a"(r) : "c"(save) : "memory");
}`, []string{"save rbx GPR", "restore rbp GPR", "restore rbx GPR"}},
		{"arm64 stacklet: blr calls, a register written before it is stored is not saved", "arm64", `
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("sub sp, sp, #32\n\t"
                     "stp x19, x20, [sp, #0*8]\n\t"
                     "mov x21, sp\n\t"
                     "str x21, [sp, #2*8]\n\t"
                     "blr %[save]\n\t"
                     "blr %[restore]\n\t"
                     "ldr x21, [sp, #2*8]\n\t"
                     "ldp x19, x20, [sp, #0*8]\n\t"
                     "add sp, sp, #32" : "=r"(r) : [save] "r"(save), [restore] "r"(restore) : "x0");
}`, []string{"clobber x0 GPR", "save x19 GPR", "save x20 GPR", "restore x21 GPR", "restore x19 GPR", "restore x20 GPR"}},
		// PyPy's stacklet headers write registers as bare numbers: the
		// instruction says which kind (stfd 14 stores f14, stvx 20 v20;
		// s390x's std 8 stores f8, stmg 6,15 r6 to r15).
		{"ppc64le stacklet: bare numbers named by the instruction", "ppc64le", `
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("mflr 0\n"
                     "std 0, 16(1)\n"
                     "std 14,-288(1)\n"
                     "stfd 14,-144(1)\n"
                     "li 12,-480\n"
                     "stvx 20,12,1\n"
                     "mtctr 12\n"
                     "bctrl\n"
                     "bctrl\n"
                     "lvx 20,12,1\n"
                     "ld 14,-288(1)\n"
                     "lfd 14,-144(1)\n" : "=r"(r) : "r"(save) : "memory");
}`, []string{"save lr (0) GPR", "save 14 GPR", "save f14 FP", "save v20 vector", "restore v20 vector", "restore 14 GPR", "restore f14 FP"}},
		{"s390x stacklet: a bare range and FP stores", "s390x", `
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("stmg 6,15,48(15)\n"
                     "std 8,128(15)\n"
                     "lgr 14, %[save]\n"
                     "basr 14, 14\n"
                     "basr 14, 10\n"
                     "ld 8,128(15)\n"
                     "lmg 6,15,48(15)\n" : "=r"(r) : [save] "r"(save));
}`, []string{"save r6 GPR", "save r7 GPR", "save r8 GPR", "save r9 GPR", "save r10 GPR", "save r11 GPR", "save r12 GPR", "save r13 GPR",
			"save r14 GPR", "save r15 GPR", "save f8 FP", "restore f8 FP", "restore r6 GPR", "restore r7 GPR", "restore r8 GPR", "restore r9 GPR",
			"restore r10 GPR", "restore r11 GPR", "restore r12 GPR", "restore r13 GPR", "restore r14 GPR", "restore r15 GPR"}},
		// PyPy's riscv header names registers by number (x8, f8), greenlet's the frame pointer fp.
		{"riscv64 stacklet: numeric names are the ABI's", "riscv64", `
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("addi sp, sp, -32\n"
                     "sd x8, 0(sp)\n"
                     "sd x18, 8(sp)\n"
                     "fsd f8, 16(sp)\n"
                     "fsd f27, 24(sp)\n"
                     "jalr ra, %[save], 0\n"
                     "jalr ra, %[restore], 0\n"
                     "ld fp, 0(sp)\n" : "=r"(r) : [save] "r"(save), [restore] "r"(restore) : "x1", "f0");
}`, []string{"clobber x1 GPR", "clobber f0 FP", "save x8 GPR", "save x18 GPR", "save f8 FP", "save f27 FP", "restore fp GPR"}},
		// Flushing the register windows saves every caller's %l and %i
		// registers: flushw, or the software trap older headers use.
		{"sparc64: flushw, and ta 3 of older headers", "sparc64", `
static int slp_switch(void) {
    __asm__ volatile("flushw\n\tadd %%sp, 2047, %0" : "=r"(stackref) :: "memory");
    __asm__ volatile("ta 3");
    __asm__ volatile("ta 5");
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %0, %%sp, %%sp" :: "r"(stsizediff));
    SLP_RESTORE_STATE();
    return 0;
}`, []string{"save windows GPR", "save windows GPR"}},
		// greenlet's SPARC header flushes the windows in the hook its
		// SLP_SAVE_STATE calls first, through a macro per SPARC version.
		{"sparc64: greenlet's flush in SLP_BEFORE_SAVE_STATE", "sparc64", `
#if defined(__sparcv9)
#define SLP_FLUSHW __asm__ volatile ("flushw")
#else
#define SLP_FLUSHW __asm__ volatile ("ta 3") /* ST_FLUSH_WINDOWS */
#endif
#define SLP_BEFORE_SAVE_STATE() SLP_FLUSHW
#define SLP_BEFORE_RESTORE_STATE() SLP_FLUSHW
static int slp_switch(void) {
    __asm__ volatile ("mov %%sp, %0" : "=r" (stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile ("add %0, %%sp, %%sp\n\tadd %0, %%fp, %%fp" : : "r" (stsizediff));
    SLP_RESTORE_STATE();
    return 0;
}`, []string{"save windows GPR", "save windows GPR"}},
		// SH's mov.l is a push with @-r15; to a C operand's slot it is a
		// plain store (greenlet's sh header keeps r14 so).
		{"sh4: mov.l to and from an =m operand", "sh4", `
static int slp_switch(void) {
    int fp;
    __asm__ volatile("" : : : "r8");
    __asm__ volatile("mov.l r14, %0" : "=m"(fp) : :);
    __asm__("mov r15, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %0, r15" : : "r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("mov.l %0, r14" : : "m"(fp) :);
    return 0;
}`, []string{"clobber r8 GPR", "save r14 GPR", "restore r14 GPR"}},
		// PyPy's arm header pushes its registers and calls through a
		// macro of the template: call_reg(r3) is "blx r3".
		{"arm stacklet: push and vpush lists, calls through a template macro", "arm", `
#if defined(__ARM_ARCH_4__)
# define call_reg(x) "mov lr, pc ; bx " #x "\n"
#else
# define call_reg(x) "blx " #x "\n"
#endif
static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
  __asm__ volatile (
    "push {r0, r2, r3, r7, r8, r9, r10, r11}\n"
#ifndef __SOFTFP__
    "vpush {d8, d9, d10, d11, d12, d13, d14, d15}\n"
#endif
    "mov r3, %[save]\n"
    call_reg(r3)
    "mov sp, r0\n"
    call_reg(r4)
    "vpop {d8, d9, d10, d11, d12, d13, d14, d15}\n"
    "pop {r0, r2, r3, r7, r8, r9, r10, r11}\n"
    : "=r"(r) : [save] "r"(save) : "r4", "r5", "r6", "r12", "lr");
}`, []string{"clobber r4 GPR", "clobber r5 GPR", "clobber r6 GPR", "clobber r12 GPR", "clobber lr GPR",
			"save r0 GPR", "save r2 GPR", "save r3 GPR", "save r7 GPR", "save r8 GPR", "save r9 GPR", "save r10 GPR", "save r11 GPR",
			"save d8 FP", "save d9 FP", "save d10 FP", "save d11 FP", "save d12 FP", "save d13 FP", "save d14 FP", "save d15 FP",
			"restore d8 FP", "restore d9 FP", "restore d10 FP", "restore d11 FP", "restore d12 FP", "restore d13 FP", "restore d14 FP", "restore d15 FP",
			"restore r0 GPR", "restore r2 GPR", "restore r3 GPR", "restore r7 GPR", "restore r8 GPR", "restore r9 GPR", "restore r10 GPR", "restore r11 GPR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sites, err := FindC(tt.src, isaOf(t, tt.cpu))
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(sites))
		})
	}
}

func TestFindCRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no save call", `int f(void) { __asm__ volatile("" ::: "x19"); return 0; }`, "no SLP_SAVE_STATE and SLP_RESTORE_STATE"},
		{"nothing to mutate", `int f(void) { SLP_SAVE_STATE(a, b); SLP_RESTORE_STATE(); return 0; }`, "no clobber-list register and no save or restore"},
		{"a save written as data", "int f(void) {\n __asm__ volatile(\".inst 0xa9bf53f3\" ::: \"x20\");\n SLP_SAVE_STATE(a, b); SLP_RESTORE_STATE(); return 0; }",
			"line 2: .inst 0xa9bf53f3: a data directive among the saves emits bytes the check cannot read"},
	}
	for _, tt := range tests {
		_, err := FindC(tt.src, isaOf(t, "arm64"))
		require.Error(t, err, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
}

// A clobber mutant drops the register from every list, a #define'd one
// included, with its comma; a pair keeps the other register at its slot;
// lines keep their numbers.
func TestApplyCEditsTheSource(t *testing.T) {
	src := `#define REGS "x19", "x20" /* x20 */, \
             "x21"
static int slp_switch(void) {
    __asm__ volatile("" ::: "x19", "x22");
    __asm__ volatile("" ::: REGS);
    __asm__ volatile("mrs x9, fpcr\n\t"
                     "stp x29, x9, [%[saved]]" : "=m"(saved) : [saved] "r"(saved) : "x9");
    SLP_SAVE_STATE(stackref, stsizediff);
    SLP_RESTORE_STATE();
    __asm__ volatile("ldp x29, x10, [x9]\n\tmsr fpcr, x10" ::: "x9", "x10");
    return 0;
}`
	sites, err := FindC(src, isaOf(t, "arm64"))
	require.NoError(t, err)
	apply := func(name string) string {
		for _, m := range Mutants(sites) {
			if m.Site.Step+" "+Step(m.Site.Regs[m.Drop].Name) == Step(name) {
				out, err := Apply(src, m)
				require.NoError(t, err)
				lines := strings.Split(out, "\n")
				require.Equal(t, len(strings.Split(src, "\n"))+2, len(lines), "only the note is added, at the end")
				assert.Equal(t, "/* mutant: "+m.String()+" */", lines[len(lines)-2])
				return out
			}
		}
		t.Fatalf("no mutant %s among %v", name, names(sites))
		return ""
	}
	out := apply("clobber x19")
	assert.Contains(t, out, `#define REGS "x20" /* x20 */, \`)
	assert.Contains(t, out, `__asm__ volatile("" ::: "x22");`)
	assert.Contains(t, apply("clobber x21"), `#define REGS "x19", "x20" /* x20 */`+" \\\n             \n")
	assert.Contains(t, apply("save x29"), `"str x9, [%[saved], #8]" : "=m"`)
	assert.Contains(t, apply("save fpcr (x9)"), `"str x29, [%[saved]]" : "=m"`)
	assert.Contains(t, apply("restore fpcr (x10)"), `"ldr x29, [x9]\n\tmsr fpcr, x10"`)
	assert.Equal(t, "line 1, 4 (clobber x19): dropped from every clobber list", Mutants(sites)[0].String())
}

// PyPy's aarch64 header allocates its frame with the first pair and frees
// it with the last (stp x18, x19, [sp, -160]!; ldp x18, x19, [sp], 160):
// both registers are saved, and each mutant keeps the base's move, so that
// only the dropped register's value is lost.
func TestWritebackPairsAreSavesWhoseMutantsKeepTheFrame(t *testing.T) {
	src := `static void *slp_switch(void *(*save)(void *, void *), void *(*restore)(void *, void *), void *extra) {
    __asm__ volatile("stp x18, x19, [sp, -160]!\n"
                     "stp x20, x21, [sp, 16]\n"
                     "blr %[save]\n"
                     "blr %[restore]\n"
                     "ldp x20, x21, [sp, 16]\n"
                     "ldp x18, x19, [sp], 160\n" : "=r"(r) : [save] "r"(save), [restore] "r"(restore) : "x0");
}`
	sites, err := FindC(src, isaOf(t, "arm64"))
	require.NoError(t, err)
	assert.Equal(t, []string{"clobber x0 GPR", "save x18 GPR", "save x19 GPR", "save x20 GPR", "save x21 GPR",
		"restore x20 GPR", "restore x21 GPR", "restore x18 GPR", "restore x19 GPR"}, names(sites))
	applied := map[string]string{}
	for _, m := range Mutants(sites) {
		out, err := Apply(src, m)
		name := string(m.Site.Step) + " " + m.Site.Regs[m.Drop].Name
		if err != nil {
			applied[name] = "error: " + err.Error()
			continue
		}
		applied[name] = strings.Split(out, "\n")[1]
	}
	assert.Equal(t, `    __asm__ volatile("stp x19, x19, [sp, -160]!\n"`, applied["save x18"], "the second stored in both slots")
	assert.Equal(t, `    __asm__ volatile("str x18, [sp, -160]!\n"`, applied["save x19"])
	assert.Equal(t, "error: ldp x18, x19, [sp], 160: a load pair with writeback cannot drop its first register and keep the frame in one instruction",
		applied["restore x18"])
	for _, m := range Mutants(sites) {
		if m.Site.Step == Restore && m.Site.Regs[m.Drop].Name == "x19" {
			out, err := Apply(src, m)
			require.NoError(t, err)
			assert.Contains(t, out, `"ldr x18, [sp], 160\n" : "=r"(r)`)
		}
	}

	// Our own switch.S allocates the frame first, as before.
	_, err = Find("/* 1. save */\n\tstp\tx29, x30, [sp, #-16]!\n/* 2. */", isaOf(t, "arm64"))
	require.ErrorContains(t, err, writebackRefused)
	_, err = Find("/* 1. save */\n\tpush\t{r4, r5}\n/* 2. */", isaOf(t, "arm"))
	require.ErrorContains(t, err, writebackRefused)

	// A push cannot lose one register and keep the others' slots: its
	// mutants are reported as not judged, never as kills.
	sites, err = FindC(`static void *slp_switch(void *(*s)(void *, void *), void *(*r)(void *, void *), void *e) {
    __asm__ volatile("push {r4, r5}\n" "blx r3\n" "blx r4\n" "pop {r4, r5}\n" ::: "memory");
}`, isaOf(t, "arm"))
	require.NoError(t, err)
	_, err = Apply("", Mutants(sites)[0])
	require.EqualError(t, err, "push {r4, r5}: a push or pop of a list cannot drop one register and keep the others' slots")
}

func TestCanonical(t *testing.T) {
	tests := []struct{ cpu, name, want string }{
		{"arm64", "w19", "x19"}, {"arm64", "X20", "x20"}, {"arm64", "d8", "v8"}, {"arm64", "v8", "v8"}, {"arm64", "q15", "v15"},
		{"arm64", "fpcr (x9)", "fpcr"}, {"arm64", "x29", "x29"},
		{"amd64", "%rbx", "rbx"}, {"amd64", "ebx", "rbx"}, {"amd64", "r12d", "r12"}, {"amd64", "%esp", "rsp"}, {"386", "%ebx", "ebx"},
		{"ppc64le", "14", "r14"}, {"ppc64le", "r14", "r14"}, {"ppc64le", "f14", "f14"}, {"ppc64le", "cr2", "cr"}, {"ppc64le", "cr0", "cr0"},
		{"s390x", "%r6", "r6"}, {"s390x", "6", "r6"}, {"riscv64", "s1", "s1"},
		// riscv's numeric names are the ABI's: x8 (and fp) is s0, x18 s2, f8 fs0, f18 fs2.
		{"riscv64", "x8", "s0"}, {"riscv64", "fp", "s0"}, {"riscv64", "x9", "s1"}, {"riscv64", "x18", "s2"}, {"riscv64", "x27", "s11"},
		{"riscv64", "x10", "a0"}, {"riscv64", "x1", "ra"}, {"riscv64", "x31", "t6"}, {"riscv64", "f8", "fs0"}, {"riscv64", "f9", "fs1"},
		{"riscv64", "f18", "fs2"}, {"riscv64", "f27", "fs11"}, {"riscv64", "f10", "fa0"}, {"riscv64", "f31", "ft11"}, {"riscv64", "f0", "ft0"},
		// gcc names FP registers fr14 in a clobber list, probe.S f14.
		{"powerpc", "fr14", "f14"}, {"ppc64", "fr31", "f31"}, {"ppc64le", "%fr0", "f0"},
		{"mips", "$23", "s7"}, {"mips64", "$28", "gp"},
		// gcc's ARM register names: Stackless's arm32 header clobbers "fp".
		{"arm", "fp", "r11"}, {"arm", "ip", "r12"}, {"arm", "sl", "r10"}, {"armel", "fp", "r11"}, {"arm", "r11", "r11"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isaOf(t, tt.cpu).canonical(tt.name), "%s %s", tt.cpu, tt.name)
	}
}

// Clobbers become mutants only for the registers the canaries check (the
// slots of the base port's probe.S: callee-saved); the rest (a template's
// scratch registers, the link register) come back apart, to be reported,
// never silently dropped. Spellings differ: w20 and v8 in a clobber list
// are x20 and d8 of probe.S.
func TestLoadLeavesScratchClobbersOut(t *testing.T) {
	base := port(t, "arm64")
	file := filepath.Join(t.TempDir(), "switch.h")
	require.NoError(t, os.WriteFile(file, []byte(`
static int slp_switch(void) {
    long *stackref, stsizediff;
    __asm__ volatile ("" ::: "x19", "w20", "v8", "x9", "x30", "x10", "memory");
    __asm__ ("mov %0, sp" : "=r" (stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile ("add sp, sp, %0" :: "r" (stsizediff) : "x11");
    SLP_RESTORE_STATE();
    return 0;
}
`), 0o644))
	p := base
	p.Name, p.Foreign = "theirs", &arch.Foreign{Base: "arm64", SwitchFile: file}
	_, sites, scratch, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, []string{"x19", "w20", "v8"}, Names(sites))
	assert.Equal(t, []string{"x9", "x30", "x10", "x11"}, Names(scratch))

	require.NoError(t, os.WriteFile(file, []byte(`
static int slp_switch(void) {
    __asm__ volatile ("" ::: "x9");
    SLP_SAVE_STATE(stackref, stsizediff);
    SLP_RESTORE_STATE();
    return 0;
}
`), 0o644))
	_, _, _, err = Load(p)
	require.EqualError(t, err, file+": no callee-saved register in its clobber lists and no save or restore the check knows")
}

// A flush of the register windows claims every register its port's asm
// says it covers (sparc64: the callers' %l0-%l7 and %i0-%i7, the probe
// slots l0-l7 and i0-i5); without it those are named.
func TestUnclaimedCountsWhatAFlushCovers(t *testing.T) {
	base := port(t, "sparc64")
	file := filepath.Join(t.TempDir(), "switch.h")
	p := base
	p.Name, p.Foreign = "theirs", &arch.Foreign{Base: "sparc64", SwitchFile: file}
	header := func(flush string) string {
		return `
static int slp_switch(void) {
    unsigned long fsr;
    __asm__ volatile("` + flush + `\n\tadd %%sp, 2047, %0" : "=r"(stackref) :: "memory");
    __asm__ volatile("stx %%fsr, %0" : "=m"(fsr));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %0, %%sp, %%sp" :: "r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("ldx %0, %%fsr" :: "m"(fsr));
    return 0;
}`
	}
	for flush, want := range map[string][]string{
		"flushw": nil,
		"ta 3":   nil,
		"nop":    {"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "i0", "i1", "i2", "i3", "i4", "i5"},
	} {
		require.NoError(t, os.WriteFile(file, []byte(header(flush)), 0o644))
		unclaimed, err := Unclaimed(p)
		require.NoError(t, err, flush)
		assert.Equal(t, want, unclaimed, flush)
	}
}

// port is the repository's port of that name.
func port(t *testing.T, name string) arch.Port {
	t.Helper()
	for _, p := range toolchaintest.Ports(t, testkit.Root(t)) {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no port %s", name)
	return arch.Port{}
}
