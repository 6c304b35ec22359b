# Interrupts, exceptions and hardware loops: one helper each (included by _core.pyx).
# Rules: fact sheet §1.5 (acceptance, entry, RTI), §2.4 and esim-corner-cases row 8 (loops).

cdef enum:
    ST_GID = 1 << 1
    ST_KM = 1 << 2
    ST_WAND = 1 << 3
    ST_BC = 1 << 11
    ST_EXCAUSE = 0xF << 16
    ST_REST_MASK = ST_GID | ST_KM | ST_WAND | ST_BC | ST_EXCAUSE

# exception causes, index into the per-chip code table (E-III or E-IV numbering)
cdef enum:
    EXC_SWI = 0
    EXC_UNALIGNED = 1
    EXC_FPU = 2
    EXC_UNIMPL = 3
    EXC_ILLEGAL = 4

cdef uint32_t[5] EXCAUSE_E3 = [1, 2, 3, 4, 5]
cdef uint32_t[5] EXCAUSE_E4 = [0xE, 0xD, 0x7, 0xF, 0xC]


cdef inline void attn_update(Core* c) noexcept nogil:
    """The run loop takes its slow path only when this flag is set."""
    c.attn = 1 if (c.irq_pending or c.idle or c.timer_on or c.lc != 0 or c.halted
                   or c.single_step or c.dma_active) else 0


cdef inline void irq_update(Core* c) noexcept nogil:
    """Recompute whether an interrupt can be taken at the next instruction boundary."""
    cdef uint32_t want = c.ilat & ~c.imask & 0x3FF
    cdef uint32_t prio
    if c.ipend:
        prio = (c.ipend & (~c.ipend + 1)) - 1   # only higher priorities than the lowest in service
        want &= prio
    c.irq_pending = 1 if (want != 0 and (c.status_rest & ST_GID) == 0) else 0
    attn_update(c)


cdef inline void take_interrupt(Core* c) noexcept nogil:
    """Enter the highest-priority acceptable interrupt (IRET = next instruction not executed)."""
    cdef uint32_t want = c.ilat & ~c.imask & 0x3FF
    cdef uint32_t i = 0
    if c.ipend:
        want &= (c.ipend & (~c.ipend + 1)) - 1
    while i < 10 and not (want >> i) & 1:
        i += 1
    if i >= 10:
        c.irq_pending = 0
        attn_update(c)
        return
    c.iret = c.pc
    c.pc = c.ivt_base + 4 * i
    c.ipend |= 1u << i
    c.ilat &= ~(1u << i)
    c.status_rest |= ST_GID | ST_KM
    c.active = 1
    c.idle = 0
    c.cnt.n_interrupts += 1
    irq_update(c)


cdef inline void latch_irq(Core* c, uint32_t bits) noexcept nogil:
    """Set ILAT bits (ILATST, timers, DMA, inter-core signals) and wake the core if possible."""
    c.ilat |= bits & 0x3FF
    irq_update(c)


cdef inline void raise_exception(Core* c, int exc) noexcept nogil:
    """Software exception: EXCAUSE and ILAT[1] in one step (taken at the next boundary, so
    IRET is the instruction after the one that caused it)."""
    cdef uint32_t code = EXCAUSE_E4[exc] if c.chip.excause_e4 else EXCAUSE_E3[exc]
    c.status_rest = (c.status_rest & ~ST_EXCAUSE) | (code << 16)
    latch_irq(c, 1 << 1)


cdef inline void do_rti(Core* c) noexcept nogil:
    if c.ipend:
        c.ipend &= c.ipend - 1          # clear the lowest set bit
    c.status_rest &= ~(ST_GID | ST_KM)
    c.npc = c.iret
    if c.npc & 1:
        c.win_size = 0
    irq_update(c)


cdef inline void hwloop_end(Core* c) noexcept nogil:
    """The instruction at LE completed without branching: count and loop back to LS.
    Passes = LC for LC >= 1 and one pass for LC = 0, as the GNU simulator measured."""
    if c.lc > 0:
        c.lc -= 1
    if c.lc != 0:
        c.npc = c.ls
    else:
        attn_update(c)
