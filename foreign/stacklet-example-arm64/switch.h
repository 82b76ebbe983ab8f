/* A complete stacklet-style switch for arm64 (PyPy's stacklet convention:
 * slp_switch calls save_state(sp, extra), moves to the stack pointer it
 * returns, calls restore_state(sp, extra) and returns what that returned),
 * written for stackslice: the example every test:foreign run passes.
 *
 * Frame, from sp at the save_state call:
 *
 *   offset  content
 *   0*8     x19, x20 ... 8*8 x27, x28
 *   10*8    x29, x30
 *   12*8    d8, d9 ... 18*8 d14, d15
 *   20*8    FPCR
 *   21*8    padding: sp stays 16-byte aligned
 *
 * The clobber list leaves x19-x28 to the compiler for the three arguments:
 * kept across both calls by the callbacks, and across the stack shift too
 * (they are this side's values until step 5 reloads the target's). */
#define FRAME_SIZE (22 * 8)

static void *slp_switch(void *(*save_state)(void *, void *), void *(*restore_state)(void *, void *), void *extra) {
    void *result;
    __asm__ volatile(
        /* 1. save the callee-saved registers and FPCR */
        "sub sp, sp, %[frame]\n\t"
        "stp x19, x20, [sp, #0*8]\n\t"
        "stp x21, x22, [sp, #2*8]\n\t"
        "stp x23, x24, [sp, #4*8]\n\t"
        "stp x25, x26, [sp, #6*8]\n\t"
        "stp x27, x28, [sp, #8*8]\n\t"
        "stp x29, x30, [sp, #10*8]\n\t"
        "stp d8, d9, [sp, #12*8]\n\t"
        "stp d10, d11, [sp, #14*8]\n\t"
        "stp d12, d13, [sp, #16*8]\n\t"
        "stp d14, d15, [sp, #18*8]\n\t"
        "mrs x9, fpcr\n\t"
        "str x9, [sp, #20*8]\n\t"
        /* 2. save_state(sp, extra): the stack pointer to go to */
        "mov x0, sp\n\t"
        "mov x1, %[extra]\n\t"
        "blr %[save_state]\n\t"
        "cbz x0, 0f\n\t"
        /* 3. move there */
        "mov sp, x0\n\t"
        /* 4. restore_state(sp, extra): the stack comes back */
        "mov x1, %[extra]\n\t"
        "blr %[restore_state]\n\t"
        /* 5. restore the registers, now the target's */
        "0:\n\t"
        "ldr x9, [sp, #20*8]\n\t"
        "msr fpcr, x9\n\t"
        "ldp d14, d15, [sp, #18*8]\n\t"
        "ldp d12, d13, [sp, #16*8]\n\t"
        "ldp d10, d11, [sp, #14*8]\n\t"
        "ldp d8, d9, [sp, #12*8]\n\t"
        "ldp x29, x30, [sp, #10*8]\n\t"
        "ldp x27, x28, [sp, #8*8]\n\t"
        "ldp x25, x26, [sp, #6*8]\n\t"
        "ldp x23, x24, [sp, #4*8]\n\t"
        "ldp x21, x22, [sp, #2*8]\n\t"
        "ldp x19, x20, [sp, #0*8]\n\t"
        "add sp, sp, %[frame]\n\t"
        "mov %[result], x0"
        : [result] "=r"(result)
        : [save_state] "r"(save_state), [restore_state] "r"(restore_state), [extra] "r"(extra), [frame] "i"(FRAME_SIZE)
        : "memory", "cc", "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
          "x14", "x15", "x16", "x17", "x18", "x30", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v16", "v17",
          "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
    return result;
}
