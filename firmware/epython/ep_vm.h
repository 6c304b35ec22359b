/* ep_vm.h -- internal interfaces of epiphany-emu's ePython VM firmware.
 *
 * Our own implementation of the ePython v2.0 device VM, written from the contract in
 * shared/spec/epython.md (bytecode §1.3, semantics §1.4 and §2, memory map §1.5, heap §1.6,
 * host protocol §1.7-§1.9).  The numbers of the contract come from two generated headers:
 * ep_bytecode.h (epython/bytecode.py) and ep_layout.h (epython/layout.py).
 * Design notes: docs/epython-vm.md.
 */
#ifndef EP_VM_H
#define EP_VM_H

#include <stdint.h>
#include <ep_bytecode.h>   /* generated: from -I, the fresh copy of build.sh */
#include <ep_layout.h>     /* generated */

#define EP_NORETURN __attribute__((noreturn))
#define EP_HOT __attribute__((hot))
#define EP_NOINLINE __attribute__((noinline))

/* ---- values ----------------------------------------------------------------------------------
 * A value travels in one 64-bit register pair: the low word is the data (int32, float32 bits, or
 * a pointer), the high word the type tag (bits 0-7, bit 7 = reference) and the dtype (bits
 * 8-15: 0 scalar, 1 array, 2/3 a dereferenced scalar/array reference). */
typedef uint64_t val_t;
#define V_MAKE(t, dt, d) (((uint64_t)((uint32_t)(t) | ((uint32_t)(dt) << 8)) << 32) \
                          | (uint32_t)(d))
#define V_TYPE(v) ((unsigned)(uint8_t)((v) >> 32))
#define V_DTYPE(v) ((unsigned)(uint8_t)((v) >> 40))
#define V_DATA(v) ((uint32_t)(v))
#define V_NONE V_MAKE(T_NONE, DTYPE_SCALAR, 0)
#define V_INT(i) V_MAKE(T_INT, DTYPE_SCALAR, (uint32_t)(i))
#define V_BOOL(b) V_MAKE(T_BOOLEAN, DTYPE_SCALAR, (uint32_t)(b))

static inline float bits_f(uint32_t d) { union { uint32_t u; float f; } x; x.u = d; return x.f; }
static inline uint32_t f_bits(float f) { union { uint32_t u; float f; } x; x.f = f; return x.u; }

/* ---- the shared-memory contract (layout checked against ep_layout.h at compile time) ------- */
struct core_ctrl {
    uint32_t core_run, core_busy, core_command;
    uint32_t symbol_table, stack_start, heap_start, shared_heap_start, shared_stack_start,
             postbox_start, host_shared_data_start;
    uint8_t data[15];
    uint8_t active;
} __attribute__((aligned(8)));

struct shared_basic {
    struct core_ctrl core_ctrl[EP_TOTAL_CORES];
    uint32_t length, num_procs, baseHostPid;
    uint16_t symbol_size;
    uint32_t edata, data, esdata;
    uint8_t allInSharedMemory, codeOnCores;
} __attribute__((aligned(8)));

/* ---- symbol table -----------------------------------------------------------------------------
 * One entry per live variable (id, call level).  Scalars live in a 4-byte cell of the scalar
 * stack that `data` points to; strings and arrays hold their pointer in `data`.  `cell` is the
 * number of the entry's own stack cell, taken when the entry is created (so a frame's cells are
 * released in one step when its function returns).  Entries whose ids share a hash bucket are
 * chained newest first through `next` (entry number + 1, 0 = end). */
enum { S_FREE = 0, S_ALLOCATED = 1, S_ALIAS = 2 };
typedef struct sym {
    uint16_t id;
    uint8_t state;
    uint8_t level;
    uint16_t alias;
    uint8_t type, dtype;
    uint32_t data;
    uint16_t cell;
    uint16_t next;
} sym_t;

/* ---- arrays -------------------------------------------------------------------------------------
 * [uint32 ndims | growable << 4][int32 extent x ndims][4-byte cells], 4-byte aligned. */
#define ARR_GROWABLE 0x10u

/* ---- state of this core (main.c) --------------------------------------------------------------- */
extern volatile struct shared_basic *ep_sb;
extern volatile struct core_ctrl *ep_me;
extern int ep_id, ep_lowest, ep_nprocs, ep_base_host, ep_max_active;
extern uint8_t ep_active[EP_TOTAL_CORES];
extern uint32_t ep_postbox[EP_TOTAL_CORES];
extern uint8_t ep_group_rows, ep_group_cols, ep_group_row0, ep_group_col0;
extern uint8_t ep_all_shared;
extern const uint8_t *ep_code, *ep_code_end;
extern uint8_t *ep_sheap, *ep_sheap_end;        /* this core's shared heap (DRAM) */

EP_NORETURN void ep_finish(void);
uint32_t ep_global_address(int core, uint32_t addr);

/* ---- host requests (host.c) ---------------------------------------------------------------------- */
uint32_t ep_request(uint32_t cmd);
EP_NORETURN void ep_error(unsigned code);
void ep_print(val_t v);
val_t ep_input(val_t prompt, int with_prompt);
val_t ep_concat(val_t a, val_t b);
val_t ep_math(unsigned op, val_t v);
void ep_host_sync(void);

/* ---- memory (mem.c) ----------------------------------------------------------------------------- */
void ep_mem_init(void);
uint8_t *ep_alloc(uint32_t size, int shared);   /* 4-byte aligned payload; GC and spill inside */
void ep_free(uint8_t *p);                      /* error if p is no heap block */
void ep_release(uint8_t *p);                   /* internal free: no check */
uint32_t ep_shared_block_size(const uint8_t *p);  /* bytes of a shared-heap block */
void ep_gc(void);
uint32_t ep_stack_cell(void);                  /* a zeroed cell's number */
uint32_t *ep_cell(uint32_t n);                 /* its address */
void ep_stack_release(uint32_t lowest);        /* free cells n >= lowest */
void ep_copy(void *dst, const void *src, uint32_t n);
uint32_t ep_strlen(const uint8_t *s);
uint8_t *ep_string_to_shared(const uint8_t *s, int *temp);
int ep_in_shared_heap(const void *p);
/* Blocks the GC must keep although no variable holds them yet (an array literal being built,
 * the operands of a concatenation): a small stack, pushed and popped in order. */
#define GC_PINS 8
void ep_pin(const void *p);
void ep_unpin(unsigned n);

/* symbols (vm.c; the GC reads them) */
extern sym_t *ep_sym, *ep_sym_ovf;
extern uint32_t ep_sym_cap, ep_sym_ovf_cap, ep_sym_used;
static inline sym_t *ep_sym_at(uint32_t i) {
    return i < ep_sym_cap ? &ep_sym[i] : &ep_sym_ovf[i - ep_sym_cap];
}

/* ---- messages and collectives (comm.c) -------------------------------------------------------- */
void ep_comm_init(void);
void ep_barrier(void);
void ep_send(val_t v, int target, int blocking);
val_t ep_recv(int source);
val_t ep_sendrecv(val_t v, int target);
val_t ep_probe(int source);
val_t ep_test_sent(int target, int wait);
val_t ep_bcast(val_t v, int root);
val_t ep_reduce(val_t v, int op);

/* ---- the interpreter (vm.c) ----------------------------------------------------------------------- */
void ep_vm_init(void);
void ep_vm_run(void);

#endif
