/* archinfo: the machine this binary was compiled for, in `uname -m` spelling, and its pointer width.
 * It reports what the compiler targeted, not what runs it: an arm64 image whose binary says x86_64 was
 * built for the wrong platform, even if QEMU or the host happens to run it. */
#include <stdio.h>

#if defined(__x86_64__)
#define MACHINE "x86_64"
#elif defined(__aarch64__)
#define MACHINE "aarch64"
#elif defined(__ARM_ARCH_7A__)
#define MACHINE "armv7l"
#elif defined(__arm__)
#define MACHINE "arm"
#elif defined(__riscv) && __riscv_xlen == 64
#define MACHINE "riscv64"
#else
#define MACHINE "unknown"
#endif

int main(void)
{
    printf("%s %zu-bit\n", MACHINE, sizeof(void *) * 8);
    return 0;
}
