/* A broken SLP-style switch for mips, for stackslice's tests: like
 * foreign/slp-example-mips but $23 ($s7) is missing from the clobber
 * lists. The suite must name s7 in every build. */
#define STACK_MAGIC 4

static int slp_switch(void) {
    unsigned int fcsr;
    int off; /* fcsr's offset from $sp */
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$30",
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
    __asm__ volatile("" ::: "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$30",
                     "$f20", "$f22", "$f24", "$f26", "$f28", "$f30");
    return 0;
}
