/* An SLP-style switch for riscv64 (RISC-V psABI, lp64d), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps s0-s11 and fs0-fs11
 * through the clobber lists (the compiler's prologue and epilogue save
 * them), and fcsr (the rounding mode) by hand in its frame, which moves
 * with the stack.
 *
 * s0 is the frame pointer when the compiler keeps one, and a frame pointer
 * cannot be named in a clobber list; port.json compiles this file with
 * -fomit-frame-pointer (after every build's own flags), so s0 is a plain
 * callee-saved register here in every build.
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): fcsr's slot is addressed from sp on both sides, by
 * its offset from sp, the same in every coroutine. t0 is the templates'
 * scratch register (caller-saved). */
#define STACK_MAGIC 0

static int slp_switch(void) {
    unsigned long fcsr;
    long off; /* fcsr's offset from sp */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
                     "fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11");
    __asm__ volatile("frcsr t0\n\t"
                     "sd t0, 0(%[slot])\n\t"
                     "sub %[off], %[slot], sp"
                     : [off] "=r"(off), "=m"(fcsr)
                     : [slot] "r"(&fcsr)
                     : "t0");
    __asm__("mv %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("add t0, sp, %[off]\n\t"
                     "ld t0, 0(t0)\n\t"
                     "fscsr t0" ::[off] "r"(off),
                     "m"(fcsr)
                     : "t0");
    __asm__ volatile("" ::: "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
                     "fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11");
    return 0;
}
