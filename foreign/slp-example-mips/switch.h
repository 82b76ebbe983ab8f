/* An SLP-style switch for mips and mipsel (o32, hard-float), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps $16-$23 ($s0-$s7), $30
 * ($fp) and the even FP registers $f20-$f30 (each a 64-bit pair when FR=0)
 * through the clobber lists (the compiler's prologue and epilogue save
 * them), and FCSR by hand in its frame, which moves with the stack. $gp is
 * the callee's to change in o32 PIC code: the compiler reloads it from its
 * frame after each call, and that frame moved with the stack too.
 *
 * $30 is the frame pointer when the compiler keeps one, and a frame pointer
 * cannot be named in a clobber list; port.json compiles this file with
 * -fomit-frame-pointer (after every build's own flags), so $30 is a plain
 * callee-saved register here in every build.
 *
 * o32 lets a callee write the 16-byte argument area above its caller's
 * stack pointer: slp_switch's callees may write 0($sp)..15($sp), so the
 * slice to keep starts 4 words up (STACK_MAGIC, in units of *stackref).
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FCSR's slot is addressed from $sp on both sides, by
 * its offset from $sp, the same in every coroutine. $8 ($t0) is the
 * templates' scratch register (caller-saved). */
#define STACK_MAGIC 4

static int slp_switch(void) {
    unsigned int fcsr;
    int off; /* fcsr's offset from $sp */
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$30",
                     "$f20", "$f22", "$f24", "$f26", "$f28", "$f30");
    __asm__ volatile("cfc1 $8, $31\n\t"
                     "sw $8, 0(%[slot])\n\t"
                     "subu %[off], %[slot], $sp"
                     : [off] "=r"(off), "=m"(fcsr)
                     : [slot] "r"(&fcsr)
                     : "$8");
    __asm__("move %0, $sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("addu $sp, $sp, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("addu $8, $sp, %[off]\n\t"
                     "lw $8, 0($8)\n\t"
                     "ctc1 $8, $31" ::[off] "r"(off),
                     "m"(fcsr)
                     : "$8");
    __asm__ volatile("" ::: "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$30",
                     "$f20", "$f22", "$f24", "$f26", "$f28", "$f30");
    return 0;
}
