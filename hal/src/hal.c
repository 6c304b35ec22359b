/* hal.c -- libe-hal: the platform, workgroups, reads and writes, DRAM buffers, control and
 * the helpers, on the emulator (client.c talks to it).
 *
 * Memory (a core's SRAM, external memory) is read and written in place: the emulator's
 * memory is mapped into this process.  Registers and control (reset, load, start, signal,
 * halt, resume) are requests to the emulator, which carries them out between two time slices
 * of the chip. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ehal-internal.h"

e_platform_t e_platform = { .objtype = E_EPI_PLATFORM };

static e_chip_t the_chip;
static e_memseg_t the_emem;

/* ESDK values: objtype, type, version, arch, rows, cols, sram base/size, register window
 * base/size, eLink register blocks north/east/south/west */
e_chip_db_t e_chip_params_table[E_CHIP_DB_NUM_CHIP_VERSIONS] = {
    {E_EPI_CHIP, E_E16G301, "E16G301", 3, 4, 4, 0x00000, 0x08000, 0xf0000, 0x01000,
     0x002f0000, 0x083f0000, 0x0c2f0000, 0x080f0000},
    {E_EPI_CHIP, E_E64G401, "E64G401", 4, 8, 8, 0x00000, 0x08000, 0xf0000, 0x01000,
     0x002f0000, 0x087f0000, 0x1c2f0000, 0x080f0000},
    {E_EPI_CHIP, E_ESIM, "ESIM", 0, 4, 4, 0x00000, 0x08000, 0xf0000, 0x01000,
     0x002f0000, 0x087f0000, 0x1c2f0000, 0x080f0000},
};

/* ---- helpers shared with the other files --------------------------------------------------- */

static int initialized(const char *func)
{
    if (e_platform.initialized != E_TRUE || !ehal_conn.hdr) {
        ehal_warn(func, "the platform is not initialised: call e_init() first");
        return 0;
    }
    return 1;
}

static int is_group(const char *func, const e_epiphany_t *dev)
{
    if (!dev || dev->objtype != E_EPI_GROUP || !dev->core) {
        ehal_warn(func, "not an open workgroup (e_open)");
        return 0;
    }
    return initialized(func);
}

unsigned ehal_core_index(const e_epiphany_t *dev, unsigned row, unsigned col)
{
    unsigned r = dev->row - e_platform.row + row, c = dev->col - e_platform.col + col;
    return r * ehal_conn.hdr->cols + c;
}

int ehal_check_core(const char *func, const e_epiphany_t *dev, unsigned row, unsigned col)
{
    if (!is_group(func, dev))
        return E_ERR;
    if (row >= dev->rows || col >= dev->cols) {
        ehal_warn(func, "core (%u,%u) is outside the %ux%u workgroup", row, col, dev->rows,
                  dev->cols);
        return E_ERR;
    }
    return E_OK;
}

int ehal_check_range(const char *func, const e_epiphany_t *dev, unsigned row, unsigned col,
                     unsigned rows, unsigned cols)
{
    if (!is_group(func, dev))
        return E_ERR;
    if (rows == 0 || cols == 0 || row >= dev->rows || col >= dev->cols ||
        rows > dev->rows - row || cols > dev->cols - col) {
        ehal_warn(func, "%ux%u cores from (%u,%u) do not fit the %ux%u workgroup", rows, cols,
                  row, col, dev->rows, dev->cols);
        return E_ERR;
    }
    return E_OK;
}

void ehal_req_cores(struct ehal_req *req, const e_epiphany_t *dev, unsigned row, unsigned col,
                    unsigned rows, unsigned cols)
{
    req->row = dev->row - e_platform.row + row;
    req->col = dev->col - e_platform.col + col;
    req->rows = rows;
    req->cols = cols;
    req->grow = dev->row - e_platform.row;
    req->gcol = dev->col - e_platform.col;
    req->grows = dev->rows;
    req->gcols = dev->cols;
}

static int simple_request(const char *func, uint32_t op, const e_epiphany_t *dev,
                          unsigned row, unsigned col, unsigned rows, unsigned cols)
{
    struct ehal_req req;
    if (ehal_check_range(func, dev, row, col, rows, cols) != E_OK)
        return E_ERR;
    memset(&req, 0, sizeof req);
    req.op = op;
    ehal_req_cores(&req, dev, row, col, rows, cols);
    return ehal_request(func, &req, NULL, NULL);
}

/* an address or offset for a message: hexadecimal, or negative decimal */
static const char *addr_text(off_t a)
{
    static __thread char buf[32];
    if (a < 0)
        snprintf(buf, sizeof buf, "%lld", (long long)a);
    else
        snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)a);
    return buf;
}

/* a register offset in the window from an address (0xf0xxx) or an offset (< 0x1000);
 * -1 if it is neither or not word-aligned */
static long reg_offset(off_t addr)
{
    if (addr >= (off_t)EHAL_REGS_BASE)
        addr -= EHAL_REGS_BASE;
    if (addr < 0 || addr >= (off_t)EHAL_REGS_SIZE || (addr & 3))
        return -1;
    return (long)addr;
}

static int reg_read(const char *func, e_epiphany_t *dev, unsigned row, unsigned col,
                    off_t addr, uint32_t *value)
{
    struct ehal_req req;
    long off = reg_offset(addr);
    if (ehal_check_core(func, dev, row, col) != E_OK)
        return E_ERR;
    if (off < 0) {
        ehal_warn(func, "%s is not a register of core (%u,%u) (0xf0000..0xf0ffc, "
                  "word-aligned)", addr_text(addr), row, col);
        return E_ERR;
    }
    memset(&req, 0, sizeof req);
    req.op = EHAL_OP_REG_READ;
    ehal_req_cores(&req, dev, row, col, 1, 1);
    req.value = EHAL_REGS_BASE + (uint32_t)off;
    return ehal_request(func, &req, NULL, value);
}

static int reg_write(const char *func, e_epiphany_t *dev, unsigned row, unsigned col,
                     off_t addr, uint32_t data)
{
    struct ehal_req req;
    long off = reg_offset(addr);
    if (ehal_check_core(func, dev, row, col) != E_OK)
        return E_ERR;
    if (off < 0) {
        ehal_warn(func, "%s is not a register of core (%u,%u) (0xf0000..0xf0ffc, "
                  "word-aligned)", addr_text(addr), row, col);
        return E_ERR;
    }
    memset(&req, 0, sizeof req);
    req.op = EHAL_OP_REG_WRITE;
    ehal_req_cores(&req, dev, row, col, 1, 1);
    req.value = EHAL_REGS_BASE + (uint32_t)off;
    req.flags = data;
    return ehal_request(func, &req, NULL, NULL);
}

/* a core's SRAM [addr, addr + size): its place in this process, or NULL (message printed) */
static uint8_t *sram_range(const char *func, e_epiphany_t *dev, unsigned row, unsigned col,
                           off_t addr, size_t size)
{
    size_t sram = e_platform.chip[0].sram_size;
    if (ehal_check_core(func, dev, row, col) != E_OK)
        return NULL;
    if (addr < 0 || (size_t)addr > sram || size > sram - (size_t)addr) {
        ehal_warn(func, "%zu bytes at %s lie outside core (%u,%u)'s memory (0x0..0x%zx)",
                  size, addr_text(addr), row, col, sram);
        return NULL;
    }
    return ehal_sram(ehal_core_index(dev, row, col)) + addr;
}

static uint32_t core_global(e_epiphany_t *dev, unsigned row, unsigned col, off_t addr)
{
    return (dev->core[row][col].id << 20) | (uint32_t)addr;
}

/* a buffer's [addr, addr + size): its place in this process, or NULL (message printed) */
static uint8_t *buf_range(const char *func, e_mem_t *mbuf, off_t addr, size_t size)
{
    if (!mbuf || (mbuf->objtype != E_EXT_MEM && mbuf->objtype != E_SHARED_MEM) ||
        !mbuf->base) {
        ehal_warn(func, "not an allocated memory buffer (e_alloc, e_shm_alloc)");
        return NULL;
    }
    if (addr < 0 || (size_t)addr > mbuf->emap_size || size > mbuf->emap_size - (size_t)addr) {
        ehal_warn(func, "%zu bytes at offset %s lie outside the buffer (0x%zx bytes)", size,
                  addr_text(addr), mbuf->emap_size);
        return NULL;
    }
    return (uint8_t *)mbuf->base + addr;
}

/* ---- platform ----------------------------------------------------------------------------- */

static int populate_platform(e_platform_t *p, char *hdf)
{
    volatile struct ehal_shm_header *h = ehal_conn.hdr;
    const e_chip_db_t *db;
    (void)hdf;
    memset(&the_chip, 0, sizeof the_chip);
    the_chip.objtype = E_EPI_CHIP;
    db = &e_chip_params_table[h->chip_type == E_E64G401 ? 1 : 0];
    the_chip.type = db->type;
    strcpy(the_chip.version, db->version);
    ee_set_chip_params(&the_chip);          /* the model's parameters ... */
    the_chip.row = h->first_row;            /* ... and the emulated chip's geometry */
    the_chip.col = h->first_col;
    the_chip.rows = h->rows;
    the_chip.cols = h->cols;
    the_chip.num_cores = h->rows * h->cols;
    the_chip.sram_size = h->sram_size;
    the_chip.base_coreid = (h->first_row << 6) | h->first_col;

    memset(&the_emem, 0, sizeof the_emem);
    the_emem.objtype = E_EXT_MEM;
    if (h->n_ext > 0) {
        the_emem.ephy_base = h->ext[0].base;
        the_emem.phy_base = h->ext[0].base == 0x8e000000u ? EHAL_EMEM_HOST_BASE
                                                          : h->ext[0].base;
        the_emem.size = h->ext[0].size;
    }
    the_emem.type = E_RDWR;

    p->objtype = E_EPI_PLATFORM;
    if (h->chip_type == E_E64G401 && h->rows == 8 && h->cols == 8)
        strcpy(p->version, "PARALLELLA6401");
    else if (h->rows == 4 && h->cols == 4)
        strcpy(p->version, "PARALLELLA1601");
    else
        strcpy(p->version, "GENERIC");
    ee_set_platform_params(p);
    p->hal_ver = 0x050d0705;
    p->num_chips = 1;
    p->chip = &the_chip;
    p->row = the_chip.row;
    p->col = the_chip.col;
    p->rows = the_chip.rows;
    p->cols = the_chip.cols;
    p->num_emems = h->n_ext > 0 ? 1 : 0;
    p->emem = &the_emem;
    p->priv = NULL;
    return E_OK;
}

static int init_target(void)
{
    return ehal_connect("e_init");
}

static void finalize_target(void)
{
    ehal_disconnect();
}

int e_init(char *hdf)
{
    extern const e_target_ops_t ehal_target_ops;
    if (hdf)
        EHAL_DIAG(H_D1, "e_init(): %s not read: the emulator describes the platform", hdf);
    e_platform.objtype = E_EPI_PLATFORM;
    e_platform.target_ops = &ehal_target_ops;
    if (e_platform.initialized == E_TRUE && ehal_conn.fd >= 0)
        return E_OK;
    e_platform.initialized = E_FALSE;
    if (init_target() != E_OK)
        return E_ERR;
    populate_platform(&e_platform, hdf);
    e_platform.initialized = E_TRUE;
    EHAL_DIAG(H_D2, "e_init(): platform %s, chip %s %ux%u at (%u,%u)", e_platform.version,
              the_chip.version, the_chip.rows, the_chip.cols, the_chip.row, the_chip.col);
    return E_OK;
}

int e_finalize(void)
{
    if (e_platform.initialized != E_TRUE) {
        ehal_warn("e_finalize", "the platform was not initialised");
        return E_ERR;
    }
    e_shm_finalize();
    finalize_target();
    e_platform.initialized = E_FALSE;
    return E_OK;
}

int e_get_platform_info(e_platform_t *platform)
{
    if (!platform || !initialized("e_get_platform_info"))
        return E_ERR;
    *platform = e_platform;
    platform->chip = NULL;
    platform->emem = NULL;
    return E_OK;
}

/* ---- workgroups --------------------------------------------------------------------------- */

static int open_target(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows,
                       unsigned cols)
{
    (void)dev; (void)row; (void)col; (void)rows; (void)cols;
    return E_OK;
}

int e_open(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows, unsigned cols)
{
    unsigned r, c;
    if (!dev || !initialized("e_open"))
        return E_ERR;
    if (rows == 0 || cols == 0 || row >= e_platform.rows || col >= e_platform.cols ||
        rows > e_platform.rows - row || cols > e_platform.cols - col) {
        ehal_warn("e_open", "%ux%u cores from (%u,%u) do not fit the %ux%u platform", rows,
                  cols, row, col, e_platform.rows, e_platform.cols);
        return E_ERR;
    }
    memset(dev, 0, sizeof *dev);
    dev->objtype = E_EPI_GROUP;
    dev->type = the_chip.type;
    dev->row = e_platform.row + row;
    dev->col = e_platform.col + col;
    dev->rows = rows;
    dev->cols = cols;
    dev->num_cores = rows * cols;
    dev->base_coreid = ee_get_id_from_coords(dev, 0, 0);
    dev->memfd = ehal_conn.memfd;
    dev->priv = NULL;
    if (open_target(dev, row, col, rows, cols) != E_OK)
        return E_ERR;
    dev->core = calloc(rows, sizeof *dev->core);
    if (!dev->core) {
        ehal_warn("e_open", "out of memory");
        return E_ERR;
    }
    for (r = 0; r < rows; r++) {
        dev->core[r] = calloc(cols, sizeof **dev->core);
        if (!dev->core[r]) {
            ehal_warn("e_open", "out of memory");
            e_close(dev);
            return E_ERR;
        }
        for (c = 0; c < cols; c++) {
            e_core_t *k = &dev->core[r][c];
            k->objtype = E_EPI_CORE;
            k->row = r;
            k->col = c;
            k->id = ee_get_id_from_coords(dev, r, c);
            k->mems.objtype = E_MAPPING;
            k->mems.phy_base = (off_t)(k->id << 20 | the_chip.sram_base);
            k->mems.page_base = k->mems.phy_base;
            k->mems.page_offset = 0;
            k->mems.map_size = the_chip.sram_size;
            k->mems.mapped_base = ehal_sram(ehal_core_index(dev, r, c));
            k->mems.base = k->mems.mapped_base;
            /* registers: through e_read/e_write only */
            k->regs.objtype = E_MAPPING;
            k->regs.phy_base = (off_t)(k->id << 20 | the_chip.regs_base);
            k->regs.page_base = k->regs.phy_base;
            k->regs.map_size = the_chip.regs_size;
        }
    }
    EHAL_DIAG(H_D2, "e_open(): %ux%u cores from (%u,%u), core (0,0) = 0x%03x", rows, cols,
              dev->row, dev->col, dev->base_coreid);
    return E_OK;
}

static int close_target(e_epiphany_t *dev)
{
    unsigned r;
    if (dev->core) {
        for (r = 0; r < dev->rows; r++)
            free(dev->core[r]);
        free(dev->core);
    }
    dev->core = NULL;
    return E_OK;
}

int e_close(e_epiphany_t *dev)
{
    if (!dev || dev->objtype != E_EPI_GROUP) {
        ehal_warn("e_close", "not an open workgroup");
        return E_ERR;
    }
    return close_target(dev);
}

/* ---- reading and writing ------------------------------------------------------------------ */

ssize_t ee_read_buf(e_epiphany_t *dev, unsigned row, unsigned col, const off_t from_addr,
                    void *buf, size_t size)
{
    uint8_t *p = sram_range("e_read", dev, row, col, from_addr, size);
    if (!p)
        return E_ERR;
    memcpy(buf, p, size);
    return (ssize_t)size;
}

ssize_t ee_write_buf(e_epiphany_t *dev, unsigned row, unsigned col, off_t to_addr,
                     const void *buf, size_t size)
{
    uint8_t *p = sram_range("e_write", dev, row, col, to_addr, size);
    if (!p)
        return E_ERR;
    memcpy(p, buf, size);
    ehal_note_write(core_global(dev, row, col, to_addr), size);
    return (ssize_t)size;
}

int ee_read_word(e_epiphany_t *dev, unsigned row, unsigned col, const off_t from_addr)
{
    int v;
    if (ee_read_buf(dev, row, col, from_addr, &v, sizeof v) != sizeof v)
        return E_ERR;
    return v;
}

ssize_t ee_write_word(e_epiphany_t *dev, unsigned row, unsigned col, off_t to_addr, int data)
{
    return ee_write_buf(dev, row, col, to_addr, &data, sizeof data);
}

int ee_read_reg(e_epiphany_t *dev, unsigned row, unsigned col, const off_t from_addr)
{
    uint32_t v;
    if (reg_read("ee_read_reg", dev, row, col, from_addr, &v) != E_OK)
        return E_ERR;
    return (int)v;
}

ssize_t ee_write_reg(e_epiphany_t *dev, unsigned row, unsigned col, off_t to_addr, int data)
{
    if (reg_write("ee_write_reg", dev, row, col, to_addr, (uint32_t)data) != E_OK)
        return E_ERR;
    return sizeof(int);
}

ssize_t ee_mread_buf(e_mem_t *mbuf, const off_t from_addr, void *buf, size_t size)
{
    uint8_t *p = buf_range("e_read", mbuf, from_addr, size);
    if (!p)
        return E_ERR;
    memcpy(buf, p, size);
    return (ssize_t)size;
}

ssize_t ee_mwrite_buf(e_mem_t *mbuf, off_t to_addr, const void *buf, size_t size)
{
    uint8_t *p = buf_range("e_write", mbuf, to_addr, size);
    if (!p)
        return E_ERR;
    memcpy(p, buf, size);
    ehal_note_write((uint32_t)(mbuf->ephy_base + to_addr), size);
    return (ssize_t)size;
}

ssize_t ee_mread(e_mem_t *mbuf, const off_t from_addr, void *buf, size_t size)
{
    return ee_mread_buf(mbuf, from_addr, buf, size);
}

ssize_t ee_mwrite(e_mem_t *mbuf, off_t to_addr, const void *buf, size_t size)
{
    return ee_mwrite_buf(mbuf, to_addr, buf, size);
}

int ee_mread_word(e_mem_t *mbuf, const off_t from_addr)
{
    int v;
    if (ee_mread_buf(mbuf, from_addr, &v, sizeof v) != sizeof v)
        return E_ERR;
    return v;
}

ssize_t ee_mwrite_word(e_mem_t *mbuf, off_t to_addr, int data)
{
    return ee_mwrite_buf(mbuf, to_addr, &data, sizeof data);
}

/* e_read / e_write: a core's memory (SRAM) or a register (4 bytes whatever size says, as
 * e-hal does), or a buffer */
static ssize_t transfer(const char *func, void *dev, unsigned row, unsigned col, off_t addr,
                        void *buf, size_t size, int write)
{
    uint32_t v;
    if (!dev || !buf) {
        ehal_warn(func, "NULL %s", dev ? "buffer" : "device");
        return E_ERR;
    }
    switch (*(e_objtype_t *)dev) {
    case E_EPI_GROUP:
        if (!is_group(func, dev))
            return E_ERR;
        if (addr >= 0 && (size_t)addr < e_platform.chip[0].sram_size)
            return write ? ee_write_buf(dev, row, col, addr, buf, size)
                         : ee_read_buf(dev, row, col, addr, buf, size);
        if (size < 4) {
            ehal_warn(func, "registers are %s 4 bytes at a time", write ? "written" : "read");
            return E_ERR;
        }
        if (write) {
            memcpy(&v, buf, 4);
            if (reg_write(func, dev, row, col, addr, v) != E_OK)
                return E_ERR;
        } else {
            if (reg_read(func, dev, row, col, addr, &v) != E_OK)
                return E_ERR;
            memcpy(buf, &v, 4);
        }
        return 4;
    case E_EXT_MEM:
    case E_SHARED_MEM:
        return write ? ee_mwrite_buf(dev, addr, buf, size) : ee_mread_buf(dev, addr, buf, size);
    default:
        ehal_warn(func, "not a workgroup or a memory buffer (objtype %d)",
                  (int)*(e_objtype_t *)dev);
        return E_ERR;
    }
}

ssize_t e_read(void *dev, unsigned row, unsigned col, off_t from_addr, void *buf, size_t size)
{
    return transfer("e_read", dev, row, col, from_addr, buf, size, 0);
}

ssize_t e_write(void *dev, unsigned row, unsigned col, off_t to_addr, const void *buf,
                size_t size)
{
    return transfer("e_write", dev, row, col, to_addr, (void *)buf, size, 1);
}

/* any global address: a core of the chip (memory or registers) or external memory */
static ssize_t abs_access(const char *func, unsigned address, void *buf, size_t size,
                          int write)
{
    unsigned id = address >> 20, off = address & 0xfffff;
    unsigned row = id >> 6, col = id & 63;
    uint8_t *p = NULL;
    if (!initialized(func))
        return E_ERR;
    if (row >= e_platform.row && row < e_platform.row + e_platform.rows &&
        col >= e_platform.col && col < e_platform.col + e_platform.cols) {
        unsigned k = (row - e_platform.row) * e_platform.cols + (col - e_platform.col);
        if (off < e_platform.chip[0].sram_size &&
            size <= e_platform.chip[0].sram_size - off)
            p = ehal_sram(k) + off;
        else if (reg_offset(off) >= 0 && size == 4) {
            struct ehal_req req;
            uint32_t v = 0;
            memset(&req, 0, sizeof req);
            req.op = write ? EHAL_OP_REG_WRITE : EHAL_OP_REG_READ;
            req.row = row - e_platform.row;
            req.col = col - e_platform.col;
            req.rows = req.cols = 1;
            req.value = EHAL_REGS_BASE + (uint32_t)reg_offset(off);
            if (write)
                memcpy(&req.flags, buf, 4);
            if (ehal_request(func, &req, NULL, &v) != E_OK)
                return E_ERR;
            if (!write)
                memcpy(buf, &v, 4);
            return 4;
        }
    } else {
        p = ehal_ext_ptr(address, size);
    }
    if (!p) {
        ehal_warn(func, "%zu bytes at 0x%08x: no memory there", size, address);
        return E_ERR;
    }
    if (write) {
        memcpy(p, buf, size);
        ehal_note_write(address, size);
    } else {
        memcpy(buf, p, size);
    }
    return (ssize_t)size;
}

ssize_t ee_read_abs(unsigned address, void *buf, size_t size)
{
    return abs_access("ee_read_abs", address, buf, size, 0);
}

ssize_t ee_write_abs(unsigned address, void *buf, size_t size)
{
    return abs_access("ee_write_abs", address, buf, size, 1);
}

/* ---- the eLink system registers of old ESDKs ------------------------------------------------ */

static uint32_t esys[8];            /* E_SYS_RESET .. E_SYS_GPIOOUT */

static int esys_index(const char *func, off_t addr)
{
    if (addr < E_SYS_RESET || addr > E_SYS_GPIOOUT || (addr & 3)) {
        ehal_warn(func, "%s is not a system register (0x40..0x5c)", addr_text(addr));
        return -1;
    }
    return (int)((addr - E_SYS_RESET) >> 2);
}

int ee_read_esys(off_t from_addr)
{
    int i = esys_index("ee_read_esys", from_addr);
    if (i < 0)
        return E_ERR;
    if (from_addr == E_SYS_COREID && e_platform.initialized == E_TRUE)
        return (int)((the_chip.row << 6) | the_chip.col);
    return (int)esys[i];
}

ssize_t ee_write_esys(off_t to_addr, int data)
{
    int i = esys_index("ee_write_esys", to_addr);
    if (i < 0)
        return E_ERR;
    EHAL_DIAG(H_D1, "ee_write_esys(): 0x%x = 0x%x (no eLink is modelled)", (unsigned)to_addr,
              (unsigned)data);
    esys[i] = (uint32_t)data;
    return sizeof(int);
}

int ee_disable_system(void)
{
    return E_OK;
}

/* ---- external memory ---------------------------------------------------------------------- */

static int alloc_target(e_mem_t *mbuf)
{
    uint8_t *p = ehal_ext_ptr((uint32_t)mbuf->ephy_base, mbuf->emap_size);
    if (!p)
        return E_ERR;
    mbuf->base = p;
    mbuf->mapped_base = p - mbuf->page_offset;
    mbuf->memfd = ehal_conn.memfd;
    return E_OK;
}

static int free_target(e_mem_t *mbuf)
{
    (void)mbuf;     /* the mapping is the emulator's memory: it stays */
    return E_OK;
}

int e_alloc(e_mem_t *mbuf, off_t base, size_t size)
{
    if (!mbuf || !initialized("e_alloc"))
        return E_ERR;
    if (e_platform.num_emems < 1 || base < 0 || size == 0 ||
        (size_t)base > the_emem.size || size > the_emem.size - (size_t)base) {
        ehal_warn("e_alloc", "0x%zx bytes at offset %s do not fit the 0x%zx bytes of "
                  "external memory", size, addr_text(base), the_emem.size);
        return E_ERR;
    }
    memset(mbuf, 0, sizeof *mbuf);
    mbuf->objtype = E_EXT_MEM;
    mbuf->phy_base = the_emem.phy_base + base;
    mbuf->page_base = (off_t)ee_rndl_page((unsigned long)mbuf->phy_base);
    mbuf->page_offset = mbuf->phy_base - mbuf->page_base;
    mbuf->map_size = size + (size_t)mbuf->page_offset;
    mbuf->ephy_base = the_emem.ephy_base + base;
    mbuf->emap_size = size;
    mbuf->priv = NULL;
    if (alloc_target(mbuf) != E_OK) {
        ehal_warn("e_alloc", "external memory is not mapped");
        return E_ERR;
    }
    EHAL_DIAG(H_D2, "e_alloc(): 0x%zx bytes at 0x%08llx (cores) / %p (host)", size,
              (unsigned long long)mbuf->ephy_base, mbuf->base);
    return E_OK;
}

int e_free(e_mem_t *mbuf)
{
    if (!mbuf)
        return E_ERR;
    if (mbuf->objtype == E_SHARED_MEM)
        return E_OK;
    if (mbuf->objtype != E_EXT_MEM) {
        ehal_warn("e_free", "not an allocated memory buffer");
        return E_ERR;
    }
    return free_target(mbuf);
}

/* ---- control ------------------------------------------------------------------------------ */

int e_reset_system(void)
{
    struct ehal_req req;
    if (ehal_connect("e_reset_system") != E_OK)
        return E_ERR;
    memset(&req, 0, sizeof req);
    req.op = EHAL_OP_RESET;
    req.rows = ehal_conn.hdr->rows;
    req.cols = ehal_conn.hdr->cols;
    return ehal_request("e_reset_system", &req, NULL, NULL);
}

int e_reset_chip(void)
{
    EHAL_DIAG(H_D1, "e_reset_chip(): nothing to do");
    return E_OK;
}

int ee_reset_group(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows,
                   unsigned cols)
{
    return simple_request("e_reset_group", EHAL_OP_RESET, dev, row, col, rows, cols);
}

int ee_reset_core(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return ee_reset_group(dev, row, col, 1, 1);
}

int ee_soft_reset_core(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return ee_reset_group(dev, row, col, 1, 1);
}

int e_reset_group(e_epiphany_t *dev)
{
    if (!is_group("e_reset_group", dev))
        return E_ERR;
    return ee_reset_group(dev, 0, 0, dev->rows, dev->cols);
}

int ee_start_group(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows, unsigned cols)
{
    EHAL_DIAG(H_D1, "e_start(): %ux%u cores from (%u,%u)", rows, cols, row, col);
    return simple_request("e_start", EHAL_OP_START, dev, row, col, rows, cols);
}

int e_start(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return ee_start_group(dev, row, col, 1, 1);
}

int e_start_group(e_epiphany_t *dev)
{
    if (!is_group("e_start_group", dev))
        return E_ERR;
    return ee_start_group(dev, 0, 0, dev->rows, dev->cols);
}

int e_signal(e_epiphany_t *dev, unsigned row, unsigned col)
{
    EHAL_DIAG(H_D1, "e_signal(): user interrupt to core (%u,%u)", row, col);
    return reg_write("e_signal", dev, row, col, E_REG_ILATST, 1u << E_USER_INT);
}

int e_halt(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return reg_write("e_halt", dev, row, col, E_REG_DEBUGCMD, 1);
}

int e_resume(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return reg_write("e_resume", dev, row, col, E_REG_DEBUGCMD, 0);
}

/* ---- helpers ------------------------------------------------------------------------------ */

unsigned e_get_num_from_coords(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return row * dev->cols + col;
}

void e_get_coords_from_num(e_epiphany_t *dev, unsigned corenum, unsigned *row, unsigned *col)
{
    *row = corenum / dev->cols;
    *col = corenum % dev->cols;
}

unsigned ee_get_num_from_id(e_epiphany_t *dev, unsigned coreid)
{
    unsigned row = (coreid >> 6) & 0x3f, col = coreid & 0x3f;
    return (row - dev->row) * dev->cols + (col - dev->col);
}

unsigned ee_get_id_from_coords(e_epiphany_t *dev, unsigned row, unsigned col)
{
    return ((dev->row + row) << 6) + dev->col + col;
}

unsigned ee_get_id_from_num(e_epiphany_t *dev, unsigned corenum)
{
    return ee_get_id_from_coords(dev, corenum / dev->cols, corenum % dev->cols);
}

void ee_get_coords_from_id(e_epiphany_t *dev, unsigned coreid, unsigned *row, unsigned *col)
{
    *row = ((coreid >> 6) & 0x3f) - dev->row;
    *col = (coreid & 0x3f) - dev->col;
}

e_bool_t e_is_addr_on_chip(void *addr)
{
    unsigned id = (unsigned)((uintptr_t)addr >> 20) & 0xfff;
    unsigned row = id >> 6, col = id & 63;
    int i;
    for (i = 0; i < e_platform.num_chips && e_platform.chip; i++) {
        const e_chip_t *c = &e_platform.chip[i];
        if (row >= c->row && row < c->row + c->rows && col >= c->col && col < c->col + c->cols)
            return E_TRUE;
    }
    return E_FALSE;
}

e_bool_t e_is_addr_in_emem(uintptr_t addr)
{
    int i;
    for (i = 0; i < e_platform.num_emems && e_platform.emem; i++) {
        const e_memseg_t *m = &e_platform.emem[i];
        if (addr >= (uintptr_t)m->ephy_base && addr - (uintptr_t)m->ephy_base < m->size)
            return E_TRUE;
    }
    return E_FALSE;
}

e_bool_t e_is_addr_on_group(e_epiphany_t *dev, void *addr)
{
    unsigned row, col;
    ee_get_coords_from_id(dev, (unsigned)((uintptr_t)addr >> 20) & 0xfff, &row, &col);
    return (row < dev->rows && col < dev->cols) ? E_TRUE : E_FALSE;
}

e_hal_diag_t e_set_host_verbosity(e_hal_diag_t verbose)
{
    e_hal_diag_t old = (e_hal_diag_t)ehal_host_verbose;
    ehal_host_verbose = (int)verbose;
    return old;
}

/* ---- targets ------------------------------------------------------------------------------ */

bool ee_native_target_p(void)
{
    return true;
}

bool ee_esim_target_p(void)
{
    return false;
}

bool ee_pal_target_p(void)
{
    return false;
}

unsigned long ee_rndu_page(unsigned long size)
{
    unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
    return (size + page - 1) / page * page;
}

unsigned long ee_rndl_page(unsigned long size)
{
    unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
    return size / page * page;
}

static int reset_system_target(void)
{
    return e_reset_system();
}

static int init_op(void)
{
    return init_target();
}

static int start_group_target(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows,
                              unsigned cols)
{
    return ee_start_group(dev, row, col, rows, cols);
}

static void *raw_pointer(unsigned long addr, unsigned long size)
{
    return ehal_ext_ptr((uint32_t)addr, size);
}

static int shm_alloc_target(e_mem_t *mbuf)
{
    (void)mbuf;
    return E_OK;
}

EHAL_HIDDEN int ehal_load_group(const char *executable, e_epiphany_t *dev, unsigned row,
                           unsigned col, unsigned rows, unsigned cols);

EHAL_HIDDEN const e_target_ops_t ehal_target_ops = {
    .ee_read_word = ee_read_word,
    .ee_write_word = ee_write_word,
    .ee_read_buf = ee_read_buf,
    .ee_write_buf = ee_write_buf,
    .ee_read_reg = ee_read_reg,
    .ee_write_reg = ee_write_reg,
    .ee_mread_word = ee_mread_word,
    .ee_mwrite_word = ee_mwrite_word,
    .ee_mread_buf = ee_mread_buf,
    .ee_mwrite_buf = ee_mwrite_buf,
    .e_reset_system = reset_system_target,
    .populate_platform = populate_platform,
    .init = init_op,
    .finalize = finalize_target,
    .open = open_target,
    .close = close_target,
    .load_group = ehal_load_group,
    .start_group = start_group_target,
    .get_raw_pointer = raw_pointer,
    .alloc = alloc_target,
    .shm_alloc = shm_alloc_target,
    .free = free_target,
};
