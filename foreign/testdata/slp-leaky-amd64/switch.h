/* A broken SLP-style switch for amd64, for stackslice's tests: like
 * foreign/slp-example-amd64 but r15 is missing from the clobber lists and
 * the FP control words (MXCSR, x87 control word) are not kept. The suite
 * must name r15, and mxcsr and x87cw unless they are declared gaps. */
#define STACK_MAGIC 0

static int slp_switch(void) {
    void *rbp;
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "rbx", "r12", "r13", "r14");
    __asm__ volatile("movq %%rbp, %0" : "=m"(rbp));
    __asm__("movq %%rsp, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("addq %0, %%rsp\n\t"
                     "addq %0, %%rbp" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("movq %0, %%rbp" ::"m"(rbp));
    __asm__ volatile("" ::: "rbx", "r12", "r13", "r14");
    return 0;
}
