/* An SLP-style switch for powerpc (32-bit SysV ELF ABI, hard-float),
 * written for stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps r14-r31, f14-f31 and the
 * CR fields cr2-cr4 through the clobber lists (the compiler's prologue and
 * epilogue save them), and FPSCR by hand in its frame, which moves with the
 * stack.
 *
 * r31 is the frame pointer when the compiler keeps one, and r30 gcc's GOT
 * pointer in position-independent code (Debian's default, -fPIE); neither
 * can be named in a clobber list. port.json compiles this file with
 * -fomit-frame-pointer -fno-pie (after every build's own flags), so both are
 * plain callee-saved registers here in every build (the runner links
 * statically, and slp_switch calls only hidden functions).
 *
 * A callee may write the 8 bytes above its caller's stack pointer (the back
 * chain word and its own LR save word): the slice to keep starts 2 words up
 * (STACK_MAGIC, in units of *stackref).
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FPSCR's slot is addressed from r1 on both sides, by
 * its offset from r1, the same in every coroutine. f0 and r12 are the
 * templates' scratch registers (caller-saved). */
#define STACK_MAGIC 2

static int slp_switch(void) {
    double fpscr;
    int off; /* fpscr's offset from r1 */
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
                     "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
                     "fr14", "fr15", "fr16", "fr17", "fr18", "fr19", "fr20", "fr21", "fr22",
                     "fr23", "fr24", "fr25", "fr26", "fr27", "fr28", "fr29", "fr30", "fr31",
                     "cr2", "cr3", "cr4");
    __asm__ volatile("mffs %%f0\n\t"
                     "stfd %%f0, 0(%[slot])\n\t"
                     "subf %[off], %%r1, %[slot]"
                     : [off] "=r"(off), "=m"(fpscr)
                     : [slot] "b"(&fpscr)
                     : "fr0");
    __asm__("mr %0, %%r1" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %%r1, %%r1, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("add %%r12, %%r1, %[off]\n\t"
                     "lfd %%f0, 0(%%r12)\n\t"
                     "mtfsf 0xff, %%f0" ::[off] "r"(off),
                     "m"(fpscr)
                     : "r12", "fr0");
    __asm__ volatile("" ::: "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
                     "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
                     "fr14", "fr15", "fr16", "fr17", "fr18", "fr19", "fr20", "fr21", "fr22",
                     "fr23", "fr24", "fr25", "fr26", "fr27", "fr28", "fr29", "fr30", "fr31",
                     "cr2", "cr3", "cr4");
    return 0;
}
