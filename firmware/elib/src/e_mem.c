/* e_mem.c -- e_read/e_write (e_mem.h). */
#include <string.h>
#include "elib.h"

/* the global address `addr` stands for in the memory `remote` names */
static void *remote_address(const void *remote, unsigned row, unsigned col, const void *addr)
{
    switch (*(const e_objtype_t *)remote) {
    case E_EPI_GROUP:
        return e_get_global_address(row, col, addr);
    case E_SHARED_MEM:
        return (char *)(uintptr_t)((const e_memseg_t *)remote)->ephy_base + (uintptr_t)addr;
    default:                             /* E_EXT_MEM: an offset into external memory */
        return (char *)(uintptr_t)e_emem_config.base + (uintptr_t)addr;
    }
}

void *e_read(const void *remote, void *dst, unsigned row, unsigned col, const void *src, size_t n)
{
    void *from = remote_address(remote, row, col, src);
    memcpy(dst, from, n);
    return from;
}

void *e_write(const void *remote, const void *src, unsigned row, unsigned col, void *dst, size_t n)
{
    void *to = remote_address(remote, row, col, dst);
    memcpy(to, src, n);
    return to;
}
