/* e_ic.h -- epiphany-emu e-lib: the interrupt controller.
 *
 * A handler is a function declared `void __attribute__((interrupt)) name(void)` (GCC saves
 * what it uses and returns with RTI), installed at run time with e_irq_attach(), which writes a
 * branch to it into the interrupt's vector table slot.  GCC's named form
 * interrupt("timer0") also works with our linker scripts: the slot then holds the branch from
 * the start (docs/elib.md).  Interrupts taken need: the handler attached, the IMASK bit clear
 * (e_irq_mask(irq, E_FALSE)) and interrupts enabled (e_irq_global_mask(E_FALSE)). */
#ifndef EMU_ELIB_E_IC_H
#define EMU_ELIB_E_IC_H

#include "e_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* what a function with the interrupt attribute is */
typedef void (*e_irqhandler_t)(void);
/* signal(2)-style handlers are accepted by e_irq_attach too (called without an argument) */
typedef void (*sighandler_t)(int);

/* interrupt numbers = IVT slots = ILAT/IMASK/IPEND bits (slot 8 is the WAND interrupt, which
 * the ESDK does not name) */
typedef enum {
    E_SYNC = 0,
    E_SW_EXCEPTION = 1,
    E_MEM_FAULT = 2,
    E_TIMER0_INT = 3,
    E_TIMER1_INT = 4,
    E_MESSAGE_INT = 5,
    E_DMA0_INT = 6,
    E_DMA1_INT = 7,
    E_USER_INT = 9,
} e_irq_type_t;

/* point IVT slot `irq` at `handler` (a relative branch: the handler must be in core SRAM) */
void e_irq_attach(e_irq_type_t irq, e_irqhandler_t handler);
#define e_irq_attach(irq, handler) e_irq_attach((irq), (e_irqhandler_t)(handler))

/* latch / clear interrupt `irq` on the group core (row, col) (E_SELF: this core) */
void e_irq_set(unsigned row, unsigned col, e_irq_type_t irq);
void e_irq_clear(unsigned row, unsigned col, e_irq_type_t irq);
/* E_TRUE: disable all interrupts of this core (GID); E_FALSE: enable them (GIE) */
void e_irq_global_mask(e_bool_t state);
/* E_TRUE: mask interrupt `irq` of this core (IMASK bit set); E_FALSE: unmask it */
void e_irq_mask(e_irq_type_t irq, e_bool_t state);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_IC_H */
