/* epiphany-hal-data.h -- epiphany-emu e-hal: return codes, register addresses, workgroups,
 * external memory buffers and the shared-memory table (see e-hal.h). */
#ifndef EPIPHANY_EMU_HAL_DATA_H
#define EPIPHANY_EMU_HAL_DATA_H

#include <stdint.h>
#include <sys/types.h>
#include <semaphore.h>

#ifdef __cplusplus
extern "C" {
typedef enum {
    E_FALSE = false,
    E_TRUE  = true,
} e_bool_t;
#else
typedef enum {
    E_FALSE = 0,
    E_TRUE  = 1,
} e_bool_t;
#endif

#ifdef __cplusplus
}
#endif

#include "epiphany-hal-data-local.h"

#ifdef __cplusplus
extern "C" {
#endif

/* environment variable naming the target (the ESDK's; the emulator is the only one here) */
#define EHAL_TARGET_ENV "EHAL_TARGET"

/* host diagnostics level (printed on stderr) */
typedef enum {
    H_D0 = 0,
    H_D1 = 1,
    H_D2 = 2,
    H_D3 = 3,
    H_D4 = 4,
} e_hal_diag_t;

/* what the calls return */
typedef enum {
    E_OK   =  0,
    E_ERR  = -1,
    E_WARN = -2,
} e_return_stat_t;

/* general-purpose registers r0..r63 as e_read/e_write addresses of a core */
typedef enum {
    E_REG_R0            = 0xf0000,
    E_REG_R1            = 0xf0004,
    E_REG_R2            = 0xf0008,
    E_REG_R3            = 0xf000c,
    E_REG_R4            = 0xf0010,
    E_REG_R5            = 0xf0014,
    E_REG_R6            = 0xf0018,
    E_REG_R7            = 0xf001c,
    E_REG_R8            = 0xf0020,
    E_REG_R9            = 0xf0024,
    E_REG_R10           = 0xf0028,
    E_REG_R11           = 0xf002c,
    E_REG_R12           = 0xf0030,
    E_REG_R13           = 0xf0034,
    E_REG_R14           = 0xf0038,
    E_REG_R15           = 0xf003c,
    E_REG_R16           = 0xf0040,
    E_REG_R17           = 0xf0044,
    E_REG_R18           = 0xf0048,
    E_REG_R19           = 0xf004c,
    E_REG_R20           = 0xf0050,
    E_REG_R21           = 0xf0054,
    E_REG_R22           = 0xf0058,
    E_REG_R23           = 0xf005c,
    E_REG_R24           = 0xf0060,
    E_REG_R25           = 0xf0064,
    E_REG_R26           = 0xf0068,
    E_REG_R27           = 0xf006c,
    E_REG_R28           = 0xf0070,
    E_REG_R29           = 0xf0074,
    E_REG_R30           = 0xf0078,
    E_REG_R31           = 0xf007c,
    E_REG_R32           = 0xf0080,
    E_REG_R33           = 0xf0084,
    E_REG_R34           = 0xf0088,
    E_REG_R35           = 0xf008c,
    E_REG_R36           = 0xf0090,
    E_REG_R37           = 0xf0094,
    E_REG_R38           = 0xf0098,
    E_REG_R39           = 0xf009c,
    E_REG_R40           = 0xf00a0,
    E_REG_R41           = 0xf00a4,
    E_REG_R42           = 0xf00a8,
    E_REG_R43           = 0xf00ac,
    E_REG_R44           = 0xf00b0,
    E_REG_R45           = 0xf00b4,
    E_REG_R46           = 0xf00b8,
    E_REG_R47           = 0xf00bc,
    E_REG_R48           = 0xf00c0,
    E_REG_R49           = 0xf00c4,
    E_REG_R50           = 0xf00c8,
    E_REG_R51           = 0xf00cc,
    E_REG_R52           = 0xf00d0,
    E_REG_R53           = 0xf00d4,
    E_REG_R54           = 0xf00d8,
    E_REG_R55           = 0xf00dc,
    E_REG_R56           = 0xf00e0,
    E_REG_R57           = 0xf00e4,
    E_REG_R58           = 0xf00e8,
    E_REG_R59           = 0xf00ec,
    E_REG_R60           = 0xf00f0,
    E_REG_R61           = 0xf00f4,
    E_REG_R62           = 0xf00f8,
    E_REG_R63           = 0xf00fc
} e_gp_reg_id_t;

/* special registers of a core (e_read/e_write addresses) */
typedef enum {
    E_REG_CONFIG       = 0xf0400,
    E_REG_STATUS       = 0xf0404,
    E_REG_PC           = 0xf0408,
    E_REG_DEBUGSTATUS  = 0xf040c,
    E_REG_LC           = 0xf0414,
    E_REG_LS           = 0xf0418,
    E_REG_LE           = 0xf041c,
    E_REG_IRET         = 0xf0420,
    E_REG_IMASK        = 0xf0424,
    E_REG_ILAT         = 0xf0428,
    E_REG_ILATST       = 0xf042C,
    E_REG_ILATCL       = 0xf0430,
    E_REG_IPEND        = 0xf0434,
    E_REG_CTIMER0      = 0xf0438,
    E_REG_CTIMER1      = 0xf043C,
    E_REG_FSTATUS      = 0xf0440,
    E_REG_DEBUGCMD     = 0xf0448,

    E_REG_DMA0CONFIG   = 0xf0500,
    E_REG_DMA0STRIDE   = 0xf0504,
    E_REG_DMA0COUNT    = 0xf0508,
    E_REG_DMA0SRCADDR  = 0xf050c,
    E_REG_DMA0DSTADDR  = 0xf0510,
    E_REG_DMA0AUTODMA0 = 0xf0514,
    E_REG_DMA0AUTODMA1 = 0xf0518,
    E_REG_DMA0STATUS   = 0xf051c,
    E_REG_DMA1CONFIG   = 0xf0520,
    E_REG_DMA1STRIDE   = 0xf0524,
    E_REG_DMA1COUNT    = 0xf0528,
    E_REG_DMA1SRCADDR  = 0xf052c,
    E_REG_DMA1DSTADDR  = 0xf0530,
    E_REG_DMA1AUTODMA0 = 0xf0534,
    E_REG_DMA1AUTODMA1 = 0xf0538,
    E_REG_DMA1STATUS   = 0xf053c,

    E_REG_MEMSTATUS    = 0xf0604,
    E_REG_MEMPROTECT   = 0xf0608,

    E_REG_MESHCONFIG   = 0xf0700,
    E_REG_COREID       = 0xf0704,
    E_REG_MULTICAST    = 0xf0708,
    E_REG_RESETCORE    = 0xf070c,
    E_REG_CMESHROUTE   = 0xf0710,
    E_REG_XMESHROUTE   = 0xf0714,
    E_REG_RMESHROUTE   = 0xf0718
} e_core_reg_id_t;

/* chip (eLink) registers */
typedef enum {
    E_REG_LINKCFG   = 0xf0300,
    E_REG_LINKTXCFG = 0xf0304,
    E_REG_LINKRXCFG = 0xf0308,
    E_REG_GPIOCFG   = 0xf030c,
    E_REG_FLAGCFG   = 0xf0318,
    E_REG_SYNC      = 0xf031c,
    E_REG_HALT      = 0xf0320,
    E_REG_RESET     = 0xf0324,
    E_REG_LINKDEBUG = 0xf0328
} e_chip_regs_t;

/* the FPGA's eLink system registers of ESDK 2015 and earlier (ee_read_esys/ee_write_esys;
 * the emulator keeps their values but models no eLink) */
typedef enum {
    E_SYS_RESET   = 0x0040,
    E_SYS_CFGTX   = 0x0044,
    E_SYS_CFGRX   = 0x0048,
    E_SYS_CFGCLK  = 0x004c,
    E_SYS_COREID  = 0x0050,
    E_SYS_VERSION = 0x0054,
    E_SYS_GPIOIN  = 0x0058,
    E_SYS_GPIOOUT = 0x005c
} e_sys_reg_id_t;

typedef union {
    unsigned int reg;
    struct {
        unsigned int enable:1;
        unsigned int mmu:1;
        unsigned int mode:2;        /* 0 normal, 1 GPIO */
        unsigned int ctrlmode:4;
        unsigned int clkmode:4;     /* 0 full speed, 1 half speed */
        unsigned int resvd:20;
    } fields;
} e_syscfg_tx_t;

typedef union {
    unsigned int reg;
    struct {
        unsigned int enable:1;
        unsigned int mmu:1;
        unsigned int path:2;        /* 0 normal, 1 GPIO, 2 loopback */
        unsigned int monitor:1;
        unsigned int resvd:27;
    } fields;
} e_syscfg_rx_t;

typedef union {
    unsigned int reg;
    struct {
        unsigned int divider:4;     /* 0 off, 1 F/64 ... 7 F/1 */
        unsigned int pll:4;
        unsigned int resvd:24;
    } fields;
} e_syscfg_clk_t;

typedef union {
    unsigned int reg;
    struct {
        unsigned int col:6;
        unsigned int row:6;
        unsigned int resvd:20;
    } fields;
} e_syscfg_coreid_t;

typedef union {
    unsigned int reg;
    struct {
        unsigned int revision:8;
        unsigned int type:8;
        unsigned int platform:8;
        unsigned int generation:8;
    } fields;
} e_syscfg_version_t;

/* E_SYS_GPIOIN, E_SYS_GPIOOUT */
typedef union {
    unsigned int reg;
    struct {
        unsigned int data:8;
        unsigned int frame:1;
        unsigned int wait_rd:1;
        unsigned int wait_wr:1;
        unsigned int resvd:21;
    } fields;
} e_syscfg_gpio_t;

/* an e_open'd workgroup: rows x cols cores from mesh (row, col); core[r][c] */
struct e_epiphany_t {
    e_objtype_t   objtype;      /* E_EPI_GROUP */
    e_chiptype_t  type;
    unsigned int  num_cores;
    unsigned int  base_coreid;  /* mesh id of core (0,0) */
    unsigned int  row;          /* mesh row and column of core (0,0) */
    unsigned int  col;
    unsigned int  rows;
    unsigned int  cols;
    e_core_t    **core;
    int           memfd;
    void         *priv;
};

/* a buffer in external memory (e_alloc: E_EXT_MEM; e_shm_alloc/attach: E_SHARED_MEM) */
struct e_mem_t {
    e_objtype_t  objtype;
    off_t        phy_base;      /* its address as the host sees it */
    off_t        page_base;     /* phy_base rounded down to a host page */
    off_t        page_offset;   /* phy_base - page_base */
    size_t       map_size;      /* bytes mapped */
    off_t        ephy_base;     /* its address as the cores see it (0x8e000000 + offset) */
    size_t       emap_size;     /* its size */
    void        *mapped_base;   /* the mapping */
    void        *base;          /* the buffer in the host program */
    int          memfd;
    void        *priv;
};

#define ALIGN(x) __attribute__ ((aligned (x)))

/* the shared-memory table: at the start of the shared DRAM window (0x8f000000 as the cores
 * see it), read by the device library's e_shm_attach; same layout on both sides (packed,
 * pointers widened to 64 bits) */
#define MAX_SHM_REGIONS 64

#pragma pack(push, 1)

typedef struct ALIGN(8) e_shmseg {
    __extension__ union {
        void     *addr;         /* the segment in the host program that allocated it */
        uint64_t  __fill1;
    };
    char      name[256];
    uint64_t  size;
    __extension__ union {
        void     *paddr;        /* the segment as the cores see it */
        uint64_t  __fill2;
    };
    uint64_t  offset;           /* from the start of the table */
} e_shmseg_t;

typedef struct ALIGN(8) e_shmseg_pvt {
    e_shmseg_t shm_seg;
    uint32_t   refcnt;          /* attachments by host programs */
    uint32_t   valid;           /* 1: in use */
} e_shmseg_pvt_t;

typedef struct ALIGN(8) e_shmtable {
    uint32_t       magic;       /* 0xabcdef00 */
    uint32_t       initialized;
    e_shmseg_pvt_t regions[MAX_SHM_REGIONS];
    uint64_t       free_space;
    uint64_t       next_free_offset;
    uint64_t       paddr_epi;   /* the table as the cores see it */
    uint64_t       paddr_cpu;   /* the table as the host sees it */
    __extension__ union {
        uint8_t   *heap;
        uint64_t   __fill1;
    };
    __extension__ union {
        void      *lock;
        uint64_t   __fill2;
    };
} e_shmtable_t;

#pragma pack(pop)

#ifdef __cplusplus
}
#endif

#endif
