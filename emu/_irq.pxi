# Interrupts, exceptions and hardware loops: one helper each (included by _core.pyx).
# Rules: fact sheet §1.5 (acceptance, entry, RTI), §2.4 and esim-corner-cases row 8 (loops).

# STATUS bits (ST_*), interrupt numbers (IRQ_*), exception causes (EXC_*, EXCAUSE_E3/E4) come
# from isa/regs.py through emu/_gen_isa.pxi.

cdef enum:
    # the STATUS bits kept as they are in Core.status_rest (the flags are unpacked)
    ST_REST_MASK = ST_GID | ST_KM | ST_WAND | ST_BC | ST_EXCAUSE


cdef inline void attn_update(Core* c) noexcept nogil:
    """The run loop takes its slow path only when this flag is set; the timed blocks when
    attn_blk is (the same but for the CTIMERs: run_blocks_timers counts them, and hardware
    loops: their blocks end at LE, and after_insn loops back)."""
    c.attn_blk = 1 if (c.irq_pending or c.idle
                       or c.halted or c.single_step or c.dma_active
                       or c.watch_hit or c.win_far or c.cut or c.p1_spin or c.park_req) else 0
    c.attn = c.attn_blk | c.timer_on | (c.lc != 0)
    c.blk_le = c.le if c.lc != 0 else 0xFFFFFFFF


cdef inline void irq_update(Core* c) noexcept nogil:
    """Recompute whether an interrupt can be taken at the next instruction boundary."""
    cdef uint32_t want = c.ilat & ~c.imask & IRQ_ALL
    cdef uint32_t prio
    if c.ipend:
        prio = (c.ipend & (~c.ipend + 1)) - 1   # only higher priorities than the lowest in service
        want &= prio
    c.irq_pending = 1 if (want != 0 and (c.status_rest & ST_GID) == 0) else 0
    attn_update(c)


cdef inline int take_interrupt(Core* c) noexcept nogil:
    """Enter the highest-priority acceptable interrupt (IRET = next instruction not executed).
    Returns its number, or -1 when none could be taken after all."""
    cdef uint32_t want = c.ilat & ~c.imask & IRQ_ALL
    cdef uint32_t i = 0
    if c.ipend:
        want &= (c.ipend & (~c.ipend + 1)) - 1
    while i < N_IRQ and not (want >> i) & 1:
        i += 1
    if i >= N_IRQ:
        c.irq_pending = 0
        attn_update(c)
        return -1
    c.iret = c.pc
    c.pc = c.ivt_base + 4 * i
    c.ipend |= 1u << i
    c.ilat &= ~(1u << i)
    c.status_rest |= ST_GID | ST_KM
    c.active = 1
    c.idle = 0
    c.cnt.n_interrupts += 1
    irq_update(c)
    return <int>i


cdef inline void wake_at(Core* c, uint64_t when) noexcept nogil:
    """Another core raises an interrupt in core c at cycle `when`: an idle core that nothing
    else could have woken slept until then (it may lag behind in its slice: the interrupt
    must not be taken before it was raised)."""
    if c.idle and not (c.irq_pending or c.timer_on or c.dma_active) and c.cnt.cycles < when:
        c.cnt.idle_cycles += when - c.cnt.cycles
        c.cnt.cycles = when


cdef inline void latch_irq(Core* c, uint32_t bits) noexcept nogil:
    """Set ILAT bits (ILATST, timers, DMA, inter-core signals) and wake the core if possible."""
    c.ilat |= bits & IRQ_ALL
    irq_update(c)


cdef inline void raise_exception(Core* c, int exc) noexcept nogil:
    """Software exception: EXCAUSE and ILAT[1] in one step (taken at the next boundary, so
    IRET is the instruction after the one that caused it)."""
    cdef uint32_t code = EXCAUSE_E4[exc] if c.chip.excause_e4 else EXCAUSE_E3[exc]
    c.status_rest = (c.status_rest & ~ST_EXCAUSE) | (code << ST_EXCAUSE_SHIFT)
    latch_irq(c, 1u << IRQ_SWEXC)


cdef inline void do_rti(Core* c) noexcept nogil:
    if c.ipend:
        c.ipend &= c.ipend - 1          # clear the lowest set bit
    c.status_rest &= ~(ST_GID | ST_KM)
    c.npc = c.iret
    if c.npc & 1:
        c.win_size = 0
    irq_update(c)


cdef inline void hwloop_end(Core* c) noexcept nogil:
    """The instruction at LE completed without branching: back to LS while LC is not 0.
    LC counts down when the PC arrives at LS (hwloop_arrive), the first entry included: in
    pass k the body reads LC - k, and the passes are LC for LC >= 1, one for LC = 0, as the
    GNU simulator measured (esim-corner-cases row 8)."""
    if c.lc != 0:
        c.npc = c.ls


cdef inline void hwloop_arrive(Core* c) noexcept nogil:
    """The instruction at LS is about to run with LC not 0: LC counts down (hwloop_end)."""
    c.lc -= 1
    if c.lc == 0:
        attn_update(c)


cdef inline void hwloop_unarrive(Core* c) noexcept nogil:
    """Undo hwloop_arrive: the instruction at LS did not run (it yielded, or faulted and
    will run again)."""
    c.lc += 1
    if c.lc == 1:
        attn_update(c)
