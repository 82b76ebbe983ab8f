/* An SLP-style switch for arm64, written for stackslice's tests and as an
 * example of the convention foreign/adapter/slp.c runs: slp_switch() keeps
 * x19-x28 and d8-d15 through the clobber lists (the compiler's prologue and
 * epilogue save them), and FPCR by hand in its frame, which moves with the
 * stack. x29 needs no hand-made save: slp_switch calls, so every build
 * gives it a frame record (x29, x30) that its epilogue restores x29 from,
 * and that record moved with the stack; the shift only has to move x29
 * along with sp for what the body addresses from it.
 *
 * Nothing the compiler keeps in a register may cross the stack shift:
 * registers still hold the old coroutine's values afterwards, addresses
 * included. An "=m" operand is not enough here: clang addresses it as [xN]
 * and computes xN = sp + k once, in a callee-saved register, before the
 * shift, so the restore read the slot of the coroutine that left (its FPCR).
 * So the saved slot is addressed from sp on both sides: the save computes
 * its offset from sp, which is the same in every coroutine (all of them
 * stand in this very frame), and the restore reads [sp + offset]. x9 is the
 * templates' own scratch register (caller-saved). */
#define STACK_MAGIC 0

static int slp_switch(void) {
    unsigned long fpcr;
    long off; /* fpcr's offset from sp */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    __asm__ volatile("mrs x9, fpcr\n\t"
                     "str x9, [%[slot]]\n\t"
                     "mov x9, sp\n\t"
                     "sub %[off], %[slot], x9"
                     : [off] "=r"(off), "=m"(fpcr)
                     : [slot] "r"(&fpcr)
                     : "x9");
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0\n\t"
                     "add x29, x29, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("ldr x9, [sp, %[off]]\n\t"
                     "msr fpcr, x9" ::[off] "r"(off),
                     "m"(fpcr)
                     : "x9");
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    return 0;
}
