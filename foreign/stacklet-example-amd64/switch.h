/* A complete stacklet-style switch for amd64 (PyPy's stacklet convention:
 * slp_switch calls save_state(sp, extra), moves to the stack pointer it
 * returns, calls restore_state(sp, extra) and returns what that returned),
 * written for stackslice: the example every test:foreign run passes.
 *
 * Frame, from rsp at the save_state call (16-byte aligned):
 *
 *   offset  content
 *   0*8     MXCSR (low half), x87 control word (at 4)
 *   1*8     rsp before the alignment
 *   ...     padding to the alignment
 *   then    r15, r14, r13, r12, rbx, rbp (pushed), 128 bytes of red zone
 *
 * The red zone is stepped over first: the compiler sees a leaf function
 * and may keep its locals below rsp. */
static void *slp_switch(void *(*save_state)(void *, void *), void *(*restore_state)(void *, void *), void *extra) {
    void *result, *save_gone, *extra_gone;
    __asm__ volatile(
        /* 1. save the callee-saved registers and the FP control words */
        "subq $128, %%rsp\n\t"
        "pushq %%rbp\n\t"
        "pushq %%rbx\n\t"
        "pushq %%r12\n\t"
        "pushq %%r13\n\t"
        "pushq %%r14\n\t"
        "pushq %%r15\n\t"
        "movq %%rsp, %%rbp\n\t"
        "andq $-16, %%rsp\n\t"
        "subq $2*8, %%rsp\n\t"
        "movq %%rbp, 1*8(%%rsp)\n\t"
        "stmxcsr 0(%%rsp)\n\t"
        "fnstcw 4(%%rsp)\n\t"
        "movq %%rax, %%r12\n\t" /* restore_state */
        "movq %%rsi, %%r13\n\t" /* extra */
        /* 2. save_state(sp, extra): the stack pointer to go to */
        "movq %%rsp, %%rdi\n\t"
        "call *%%rcx\n\t"
        "testq %%rax, %%rax\n\t"
        "jz 0f\n\t"
        /* 3. move there */
        "movq %%rax, %%rsp\n\t"
        /* 4. restore_state(sp, extra): the stack comes back */
        "movq %%rax, %%rdi\n\t"
        "movq %%r13, %%rsi\n\t"
        "call *%%r12\n\t"
        /* 5. restore the registers, now the target's */
        "0:\n\t"
        "ldmxcsr 0(%%rsp)\n\t"
        "fldcw 4(%%rsp)\n\t"
        "movq 1*8(%%rsp), %%rsp\n\t"
        "popq %%r15\n\t"
        "popq %%r14\n\t"
        "popq %%r13\n\t"
        "popq %%r12\n\t"
        "popq %%rbx\n\t"
        "popq %%rbp\n\t"
        "addq $128, %%rsp"
        : "=a"(result), "=c"(save_gone), "=S"(extra_gone)
        : "a"(restore_state), "c"(save_state), "S"(extra)
        : "memory", "cc", "rdx", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
          "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return result;
}
