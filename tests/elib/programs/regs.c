/* regs.c -- e_reg_read/e_reg_write of the registers e_regs.h names, against the core's own
 * MOVFS/MOVTS of the same registers.
 *
 * Reads: for each register of READS, e_reg_read(id) must equal MOVFS of it taken right after
 * (registers that do not move by themselves here: nothing counts, no DMA runs, no interrupt
 * comes); bit i of result.read_mismatch is set when entry i differs.  Writes: for each entry
 * of WRITES, e_reg_write(id, v) then MOVFS must give v (bit i of result.write_mismatch
 * otherwise).  Not written: PC, STATUS/FSTATUS, DEBUGCMD, CORE_RESET, MEMPROTECT (they would
 * stop, reset or fence the core), ILAT and friends (irq.c, identity.c). */
#include "elib_test.h"

#define MOVFS(reg) ({ unsigned v_; __asm__ __volatile__("movfs %0, " #reg : "=r"(v_) :: "memory"); v_; })

struct {
    u32 read_mismatch;
    u32 write_mismatch;
    u32 reads, writes;           /* how many were checked */
    u32 done;
} result;
RESULT_WORDS(4);

static unsigned movfs_of(unsigned i)
{
    switch (i) {
    case 0: return MOVFS(config);
    case 1: return MOVFS(debug);
    case 2: return MOVFS(lc);
    case 3: return MOVFS(ls);
    case 4: return MOVFS(le);
    case 5: return MOVFS(iret);
    case 6: return MOVFS(imask);
    case 7: return MOVFS(ilat);
    case 8: return MOVFS(ipend);
    case 9: return MOVFS(ctimer0);
    case 10: return MOVFS(ctimer1);
    case 11: return MOVFS(dma0config);
    case 12: return MOVFS(dma0stride);
    case 13: return MOVFS(dma0count);
    case 14: return MOVFS(dma0srcaddr);
    case 15: return MOVFS(dma0dstaddr);
    case 16: return MOVFS(dma0status);
    case 17: return MOVFS(dma1config);
    case 18: return MOVFS(dma1stride);
    case 19: return MOVFS(dma1count);
    case 20: return MOVFS(dma1srcaddr);
    case 21: return MOVFS(dma1dstaddr);
    case 22: return MOVFS(dma1status);
    case 23: return MOVFS(memstatus);
    case 24: return MOVFS(memprotect);
    case 25: return MOVFS(meshconfig);
    case 26: return MOVFS(coreid);
    default: return 0xDEADDEAD;
    }
}

static const e_core_reg_id_t READS[] = {
    E_REG_CONFIG, E_REG_DEBUGSTATUS, E_REG_LC, E_REG_LS, E_REG_LE, E_REG_IRET, E_REG_IMASK,
    E_REG_ILAT, E_REG_IPEND, E_REG_CTIMER0, E_REG_CTIMER1, E_REG_DMA0CONFIG, E_REG_DMA0STRIDE,
    E_REG_DMA0COUNT, E_REG_DMA0SRCADDR, E_REG_DMA0DSTADDR, E_REG_DMA0STATUS, E_REG_DMA1CONFIG,
    E_REG_DMA1STRIDE, E_REG_DMA1COUNT, E_REG_DMA1SRCADDR, E_REG_DMA1DSTADDR, E_REG_DMA1STATUS,
    E_REG_MEMSTATUS, E_REG_MEMPROTECT, E_REG_MESHCFG, E_REG_COREID,
};

/* (index into movfs_of, value written) */
static const struct { unsigned reg; u32 value; } WRITES[] = {
    {2, 0x1234}, {3, 0x2468}, {4, 0x2470}, {5, 0x1F2E}, {6, 0x2A8}, {9, 0xCAFE},
    {10, 0xBEEF}, {12, 0x00080008}, {13, 0x00030010}, {14, 0x1000}, {15, 0x80901000},
    {18, 0xFFFC0004}, {19, 0x00010040}, {20, 0x8F000000}, {21, 0x2000}, {25, 0x2},
};

int main(void)
{
    unsigned i;
    e_irq_global_mask(E_TRUE);
    for (i = 0; i < sizeof READS / sizeof READS[0]; i++) {
        unsigned a = e_reg_read(READS[i]);
        if (a != movfs_of(i))
            result.read_mismatch |= 1u << i;
        result.reads++;
    }
    for (i = 0; i < sizeof WRITES / sizeof WRITES[0]; i++) {
        e_reg_write(READS[WRITES[i].reg], WRITES[i].value);
        if (movfs_of(WRITES[i].reg) != WRITES[i].value)
            result.write_mismatch |= 1u << i;
        result.writes++;
    }
    e_reg_write(E_REG_LC, 0);                /* no hardware loop may stay armed */
    e_reg_write(E_REG_IMASK, 0);
    e_reg_write(E_REG_MESHCFG, 0);
    e_irq_global_mask(E_FALSE);
    result.done = DONE;
    return 0;
}
