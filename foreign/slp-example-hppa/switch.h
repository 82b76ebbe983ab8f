/* An SLP-style switch for hppa (PA-RISC 1.1, 32-bit Linux ELF ABI), written
 * for stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs on a stack that grows up: slp_switch() keeps
 * r3-r18 and fr12-fr21 through the clobber lists (the compiler's prologue
 * and epilogue save them), and the FP status (fr0's upper word: rounding
 * mode and enables) by hand in its frame, which moves with the stack.
 *
 * r3 is the frame pointer when the compiler keeps one, and a frame pointer
 * cannot be named in a clobber list; port.json compiles this file with
 * -fomit-frame-pointer (after every build's own flags), so r3 is a plain
 * callee-saved register here in every build.
 *
 * The 48 bytes below %sp are the frame marker and argument area of the
 * calls a function makes, which its callees write: the slice to keep ends
 * 12 words below %sp (the adapter takes the base port's stack_area;
 * STACK_MAGIC, negative where the stack grows up, in units of *stackref,
 * says the same for greenlet's convention). Nothing the compiler keeps in a register may cross
 * the stack shift (see the arm64 example): the FP status slot is addressed
 * from %sp on both sides, by its offset from %sp, the same in every
 * coroutine. r20 is the scratch register (caller-saved). */
#define STACK_MAGIC (-12)

static int slp_switch(void) {
    double status; /* fr0, stored whole as fenv does (fstd/fldd) */
    long off;      /* its offset from %sp */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "%r3", "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10", "%r11", "%r12", "%r13",
                     "%r14", "%r15", "%r16", "%r17", "%r18", "%fr12", "%fr13", "%fr14", "%fr15", "%fr16",
                     "%fr17", "%fr18", "%fr19", "%fr20", "%fr21");
    __asm__ volatile("fstd %%fr0, 0(%[slot])\n\t"
                     "sub %[slot], %%sp, %[off]"
                     : [off] "=r"(off), "=m"(status)
                     : [slot] "r"(&status));
    __asm__("copy %%sp, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %0, %%sp, %%sp" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("add %%sp, %[off], %%r20\n\t"
                     "fldd 0(%%r20), %%fr0" ::[off] "r"(off),
                     "m"(status)
                     : "%r20");
    __asm__ volatile("" ::: "%r3", "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10", "%r11", "%r12", "%r13",
                     "%r14", "%r15", "%r16", "%r17", "%r18", "%fr12", "%fr13", "%fr14", "%fr15", "%fr16",
                     "%fr17", "%fr18", "%fr19", "%fr20", "%fr21");
    return 0;
}
