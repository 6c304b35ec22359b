# Semantics: special registers, interrupts control, traps, idle, synchronisation.

cdef inline int sem_movts(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t off = <uint32_t>i.imm
    if c.tmr_blk and timer_write(c, off, c.r[i.rd]):
        c.tmr_yield = 1                 # (run_blocks_timers: the timers counted up to it)
        return EXEC_YIELD
    mmr_write(c, off, c.r[i.rd], c)
    if off == MMR_PC:
        return EXEC_TAKEN
    return EXEC_OK


cdef inline int sem_movfs(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t off = <uint32_t>i.imm
    if off == MMR_PC:
        # the MOVFS's own address, as the GNU simulator reads it (CGEN h-pc) and Adapteva's
        # testsuite for it expects (movfs.cgs; hwloops.s computes position-independent loop
        # bounds from it); docs/errata.md 14
        c.r[i.rd] = c.pc
    else:
        if c.tmr_blk and (off == MMR_CTIMER0 or off == MMR_CTIMER1):
            c.tmr_yield = 1             # (run_blocks_timers: the timers counted up to it)
            return EXEC_YIELD
        c.r[i.rd] = mmr_read(c, off)
    return EXEC_OK


cdef inline int sem_nop(Core* c, const Insn* i) noexcept nogil:
    return EXEC_OK


cdef inline int sem_gie(Core* c, const Insn* i) noexcept nogil:
    c.status_rest &= ~ST_GID
    irq_update(c)
    # one more instruction runs before an interrupt pending now is taken, so `gie; idle`
    # cannot lose a wake-up (e-hal's reset stub relies on it; fact sheet §1.5)
    c.irq_delay = c.irq_pending
    return EXEC_OK


cdef inline int sem_gid(Core* c, const Insn* i) noexcept nogil:
    c.status_rest |= ST_GID
    irq_update(c)
    return EXEC_OK


cdef inline int sem_rti(Core* c, const Insn* i) noexcept nogil:
    do_rti(c)
    return EXEC_TAKEN


cdef inline int sem_idle(Core* c, const Insn* i) noexcept nogil:
    c.active = 0
    c.idle = 1
    attn_update(c)
    return EXEC_OK


cdef inline int sem_trap(Core* c, const Insn* i) noexcept nogil:
    c.trap_num = <uint32_t>i.imm
    c.stop = STOP_TRAP
    return EXEC_STOP


cdef inline int sem_swi(Core* c, const Insn* i) noexcept nogil:
    raise_exception(c, EXC_SWI)
    return EXEC_OK


cdef inline int sem_bkpt(Core* c, const Insn* i) noexcept nogil:
    c.halted = 1
    c.debugstatus |= 1
    attn_update(c)
    c.stop = STOP_BREAKPOINT
    return EXEC_STOP


cdef inline int sem_mbkpt(Core* c, const Insn* i) noexcept nogil:
    cdef int k
    if c.p1:
        return EXEC_YIELD               # (it touches every core)
    park_release_all(c.chip)
    for k in range(c.chip.ncores):
        c.chip.cores[k].halted = 1
        c.chip.cores[k].debugstatus |= 1
        attn_update(&c.chip.cores[k])
    c.stop = STOP_BREAKPOINT
    return EXEC_STOP


cdef inline int sem_wand(Core* c, const Insn* i) noexcept nogil:
    """Set STATUS.WAND; when every core of the chip has it, all get the WAND interrupt."""
    cdef Chip* ch = c.chip
    cdef int k
    if c.p1:
        return EXEC_YIELD               # (it touches every core)
    park_release_all(ch)
    c.status_rest |= ST_WAND
    for k in range(ch.ncores):
        if not (ch.cores[k].status_rest & ST_WAND) and not ch.cores[k].exited:
            return EXEC_OK
    for k in range(ch.ncores):
        ch.cores[k].status_rest &= ~ST_WAND
        wake_at(&ch.cores[k], c.now)
        latch_irq(&ch.cores[k], 1u << IRQ_WAND)
    return EXEC_OK


cdef inline int sem_sync(Core* c, const Insn* i) noexcept nogil:
    cdef int k
    if c.p1:
        return EXEC_YIELD               # (it touches every core)
    park_release_all(c.chip)
    for k in range(c.chip.ncores):
        wake_at(&c.chip.cores[k], c.now)
        latch_irq(&c.chip.cores[k], 1u << IRQ_SYNC)
    return EXEC_OK


cdef inline int invalid_insn(Core* c, int exc) noexcept nogil:
    if c.chip.fault_policy == POLICY_TRAP:
        raise_exception(c, exc)
        return EXEC_OK
    c.stop = STOP_INVALID_INSN
    return EXEC_STOP


cdef inline int sem_unimpl(Core* c, const Insn* i) noexcept nogil:
    return invalid_insn(c, EXC_UNIMPL)


cdef inline int sem_iext(Core* c, const Insn* i) noexcept nogil:
    """FEXT/FDEP/LFSR: Epiphany-V instructions.  On an E-V (ChipConfig.arch "ev") they do what
    the GNU simulator does, the only definition published (CGEN epiphany.cpu: the operation
    is a TODO; AZ and AN are set from RD, which is left unchanged); on the E16G301 they are
    unimplemented (docs/errata.md)."""
    cdef uint32_t v
    if not c.chip.arch_ev:
        return invalid_insn(c, EXC_UNIMPL)
    v = c.r[i.rd]
    c.af = (c.af & ~3) | (1 if v == 0 else 0) | ((v >> 31) << 1)
    return EXEC_OK


cdef inline int sem_invalid(Core* c, const Insn* i) noexcept nogil:
    return invalid_insn(c, EXC_UNIMPL)
