/* shm_elib.c -- the device half of tests/host/shm_elib.c, written against e-lib's API (our
 * firmware/elib): attach the host's segment "elib_shm" with e_shm_attach, write a line into
 * this core's 64-byte slot with e_write, then the slot's last word: 0x5eed0000 + core number
 * (row * group_cols + col), the done flag the host polls.  The line:
 *     "core 0x<id> at (<row>,<col>) of <rows>x<cols>"
 * Without the segment the core returns 1 at once. */
#include <stdio.h>
#include <string.h>
#include "e_lib.h"

int main(void)
{
    e_memseg_t emem;
    char line[60];
    unsigned row, col, k, done;
    e_coreid_t id = e_get_coreid();

    e_coords_from_coreid(id, &row, &col);
    k = row * e_group_config.group_cols + col;
    if (e_shm_attach(&emem, "elib_shm") != E_OK || emem.size < 64 * (k + 1))
        return 1;
    memset(line, 0, sizeof line);
    snprintf(line, sizeof line, "core 0x%03x at (%u,%u) of %ux%u", id, row, col,
             e_group_config.group_rows, e_group_config.group_cols);
    e_write(&emem, line, 0, 0, (void *)(64 * k), sizeof line);
    done = 0x5eed0000u + k;
    e_write(&emem, &done, 0, 0, (void *)(64 * k + 60), sizeof done);
    return 0;
}
