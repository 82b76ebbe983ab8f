/* A broken SLP-style switch for arm64, for stackslice's tests: like
 * foreign/slp-example-arm64 but x28 is missing from the clobber lists and
 * FPCR is not kept. The suite must name x28, and fpcr unless it is a
 * declared gap. */
#define STACK_MAGIC 0

static int slp_switch(void) {
    void *x29;
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    __asm__ volatile("str x29, %0" : "=m"(x29));
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0\n\t"
                     "add x29, x29, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("ldr x29, %0" ::"m"(x29));
    __asm__ volatile("" ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27",
                     "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
    return 0;
}
