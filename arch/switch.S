// arch/switch.S: the port of the architecture the compiler targets, chosen by
// the compiler's predefined macros, so that a C project builds the core with
// one line:
//
//     cc -Icore core/*.c arch/switch.S
//
// Generated from the "predefined" condition of every arch/<name>/port.json by
// mage port:new and mage port:select (go test ./arch fails when it is stale):
// do not edit.
#if defined(__i386__)
#include "386/switch.S"
#elif defined(__alpha__)
#include "alpha/switch.S"
#elif defined(__x86_64__) && !defined(__ILP32__)
#include "amd64/switch.S"
#elif defined(__arm__) && defined(__ARM_ARCH_ISA_ARM) && !defined(__SOFTFP__)
#include "arm/switch.S"
#elif defined(__aarch64__) && !defined(__ILP32__)
#include "arm64/switch.S"
#elif defined(__arm__) && defined(__ARM_ARCH_ISA_ARM) && defined(__SOFTFP__)
#include "armel/switch.S"
#elif defined(__hppa__) && !defined(__LP64__)
#include "hppa/switch.S"
#elif defined(__loongarch__) && __loongarch_grlen == 64
#include "loong64/switch.S"
#elif defined(__m68k__) && !defined(__mcoldfire__)
#include "m68k/switch.S"
#elif defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__mips_hard_float) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#include "mips/switch.S"
#elif defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#include "mips64/switch.S"
#elif defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include "mips64el/switch.S"
#elif defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__mips_hard_float) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include "mipsel/switch.S"
#elif defined(__powerpc__) && !defined(__powerpc64__)
#include "powerpc/switch.S"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#include "ppc64/switch.S"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include "ppc64le/switch.S"
#elif defined(__riscv) && __riscv_xlen == 64
#include "riscv64/switch.S"
#elif defined(__s390x__)
#include "s390x/switch.S"
#elif defined(__sh__)
#include "sh4/switch.S"
#elif defined(__sparc__) && defined(__arch64__)
#include "sparc64/switch.S"
#else
#error "stackslice has no port for this target: no arch/<name>/port.json matches its predefined macros (docs/ports.md)"
#endif
