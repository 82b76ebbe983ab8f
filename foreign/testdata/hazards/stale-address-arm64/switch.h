/* A hazard fixture, not an example: the arm64 example switch as it first
 * was. It keeps x29 and FPCR in "=m" operands; clang (-O2) addresses those
 * as [xN] with xN = sp + k computed once, in a callee-saved register, before
 * the stack shift, and reads the restore from that register after it: the
 * slot of the coroutine that left. GCC addresses them from sp and is right.
 * The register canaries name fpcr; with fpcr declared not claimed, it is
 * reported as that gap. No port.json: the tests write one. */
#define STACK_MAGIC 0

static int slp_switch(void) {
    void *x29;
    unsigned long fpcr;
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    __asm__ volatile("str x29, %[x29]\n\t"
                     "mrs x9, fpcr\n\t"
                     "str x9, %[fpcr]"
                     : [x29] "=m"(x29), [fpcr] "=m"(fpcr)::"x9");
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0\n\t"
                     "add x29, x29, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("ldr x9, %[fpcr]\n\t"
                     "msr fpcr, x9\n\t"
                     "ldr x29, %[x29]" ::[x29] "m"(x29), [fpcr] "m"(fpcr)
                     : "x9");
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    return 0;
}
