/* api.c -- the e-lib API as ESDK programs spell it: every header an ESDK device program
 * includes, every function (linked: each must be in libe-lib.a), and the types, constants and
 * layouts programs depend on, pinned to the ESDK's values (architecture fact sheet §1, §6.4,
 * e-lib's documented headers).  Built like the other programs; it only has to link and run. */
#include <stddef.h>
#include "e-lib.h"
#include "e_lib.h"
#include "e_common.h"
#include "e_coreid.h"
#include "e_ctimers.h"
#include "e_dma.h"
#include "e_ic.h"
#include "e_mem.h"
#include "e_mutex.h"
#include "e_regs.h"
#include "e_shm.h"
#include "e_trace.h"
#include "e_types.h"

#define CHECK(cond) _Static_assert(cond, #cond)

CHECK(E_TRUE == 1 && E_FALSE == 0 && E_OK == 0 && E_ERR == -1 && E_WARN == -2);
CHECK(E_SELF == ~0);
CHECK(E_GROUP_WRAP == 0 && E_ROW_WRAP == 1 && E_COL_WRAP == 2);
CHECK(E_PREV_CORE == 0 && E_NEXT_CORE == 1);
CHECK(E_NULL == 0 && E_EPI_PLATFORM == 1 && E_EPI_CHIP == 2 && E_EPI_GROUP == 3);
CHECK(E_EPI_CORE == 4 && E_EXT_MEM == 5 && E_MAPPING == 6 && E_SHARED_MEM == 7);
CHECK(E_E16G301 == 0 && E_E64G401 == 1);
CHECK(sizeof(e_group_config_t) == 40 && offsetof(e_group_config_t, group_id) == 8);
CHECK(offsetof(e_group_config_t, core_col) == 32);
CHECK(sizeof(e_emem_config_t) == 8 && offsetof(e_emem_config_t, base) == 4);
CHECK(sizeof(e_coreid_t) == 4);

CHECK(E_REG_R0 == 0xf0000 && E_REG_R63 == 0xf00fc && E_CORE_GP_REG_BASE == 0xf0000);
CHECK(E_REG_CONFIG == 0xf0400 && E_REG_STATUS == 0xf0404 && E_REG_PC == 0xf0408);
CHECK(E_REG_DEBUGSTATUS == 0xf040c && E_REG_LC == 0xf0414 && E_REG_LS == 0xf0418);
CHECK(E_REG_LE == 0xf041c && E_REG_IRET == 0xf0420 && E_REG_IMASK == 0xf0424);
CHECK(E_REG_ILAT == 0xf0428 && E_REG_ILATST == 0xf042c && E_REG_ILATCL == 0xf0430);
CHECK(E_REG_IPEND == 0xf0434 && E_REG_CTIMER0 == 0xf0438 && E_REG_CTIMER1 == 0xf043c);
CHECK(E_REG_FSTATUS == 0xf0440 && E_REG_DEBUGCMD == 0xf0448);
CHECK(E_REG_DMA0CONFIG == 0xf0500 && E_REG_DMA0STRIDE == 0xf0504 && E_REG_DMA0COUNT == 0xf0508);
CHECK(E_REG_DMA0SRCADDR == 0xf050c && E_REG_DMA0DSTADDR == 0xf0510);
CHECK(E_REG_DMA0AUTODMA0 == 0xf0514 && E_REG_DMA0AUTODMA1 == 0xf0518);
CHECK(E_REG_DMA0STATUS == 0xf051c && E_REG_DMA1CONFIG == 0xf0520 && E_REG_DMA1STATUS == 0xf053c);
CHECK(E_REG_DMA1STRIDE == 0xf0524 && E_REG_DMA1COUNT == 0xf0528 && E_REG_DMA1SRCADDR == 0xf052c);
CHECK(E_REG_DMA1DSTADDR == 0xf0530 && E_REG_DMA1AUTODMA0 == 0xf0534);
CHECK(E_REG_DMA1AUTODMA1 == 0xf0538);
CHECK(E_REG_MEMSTATUS == 0xf0604 && E_REG_MEMPROTECT == 0xf0608);
CHECK(E_REG_MESHCFG == 0xf0700 && E_REG_COREID == 0xf0704 && E_REG_CORE_RESET == 0xf070c);
CHECK(E_REG_IO_LINK_MODE_CFG == 0xf0300 && E_REG_IO_LINK_TX_CFG == 0xf0304);
CHECK(E_REG_IO_LINK_RX_CFG == 0xf0308 && E_REG_IO_GPIO_CFG == 0xf030c);
CHECK(E_REG_IO_FLAG_CFG == 0xf0318 && E_REG_IO_SYNC_CFG == 0xf031c);
CHECK(E_REG_IO_HALT_CFG == 0xf0320 && E_REG_IO_RESET == 0xf0324 && E_REG_IO_LINK_DEBUG == 0xf0328);

CHECK(E_SYNC == 0 && E_SW_EXCEPTION == 1 && E_MEM_FAULT == 2 && E_TIMER0_INT == 3);
CHECK(E_TIMER1_INT == 4 && E_MESSAGE_INT == 5 && E_DMA0_INT == 6 && E_DMA1_INT == 7);
CHECK(E_USER_INT == 9);

CHECK(E_DMA_ENABLE == 1 && E_DMA_MASTER == 2 && E_DMA_CHAIN == 4 && E_DMA_STARTUP == 8);
CHECK(E_DMA_IRQEN == 0x10 && E_DMA_BYTE == 0 && E_DMA_HWORD == 0x20 && E_DMA_WORD == 0x40);
CHECK(E_DMA_DWORD == 0x60 && E_DMA_MSGMODE == 0x400 && E_DMA_SHIFT_SRC_IN == 0x1000);
CHECK(E_DMA_SHIFT_DST_IN == 0x2000 && E_DMA_SHIFT_SRC_OUT == 0x4000);
CHECK(E_DMA_SHIFT_DST_OUT == 0x8000 && E_DMA_0 == 0 && E_DMA_1 == 1);
CHECK(sizeof(e_dma_desc_t) == 24 && _Alignof(e_dma_desc_t) == 8);
CHECK(offsetof(e_dma_desc_t, count) == 8 && offsetof(e_dma_desc_t, dst_addr) == 20);

CHECK(E_CTIMER_0 == 0 && E_CTIMER_1 == 1 && E_CTIMER_OFF == 0 && E_CTIMER_CLK == 1);
CHECK(E_CTIMER_IDLE == 2 && E_CTIMER_IALU_INST == 4 && E_CTIMER_FPU_INST == 5);
CHECK(E_CTIMER_DUAL_INST == 6 && E_CTIMER_E1_STALLS == 7 && E_CTIMER_RA_STALLS == 8);
CHECK(E_CTIMER_EXT_FETCH_STALLS == 0xc && E_CTIMER_EXT_LOAD_STALLS == 0xd);
CHECK((unsigned)E_CTIMER_MAX == 0xffffffffu);

CHECK(E_RD == 1 && E_WR == 2 && E_RDWR == 3);
CHECK(sizeof(e_memseg_t) == 24 && offsetof(e_memseg_t, ephy_base) == 8);   /* structs of 8+ bytes: 8-aligned */
CHECK(sizeof(e_mutex_t) == 4 && sizeof(e_barrier_t) == 1 && MUTEX_NULL == 0);
CHECK(MUTEXATTR_NULL == 0 && MUTEXATTR_DEFAULT == 0);

CHECK(MAX_SHM_REGIONS == 64 && sizeof(e_shmseg_t) == 288 && sizeof(e_shmseg_pvt_t) == 296);
CHECK(sizeof(e_shmtable_t) == 19000 && offsetof(e_shmtable_t, regions) == 8);
CHECK(offsetof(e_shmseg_t, size) == 264 && offsetof(e_shmseg_t, paddr) == 272);
CHECK(offsetof(e_shmtable_t, paddr_epi) == 18968 && offsetof(e_shmtable_t, lock) == 18992);

CHECK(T_SEVERITY_DEBUG == (3 << 30) && T_EVENT_MARKER1 == (10 << 24) && T_BP_15 == (15 << 20));
CHECK(TRACE_FILE_MAGIC == 0xE3ACE);

/* SECTION/ALIGN/PACKED as programs use them */
int placed SECTION(".data_bank1") ALIGN(8) = 1;
struct PACKED packed { char c; int i; };
CHECK(sizeof(struct packed) == 5);

/* a signal-style handler goes through e_irq_attach's cast */
static void sig_style(int s) { (void)s; }

/* every function, so that the link proves each one is in libe-lib.a */
void *const api[] = {
    (void *)e_get_coreid, (void *)e_get_global_address, (void *)e_coreid_from_coords,
    (void *)e_coords_from_coreid, (void *)e_is_on_core, (void *)e_neighbor_id,
    (void *)e_reg_read, (void *)e_reg_write, (void *)e_read, (void *)e_write,
    (void *)e_mutex_init, (void *)e_mutex_lock, (void *)e_mutex_trylock,
    (void *)e_mutex_unlock, (void *)e_barrier_init, (void *)e_barrier,
    (void *)e_dma_start, (void *)e_dma_busy, (void *)e_dma_wait, (void *)e_dma_copy,
    (void *)e_dma_set_desc, (void *)e_irq_set, (void *)e_irq_clear,
    (void *)e_irq_global_mask, (void *)e_irq_mask, (void *)e_ctimer_get,
    (void *)e_ctimer_set, (void *)e_ctimer_start, (void *)e_ctimer_stop, (void *)e_wait,
    (void *)e_shm_attach, (void *)e_shm_release, (void *)trace_init, (void *)trace_start,
    (void *)trace_start_wait_all, (void *)trace_write, (void *)trace_stop,
    (void *)&e_group_config, (void *)&e_emem_config,
};

int main(void)
{
    e_irq_attach(E_USER_INT, sig_style);
    return placed - 1;
}
