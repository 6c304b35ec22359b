/* epiphany-hal-data-local.h -- epiphany-emu e-hal: object types, chip and platform records,
 * the loader records a device program finds at 0x28 and 0x50 (see e-hal.h). */
#ifndef EPIPHANY_EMU_HAL_DATA_LOCAL_H
#define EPIPHANY_EMU_HAL_DATA_LOCAL_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* interrupt lines the host raises: e_start (SYNC) and e_signal (user interrupt) */
typedef enum {
    E_SYNC     = 0,
    E_USER_INT = 9,
} e_signal_t;

/* access rights of an external memory segment */
typedef enum {
    E_RD   = 1,
    E_WR   = 2,
    E_RDWR = 3,
} e_memtype_t;

/* the first member of every e-hal object: e_read/e_write tell a workgroup (E_EPI_GROUP) from
 * a DRAM buffer (E_EXT_MEM, E_SHARED_MEM) by it */
typedef enum {
    E_NULL         = 0,
    E_EPI_PLATFORM = 1,
    E_EPI_CHIP     = 2,
    E_EPI_GROUP    = 3,
    E_EPI_CORE     = 4,
    E_EXT_MEM      = 5,
    E_MAPPING      = 6,
    E_SHARED_MEM   = 7
} e_objtype_t;

typedef enum {
    E_E16G301 = 0,
    E_E64G401 = 1,
    E_ESIM    = 2,
} e_chiptype_t;

typedef enum {
    E_GENERIC        = 0,
    E_EMEK301        = 1,
    E_EMEK401        = 2,
    E_ZEDBOARD1601   = 3,
    E_ZEDBOARD6401   = 4,
    E_PARALLELLA1601 = 5,
    E_PARALLELLA6401 = 6,
    E_PARALLELLASIM  = 7,
} e_platformtype_t;

/* a window of the chip's address space in the host program: base is where the program reads
 * and writes it.  A core's SRAM (mems) is the emulator's memory itself; its registers (regs)
 * are reached through e_read/e_write only (base is NULL). */
typedef struct {
    e_objtype_t objtype;
    off_t       phy_base;      /* global address of the window */
    off_t       page_base;     /* phy_base rounded down to a host page */
    off_t       page_offset;   /* phy_base - page_base */
    size_t      map_size;      /* bytes mapped (page_offset + size) */
    void       *mapped_base;   /* the mapping */
    void       *base;          /* the window: mapped_base + page_offset */
} e_mmap_t;

/* one core of an e_open'd workgroup */
typedef struct {
    e_objtype_t  objtype;
    unsigned int id;           /* mesh core id: row << 6 | col */
    unsigned int row;          /* row in the workgroup */
    unsigned int col;          /* column in the workgroup */
    e_mmap_t     mems;         /* local memory (SRAM) */
    e_mmap_t     regs;         /* memory-mapped registers (0xF0000...) */
} e_core_t;

/* an Epiphany chip of the platform */
typedef struct {
    e_objtype_t  objtype;
    e_chiptype_t type;
    char         version[32];  /* "E16G301", "E64G401" */
    unsigned int arch;         /* architecture generation: 3, 4 */
    unsigned int base_coreid;  /* mesh id of the chip's first core */
    unsigned int row;          /* mesh row of the chip's first core */
    unsigned int col;          /* mesh column of the chip's first core */
    unsigned int rows;
    unsigned int cols;
    unsigned int num_cores;
    unsigned int sram_base;    /* local address of SRAM (0) */
    unsigned int sram_size;    /* bytes of SRAM per core */
    unsigned int regs_base;    /* local address of the registers (0xF0000) */
    unsigned int regs_size;    /* bytes of the register window */
    off_t        ioregs_n;     /* eLink register blocks north, east, south, west */
    off_t        ioregs_e;
    off_t        ioregs_s;
    off_t        ioregs_w;
} e_chip_t;

/* an external memory segment: phy_base as the host sees it, ephy_base as the cores do */
typedef struct {
    e_objtype_t objtype;
    off_t       phy_base;
    off_t       ephy_base;
    size_t      size;
    e_memtype_t type;
} e_memseg_t;

typedef struct es_state_ es_state;
typedef struct e_target_ops e_target_ops_t;

/* the platform (e_init; a copy by e_get_platform_info) */
typedef struct {
    e_objtype_t      objtype;
    e_platformtype_t type;
    char             version[32];  /* "PARALLELLA1601" ... */
    unsigned int     hal_ver;
    int              initialized;

    unsigned int     regs_base;    /* ESDK 2015: the eLink system registers (0 here: see
                                      ee_read_esys) */

    int              num_chips;
    e_chip_t        *chip;         /* num_chips chips (NULL in e_get_platform_info's copy) */
    unsigned int     row;          /* mesh row of the platform's first core */
    unsigned int     col;
    unsigned int     rows;         /* the platform's cores: rows x cols */
    unsigned int     cols;

    int              num_emems;
    e_memseg_t      *emem;         /* num_emems segments (NULL in the copy) */

    const e_target_ops_t *target_ops;
    void            *priv;
} e_platform_t;

typedef unsigned int e_coreid_t;

/* bytes of the interrupt vector table at local address 0 */
#define SIZEOF_IVT (0x28)

/* the record the loader writes at workgroup_cfg (0x28) of every core it loads */
typedef struct {
    e_objtype_t  objtype;            /* E_EPI_GROUP */
    e_chiptype_t chiptype;
    e_coreid_t   group_id;           /* mesh id of the workgroup's core (0,0) */
    unsigned     group_row;          /* its mesh row and column */
    unsigned     group_col;
    unsigned     group_rows;         /* workgroup size */
    unsigned     group_cols;
    unsigned     core_row;           /* this core in the workgroup */
    unsigned     core_col;
    unsigned     alignment_padding;  /* 0xdeadbeef */
} e_group_config_t;

/* the record at ext_mem_cfg (0x50) */
typedef struct {
    e_objtype_t objtype;             /* E_EXT_MEM */
    unsigned    base;                /* external memory as the cores see it: 0x8e000000 */
} e_emem_config_t;

/* a chip model's parameters */
typedef struct {
    e_objtype_t  objtype;
    e_chiptype_t type;
    char         version[32];
    unsigned int arch;
    unsigned int rows;
    unsigned int cols;
    unsigned int sram_base;
    unsigned int sram_size;
    unsigned int regs_base;
    unsigned int regs_size;
    off_t        ioregs_n;
    off_t        ioregs_e;
    off_t        ioregs_s;
    off_t        ioregs_w;
} e_chip_db_t;

#define E_CHIP_DB_NUM_CHIP_VERSIONS 3
/* E16G301, E64G401, ESIM */
extern e_chip_db_t e_chip_params_table[E_CHIP_DB_NUM_CHIP_VERSIONS];

typedef struct e_epiphany_t e_epiphany_t;
typedef struct e_mem_t e_mem_t;

/* the operations behind the API (e_platform.target_ops: the emulator's) */
struct e_target_ops {
    int     (*ee_read_word)(e_epiphany_t *, unsigned, unsigned, const off_t);
    ssize_t (*ee_write_word)(e_epiphany_t *, unsigned, unsigned, off_t, int);
    ssize_t (*ee_read_buf)(e_epiphany_t *, unsigned, unsigned, const off_t, void *, size_t);
    ssize_t (*ee_write_buf)(e_epiphany_t *, unsigned, unsigned, off_t, const void *, size_t);
    int     (*ee_read_reg)(e_epiphany_t *, unsigned, unsigned, const off_t);
    ssize_t (*ee_write_reg)(e_epiphany_t *, unsigned, unsigned, off_t, int);
    int     (*ee_mread_word)(e_mem_t *, const off_t);
    ssize_t (*ee_mwrite_word)(e_mem_t *, off_t, int);
    ssize_t (*ee_mread_buf)(e_mem_t *, const off_t, void *, size_t);
    ssize_t (*ee_mwrite_buf)(e_mem_t *, off_t, const void *, size_t);
    int     (*e_reset_system)(void);
    int     (*populate_platform)(e_platform_t *, char *);
    int     (*init)(void);
    void    (*finalize)(void);
    int     (*open)(e_epiphany_t *, unsigned, unsigned, unsigned, unsigned);
    int     (*close)(e_epiphany_t *);
    int     (*load_group)(const char *, e_epiphany_t *, unsigned, unsigned, unsigned, unsigned);
    int     (*start_group)(e_epiphany_t *, unsigned, unsigned, unsigned, unsigned);
    void   *(*get_raw_pointer)(unsigned long, unsigned long);
    int     (*alloc)(e_mem_t *);
    int     (*shm_alloc)(e_mem_t *);
    int     (*free)(e_mem_t *);
};

#ifdef __cplusplus
}
#endif

/* the rest of the data types (e_epiphany_t, e_mem_t, registers ...) */
#include "epiphany-hal-data.h"

#endif
