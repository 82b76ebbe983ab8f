/* An SLP-style switch for alpha (the OSF/1 calling standard), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps $9-$15 and $f2-$f9
 * through the clobber lists (the compiler's prologue and epilogue save
 * them), and FPCR by hand in its frame, which moves with the stack.
 *
 * $15 is the frame pointer when the compiler keeps one, and a frame
 * pointer cannot be named in a clobber list; port.json compiles this file
 * with -fomit-frame-pointer (after every build's own flags), so $15 is a
 * plain callee-saved register here in every build.
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FPCR's slot is addressed from $30 on both sides, by
 * its offset from $30, the same in every coroutine. FPCR moves through $f0
 * and $1, both caller-saved, fenced with excb. */
#define STACK_MAGIC 0

static int slp_switch(void) {
    unsigned long fpcr;
    long off; /* fpcr's offset from $30 */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "$9", "$10", "$11", "$12", "$13", "$14", "$15",
                     "$f2", "$f3", "$f4", "$f5", "$f6", "$f7", "$f8", "$f9");
    __asm__ volatile("excb\n\t"
                     "mf_fpcr $f0\n\t"
                     "stt $f0, 0(%[slot])\n\t"
                     "subq %[slot], $30, %[off]"
                     : [off] "=r"(off), "=m"(fpcr)
                     : [slot] "r"(&fpcr)
                     : "$f0");
    __asm__("mov $30, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("addq $30, %0, $30" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("addq $30, %[off], $1\n\t"
                     "ldt $f0, 0($1)\n\t"
                     "mt_fpcr $f0\n\t"
                     "excb" ::[off] "r"(off), "m"(fpcr)
                     : "$1", "$f0");
    __asm__ volatile("" ::: "$9", "$10", "$11", "$12", "$13", "$14", "$15",
                     "$f2", "$f3", "$f4", "$f5", "$f6", "$f7", "$f8", "$f9");
    return 0;
}
