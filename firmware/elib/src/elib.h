/* elib.h -- private helpers of the epiphany-emu e-lib sources (not installed).
 *
 * The library is built on the device run-time of firmware/runtime (eprt.h): its DMA, timer
 * and interrupt-vector functions are linked into libe-lib.a and called from here where the
 * ESDK's semantics are theirs.  See docs/elib.md. */
#ifndef EMU_ELIB_PRIVATE_H
#define EMU_ELIB_PRIVATE_H

#include <stdint.h>
#include "e_lib.h"
#include "eprt.h"

/* this core's index in the group, row-major, from the loader's record */
static inline unsigned elib_group_index(void)
{
    return e_group_config.core_row * e_group_config.group_cols + e_group_config.core_col;
}

static inline unsigned elib_group_size(void)
{
    return e_group_config.group_rows * e_group_config.group_cols;
}

/* global address of the register at core-local address `reg` of this core */
static inline volatile unsigned *elib_own_reg(unsigned reg)
{
    return (volatile unsigned *)((uintptr_t)(eprt_coreid() << 20) | reg);
}

#endif /* EMU_ELIB_PRIVATE_H */
