/* An SLP-style switch for s390x (ELF ABI s390x Supplement), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps r6-r13 and f8-f15 through
 * the clobber lists (the compiler's prologue and epilogue save them), and
 * the FP control register (FPC) by hand in its frame, which moves with the
 * stack.
 *
 * r11 is the frame pointer when the compiler keeps one, and r12 gcc's GOT
 * pointer in position-independent code (Debian's default, -fPIE); neither
 * can be named in a clobber list. port.json compiles this file with
 * -fomit-frame-pointer -fno-pie (after every build's own flags), so both are
 * plain callee-saved registers here in every build (the runner links
 * statically, and slp_switch calls only hidden functions). r13 is gcc's
 * literal pool base wherever slp_switch needs a pool: with the core's code
 * in it, as when gcc -O3 -flto inlines sl_core_save, it refuses r13 in the
 * clobber list; -fno-lto keeps this file out of the link-time inlining.
 *
 * A callee may write the 160-byte register save area above its caller's
 * stack pointer: the slice to keep starts 20 doublewords up (STACK_MAGIC,
 * in units of *stackref).
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FPC's slot is addressed from r15 on both sides, by its
 * offset from r15, the same in every coroutine. r1 is the templates'
 * scratch register (caller-saved). */
#define STACK_MAGIC 20

static int slp_switch(void) {
    unsigned int fpc;
    long off; /* fpc's offset from r15 */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13",
                     "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15");
    __asm__ volatile("efpc %%r1\n\t"
                     "st %%r1, 0(%[slot])\n\t"
                     "lgr %[off], %[slot]\n\t"
                     "sgr %[off], %%r15"
                     : [off] "=&d"(off), "=m"(fpc)
                     : [slot] "a"(&fpc)
                     : "r1");
    __asm__("lgr %0, %%r15" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("agr %%r15, %0" ::"d"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("l %%r1, 0(%[off],%%r15)\n\t"
                     "sfpc %%r1" ::[off] "a"(off),
                     "m"(fpc)
                     : "r1");
    __asm__ volatile("" ::: "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13",
                     "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15");
    return 0;
}
