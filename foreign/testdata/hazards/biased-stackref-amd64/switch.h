/* An SLP-style switch for amd64 whose stackref is one byte above the stack
 * pointer, as a header that takes SPARC V9's biased %sp for the stack's
 * address gives it (greenlet's SPARC header on sparc64): the adapter stops
 * at the save and says why, rather than copying a slice that starts off a
 * word. Written for stackslice's tests (TestForeignOddStackrefIsNamed). */
static int slp_switch(void) {
    char *stackref;
    long stsizediff;
    __asm__ volatile("" : : : "rbx", "rbp", "r12", "r13", "r14", "r15", "memory");
    __asm__ volatile("leaq 1(%%rsp), %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("addq %0, %%rsp" : : "r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("" : : : "rbx", "rbp", "r12", "r13", "r14", "r15", "memory");
    return 0;
}
