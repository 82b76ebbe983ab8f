/* An SLP-style switch for amd64, written for stackslice's tests and as an
 * example of the convention foreign/adapter/slp.c runs: slp_switch() keeps
 * rbx and r12-r15 through the clobber lists (the compiler's prologue and
 * epilogue save them), and rbp and the FP control words by hand in its
 * frame, which moves with the stack. Values kept across the shift live in
 * memory ("=m"), so they are read back from the other side's frame:
 * on x86 an "m" local is always addressed from %rsp or %rbp, which the
 * shift moves both (checked: gcc -O0, -O2, -O3, -fno-omit-frame-pointer,
 * clang -O2), never through an address kept in another register, the
 * hazard the arm64 example has to avoid. */
#define STACK_MAGIC 0

struct sl_example_saved {
    void *rbp;
    unsigned int mxcsr;
    unsigned short x87cw;
};

static int slp_switch(void) {
    struct sl_example_saved saved;
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "rbx", "r12", "r13", "r14", "r15");
    __asm__ volatile("movq %%rbp, %[rbp]\n\t"
                     "stmxcsr %[mxcsr]\n\t"
                     "fnstcw %[x87cw]"
                     : [rbp] "=m"(saved.rbp), [mxcsr] "=m"(saved.mxcsr), [x87cw] "=m"(saved.x87cw));
    __asm__("movq %%rsp, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("addq %0, %%rsp\n\t"
                     "addq %0, %%rbp" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("fldcw %[x87cw]\n\t"
                     "ldmxcsr %[mxcsr]\n\t"
                     "movq %[rbp], %%rbp" ::[rbp] "m"(saved.rbp), [mxcsr] "m"(saved.mxcsr), [x87cw] "m"(saved.x87cw));
    __asm__ volatile("" ::: "rbx", "r12", "r13", "r14", "r15");
    return 0;
}
