/* A broken SLP-style switch for powerpc, for stackslice's tests: like
 * foreign/slp-example-powerpc but r29 is missing from the clobber lists.
 * The suite must name r29 in every build. */
#define STACK_MAGIC 2

static int slp_switch(void) {
    double fpscr;
    int off; /* fpscr's offset from r1 */
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
                     "r23", "r24", "r25", "r26", "r27", "r28", "r30", "r31",
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
                     "r23", "r24", "r25", "r26", "r27", "r28", "r30", "r31",
                     "fr14", "fr15", "fr16", "fr17", "fr18", "fr19", "fr20", "fr21", "fr22",
                     "fr23", "fr24", "fr25", "fr26", "fr27", "fr28", "fr29", "fr30", "fr31",
                     "cr2", "cr3", "cr4");
    return 0;
}
