/* e_mem.h -- epiphany-emu e-lib: copies to and from other cores and external memory. */
#ifndef EMU_ELIB_E_MEM_H
#define EMU_ELIB_E_MEM_H

#include <sys/types.h>
#include "e_common.h"
#include "e_coreid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    E_RD = 1,
    E_WR = 2,
    E_RDWR = 3,
} e_memtype_t;

/* a shared-memory segment as e_shm_attach() describes it */
typedef struct {
    e_objtype_t objtype;             /* E_SHARED_MEM */
    off_t phy_base;                  /* where the host sees it */
    off_t ephy_base;                 /* where the cores see it */
    size_t size;
    e_memtype_t type;
} e_memseg_t;

/* Copy n bytes between this core's `dst`/`src` and memory named by `remote`:
 *   remote = &e_group_config (objtype E_EPI_GROUP): address `src`/`dst` on group core
 *            (row, col) (E_SELF: this core; global addresses are used as they are);
 *   remote = an e_memseg_t of e_shm_attach() (E_SHARED_MEM): offset into that segment;
 *   remote = &e_emem_config (or any other objtype): offset into external memory.
 * Both return the global address they copied from / to. */
void *e_read(const void *remote, void *dst, unsigned row, unsigned col, const void *src,
             size_t n);
void *e_write(const void *remote, const void *src, unsigned row, unsigned col, void *dst,
              size_t n);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_MEM_H */
