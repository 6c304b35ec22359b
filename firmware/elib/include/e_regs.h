/* e_regs.h -- epiphany-emu e-lib: the memory-mapped registers of a core (addresses in the
 * core-local view, architecture fact sheet §1.2) and e_reg_read()/e_reg_write(), which access
 * them on the calling core. */
#ifndef EMU_ELIB_E_REGS_H
#define EMU_ELIB_E_REGS_H

#include "e_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* general-purpose registers (readable from outside only while the core is halted) */
typedef enum {
    E_CORE_GP_REG_BASE = 0xf0000,         /* E_REG_Rn = base + 4 * n */
    E_REG_R0 = 0xf0000,  E_REG_R1 = 0xf0004,  E_REG_R2 = 0xf0008,  E_REG_R3 = 0xf000c,
    E_REG_R4 = 0xf0010,  E_REG_R5 = 0xf0014,  E_REG_R6 = 0xf0018,  E_REG_R7 = 0xf001c,
    E_REG_R8 = 0xf0020,  E_REG_R9 = 0xf0024,  E_REG_R10 = 0xf0028, E_REG_R11 = 0xf002c,
    E_REG_R12 = 0xf0030, E_REG_R13 = 0xf0034, E_REG_R14 = 0xf0038, E_REG_R15 = 0xf003c,
    E_REG_R16 = 0xf0040, E_REG_R17 = 0xf0044, E_REG_R18 = 0xf0048, E_REG_R19 = 0xf004c,
    E_REG_R20 = 0xf0050, E_REG_R21 = 0xf0054, E_REG_R22 = 0xf0058, E_REG_R23 = 0xf005c,
    E_REG_R24 = 0xf0060, E_REG_R25 = 0xf0064, E_REG_R26 = 0xf0068, E_REG_R27 = 0xf006c,
    E_REG_R28 = 0xf0070, E_REG_R29 = 0xf0074, E_REG_R30 = 0xf0078, E_REG_R31 = 0xf007c,
    E_REG_R32 = 0xf0080, E_REG_R33 = 0xf0084, E_REG_R34 = 0xf0088, E_REG_R35 = 0xf008c,
    E_REG_R36 = 0xf0090, E_REG_R37 = 0xf0094, E_REG_R38 = 0xf0098, E_REG_R39 = 0xf009c,
    E_REG_R40 = 0xf00a0, E_REG_R41 = 0xf00a4, E_REG_R42 = 0xf00a8, E_REG_R43 = 0xf00ac,
    E_REG_R44 = 0xf00b0, E_REG_R45 = 0xf00b4, E_REG_R46 = 0xf00b8, E_REG_R47 = 0xf00bc,
    E_REG_R48 = 0xf00c0, E_REG_R49 = 0xf00c4, E_REG_R50 = 0xf00c8, E_REG_R51 = 0xf00cc,
    E_REG_R52 = 0xf00d0, E_REG_R53 = 0xf00d4, E_REG_R54 = 0xf00d8, E_REG_R55 = 0xf00dc,
    E_REG_R56 = 0xf00e0, E_REG_R57 = 0xf00e4, E_REG_R58 = 0xf00e8, E_REG_R59 = 0xf00ec,
    E_REG_R60 = 0xf00f0, E_REG_R61 = 0xf00f4, E_REG_R62 = 0xf00f8, E_REG_R63 = 0xf00fc,
} e_gp_reg_id_t;

/* special registers */
typedef enum {
    E_CORE_SP_REG_BASE = 0xf0000,
    E_REG_CONFIG       = E_CORE_SP_REG_BASE + 0x0400,
    E_REG_STATUS       = E_CORE_SP_REG_BASE + 0x0404,
    E_REG_PC           = E_CORE_SP_REG_BASE + 0x0408,
    E_REG_DEBUGSTATUS  = E_CORE_SP_REG_BASE + 0x040c,
    E_REG_LC           = E_CORE_SP_REG_BASE + 0x0414,
    E_REG_LS           = E_CORE_SP_REG_BASE + 0x0418,
    E_REG_LE           = E_CORE_SP_REG_BASE + 0x041c,
    E_REG_IRET         = E_CORE_SP_REG_BASE + 0x0420,
    E_REG_IMASK        = E_CORE_SP_REG_BASE + 0x0424,
    E_REG_ILAT         = E_CORE_SP_REG_BASE + 0x0428,
    E_REG_ILATST       = E_CORE_SP_REG_BASE + 0x042c,
    E_REG_ILATCL       = E_CORE_SP_REG_BASE + 0x0430,
    E_REG_IPEND        = E_CORE_SP_REG_BASE + 0x0434,
    E_REG_CTIMER0      = E_CORE_SP_REG_BASE + 0x0438,
    E_REG_CTIMER1      = E_CORE_SP_REG_BASE + 0x043c,
    E_REG_FSTATUS      = E_CORE_SP_REG_BASE + 0x0440,
    E_REG_DEBUGCMD     = E_CORE_SP_REG_BASE + 0x0448,
    /* DMA channels 0 and 1 */
    E_REG_DMA0CONFIG   = E_CORE_SP_REG_BASE + 0x0500,
    E_REG_DMA0STRIDE   = E_CORE_SP_REG_BASE + 0x0504,
    E_REG_DMA0COUNT    = E_CORE_SP_REG_BASE + 0x0508,
    E_REG_DMA0SRCADDR  = E_CORE_SP_REG_BASE + 0x050c,
    E_REG_DMA0DSTADDR  = E_CORE_SP_REG_BASE + 0x0510,
    E_REG_DMA0AUTODMA0 = E_CORE_SP_REG_BASE + 0x0514,
    E_REG_DMA0AUTODMA1 = E_CORE_SP_REG_BASE + 0x0518,
    E_REG_DMA0STATUS   = E_CORE_SP_REG_BASE + 0x051c,
    E_REG_DMA1CONFIG   = E_CORE_SP_REG_BASE + 0x0520,
    E_REG_DMA1STRIDE   = E_CORE_SP_REG_BASE + 0x0524,
    E_REG_DMA1COUNT    = E_CORE_SP_REG_BASE + 0x0528,
    E_REG_DMA1SRCADDR  = E_CORE_SP_REG_BASE + 0x052c,
    E_REG_DMA1DSTADDR  = E_CORE_SP_REG_BASE + 0x0530,
    E_REG_DMA1AUTODMA0 = E_CORE_SP_REG_BASE + 0x0534,
    E_REG_DMA1AUTODMA1 = E_CORE_SP_REG_BASE + 0x0538,
    E_REG_DMA1STATUS   = E_CORE_SP_REG_BASE + 0x053c,
    /* memory protection */
    E_REG_MEMSTATUS    = E_CORE_SP_REG_BASE + 0x0604,
    E_REG_MEMPROTECT   = E_CORE_SP_REG_BASE + 0x0608,
    /* mesh node */
    E_REG_MESHCFG      = E_CORE_SP_REG_BASE + 0x0700,
    E_REG_COREID       = E_CORE_SP_REG_BASE + 0x0704,
    E_REG_CORE_RESET   = E_CORE_SP_REG_BASE + 0x070c,
} e_core_reg_id_t;

/* chip (eLink / IO) registers */
typedef enum {
    E_CHIP_REG_BASE        = 0xf0000,
    E_REG_IO_LINK_MODE_CFG = E_CHIP_REG_BASE + 0x0300,
    E_REG_IO_LINK_TX_CFG   = E_CHIP_REG_BASE + 0x0304,
    E_REG_IO_LINK_RX_CFG   = E_CHIP_REG_BASE + 0x0308,
    E_REG_IO_GPIO_CFG      = E_CHIP_REG_BASE + 0x030c,
    E_REG_IO_FLAG_CFG      = E_CHIP_REG_BASE + 0x0318,
    E_REG_IO_SYNC_CFG      = E_CHIP_REG_BASE + 0x031c,
    E_REG_IO_HALT_CFG      = E_CHIP_REG_BASE + 0x0320,
    E_REG_IO_RESET         = E_CHIP_REG_BASE + 0x0324,
    E_REG_IO_LINK_DEBUG    = E_CHIP_REG_BASE + 0x0328,
} e_chip_reg_id_t;

/* read / write register `reg_id` (any of the ids above) of the calling core */
unsigned e_reg_read(e_core_reg_id_t reg_id);
void e_reg_write(e_core_reg_id_t reg_id, unsigned val);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_REGS_H */
