# Observation: the per-address profile and the instruction trace.  Only called when the chip
# observes (profiling or tracing); with both off, the run loop pays one predictable branch.
# Included by _core.pyx.  The records are formatted in Python (emu/profile.py, emu/trace.py).

cdef inline void prof_data(uint32_t* hist, uint32_t off, int write) noexcept nogil:
    """Count an access to the 64-byte block holding `off` (profiling)."""
    if hist != NULL:
        hist[(off >> 6) * 2 + write] += 1


cdef ProfEntry* prof_window(Core* c, Core* owner, ExtRegion* r, uint32_t page) noexcept nogil:
    """The profile entries parallel to a new fetch window (allocated on first use)."""
    if owner != NULL:
        if owner.prof == NULL:
            owner.prof = <ProfEntry*>calloc(owner.sram_size // 2, sizeof(ProfEntry))
        return owner.prof
    if r.prof_pages == NULL:
        r.prof_pages = <ProfEntry**>calloc(r.size // 4096, sizeof(ProfEntry*))
        if r.prof_pages == NULL:
            return NULL
    if r.prof_pages[page] == NULL:
        r.prof_pages[page] = <ProfEntry*>calloc(2048, sizeof(ProfEntry))
    return r.prof_pages[page]


cdef int observe_insn(Core* c, const Insn* ins, uint32_t pc, uint32_t off,
                      uint64_t cycles) noexcept nogil:
    """After an instruction: profile it, trace it.  Returns STOP_TRACE_FULL when the trace
    buffer must be drained before going on, else 0."""
    cdef Chip* ch = c.chip
    cdef ProfEntry* e
    cdef TraceRec* t
    cdef int st = 0
    cdef uint32_t w
    if ch.profiling and c.win_prof != NULL:
        e = &c.win_prof[off >> 1]
        e.n_exec += 1
        e.cycles += cycles
        e.n_remote += c.acc_remote
        e.n_ext += c.acc_ext
    c.acc_remote = 0
    c.acc_ext = 0
    if ch.tracing and c.trace_on and pc >= ch.trace_lo and pc < ch.trace_hi \
            and ch.trace_len < ch.trace_cap:
        t = &ch.trace[ch.trace_len]
        ch.trace_len += 1
        t.cycle = c.cnt.cycles
        t.pc = pc
        w = c.win_mem[off] | (<uint32_t>c.win_mem[off + 1] << 8)
        if ins.size == 4:
            w |= (<uint32_t>c.win_mem[off + 2] << 16) | (<uint32_t>c.win_mem[off + 3] << 24)
        t.word = w
        t.size = ins.size
        t.core = <uint16_t>c.index
        t.nreg = 0
        if ins.d0 < 64:
            t.reg[0] = ins.d0
            t.regval[0] = c.r[ins.d0]
            t.nreg = 1
        if ins.d1 < 64:
            t.reg[t.nreg] = ins.d1
            t.regval[t.nreg] = c.r[ins.d1]
            t.nreg += 1
        t.wsize = c.tr_wsize
        t.waddr = c.tr_waddr
        t.wval = c.tr_wval
        if ch.trace_len >= ch.trace_cap:
            st = STOP_TRACE_FULL
    c.tr_wsize = 0
    return st


cdef inline void trace_store(Core* c, uint32_t addr, int lsz, uint64_t v) noexcept nogil:
    if c.chip.tracing:
        c.tr_waddr = addr
        c.tr_wsize = <uint8_t>(1 << lsz)
        c.tr_wval = v
