/* An SLP-style switch for arm64, written for stackslice's tests and as an
 * example of the convention foreign/adapter/slp.c runs: slp_switch() keeps
 * x19-x28 and d8-d15 through the clobber lists (the compiler's prologue and
 * epilogue save them), and x29 and FPCR by hand in its frame, which moves
 * with the stack.
 *
 * Nothing the compiler keeps in a register may cross the stack shift:
 * registers still hold the old coroutine's values afterwards, addresses
 * included. An "=m" operand is not enough here: clang addresses it as [xN]
 * and computes xN = sp + k once, in a callee-saved register, before the
 * shift, so the restore read the slot of the coroutine that left (its FPCR).
 * So the saved slots are addressed from sp on both sides: the save computes
 * their offset from sp, which is the same in every coroutine (all of them
 * stand in this very frame), and the restore reads [sp + offset]. */
#define STACK_MAGIC 0

static int slp_switch(void) {
    unsigned long saved[2]; /* x29, FPCR */
    long off;               /* saved's offset from sp */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    __asm__ volatile("mrs x9, fpcr\n\t"
                     "stp x29, x9, [%[saved]]\n\t"
                     "mov x9, sp\n\t"
                     "sub %[off], %[saved], x9"
                     : [off] "=r"(off), "=m"(saved)
                     : [saved] "r"(saved)
                     : "x9");
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0\n\t"
                     "add x29, x29, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("add x9, sp, %[off]\n\t"
                     "ldp x29, x10, [x9]\n\t"
                     "msr fpcr, x10" ::[off] "r"(off),
                     "m"(saved)
                     : "x9", "x10");
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    return 0;
}
