/* An SLP-style switch for sparc64 (SPARC Compliance Definition 2.4.1),
 * written for stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs on a machine with register windows, as
 * greenlet's SPARC header does it: no register is callee-saved outside
 * the windows, and flushw writes every caller's window (its %l and %i
 * registers) to the register save area of its own frame before the slice
 * is copied, so they move with the stack; the `restore` of slp_switch's
 * epilogue then finds no window to return to, and the fill trap loads the
 * caller's from the frame the core copied back. %fsr (the rounding
 * direction) is kept by hand in the frame.
 *
 * %sp and %fp are biased (2047): stackref is the real address. A callee
 * may write the 176 bytes at the bottom of its caller's frame (register
 * save and argument home areas), so the slice to keep starts 22
 * doublewords up (STACK_MAGIC). The stack shift moves %fp with %sp: it is
 * the caller's stack pointer, where the fill trap finds the caller's
 * window, and gcc -O0 addresses the locals from it. %i7, the return
 * address, is the same in every coroutine (the trampoline's one call).
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): %fsr's slot is addressed from %sp on both sides, by
 * its offset from %sp, the same in every coroutine. %g1 is the scratch
 * register (caller-saved). */
#define STACK_MAGIC 22

static int slp_switch(void) {
    unsigned long fsr;
    long off; /* fsr's offset from %sp */
    long *stackref, stsizediff;
    __asm__ volatile("flushw\n\t"
                     "add %%sp, 2047, %0"
                     : "=r"(stackref)
                     :
                     : "memory");
    __asm__ volatile("stx %%fsr, [%[slot]]\n\t"
                     "sub %[slot], %%sp, %[off]"
                     : [off] "=r"(off), "=m"(fsr)
                     : [slot] "r"(&fsr));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %0, %%sp, %%sp\n\t"
                     "add %0, %%fp, %%fp" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("add %%sp, %[off], %%g1\n\t"
                     "ldx [%%g1], %%fsr" ::[off] "r"(off),
                     "m"(fsr)
                     : "g1");
    return 0;
}
