/* A broken stacklet-style switch for amd64, for stackslice's tests: like
 * foreign/stacklet-example-amd64, but it uses rbp, the frame pointer, to
 * keep the stack pointer across the alignment without saving it, and
 * keeps no FP control word. The suite must name rbp in every build, those
 * whose frames keep a frame pointer (gcc -O0, gcc-O2-framepointer) too,
 * where the compiler's prologue, and the adapter's C frame, save rbp for
 * the header; mxcsr and x87cw are declared. */
static void *slp_switch(void *(*save_state)(void *, void *), void *(*restore_state)(void *, void *), void *extra) {
    void *result, *save_gone, *extra_gone;
    __asm__ volatile(
        "subq $128, %%rsp\n\t"
        "pushq %%rbx\n\t"
        "pushq %%r12\n\t"
        "pushq %%r13\n\t"
        "pushq %%r14\n\t"
        "pushq %%r15\n\t"
        "movq %%rsp, %%rbp\n\t"
        "andq $-16, %%rsp\n\t"
        "subq $2*8, %%rsp\n\t"
        "movq %%rbp, 1*8(%%rsp)\n\t"
        "movq %%rax, %%r12\n\t"
        "movq %%rsi, %%r13\n\t"
        "movq %%rsp, %%rdi\n\t"
        "call *%%rcx\n\t"
        "testq %%rax, %%rax\n\t"
        "jz 0f\n\t"
        "movq %%rax, %%rsp\n\t"
        "movq %%rax, %%rdi\n\t"
        "movq %%r13, %%rsi\n\t"
        "call *%%r12\n\t"
        "0:\n\t"
        "movq 1*8(%%rsp), %%rsp\n\t"
        "popq %%r15\n\t"
        "popq %%r14\n\t"
        "popq %%r13\n\t"
        "popq %%r12\n\t"
        "popq %%rbx\n\t"
        "addq $128, %%rsp"
        : "=a"(result), "=c"(save_gone), "=S"(extra_gone)
        : "a"(restore_state), "c"(save_state), "S"(extra)
        : "memory", "cc", "rdx", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
          "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return result;
}
