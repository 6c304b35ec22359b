/* e-loader.h -- epiphany-emu e-hal: loading device programs (ELF, S-record) onto cores.
 *
 * The emulator's loader does the work, as e-loader does on the board: each core of the range
 * is reset, its SRAM cleared, the image's segments copied (core-local ones into every core),
 * the workgroup_cfg / ext_mem_cfg / loader_cfg records filled for the e_open'd workgroup,
 * and with start = E_TRUE the cores are started (SYNC interrupt).
 */
#ifndef EPIPHANY_EMU_E_LOADER_H
#define EPIPHANY_EMU_E_LOADER_H

#include "e-hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* loader diagnostics level (printed on stderr) */
typedef enum {
    L_D0 = 0,
    L_D1 = 1,
    L_D2 = 2,
    L_D3 = 3,
    L_D4 = 40,
} e_loader_diag_t;

/* load `executable` on core (row, col) of dev / on the rows x cols cores from (row, col);
 * coordinates relative to the workgroup.  E_OK or E_ERR (message on stderr). */
int e_load(const char *executable, e_epiphany_t *dev, unsigned row, unsigned col,
           e_bool_t start);
int e_load_group(const char *executable, e_epiphany_t *dev, unsigned row, unsigned col,
                 unsigned rows, unsigned cols, e_bool_t start);

/* set the loader's diagnostics level (also the host's); returns the previous one */
e_loader_diag_t e_set_loader_verbosity(e_loader_diag_t verbose);

#ifdef __cplusplus
}
#endif

#endif
