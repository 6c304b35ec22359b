/* eprt_core.c -- group geometry, start-up check, write(2), failure exit.  See eprt.h,
 * docs/runtime.md. */
#include <stdlib.h>
#include "eprt.h"

unsigned eprt_ncores(void)
{
    return eprt_rows() * eprt_cols();
}

unsigned eprt_index(void)
{
    return eprt_row() * eprt_cols() + eprt_col();
}

int eprt_write(int fd, const void *buf, unsigned n)
{
    register int r0 __asm__("r0") = fd;
    register const void *r1 __asm__("r1") = buf;
    register unsigned r2 __asm__("r2") = n;
    register int r3 __asm__("r3");
    __asm__ __volatile__("trap 0" : "+r"(r0), "=r"(r3) : "r"(r1), "r"(r2) : "memory");
    (void)r3;
    return r0;
}

static unsigned str_len(const char *s)
{
    unsigned n = 0;
    while (s[n])
        n++;
    return n;
}

void eprt_fail(int code, const char *msg)
{
    eprt_write(2, "eprt: ", 6);
    eprt_write(2, msg, str_len(msg));
    eprt_write(2, "\n", 1);
    exit(code);
}

unsigned eprt_init(void)
{
    if (eprt_group_valid()) {
        volatile eprt_group_cfg_t *g = &__eprt_workgroup_cfg;
        unsigned id = eprt_coreid();
        unsigned row = id >> 6, col = id & 63;
        if (g->group_id != ((g->group_row << 6) | g->group_col))
            eprt_fail(125, "workgroup_cfg: group_id is not group_row << 6 | group_col");
        if (row != g->group_row + g->core_row || col != g->group_col + g->core_col)
            eprt_fail(125, "workgroup_cfg: COREID is not (group_row + core_row, group_col + core_col)");
        if (g->core_row >= g->group_rows || g->core_col >= g->group_cols)
            eprt_fail(125, "workgroup_cfg: core_row/core_col outside the group");
        if (g->group_col + g->group_cols > 64 || g->group_row + g->group_rows > 64)
            eprt_fail(125, "workgroup_cfg: group extends past mesh row/column 63");
        if (g->group_rows * g->group_cols > EPRT_MAX_CORES)
            eprt_fail(125, "workgroup_cfg: group larger than EPRT_MAX_CORES");
    }
    eprt_barrier();
    return eprt_index();
}
