/* e_shm.c -- e_shm_attach/e_shm_release (e_shm.h).
 *
 * The table is read, never written, from here (the host owns it).  It sits 16 MB into external
 * memory (e_emem_config.base + 0x01000000 = 0x8F000000), where e-hal keeps it.  Fields are read
 * as aligned words at their known offsets: the packed struct would make the compiler assemble
 * every field from bytes, and each access to external memory is slow. */
#include <stddef.h>
#include "elib.h"

#define SHM_MAGIC 0xABCDEF00u
#define SHM_TABLE_OFFSET 0x01000000u

_Static_assert(sizeof(e_shmseg_t) == 288 && sizeof(e_shmseg_pvt_t) == 296
               && sizeof(e_shmtable_t) == 19000, "e_shm layout");
_Static_assert(offsetof(e_shmtable_t, regions) == 8
               && offsetof(e_shmseg_pvt_t, valid) == 292, "e_shm layout");

static const volatile e_shmtable_t *shm_table(void)
{
    unsigned base = e_emem_config.objtype == E_EXT_MEM ? e_emem_config.base : 0x8E000000u;
    return (const volatile e_shmtable_t *)(uintptr_t)(base + SHM_TABLE_OFFSET);
}

static uint32_t word_at(const volatile void *p)
{
    return *(const volatile uint32_t *)p;
}

static int same_name(const volatile char *stored, const char *name)
{
    unsigned i;
    for (i = 0; i < sizeof ((e_shmseg_t *)0)->name; i++) {
        if (stored[i] != name[i])
            return 0;
        if (name[i] == '\0')
            return 1;
    }
    return 0;
}

static const volatile e_shmseg_pvt_t *find_region(const char *name)
{
    const volatile e_shmtable_t *t = shm_table();
    unsigned i;
    if (word_at(&t->magic) != SHM_MAGIC)
        return NULL;
    for (i = 0; i < MAX_SHM_REGIONS; i++) {
        const volatile e_shmseg_pvt_t *r = &t->regions[i];
        if (word_at(&r->valid) == 1 && same_name(r->shm_seg.name, name))
            return r;
    }
    return NULL;
}

int e_shm_attach(e_memseg_t *mem, const char *name)
{
    const volatile e_shmseg_pvt_t *r;
    if (!mem || !name || !(r = find_region(name)))
        return E_ERR;
    /* 64-bit fields: the low words (the cores' addresses are 32-bit) */
    mem->objtype = E_SHARED_MEM;
    mem->phy_base = (off_t)(word_at(&shm_table()->paddr_cpu) + word_at(&r->shm_seg.offset));
    mem->ephy_base = (off_t)word_at(&r->shm_seg.paddr);
    mem->size = word_at(&r->shm_seg.size);
    mem->type = E_RDWR;
    return E_OK;
}

int e_shm_release(const char *name)
{
    return name && find_region(name) ? E_OK : E_ERR;
}
