/* An SLP-style switch for armel (AAPCS, soft-float), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps r4-r11 through the clobber
 * lists (the compiler's prologue and epilogue save them). Soft-float has no
 * FP register or FP control state to keep, and no VFP instruction may run.
 *
 * r7 (Thumb) and r11 (A32) are the frame pointer when the compiler keeps
 * one, and a frame pointer cannot be named in a clobber list; port.json
 * compiles this file with -fomit-frame-pointer (after every build's own
 * flags), so both are plain callee-saved registers here in every build. */
#define STACK_MAGIC 0

static int slp_switch(void) {
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11");
    __asm__("mov %0, sp" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add sp, sp, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("" ::: "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11");
    return 0;
}
