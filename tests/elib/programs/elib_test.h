/* elib_test.h -- conventions of the e-lib test programs (tests/elib/programs).
 *
 * Every program is an ESDK-style SPMD device program: it uses only the e-lib API (e_lib.h) and
 * newlib, so it builds both against our firmware/elib and against the ESDK's own e-lib (the
 * optional oracle of tests/elib/test_esdk_oracle.py).  Each core records what it saw in its
 * own `result` (a global of the program, read from every core's memory by the Python tests,
 * which compute the expected values from the C semantics) and sets result.done = DONE last. */
#ifndef ELIB_TEST_H
#define ELIB_TEST_H

#include <stddef.h>
#include "e_lib.h"

typedef unsigned int u32;

#define DONE 0x600DF00Du

/* result.done is the n-th 32-bit word of result: the Python tests rely on the field offsets
 * their specs give (arrays of words are 8-byte aligned in GCC's Epiphany structs, so the
 * programs order fields to need no padding) */
#define RESULT_WORDS(n) \
    _Static_assert(offsetof(__typeof__(result), done) == 4 * (n), "result layout")

/* group index and size of this core, from the loader's record */
static inline unsigned my_index(void)
{
    return e_group_config.core_row * e_group_config.group_cols + e_group_config.core_col;
}

static inline unsigned group_size(void)
{
    return e_group_config.group_rows * e_group_config.group_cols;
}

static inline u32 addr_of(const volatile void *p)
{
    return (u32)(unsigned long)p;
}

#endif
