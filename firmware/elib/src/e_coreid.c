/* e_coreid.c -- core ids, group coordinates, global addresses (e_coreid.h). */
#include "elib.h"

e_coreid_t e_get_coreid(void)
{
    e_coreid_t id;
    __asm__ __volatile__("movfs %0, coreid" : "=r"(id));
    return id;
}

void *e_get_global_address(unsigned row, unsigned col, const void *ptr)
{
    uintptr_t a = (uintptr_t)ptr;
    e_coreid_t id;
    if (a & 0xFFF00000u)                 /* already global */
        return (void *)a;
    if (row == (unsigned)E_SELF || col == (unsigned)E_SELF)
        id = e_get_coreid();
    else
        id = e_group_config.group_id + (row << 6) + col;
    return (void *)((uintptr_t)(id << 20) | a);
}

e_coreid_t e_coreid_from_coords(unsigned row, unsigned col)
{
    return e_group_config.group_id + (((row & 63) << 6) | (col & 63));
}

/* The offset from the group's origin, split into its 6-bit fields: the inverse of
 * e_coreid_from_coords for every core of the group. */
void e_coords_from_coreid(e_coreid_t coreid, unsigned *row, unsigned *col)
{
    unsigned d = coreid - e_group_config.group_id;
    *row = (d >> 6) & 63;
    *col = d & 63;
}

e_bool_t e_is_on_core(const void *ptr)
{
    unsigned id = (uintptr_t)ptr >> 20;
    return (id == 0 || id == e_get_coreid()) ? E_TRUE : E_FALSE;
}

/* x + step (step = -1 or +1) modulo n */
static unsigned wrap_step(unsigned x, int step, unsigned n)
{
    if (step > 0)
        return x + 1 >= n ? 0 : x + 1;
    return x == 0 ? n - 1 : x - 1;
}

/* Previous (E_PREV_CORE) or next (E_NEXT_CORE) core of this one: along its row, wrapping
 * within the row (E_ROW_WRAP) or onto the previous/next row, the last core's next being the
 * first (E_GROUP_WRAP); or along its column (E_COL_WRAP).  The ESDK computes this with bit
 * masks, valid for power-of-two group sizes only; modulo arithmetic gives the same results
 * there and the natural ones for other sizes. */
void e_neighbor_id(e_coreid_wrap_t dir, e_coreid_wrap_t wrap, unsigned *row, unsigned *col)
{
    unsigned rows = e_group_config.group_rows, cols = e_group_config.group_cols;
    unsigned r = e_group_config.core_row, c = e_group_config.core_col;
    int step = dir == E_NEXT_CORE ? 1 : -1;
    if (wrap == E_COL_WRAP) {
        r = wrap_step(r, step, rows);
    } else {
        /* E_GROUP_WRAP: moving off the row's end continues on the next/previous row */
        int off_end = step > 0 ? c + 1 >= cols : c == 0;
        c = wrap_step(c, step, cols);
        if (wrap == E_GROUP_WRAP && off_end)
            r = wrap_step(r, step, rows);
    }
    *row = r;
    *col = c;
}
