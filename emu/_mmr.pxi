# Memory-mapped registers of a core (0xF0000-0xF07FF): GPRs and the special registers of
# isa/regs.py, with their side effects.  MOVTS/MOVFS use the same two functions as loads and
# stores through the mesh, so every access path has one behaviour.  Included by _core.pyx.

# MMR_<NAME> (core-local offsets) come from isa/regs.py through emu/_gen_isa.pxi.


cdef inline uint32_t status_get(Core* c) noexcept nogil:
    return (c.active | c.status_rest | (<uint32_t>c.af << 4) | (<uint32_t>c.bf << 8)
            | (<uint32_t>c.bv << 10) | (<uint32_t>c.avs << 12) | (<uint32_t>c.bis << 13)
            | (<uint32_t>c.bvs << 14) | (<uint32_t>c.bus << 15))


cdef inline void status_set(Core* c, uint32_t v, bint all_bits) noexcept nogil:
    """MOVTS STATUS / stores keep bits [2:0]; FSTATUS writes every bit."""
    if not all_bits:
        v = (v & ~7u) | (status_get(c) & 7u)
    c.active = v & 1
    c.status_rest = v & ST_REST_MASK
    c.af = (v >> 4) & 0xF
    c.bf = (v >> 8) & 3
    c.bv = (v >> 10) & 1
    c.avs = (v >> 12) & 1
    c.bis = (v >> 13) & 1
    c.bvs = (v >> 14) & 1
    c.bus = (v >> 15) & 1
    irq_update(c)


cdef inline void config_set(Core* c, uint32_t v) noexcept nogil:
    cdef uint32_t am = (v >> 17) & 0xF
    c.config = v
    c.rmode = v & 1
    c.int_mode = 0 if am == 0 else (1 if am == 4 else 2)
    c.timer_on = 1 if (v & 0xFF0) != 0 else 0
    attn_update(c)


cdef uint32_t mmr_read(Core* t, uint32_t off) noexcept nogil:
    """Read the memory-mapped register at core-local offset off of core t (0 if none)."""
    cdef uint32_t k
    if off < 0xF0100:
        return t.r[(off - 0xF0000) >> 2]
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


cdef int mmr_write(Core* t, uint32_t off, uint32_t v, Core* src) noexcept nogil:
    """Write the memory-mapped register at offset off of core t (src = the writer, may be t).
    Returns 0 (writes to reserved registers are ignored, as on hardware)."""
    if off < 0xF0100:
        t.r[(off - 0xF0000) >> 2] = v
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
    elif off == MMR_IRET:
        t.iret = v
    elif off == MMR_IMASK:
        t.imask = v & 0x3FF
        irq_update(t)
    elif off == MMR_ILAT:
        t.ilat = v & 0x3FF
        irq_update(t)
    elif off == MMR_ILATST:
        latch_irq(t, v)
    elif off == MMR_ILATCL:
        t.ilat &= ~v
        irq_update(t)
    elif off == MMR_IPEND:
        t.ipend = v & 0x3FF
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
