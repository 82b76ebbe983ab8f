/* An SLP-style switch for mips64 and mips64el (n64), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps $16-$23 ($s0-$s7), $30
 * ($s8) and $f24-$f31 through the clobber lists (the compiler's prologue
 * and epilogue save them), and FCSR by hand in its frame, which moves with
 * the stack. $28 ($gp) is callee-saved in n64 but needs nothing here:
 * slp_switch calls through the GOT, so every build computes its own $gp
 * from $t9 and keeps the caller's in its frame (arch/mips64/port.json
 * frame_record), and the compiler refuses $gp in a clobber list.
 *
 * $30 is the frame pointer when the compiler keeps one, and a frame pointer
 * cannot be named in a clobber list; port.json compiles this file with
 * -fomit-frame-pointer (after every build's own flags), so $30 is a plain
 * callee-saved register here in every build.
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): FCSR's slot is addressed from $sp on both sides, by
 * its offset from $sp, the same in every coroutine. $12 ($t0) is the
 * templates' scratch register (caller-saved). */
#define STACK_MAGIC 0

static int slp_switch(void) {
    unsigned long fcsr;
    long off; /* fcsr's offset from $sp */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$30",
                     "$f24", "$f25", "$f26", "$f27", "$f28", "$f29", "$f30", "$f31");
    __asm__ volatile("cfc1 $12, $31\n\t"
                     "sd $12, 0(%[slot])\n\t"
                     "dsubu %[off], %[slot], $sp"
                     : [off] "=r"(off), "=m"(fcsr)
                     : [slot] "r"(&fcsr)
                     : "$12");
    __asm__("move %0, $sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("daddu $sp, $sp, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("daddu $12, $sp, %[off]\n\t"
                     "ld $12, 0($12)\n\t"
                     "ctc1 $12, $31" ::[off] "r"(off),
                     "m"(fcsr)
                     : "$12");
    __asm__ volatile("" ::: "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$30",
                     "$f24", "$f25", "$f26", "$f27", "$f28", "$f29", "$f30", "$f31");
    return 0;
}
