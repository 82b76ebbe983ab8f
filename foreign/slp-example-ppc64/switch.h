/* An SLP-style switch for ppc64 (64-bit PowerPC ELF ABI, ELFv1,
 * big-endian) and ppc64le (ELF V2 ABI), written for stackslice's tests and as an example of the
 * convention foreign/adapter/slp.c runs: slp_switch() keeps r14-r31,
 * f14-f31, v20-v31 and the CR fields cr2-cr4 through the clobber lists (the
 * compiler's prologue and epilogue save them), and FPSCR and VSCR by hand
 * in its frame, which moves with the stack. r2 (the TOC) needs nothing:
 * one module, one TOC, and every call site restores it.
 *
 * r31 is the frame pointer when the compiler keeps one, and a frame pointer
 * cannot be named in a clobber list; port.json compiles this file with
 * -fomit-frame-pointer (after every build's own flags), so r31 is a plain
 * callee-saved register here in every build. gcc targets a CPU without
 * AltiVec by default here and then ignores v20-v31 in a clobber list (it
 * saves none of them): port.json adds -maltivec.
 *
 * A callee may write the area above its caller's stack pointer: the frame
 * header and the parameter save area in ELFv1 (112 bytes), the back chain,
 * CR, LR and TOC save doublewords in ELFv2 (32 bytes). The slice to keep
 * starts that far up (STACK_MAGIC, in units of *stackref).
 *
 * Nothing the compiler keeps in a register may cross the stack shift (see
 * the arm64 example): the slots are addressed from r1 on both sides, by
 * their offset from r1, the same in every coroutine. FPSCR is 64 bits
 * (DRN, the decimal rounding mode, is in the upper word): only the mtfsf
 * with L=1 writes them all back. f0, v0 and r12 are the templates' scratch
 * registers (caller-saved). */
#if _CALL_ELF == 2
#define STACK_MAGIC 4
#else
#define STACK_MAGIC 14
#endif

static int slp_switch(void) {
    struct {
        unsigned int vscr[4] __attribute__((aligned(16)));
        double fpscr;
    } saved;
    long off; /* saved's offset from r1 */
    long *stackref, stsizediff;
    __asm__ volatile("" ::: "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
                     "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
                     "fr14", "fr15", "fr16", "fr17", "fr18", "fr19", "fr20", "fr21", "fr22",
                     "fr23", "fr24", "fr25", "fr26", "fr27", "fr28", "fr29", "fr30", "fr31",
                     "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31",
                     "cr2", "cr3", "cr4");
    __asm__ volatile("mfvscr %%v0\n\t"
                     "stvx %%v0, 0, %[slot]\n\t"
                     "mffs %%f0\n\t"
                     "stfd %%f0, 16(%[slot])\n\t"
                     "subf %[off], %%r1, %[slot]"
                     : [off] "=r"(off), "=m"(saved)
                     : [slot] "b"(&saved)
                     : "v0", "fr0");
    __asm__("mr %0, %%r1" : "=r"(stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile("add %%r1, %%r1, %0" ::"r"(stsizediff));
    SLP_RESTORE_STATE();
    __asm__ volatile("add %%r12, %%r1, %[off]\n\t"
                     "lvx %%v0, 0, %%r12\n\t"
                     "mtvscr %%v0\n\t"
                     "lfd %%f0, 16(%%r12)\n\t"
                     "mtfsf 0xff, %%f0, 1, 0" ::[off] "r"(off),
                     "m"(saved)
                     : "r12", "v0", "fr0");
    __asm__ volatile("" ::: "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
                     "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
                     "fr14", "fr15", "fr16", "fr17", "fr18", "fr19", "fr20", "fr21", "fr22",
                     "fr23", "fr24", "fr25", "fr26", "fr27", "fr28", "fr29", "fr30", "fr31",
                     "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31",
                     "cr2", "cr3", "cr4");
    return 0;
}
