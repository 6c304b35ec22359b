/* eprt_sync.c -- TESTSET mutex and barriers.  See eprt.h, docs/runtime.md. */
#include "eprt.h"

/* ---- mutex ---------------------------------------------------------------------------- */

uint32_t eprt_mutex_trylock(unsigned row, unsigned col, eprt_mutex_t *m)
{
    return eprt_testset((volatile uint32_t *)eprt_global_at(row, col, m), eprt_coreid());
}

void eprt_mutex_lock(unsigned row, unsigned col, eprt_mutex_t *m)
{
    volatile uint32_t *g = (volatile uint32_t *)eprt_global_at(row, col, m);
    unsigned id = eprt_coreid();
    while (eprt_testset(g, id) != 0)
        ;
}

void eprt_mutex_unlock(unsigned row, unsigned col, eprt_mutex_t *m)
{
    volatile uint32_t *g = (volatile uint32_t *)eprt_global_at(row, col, m);
    *g = 0;
}

/* ---- shared-memory barrier -------------------------------------------------------------
 * Generation counting, so nothing ever needs resetting:
 *   arrive[k]  (in the leader's SRAM)  = the last generation core k arrived at,
 *   release    (in every core's SRAM)  = the last generation the leader released.
 * A core of generation g writes g into the leader's arrive[k] and spins locally until its
 * release word is g.  The leader waits until every arrive[k] is g, then writes g into every
 * core's release word.  A core cannot arrive at g+1 before the leader has released g, so
 * arrive[k] and release never run ahead.  The words are EPRT_SRAM: loaded as zeros and never
 * cleared by crt0, so an early core's arrival cannot be wiped out by a late core's start-up. */

static volatile uint32_t bar_arrive[EPRT_MAX_CORES] EPRT_SRAM;
static volatile uint32_t bar_release EPRT_SRAM;
static uint32_t bar_gen EPRT_SRAM;

void eprt_barrier(void)
{
    unsigned rows = eprt_rows(), cols = eprt_cols();
    unsigned row = eprt_row(), col = eprt_col();
    uint32_t gen = ++bar_gen;
    if (row == 0 && col == 0) {
        unsigned r, c, k;
        for (k = 1; k < rows * cols; k++)
            while (bar_arrive[k] != gen)
                ;
        for (r = 0; r < rows; r++)
            for (c = 0; c < cols; c++)
                if (r || c)
                    *(volatile uint32_t *)eprt_global_at(r, c, &bar_release) = gen;
    } else {
        unsigned k = row * cols + col;
        *(volatile uint32_t *)eprt_global_at(0, 0, &bar_arrive[k]) = gen;
        while (bar_release != gen)
            ;
    }
}

/* ---- WAND barrier ---------------------------------------------------------------------
 * WAND sets STATUS.WAND; when every core has it, each takes the WAND interrupt.  The handler
 * clears STATUS.WAND (hardware clearing is not documented; clearing twice is harmless) and
 * sets a local flag.  The waiting loop spins instead of IDLE: an interrupt taken between the
 * flag test and IDLE would otherwise be lost.  GCC's interrupt attribute cannot be used for
 * the handler because its epilogue restores the STATUS it saved, WAND bit included. */

volatile uint32_t eprt_wand_seen_ EPRT_SRAM;   /* global: the assembly handler names it */

void eprt_wand_isr(void);
__asm__(
    "	.section .eprt_sram_text,\"ax\",@progbits\n"
    "	.balign 4\n"
    "	.global _eprt_wand_isr\n"
    "_eprt_wand_isr:\n"
    "	strd r0,[sp,#-1]\n"          /* r0/r1 below SP: the interrupted code does not own it */
    "	movfs r0,status\n"
    "	mov r1,#0xfff7\n"
    "	movt r1,#0xffff\n"
    "	and r1,r0,r1\n"              /* STATUS with WAND (bit 3) clear; flags as on entry */
    "	movts status,r1\n"
    "	mov r0,%low(_eprt_wand_seen_)\n"
    "	movt r0,%high(_eprt_wand_seen_)\n"
    "	mov r1,#1\n"
    "	str r1,[r0]\n"
    "	ldrd r0,[sp,#-1]\n"
    "	rti\n"
    "	.previous\n");

void eprt_wand_barrier(void)
{
    static int attached EPRT_SRAM;
    if (!attached) {
        if (eprt_irq_attach(EPRT_IRQ_WAND, eprt_wand_isr) != 0)
            eprt_fail(124, "eprt_wand_barrier: handler out of reach");
        attached = 1;
    }
    eprt_wand_seen_ = 0;
    eprt_irq_unmask(EPRT_IRQ_WAND);
    __asm__ __volatile__("wand" ::: "memory");
    while (!eprt_wand_seen_)
        ;
}
