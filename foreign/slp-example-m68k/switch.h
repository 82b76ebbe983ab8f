/* An SLP-style switch for m68k (System V ABI, Motorola 68000 Processor
 * Family Supplement), written for stackslice's tests and as an example of
 * the convention foreign/adapter/slp.c runs: slp_switch() keeps d2-d7,
 * a2-a6 and fp2-fp7 through the clobber lists (the compiler's prologue and
 * epilogue save them), and FPCR (rounding mode and precision) by hand in
 * its frame, which moves with the stack.
 *
 * a6 is the frame pointer, and naming it in a clobber list makes gcc keep
 * one in every build: its prologue saves the caller's a6 (link), and its
 * locals and epilogue are addressed from it, so the stack shift moves %fp
 * with %sp, as greenlet's m68k header does. port.json compiles this file
 * with -fomit-frame-pointer (after every build's own flags), without which
 * gcc refuses a6 in the clobber list.
 *
 * A callee may write the 4 bytes above its caller's stack pointer (the
 * base port's stack_area: an argument slot), so the slice to keep starts 1
 * word up (the adapter takes the stack_area; STACK_MAGIC, in units of
 * *stackref, says the same for greenlet's convention). gcc pushes its calls'
 * arguments instead, and keeps the last register of its prologue's movem
 * (d2) at 0(%sp): stackref is taken a word lower, from a stack pointer
 * lowered by 4 for the switch, so that the word left out is a free one.
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FPCR's slot is addressed from %fp on both sides, by
 * its offset from %fp, the same in every coroutine (from %sp it would not
 * be: gcc -O2 pops the argument of sl_core_save only after the shift). a0
 * is the scratch * register (caller-saved). */
#define STACK_MAGIC 1

static int slp_switch(void) {
    unsigned long fpcr;
    long off; /* fpcr's offset from %fp */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "d2", "d3", "d4", "d5", "d6", "d7", "a2", "a3", "a4", "a5", "a6",
                     "fp2", "fp3", "fp4", "fp5", "fp6", "fp7");
    __asm__ volatile("fmove.l %%fpcr, (%[slot])\n\t"
                     "move.l %[slot], %[off]\n\t"
                     "sub.l %%fp, %[off]"
                     : [off] "=&d"(off), "=m"(fpcr)
                     : [slot] "a"(&fpcr));
    __asm__ volatile("subq.l #4, %%sp\n\t"
                     "move.l %%sp, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add.l %0, %%sp\n\t"
                     "add.l %0, %%fp\n\t"
                     "addq.l #4, %%sp" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("move.l %%fp, %%a0\n\t"
                     "add.l %[off], %%a0\n\t"
                     "fmove.l (%%a0), %%fpcr" ::[off] "d"(off),
                     "m"(fpcr)
                     : "a0");
    __asm__ volatile("" ::: "d2", "d3", "d4", "d5", "d6", "d7", "a2", "a3", "a4", "a5", "a6",
                     "fp2", "fp3", "fp4", "fp5", "fp6", "fp7");
    return 0;
}
