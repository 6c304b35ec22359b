/* e_shm.h -- epiphany-emu e-lib: named shared-memory segments.
 *
 * The host (e-hal's e_shm_alloc) keeps a table of named segments at the start of the shared
 * DRAM window, 0x8F000000 as the cores see it; e_shm_attach() looks a name up there.  The table
 * layout below is the contract between the host library and the cores (docs/elib.md gives the
 * offsets): packed, 64-bit fields for pointers so that a 32-bit or 64-bit host agrees with the
 * cores. */
#ifndef EMU_ELIB_E_SHM_H
#define EMU_ELIB_E_SHM_H

#include <stdint.h>
#include <sys/types.h>
#include "e_common.h"
#include "e_mem.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_SHM_REGIONS 64

#pragma pack(push, 1)

/* one segment */
typedef struct ALIGN(8) e_shmseg {
    __extension__ union {          /* anonymous: C11 */
        void *addr;                  /* host virtual address (meaningless on the cores) */
        uint64_t __fill1;
    };
    char name[256];
    uint64_t size;                   /* bytes */
    __extension__ union {          /* anonymous: C11 */
        void *paddr;                 /* address of the segment as the cores see it */
        uint64_t __fill2;
    };
    uint64_t offset;                 /* from the start of the table */
} e_shmseg_t;

typedef struct ALIGN(8) e_shmseg_pvt {
    e_shmseg_t shm_seg;
    uint32_t refcnt;                 /* host attachments */
    uint32_t valid;                  /* 1: in use */
} e_shmseg_pvt_t;

typedef struct ALIGN(8) e_shmtable {
    uint32_t magic;                  /* 0xABCDEF00 once the host has set the table up */
    uint32_t initialized;
    e_shmseg_pvt_t regions[MAX_SHM_REGIONS];
    uint64_t free_space;
    uint64_t next_free_offset;
    uint64_t paddr_epi;              /* the table as the cores see it (0x8F000000) */
    uint64_t paddr_cpu;              /* the table's physical address on the host */
    __extension__ union {          /* anonymous: C11 */
        uint8_t *heap;
        uint64_t __fill1;
    };
    __extension__ union {          /* anonymous: C11 */
        void *lock;
        uint64_t __fill2;
    };
} e_shmtable_t;

#pragma pack(pop)

/* Fill *mem with the segment called `name` (objtype E_SHARED_MEM, ephy_base = its address
 * for the cores, size); E_OK, or E_ERR when there is no table or no such segment. */
int e_shm_attach(e_memseg_t *mem, const char *name);
/* Nothing to undo on the device side: E_OK when the segment exists, else E_ERR. */
int e_shm_release(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_SHM_H */
