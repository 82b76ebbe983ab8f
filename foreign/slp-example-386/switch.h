/* An SLP-style switch for 386 (i386 System V psABI), written for
 * stackslice's tests and as an example of the convention
 * foreign/adapter/slp.c runs: slp_switch() keeps ebx, esi, edi and ebp
 * through the clobber lists (the compiler's prologue and epilogue save
 * them), and the FP control words (MXCSR, x87 control word) by hand in its
 * frame, which moves with the stack.
 *
 * ebp is the frame pointer when the compiler keeps one, and a frame pointer
 * cannot be named in a clobber list; port.json compiles this file with
 * -fomit-frame-pointer (after every build's own flags), so ebp is a plain
 * callee-saved register here in every build. Values kept across the shift
 * live in memory ("=m"): on x86 an "m" local is addressed from %esp, which
 * the shift moves (see the amd64 example).
 *
 * A callee may write the 4 bytes above its caller's stack pointer (an
 * argument slot): the slice to keep starts 1 word up (STACK_MAGIC, in units
 * of *stackref). That word is no place for a saved value, and gcc -O0 puts
 * locals there (it pushes the arguments of its calls, so reserves no
 * argument area): the FP control words are kept from the second word of an
 * array on, which lies at least a word above the stack pointer. */
#define STACK_MAGIC 1

enum { SAVED_MXCSR = 1, SAVED_X87CW, SAVED_WORDS };

static int slp_switch(void) {
    unsigned int saved[SAVED_WORDS];
    int *stackref, stsizediff;
    __asm__ volatile("" ::: "ebx", "esi", "edi", "ebp");
    __asm__ volatile("stmxcsr %[mxcsr]\n\t"
                     "fnstcw %[x87cw]"
                     : [mxcsr] "=m"(saved[SAVED_MXCSR]), [x87cw] "=m"(saved[SAVED_X87CW]));
    __asm__("movl %%esp, %0" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("addl %0, %%esp" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("fldcw %[x87cw]\n\t"
                     "ldmxcsr %[mxcsr]" ::[mxcsr] "m"(saved[SAVED_MXCSR]), [x87cw] "m"(saved[SAVED_X87CW]));
    __asm__ volatile("" ::: "ebx", "esi", "edi", "ebp");
    return 0;
}
