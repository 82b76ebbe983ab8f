/* An SLP-style switch for arm (AAPCS-VFP), written for stackslice's tests
 * and as an example of the convention foreign/adapter/slp.c runs:
 * slp_switch() keeps r4-r11 and d8-d15 through the clobber lists (the
 * compiler's prologue and epilogue save them), and FPSCR by hand in its
 * frame, which moves with the stack.
 *
 * r7 (Thumb) and r11 (A32) are the frame pointer when the compiler keeps
 * one, and a frame pointer cannot be named in a clobber list; port.json
 * compiles this file with -fomit-frame-pointer (after every build's own
 * flags), so both are plain callee-saved registers here in every build.
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FPSCR's slot is addressed from sp on both sides, by
 * its offset from sp, the same in every coroutine. r12 (ip) is the
 * templates' scratch register (caller-saved). */
#define STACK_MAGIC 0

static int slp_switch(void) {
    unsigned int fpscr;
    int off; /* fpscr's offset from sp */
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
                     "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
    __asm__ volatile("vmrs r12, fpscr\n\t"
                     "str r12, [%[slot]]\n\t"
                     "mov r12, sp\n\t"
                     "sub %[off], %[slot], r12"
                     : [off] "=r"(off), "=m"(fpscr)
                     : [slot] "r"(&fpscr)
                     : "r12");
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("ldr r12, [sp, %[off]]\n\t"
                     "vmsr fpscr, r12" ::[off] "r"(off),
                     "m"(fpscr)
                     : "r12");
    __asm__ volatile("" ::: "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
                     "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
    return 0;
}
