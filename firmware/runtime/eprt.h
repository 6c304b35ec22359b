/* eprt.h -- the epiphany-emu device run-time: a tiny library for multi-core Epiphany programs,
 * in the spirit of the ESDK's e-lib but our own code.  API reference: docs/runtime.md.
 *
 * Build: compile the eprt_*.c files of firmware/runtime into libeprt.a and link it with one
 * of the scripts in firmware/ldscripts (internal.ld, fast.ld, legacy.ld);
 * tools/build_multicore_fixtures.sh shows the exact commands.  Every core runs the same image; everything a core
 * needs to know about itself comes from its COREID register and from the workgroup record
 * the loader writes at 0x28 (workgroup_cfg).
 *
 * Coordinates: (row, col) are relative to the group, 0 <= row < eprt_rows(); the group index
 * of a core is row * eprt_cols() + col; core (0,0) is the "leader" of barriers.
 */
#ifndef EPRT_H
#define EPRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * Placement
 * ---------------------------------------------------------------------------------------- */

/** Largest group the run-time supports (barrier arrays, heap slots). */
#define EPRT_MAX_CORES 64

/** Data that other cores may write at any time (mailboxes, flags, mutexes), DMA descriptors:
 *  always in this core's SRAM, loaded from the ELF (zeros unless initialised) and never
 *  cleared by crt0 -- unlike .bss, which crt0 clears when the core starts, possibly after a
 *  faster core has already written into it. */
#define EPRT_SRAM        __attribute__((section(".eprt_sram")))
/** Code that must be in SRAM in every layout (interrupt handlers: the IVT reaches +-16 MB). */
#define EPRT_SRAM_TEXT   __attribute__((section(".eprt_sram_text")))
/** One copy for the whole chip, in external DRAM at 0x8F000000 (loaded once by the loader). */
#define EPRT_SHARED_DRAM __attribute__((section(".shared_dram")))

/* ------------------------------------------------------------------------------------------
 * Loader records (fact sheet §6.4 step 5), at fixed addresses 0x28, 0x50, 0x58
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    uint32_t objtype;        /* 3 = E_EPI_GROUP */
    uint32_t chiptype;       /* 0 = E16G301, 1 = E64G401 */
    uint32_t group_id;       /* coreid of the group's core (0,0) */
    uint32_t group_row;      /* absolute mesh row of the group's core (0,0) */
    uint32_t group_col;      /* absolute mesh column of the group's core (0,0) */
    uint32_t group_rows;     /* group height in cores */
    uint32_t group_cols;     /* group width in cores */
    uint32_t core_row;       /* this core's row, relative to the group */
    uint32_t core_col;       /* this core's column, relative to the group */
    uint32_t padding;        /* 0xDEADBEEF */
} eprt_group_cfg_t;

typedef struct {
    uint32_t objtype;        /* 5 = E_EXT_MEM */
    uint32_t base;           /* 0x8E000000 */
} eprt_emem_cfg_t;

typedef struct {
    uint32_t flags;          /* bit 0: the loader cleared .bss */
    uint32_t pad0;
    uint32_t args_ptr;
    uint32_t pad1;
} eprt_loader_cfg_t;

/* defined by the linker scripts */
extern volatile eprt_group_cfg_t __eprt_workgroup_cfg;
extern volatile eprt_emem_cfg_t __eprt_ext_mem_cfg;
extern volatile eprt_loader_cfg_t __eprt_loader_cfg;

/* ------------------------------------------------------------------------------------------
 * Core identity and group geometry
 * ---------------------------------------------------------------------------------------- */

/** This core's 12-bit mesh id (row << 6 | col), from the COREID register. */
static inline unsigned eprt_coreid(void)
{
    unsigned id;
    __asm__ __volatile__("movfs %0, coreid" : "=r"(id));
    return id & 0xFFF;
}

/** Non-zero when the loader wrote a group record (group_rows and group_cols non-zero).
 *  Without one the run-time treats the core as a group of one. */
static inline int eprt_group_valid(void)
{
    return __eprt_workgroup_cfg.group_rows != 0 && __eprt_workgroup_cfg.group_cols != 0;
}

static inline unsigned eprt_rows(void)
{
    return eprt_group_valid() ? __eprt_workgroup_cfg.group_rows : 1;
}

static inline unsigned eprt_cols(void)
{
    return eprt_group_valid() ? __eprt_workgroup_cfg.group_cols : 1;
}

/** Absolute mesh row/column of the group's core (0,0). */
static inline unsigned eprt_group_row0(void)
{
    return eprt_group_valid() ? __eprt_workgroup_cfg.group_row : eprt_coreid() >> 6;
}

static inline unsigned eprt_group_col0(void)
{
    return eprt_group_valid() ? __eprt_workgroup_cfg.group_col : eprt_coreid() & 63;
}

/** This core's position in the group (derived from COREID; eprt_init() checks that it
 *  agrees with core_row/core_col of the record). */
static inline unsigned eprt_row(void) { return (eprt_coreid() >> 6) - eprt_group_row0(); }
static inline unsigned eprt_col(void) { return (eprt_coreid() & 63) - eprt_group_col0(); }

/** Number of cores in the group, and this core's index row * cols + col. */
unsigned eprt_ncores(void);
unsigned eprt_index(void);

/** Mesh id of the group core at (row, col). */
static inline unsigned eprt_coreid_at(unsigned row, unsigned col)
{
    return ((eprt_group_row0() + row) << 6) + eprt_group_col0() + col;
}

/** Global alias of a pointer as seen from another core: a core-local address (bits 31:20
 *  zero) becomes coreid_at(row, col) << 20 | address; a global address is returned as is. */
static inline void *eprt_global_at(unsigned row, unsigned col, const volatile void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (a >> 20)
        return (void *)a;
    return (void *)((eprt_coreid_at(row, col) << 20) | a);
}

/** Global alias of a local pointer of this core. */
static inline void *eprt_global(const volatile void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (a >> 20)
        return (void *)a;
    return (void *)((eprt_coreid() << 20) | a);
}

/** Check the group record against COREID (a mismatch ends the program with exit code 125 and
 *  a message), then wait on the start barrier: after eprt_init() returns on any core, every
 *  core of the group has finished crt0 (so its .bss may be written from outside).
 *  Returns eprt_index(). */
unsigned eprt_init(void);

/** Print "eprt: <msg>" on stderr and exit(code). */
void eprt_fail(int code, const char *msg) __attribute__((noreturn));

/* ------------------------------------------------------------------------------------------
 * Memory-mapped registers (fact sheet §1.2): addresses in the core-local view
 * ---------------------------------------------------------------------------------------- */

#define EPRT_REG_CONFIG      0xF0400
#define EPRT_REG_STATUS      0xF0404
#define EPRT_REG_PC          0xF0408
#define EPRT_REG_DEBUGSTATUS 0xF040C
#define EPRT_REG_LC          0xF0414
#define EPRT_REG_LS          0xF0418
#define EPRT_REG_LE          0xF041C
#define EPRT_REG_IRET        0xF0420
#define EPRT_REG_IMASK       0xF0424
#define EPRT_REG_ILAT        0xF0428
#define EPRT_REG_ILATST      0xF042C
#define EPRT_REG_ILATCL      0xF0430
#define EPRT_REG_IPEND       0xF0434
#define EPRT_REG_CTIMER0     0xF0438
#define EPRT_REG_CTIMER1     0xF043C
#define EPRT_REG_FSTATUS     0xF0440
#define EPRT_REG_DEBUGCMD    0xF0448
#define EPRT_REG_DMA0CONFIG  0xF0500
#define EPRT_REG_DMA0STRIDE  0xF0504
#define EPRT_REG_DMA0COUNT   0xF0508
#define EPRT_REG_DMA0SRCADDR 0xF050C
#define EPRT_REG_DMA0DSTADDR 0xF0510
#define EPRT_REG_DMA0AUTO0   0xF0514
#define EPRT_REG_DMA0AUTO1   0xF0518
#define EPRT_REG_DMA0STATUS  0xF051C
#define EPRT_REG_DMA1CONFIG  0xF0520
#define EPRT_REG_DMA1STATUS  0xF053C
#define EPRT_REG_MEMSTATUS   0xF0604
#define EPRT_REG_MEMPROTECT  0xF0608
#define EPRT_REG_MESHCONFIG  0xF0700
#define EPRT_REG_COREID      0xF0704
#define EPRT_REG_MULTICAST   0xF0708
#define EPRT_REG_RESETCORE   0xF070C

/** Read/write register `reg` (an EPRT_REG_* address) of the core with mesh id `coreid`
 *  through its global alias coreid << 20 | reg (works for this core too). */
static inline uint32_t eprt_mmr_read(unsigned coreid, uint32_t reg)
{
    return *(volatile uint32_t *)((coreid << 20) | reg);
}

static inline void eprt_mmr_write(unsigned coreid, uint32_t reg, uint32_t value)
{
    *(volatile uint32_t *)((coreid << 20) | reg) = value;
}

/** Same, for the group core at (row, col). */
static inline uint32_t eprt_reg_read_at(unsigned row, unsigned col, uint32_t reg)
{
    return eprt_mmr_read(eprt_coreid_at(row, col), reg);
}

static inline void eprt_reg_write_at(unsigned row, unsigned col, uint32_t reg, uint32_t value)
{
    eprt_mmr_write(eprt_coreid_at(row, col), reg, value);
}

/* ------------------------------------------------------------------------------------------
 * Interrupts (fact sheet §1.5)
 * ---------------------------------------------------------------------------------------- */

enum {
    EPRT_IRQ_SYNC = 0, EPRT_IRQ_SWEXC = 1, EPRT_IRQ_MEMFAULT = 2, EPRT_IRQ_TIMER0 = 3,
    EPRT_IRQ_TIMER1 = 4, EPRT_IRQ_MESSAGE = 5, EPRT_IRQ_DMA0 = 6, EPRT_IRQ_DMA1 = 7,
    EPRT_IRQ_WAND = 8, EPRT_IRQ_USER = 9
};

/** An interrupt handler: a function declared `__attribute__((interrupt)) EPRT_SRAM_TEXT`
 *  (GCC saves what it uses and returns with RTI).  Do not use interrupt("name"): it emits an
 *  IVT entry that clashes with crt0's vector table (the linker scripts reject it). */
typedef void (*eprt_isr_t)(void);

/** Write `b.l handler` into IVT slot `irq` (address 4 * irq).  Returns 0, or -1 when the
 *  handler is out of the branch's +-16 MB reach (it must be in SRAM: EPRT_SRAM_TEXT). */
int eprt_irq_attach(unsigned irq, eprt_isr_t handler);

/** IMASK bit `irq`: 1 = masked. */
void eprt_irq_mask(unsigned irq);
void eprt_irq_unmask(unsigned irq);

/** STATUS.GID: clear (gie) / set (gid). */
static inline void eprt_irq_enable(void)  { __asm__ __volatile__("gie" ::: "memory"); }
static inline void eprt_irq_disable(void) { __asm__ __volatile__("gid" ::: "memory"); }

/** Disable interrupts and return the previous GID state; restore it. */
static inline unsigned eprt_irq_save(void)
{
    unsigned s;
    __asm__ __volatile__("movfs %0, status" : "=r"(s) :: "memory");
    __asm__ __volatile__("gid" ::: "memory");
    return s & 2;
}

static inline void eprt_irq_restore(unsigned saved)
{
    if (!saved)
        __asm__ __volatile__("gie" ::: "memory");
}

/** Latch interrupt `irq` on the group core (row, col) (ILATST through its global alias;
 *  e-hal's e_signal uses EPRT_IRQ_USER). */
static inline void eprt_irq_raise(unsigned row, unsigned col, unsigned irq)
{
    eprt_reg_write_at(row, col, EPRT_REG_ILATST, 1u << irq);
}

/** Clear latched interrupt `irq` of this core (ILATCL). */
static inline void eprt_irq_clear(unsigned irq)
{
    unsigned v = 1u << irq;
    __asm__ __volatile__("movts ilatcl, %0" :: "r"(v) : "memory");
}

/** Sleep until an interrupt is taken (IDLE). */
static inline void eprt_idle(void) { __asm__ __volatile__("idle" ::: "memory"); }

/* ------------------------------------------------------------------------------------------
 * Event timers (fact sheet §1.7): count down, stop at 0 and raise EPRT_IRQ_TIMER0/1
 * ---------------------------------------------------------------------------------------- */

enum {
    EPRT_CTIMER_OFF = 0x0, EPRT_CTIMER_CLK = 0x1, EPRT_CTIMER_IDLE = 0x2,
    EPRT_CTIMER_IALU = 0x4, EPRT_CTIMER_FPU = 0x5, EPRT_CTIMER_DUAL = 0x6,
    EPRT_CTIMER_E1_STALLS = 0x7, EPRT_CTIMER_RA_STALLS = 0x8,
    EPRT_CTIMER_LOCAL_FETCH_STALLS = 0xA, EPRT_CTIMER_LOCAL_LOAD_STALLS = 0xB,
    EPRT_CTIMER_EXT_FETCH_STALLS = 0xC, EPRT_CTIMER_EXT_LOAD_STALLS = 0xD
};

#define EPRT_CTIMER_MAX 0xFFFFFFFFu

/** Set / read CTIMERn (n = 0 or 1). */
void eprt_ctimer_set(unsigned n, uint32_t value);
uint32_t eprt_ctimer_get(unsigned n);
/** Select the event CTIMERn counts (CONFIG bits 7:4 or 11:8); EPRT_CTIMER_OFF stops it. */
void eprt_ctimer_start(unsigned n, unsigned event);
/** Stop CTIMERn and return its value. */
uint32_t eprt_ctimer_stop(unsigned n);

/* ------------------------------------------------------------------------------------------
 * Mutex: a word in some core's SRAM, taken with TESTSET on its global address; the value
 * stored while locked is the owner's coreid (never 0 on our chips, which start at (32,8))
 * ---------------------------------------------------------------------------------------- */

typedef volatile uint32_t eprt_mutex_t;

/** TESTSET: atomically { old = *gaddr; if (old == 0) *gaddr = value; return old; }.
 *  gaddr must be a global address (bits 31:20 non-zero). */
static inline uint32_t eprt_testset(volatile uint32_t *gaddr, uint32_t value)
{
    uint32_t zero = 0;
    __asm__ __volatile__("testset %0, [%1, %2]" : "+r"(value) : "r"(gaddr), "r"(zero) : "memory");
    return value;
}

/** The mutex is the variable `*m` of the group core (row, col) (the same local address on
 *  every core, since all run one image).  Put it in EPRT_SRAM storage. */
void eprt_mutex_lock(unsigned row, unsigned col, eprt_mutex_t *m);
/** 0 = acquired, otherwise the coreid of the current owner. */
uint32_t eprt_mutex_trylock(unsigned row, unsigned col, eprt_mutex_t *m);
void eprt_mutex_unlock(unsigned row, unsigned col, eprt_mutex_t *m);

/* ------------------------------------------------------------------------------------------
 * Barriers
 * ---------------------------------------------------------------------------------------- */

/** All cores of the group wait until every one has arrived.  Each core writes its arrival
 *  (a generation number) into the leader's SRAM and spins on a local release word that the
 *  leader writes when all have arrived: remote writes only, local spinning.  Does not order
 *  earlier remote writes to third cores (see docs/runtime.md). */
void eprt_barrier(void);

/** Barrier through the WAND instruction and interrupt (fact sheet §2.3): only meaningful when
 *  the group is the whole chip (the hardware ANDs the flags of every core).  Attaches its
 *  own handler to EPRT_IRQ_WAND and unmasks it. */
void eprt_wand_barrier(void);

/* ------------------------------------------------------------------------------------------
 * DMA (fact sheet §1.8)
 * ---------------------------------------------------------------------------------------- */

enum {
    EPRT_DMA_ENABLE = 1u << 0, EPRT_DMA_MASTER = 1u << 1, EPRT_DMA_CHAIN = 1u << 2,
    EPRT_DMA_STARTUP = 1u << 3, EPRT_DMA_IRQEN = 1u << 4,
    EPRT_DMA_BYTE = 0u << 5, EPRT_DMA_HWORD = 1u << 5, EPRT_DMA_WORD = 2u << 5,
    EPRT_DMA_DWORD = 3u << 5, EPRT_DMA_MSGMODE = 1u << 10,
    EPRT_DMA_SHIFT_SRC_IN = 1u << 12, EPRT_DMA_SHIFT_DST_IN = 1u << 13,
    EPRT_DMA_SHIFT_SRC_OUT = 1u << 14, EPRT_DMA_SHIFT_DST_OUT = 1u << 15
};

/** A transfer descriptor: 8-byte aligned, in this core's SRAM (its address must fit 16 bits).
 *  Layout = the DMA channel's register order (MAN table 2, e-lib e_dma_desc_t). */
typedef struct {
    uint32_t config;         /* DMAxCONFIG without STARTUP; bits 31:16 = next descriptor */
    uint32_t inner_stride;   /* dst << 16 | src, signed 16-bit byte strides */
    uint32_t count;          /* outer << 16 | inner element counts, each >= 1 */
    uint32_t outer_stride;   /* dst << 16 | src, applied instead of inner after a row */
    uint32_t src;
    uint32_t dst;
} __attribute__((aligned(8))) eprt_dma_desc_t;

/** Fill a descriptor.  `config` = EPRT_DMA_* bits (ENABLE|MASTER|size...), `next` = the next
 *  descriptor for EPRT_DMA_CHAIN or NULL.  Strides and counts as in the struct. */
void eprt_dma_set_desc(eprt_dma_desc_t *d, uint32_t config, const eprt_dma_desc_t *next,
                       int16_t src_inner, int16_t dst_inner, uint16_t inner_count,
                       uint16_t outer_count, int16_t src_outer, int16_t dst_outer,
                       const volatile void *src, volatile void *dst);
/** Start channel `chan` (0/1) on `d`: DMAxCONFIG = (d << 16) | STARTUP. */
void eprt_dma_start(unsigned chan, const eprt_dma_desc_t *d);
/** DMAxSTATUS & 0xF (0 = idle). */
unsigned eprt_dma_busy(unsigned chan);
void eprt_dma_wait(unsigned chan);

/** Copy n bytes with channel `chan` and wait for it.  Element size = the largest of 8/4/2/1
 *  dividing dst, src and n.  Local addresses (bits 31:20 zero) mean this core.  Returns 0, or
 *  -1 if chan > 1.  Uses the run-time's descriptor for the channel. */
int eprt_dma_copy(unsigned chan, volatile void *dst, const volatile void *src, size_t n);

/** Copy `rows` rows of `row_bytes` bytes: source rows start src_pitch bytes apart,
 *  destination rows dst_pitch bytes apart.  Returns 0, or -1 on bad arguments (chan, counts
 *  > 65535, strides outside int16). */
int eprt_dma_copy2d(unsigned chan, volatile void *dst, size_t dst_pitch,
                    const volatile void *src, size_t src_pitch, size_t row_bytes, size_t rows);

/* ------------------------------------------------------------------------------------------
 * Output without stdio
 * ---------------------------------------------------------------------------------------- */

/** write(2) through TRAP 0: r0 = fd, r1 = buf, r2 = n; returns r0. */
int eprt_write(int fd, const void *buf, unsigned n);

/** Minimal printf to stdout: %d %i %u %x %X %c %s %p %%, flags '-' and '0', a width, and 'l'
 *  (ignored: int == long).  No floating point.  Output of one call goes out in one write
 *  (up to 256 bytes; longer output is split).  Returns the number of bytes written. */
int eprt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------------------------------
 * Heap: the run-time's _sbrk gives the core with group index k the DRAM range
 * [__eprt_heap_base + k * __eprt_heap_stride, + __eprt_heap_stride)
 * ---------------------------------------------------------------------------------------- */

/** This core's heap range (as used by malloc through _sbrk). */
void *eprt_heap_start(void);
void *eprt_heap_end(void);

/** Symbols of the linker scripts (addresses; use &__eprt_heap_base etc.). */
extern char __eprt_layout[], __eprt_dram_base[], __eprt_shared_base[], __eprt_shared_size[];
extern char __eprt_shared_free[], __eprt_heap_base[], __eprt_heap_stride[], __eprt_heap_slots[];

/** 0 internal.ld, 1 fast.ld, 2 legacy.ld */
static inline unsigned eprt_layout(void) { return (unsigned)(uintptr_t)__eprt_layout; }

#ifdef __cplusplus
}
#endif

#endif /* EPRT_H */
