/* loader.c -- libe-hal: e_load / e_load_group.  The emulator's loader does the work (the
 * e-loader model of emu/chip.py: reset, SRAM cleared, segments copied, loader records,
 * start); this side checks the arguments and names the file. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ehal-internal.h"

int ehal_load_group(const char *executable, e_epiphany_t *dev, unsigned row, unsigned col,
                    unsigned rows, unsigned cols);

static int load(const char *func, const char *executable, e_epiphany_t *dev, unsigned row,
                unsigned col, unsigned rows, unsigned cols, int start)
{
    char path[PATH_MAX];
    struct ehal_req req;
    if (!executable) {
        ehal_warn(func, "no executable named");
        return E_ERR;
    }
    if (ehal_check_range(func, dev, row, col, rows, cols) != E_OK)
        return E_ERR;
    if (!realpath(executable, path)) {
        ehal_warn(func, "cannot open executable file \"%s\": %s", executable, strerror(errno));
        return E_ERR;
    }
    memset(&req, 0, sizeof req);
    req.op = EHAL_OP_LOAD;
    req.flags = start ? 1 : 0;
    ehal_req_cores(&req, dev, row, col, rows, cols);
    req.len = (uint32_t)strlen(path);
    if (ehal_loader_verbose >= L_D1)
        ehal_diag("%s(): loading %s on %ux%u cores from (%u,%u)%s", func, path, rows, cols,
                  row, col, start ? ", starting them" : "");
    return ehal_request(func, &req, path, NULL);
}

int ehal_load_group(const char *executable, e_epiphany_t *dev, unsigned row, unsigned col,
                    unsigned rows, unsigned cols)
{
    return load("e_load_group", executable, dev, row, col, rows, cols, 0);
}

int e_load_group(const char *executable, e_epiphany_t *dev, unsigned row, unsigned col,
                 unsigned rows, unsigned cols, e_bool_t start)
{
    return load("e_load_group", executable, dev, row, col, rows, cols, start != E_FALSE);
}

int e_load(const char *executable, e_epiphany_t *dev, unsigned row, unsigned col,
           e_bool_t start)
{
    return load("e_load", executable, dev, row, col, 1, 1, start != E_FALSE);
}

e_loader_diag_t e_set_loader_verbosity(e_loader_diag_t verbose)
{
    e_loader_diag_t old = (e_loader_diag_t)ehal_loader_verbose;
    ehal_loader_verbose = (int)verbose;
    e_set_host_verbosity((e_hal_diag_t)verbose);
    return old;
}
