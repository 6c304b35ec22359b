# Memory-mapped registers of a core (MMR_LO..MMR_HI): GPRs and the special registers of
# isa/regs.py, with their side effects.  MOVTS/MOVFS use the same two functions as loads and
# stores through the mesh, so every access path has one behaviour.  Included by _core.pyx.

# MMR_<NAME> (core-local offsets) come from isa/regs.py through emu/_gen_isa.pxi.


cdef inline uint32_t status_get(Core* c) noexcept nogil:
    return (c.active | c.status_rest | (<uint32_t>c.af * ST_AZ) | (<uint32_t>c.bf * ST_BZ)
            | (ST_BV if c.bv else 0) | (ST_AVS if c.avs else 0) | (ST_BIS if c.bis else 0)
            | (ST_BVS if c.bvs else 0) | (ST_BUS if c.bus else 0))


cdef inline void status_set(Core* c, uint32_t v, bint all_bits) noexcept nogil:
    """MOVTS STATUS / stores keep bits [2:0]; FSTATUS writes every bit."""
    if not all_bits:
        v = (v & ~7u) | (status_get(c) & 7u)
    c.active = v & 1
    c.status_rest = v & ST_REST_MASK
    c.af = (v // ST_AZ) & 0xF            # AZ AN AC AV, packed (see Core.af)
    c.bf = (v // ST_BZ) & 3              # BZ BN
    c.bv = (v & ST_BV) != 0
    c.avs = (v & ST_AVS) != 0
    c.bis = (v & ST_BIS) != 0
    c.bvs = (v & ST_BVS) != 0
    c.bus = (v & ST_BUS) != 0
    irq_update(c)


cdef inline void config_set(Core* c, uint32_t v) noexcept nogil:
    cdef uint32_t am = (v & CFG_ARITHMODE_MASK) >> CFG_ARITHMODE_SHIFT
    cdef uint32_t m
    cdef int k
    if ((v ^ c.config) >> CFG_CTIMER0_SHIFT) & 0xFF:     # a timer's event changes: count from now
        c.tmr_seen[0] = ctimer_events(c, (v >> CFG_CTIMER0_SHIFT) & 0xF)
        c.tmr_seen[1] = ctimer_events(c, (v >> CFG_CTIMER1_SHIFT) & 0xF)
    c.config = v
    c.rmode = v & CFG_RMODE
    c.int_mode = 0 if am == ARITHMODE_FLOAT else (1 if am == ARITHMODE_INT else 2)
    c.timer_on = 1 if ((v >> CFG_CTIMER0_SHIFT) & 0xF) or ((v >> CFG_CTIMER1_SHIFT) & 0xF) else 0
    c.tmr_cls = 0
    for k in range(2):
        m = (v >> (CFG_CTIMER1_SHIFT if k else CFG_CTIMER0_SHIFT)) & 0xF
        if m == CTIMER_IALU or m == CTIMER_FPU:
            c.tmr_cls = 1
    attn_update(c)


cdef uint32_t mmr_read(Core* t, uint32_t off) noexcept nogil:
    """Read the memory-mapped register at core-local offset off of core t (0 if none)."""
    cdef uint32_t k
    if off < MMR_GPR_END:
        return t.r[(off - MMR_LO) >> 2]
    if off == MMR_CONFIG:
        return t.config
    if off == MMR_STATUS:
        return status_get(t)
    if off == MMR_PC:
        return t.pc
    if off == MMR_DEBUGSTATUS:
        return t.debugstatus
    if off == MMR_IAB:
        return t.iab
    if off == MMR_LC:
        return t.lc
    if off == MMR_LS:
        return t.ls
    if off == MMR_LE:
        return t.le
    if off == MMR_IRET:
        return t.iret
    if off == MMR_IMASK:
        return t.imask
    if off == MMR_ILAT:
        return t.ilat
    if off == MMR_IPEND:
        return t.ipend
    if off == MMR_CTIMER0:
        return t.ctimer[0]
    if off == MMR_CTIMER1:
        return t.ctimer[1]
    if off >= MMR_DMA0CONFIG and off < MMR_DMA0CONFIG + 64:
        return t.dma[(off - MMR_DMA0CONFIG) >> 2]
    if off == MMR_MEMCONFIG:
        return t.memconfig
    if off == MMR_MEMSTATUS:
        return t.memstatus
    if off == MMR_MEMPROTECT:
        return t.memprotect
    if off == MMR_MESHCONFIG:
        return t.meshconfig
    if off == MMR_COREID:
        return t.coreid
    if off == MMR_MULTICAST:
        return t.multicast
    return 0      # write-only or reserved registers read as 0


cdef inline int mmr_write_at(Core* t, uint32_t off, uint32_t v, Core* src,
                             uint64_t when) noexcept nogil:
    """mmr_write by another core (or a DMA engine) whose write lands at cycle `when`."""
    if off == MMR_ILATST or off == MMR_ILAT:
        wake_at(t, when)
    return mmr_write(t, off, v, src)


cdef int mmr_write(Core* t, uint32_t off, uint32_t v, Core* src) noexcept nogil:
    """Write the memory-mapped register at offset off of core t (src = the writer, may be t).
    Returns 0 (writes to reserved registers are ignored, as on hardware)."""
    if off < MMR_GPR_END:
        t.r[(off - MMR_LO) >> 2] = v
        return 0
    if off == MMR_CONFIG:
        config_set(t, v)
    elif off == MMR_STATUS:
        status_set(t, v, 0)
    elif off == MMR_FSTATUS:
        status_set(t, v, 1)
    elif off == MMR_PC:
        t.pc = v
        t.npc = v
        t.win_size = 0
    elif off == MMR_IAB:
        t.iab = v
    elif off == MMR_LC:
        t.lc = v
        attn_update(t)
    elif off == MMR_LS:
        t.ls = v
    elif off == MMR_LE:
        t.le = v
        attn_update(t)
    elif off == MMR_IRET:
        t.iret = v
    elif off == MMR_IMASK:
        t.imask = v          # kept whole, as the GNU simulator; only the IRQ bits mask
        irq_update(t)
    elif off == MMR_ILAT:
        t.ilat = v & IRQ_ALL
        irq_update(t)
    elif off == MMR_ILATST:
        latch_irq(t, v)
    elif off == MMR_ILATCL:
        t.ilat &= ~v
        irq_update(t)
    elif off == MMR_IPEND:
        t.ipend = v & IRQ_ALL
        irq_update(t)
    elif off == MMR_CTIMER0:
        t.ctimer[0] = v
    elif off == MMR_CTIMER1:
        t.ctimer[1] = v
    elif off == MMR_DEBUGCMD:
        if (v & 3) == 1:
            t.halted = 1
            t.debugstatus |= 1
            attn_update(t)
        elif (v & 3) == 0:
            t.halted = 0
            t.debugstatus &= ~1u
            attn_update(t)
    elif off >= MMR_DMA0CONFIG and off < MMR_DMA0CONFIG + 64:
        dma_reg_write(t, (off - MMR_DMA0CONFIG) >> 2, v, src.now if src == t else t.chip.now)
        attn_update(t)
    elif off == MMR_MEMCONFIG:
        t.memconfig = v
    elif off == MMR_MEMSTATUS:
        t.memstatus = v
    elif off == MMR_MEMPROTECT:
        t.memprotect = v
    elif off == MMR_MESHCONFIG:
        t.meshconfig = v
    elif off == MMR_MULTICAST:
        t.multicast = v & 0xFFF
    elif off == MMR_RESETCORE:
        if v & 1:
            core_reset(t)
    return 0
