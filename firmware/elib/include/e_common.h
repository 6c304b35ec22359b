/* e_common.h -- epiphany-emu e-lib: the attribute shorthands ESDK programs use to place and
 * align objects, e.g. `float a[1024] SECTION(".data_bank1");` (sections: docs/elib.md). */
#ifndef EMU_ELIB_E_COMMON_H
#define EMU_ELIB_E_COMMON_H

#define ALIGN(x)   __attribute__((aligned(x)))
#define PACKED     __attribute__((packed))
#define SECTION(x) __attribute__((section(x)))

#endif /* EMU_ELIB_E_COMMON_H */
