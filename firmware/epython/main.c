/* main.c -- start-up and completion of the ePython VM on one core (spec §1.8, §1.9).
 *
 * The host has filled shared_basic (at ext_mem_cfg.base + EP_AREA_OFFSET) and placed the
 * bytecode before it sets core_run; we announce ourselves (core_busy = 1), read the run's
 * description once, copy the bytecode into SRAM when the host asks for it, meet the other
 * cores at a barrier, interpret, and end with core_busy = 0, core_run = 0 and TRAP 3 (exit).
 */
#include <stddef.h>
#include "ep_vm.h"

/* the loader's records (e-loader; fact sheet §6.4) */
struct group_cfg {
    uint32_t objtype, chiptype, group_id, group_row, group_col, group_rows, group_cols,
             core_row, core_col, alignment;
};
struct emem_cfg {
    uint32_t objtype, base;
};
/* at EP_WORKGROUP_CFG and EP_EXT_MEM_CFG: defined by epython.ld */
extern volatile struct group_cfg ep_workgroup_cfg;
extern volatile struct emem_cfg ep_ext_mem_cfg;
#define GROUP (&ep_workgroup_cfg)
#define EMEM_BASE (ep_ext_mem_cfg.base)

/* the firmware's view of the contract, checked against epython/layout.py */
_Static_assert(sizeof(struct core_ctrl) == EP_CORE_CTRL_SIZE, "core_ctrl size");
_Static_assert(sizeof(struct shared_basic) == EP_SHARED_BASIC_SIZE, "shared_basic size");
_Static_assert(offsetof(struct core_ctrl, core_busy) == EP_CC_CORE_BUSY, "core_busy");
_Static_assert(offsetof(struct core_ctrl, data) == EP_CC_DATA, "data");
_Static_assert(offsetof(struct core_ctrl, active) == EP_CC_ACTIVE, "active");
_Static_assert(offsetof(struct shared_basic, length) == EP_SB_LENGTH, "length");
_Static_assert(offsetof(struct shared_basic, symbol_size) == EP_SB_SYMBOL_SIZE, "symbol_size");
_Static_assert(offsetof(struct shared_basic, esdata) == EP_SB_ESDATA, "esdata");
_Static_assert(offsetof(struct shared_basic, codeOnCores) == EP_SB_CODEONCORES, "codeOnCores");
_Static_assert(sizeof(sym_t) == 16, "symbol entry");

#define CC(f) offsetof(struct core_ctrl, f)
#define SB(f) offsetof(struct shared_basic, f)
/* The ABI record: tests/epython/test_vm_layout.py reads it from the ELF (symbol _ep_abi) and
 * compares it with epython.layout.ABI_FIELDS. */
__attribute__((used)) const uint32_t ep_abi[] = {
    0x45504142, sizeof(struct core_ctrl), sizeof(struct shared_basic),
    CC(core_run), CC(core_busy), CC(core_command), CC(symbol_table), CC(stack_start),
    CC(heap_start), CC(shared_heap_start), CC(shared_stack_start), CC(postbox_start),
    CC(host_shared_data_start), CC(data), CC(active),
    SB(length), SB(num_procs), SB(baseHostPid), SB(symbol_size), SB(edata), SB(data),
    SB(esdata), SB(allInSharedMemory), SB(codeOnCores),
    EP_AREA_OFFSET, EP_CORE_DATA_START, EP_LOCAL_CORE_MEMORY_MAP_TOP, EP_LOCAL_CORE_STACK_SIZE,
    EP_SHARED_STACK_DATA_AREA_PER_CORE, EP_SHARED_HEAP_DATA_AREA_PER_CORE,
    EP_LOCAL_CHUNK_HEADER, EP_SHARED_CHUNK_HEADER, EP_POSTBOX_SLOT,
};

volatile struct shared_basic *ep_sb;
volatile struct core_ctrl *ep_me;
int ep_id, ep_lowest, ep_nprocs, ep_base_host, ep_max_active;
uint8_t ep_active[EP_TOTAL_CORES];
uint32_t ep_postbox[EP_TOTAL_CORES];
uint8_t ep_group_rows, ep_group_cols, ep_group_row0, ep_group_col0;
uint8_t ep_all_shared;
const uint8_t *ep_code, *ep_code_end;

uint32_t ep_global_address(int core, uint32_t addr)
{
    if (addr >> 20)
        return addr;                     /* already global (another core or DRAM) */
    unsigned row = 0, col = (unsigned)core;
    while (col >= ep_group_cols) {       /* core / cols without a library division */
        col -= ep_group_cols;
        row++;
    }
    uint32_t coreid = ((ep_group_row0 + row) << 6) | (ep_group_col0 + col);
    return (coreid << 20) | addr;
}

/* Bytecode from DRAM into SRAM: aligned word loads (each is a round trip on the eLink), byte
 * stores (the destination follows the symbol table and may have any alignment). */
static void copy_code(uint8_t *dst, const volatile uint8_t *src, uint32_t n)
{
    const volatile uint32_t *s = (const volatile uint32_t *)src;   /* esdata is 8-aligned */
    while (n >= 4) {
        uint32_t w = *s++;
        dst[0] = (uint8_t)w;
        dst[1] = (uint8_t)(w >> 8);
        dst[2] = (uint8_t)(w >> 16);
        dst[3] = (uint8_t)(w >> 24);
        dst += 4;
        n -= 4;
    }
    if (n) {
        uint32_t w = *s;
        while (n--) {
            *dst++ = (uint8_t)w;
            w >>= 8;
        }
    }
}

void ep_finish(void)
{
    ep_me->core_busy = 0;
    ep_me->core_run = 0;
    __asm__ volatile("mov r0,0\n\ttrap 3" ::: "r0", "memory");
    for (;;)
        ;
}

int main(void)
{
    ep_group_rows = (uint8_t)GROUP->group_rows;
    ep_group_cols = (uint8_t)GROUP->group_cols;
    ep_group_row0 = (uint8_t)GROUP->group_row;
    ep_group_col0 = (uint8_t)GROUP->group_col;
    ep_id = (int)(GROUP->core_row * GROUP->group_cols + GROUP->core_col);
    ep_sb = (volatile struct shared_basic *)(EMEM_BASE + EP_AREA_OFFSET);
    ep_me = &ep_sb->core_ctrl[ep_id];

    while (ep_me->core_run == 0)
        ;
    ep_me->core_busy = 1;
    ep_me->core_run = 1;

    ep_nprocs = (int)ep_sb->num_procs;
    ep_base_host = (int)ep_sb->baseHostPid;
    ep_all_shared = ep_sb->allInSharedMemory;
    ep_lowest = EP_TOTAL_CORES;
    ep_max_active = -1;
    for (int i = 0; i < EP_TOTAL_CORES; i++) {
        ep_active[i] = ep_sb->core_ctrl[i].active;
        ep_postbox[i] = ep_sb->core_ctrl[i].postbox_start;
        if (ep_active[i]) {
            if (i < ep_lowest)
                ep_lowest = i;
            ep_max_active = i;
        }
    }
    uint32_t len = ep_sb->length;
    uint8_t *edata = (uint8_t *)ep_sb->edata;
    if (ep_sb->codeOnCores)
        copy_code(edata, (const volatile uint8_t *)ep_sb->esdata, len);
    ep_code = edata;
    ep_code_end = edata + len;

    ep_comm_init();
    ep_mem_init();
    ep_vm_init();
    ep_barrier();
    ep_vm_run();
    ep_finish();
}
