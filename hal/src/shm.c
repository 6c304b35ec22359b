/* shm.c -- libe-hal: named shared-memory segments.  The table (e_shmtable_t) sits at the start
 * of the shared DRAM window, 16 MB into external memory (0x8f000000 as the cores see it), and
 * the segments in the 4 MB after it; the device library's e_shm_attach finds a segment there by
 * name (valid == 1, shm_seg.paddr = its address for the cores).  The table lives in the
 * emulator's memory, so it outlasts the host program like the board's; one host program at a
 * time uses it (the emulator serves one session at a time). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "ehal-internal.h"

static e_shmtable_t *table;
static pthread_mutex_t shm_lock = PTHREAD_MUTEX_INITIALIZER;

/* the table in this process, mapped and checked (a table without the magic number is
 * cleared); NULL with a message if there is none */
static e_shmtable_t *get_table(const char *func)
{
    uint8_t *p;
    e_shmtable_t *t;
    if (table)
        return table;
    if (e_platform.initialized != E_TRUE || e_platform.num_emems < 1) {
        ehal_warn(func, "the platform is not initialised: call e_init() first");
        return NULL;
    }
    p = ehal_ext_ptr((uint32_t)e_platform.emem[0].ephy_base + EHAL_SHM_OFFSET, EHAL_SHM_SIZE);
    if (!p) {
        ehal_warn(func, "external memory is too small for the shared-memory table (0x%x bytes "
                  "at offset 0x%x)", EHAL_SHM_SIZE, EHAL_SHM_OFFSET);
        return NULL;
    }
    t = (e_shmtable_t *)p;
    if (t->magic != EHAL_SHM_MAGIC_TABLE || !t->initialized) {
        EHAL_DIAG(H_D1, "%s(): no valid shared-memory table: initialising it", func);
        memset(t, 0, sizeof *t);
        t->magic = EHAL_SHM_MAGIC_TABLE;
        t->paddr_epi = (uint64_t)e_platform.emem[0].ephy_base + EHAL_SHM_OFFSET;
        t->paddr_cpu = (uint64_t)e_platform.emem[0].phy_base + EHAL_SHM_OFFSET;
        t->free_space = EHAL_SHM_SIZE - sizeof *t;
        t->next_free_offset = sizeof *t;
        t->initialized = 1;
    }
    t->heap = p + sizeof *t;
    table = t;
    return t;
}

int e_shm_init(void)
{
    int st;
    pthread_mutex_lock(&shm_lock);
    st = get_table("e_shm_init") ? E_OK : E_ERR;
    pthread_mutex_unlock(&shm_lock);
    return st;
}

void e_shm_finalize(void)
{
    pthread_mutex_lock(&shm_lock);
    table = NULL;
    pthread_mutex_unlock(&shm_lock);
}

e_shmtable_t *e_shm_get_shmtable(void)
{
    e_shmtable_t *t;
    pthread_mutex_lock(&shm_lock);
    t = get_table("e_shm_get_shmtable");
    pthread_mutex_unlock(&shm_lock);
    return t;
}

static e_shmseg_pvt_t *lookup(e_shmtable_t *t, const char *name)
{
    int i;
    for (i = 0; i < MAX_SHM_REGIONS; i++)
        if (t->regions[i].valid && strncmp(t->regions[i].shm_seg.name, name,
                                           sizeof t->regions[i].shm_seg.name) == 0)
            return &t->regions[i];
    return NULL;
}

/* the first gap of `size` bytes (8-byte aligned) between the segments in use: its offset from
 * the table, or 0 if there is none */
static uint64_t find_room(e_shmtable_t *t, uint64_t size)
{
    uint64_t at = (sizeof *t + 7) & ~(uint64_t)7, used = 0;
    int moved = 1, i;
    while (moved) {
        moved = 0;
        for (i = 0; i < MAX_SHM_REGIONS; i++) {
            const e_shmseg_t *s = &t->regions[i].shm_seg;
            if (t->regions[i].valid && s->offset < at + size && at < s->offset + s->size) {
                at = (s->offset + s->size + 7) & ~(uint64_t)7;
                moved = 1;
            }
        }
    }
    if (at + size > EHAL_SHM_SIZE)
        return 0;
    for (i = 0; i < MAX_SHM_REGIONS; i++)
        if (t->regions[i].valid)
            used += t->regions[i].shm_seg.size;
    t->free_space = EHAL_SHM_SIZE - sizeof *t - used - size;
    t->next_free_offset = at + size;
    return at;
}

static void describe(e_mem_t *mbuf, e_shmtable_t *t, const e_shmseg_pvt_t *r)
{
    memset(mbuf, 0, sizeof *mbuf);
    mbuf->objtype = E_SHARED_MEM;
    mbuf->memfd = ehal_conn.memfd;
    mbuf->phy_base = (off_t)(t->paddr_cpu + r->shm_seg.offset);
    mbuf->ephy_base = (off_t)(t->paddr_epi + r->shm_seg.offset);
    mbuf->page_base = 0;
    mbuf->page_offset = (off_t)r->shm_seg.offset;
    mbuf->map_size = r->shm_seg.size;
    mbuf->emap_size = r->shm_seg.size;
    mbuf->mapped_base = t;
    mbuf->base = (uint8_t *)t + r->shm_seg.offset;
    mbuf->priv = NULL;
}

int e_shm_alloc(e_mem_t *mbuf, const char *name, size_t size)
{
    e_shmtable_t *t;
    e_shmseg_pvt_t *r = NULL;
    uint64_t at;
    int i, st = E_ERR;
    if (!mbuf || !name || !*name || size == 0 || strlen(name) >= sizeof r->shm_seg.name) {
        errno = EINVAL;
        return E_ERR;
    }
    pthread_mutex_lock(&shm_lock);
    t = get_table("e_shm_alloc");
    if (!t) {
        errno = EINVAL;
        goto out;
    }
    if (lookup(t, name)) {
        errno = EEXIST;
        goto out;
    }
    for (i = 0; i < MAX_SHM_REGIONS && !r; i++)
        if (!t->regions[i].valid)
            r = &t->regions[i];
    at = r ? find_room(t, size) : 0;
    if (!r || !at) {
        EHAL_DIAG(H_D1, "e_shm_alloc(): no room for 0x%zx bytes named %s", size, name);
        errno = ENOMEM;
        goto out;
    }
    memset(r, 0, sizeof *r);
    strncpy(r->shm_seg.name, name, sizeof r->shm_seg.name - 1);
    r->shm_seg.offset = at;
    r->shm_seg.size = size;
    r->shm_seg.__fill1 = 0;
    r->shm_seg.addr = (uint8_t *)t + at;
    r->shm_seg.__fill2 = t->paddr_epi + at;
    r->refcnt = 1;
    r->valid = 1;
    describe(mbuf, t, r);
    EHAL_DIAG(H_D1, "e_shm_alloc(): %s: 0x%zx bytes at 0x%08llx (cores)", name, size,
              (unsigned long long)mbuf->ephy_base);
    st = E_OK;
out:
    pthread_mutex_unlock(&shm_lock);
    return st;
}

int e_shm_attach(e_mem_t *mbuf, const char *name)
{
    e_shmtable_t *t;
    e_shmseg_pvt_t *r;
    int st = E_ERR;
    if (!mbuf || !name)
        return E_ERR;
    pthread_mutex_lock(&shm_lock);
    t = get_table("e_shm_attach");
    if (t && (r = lookup(t, name)) != NULL) {
        r->refcnt++;
        describe(mbuf, t, r);
        st = E_OK;
    }
    pthread_mutex_unlock(&shm_lock);
    return st;
}

int e_shm_release(const char *name)
{
    e_shmtable_t *t;
    e_shmseg_pvt_t *r;
    int st = E_ERR;
    if (!name)
        return E_ERR;
    pthread_mutex_lock(&shm_lock);
    t = get_table("e_shm_release");
    if (t && (r = lookup(t, name)) != NULL) {
        if (r->refcnt == 0 || --r->refcnt == 0)
            r->valid = 0;
        st = E_OK;
    }
    pthread_mutex_unlock(&shm_lock);
    return st;
}
