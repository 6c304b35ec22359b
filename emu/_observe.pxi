# Observation: the per-address profile and the instruction trace.  Only called when the chip
# observes (profiling or tracing); with both off, the run loop pays one predictable branch.
# A profiled run that is not traced runs timed blocks like a plain one.  A block that ran to
# its schedule without a stall counts the run in the block itself (prof_block_ran: a counter
# and the cycles of its last instruction, which depend on how it left); those runs are added
# to the profile entries of its instructions when the profile is read or the block is dropped
# (prof_block_flush), so a profiled run costs a plain one little more than two additions per
# block.  A run with stalls is added at once (prof_block).  The memory layer counts an
# instruction's remote and off-chip accesses where they happen (prof_access).
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


cdef inline void prof_access(Core* c, int ext) noexcept nogil:
    """Profiling: the instruction at c.pc (in the fetch window) accessed another core's
    memory (ext 0) or off-chip memory (ext 1)."""
    cdef ProfEntry* e
    if c.win_prof != NULL and c.pc - c.win_base < c.win_size:
        e = &c.win_prof[(c.pc - c.win_base) >> 1]
        if ext:
            e.n_ext += 1
        else:
            e.n_remote += 1


cdef inline void prof_insn_at(Core* c, uint32_t off, uint64_t cycles) noexcept nogil:
    """Profiling: one execution of the instruction at offset `off` of the fetch window that
    took `cycles` from the previous instruction's end (as observe_insn counts it)."""
    cdef ProfEntry* e
    if c.win_prof != NULL:
        e = &c.win_prof[off >> 1]
        e.n_exec += 1
        e.cycles += cycles


cdef inline void prof_insn(Core* c, uint32_t pc, uint64_t cycles) noexcept nogil:
    """Profiling: one execution of the instruction at pc (in the fetch window) that took
    `cycles` from the previous instruction's end."""
    cdef ProfEntry* e
    if c.win_prof != NULL and pc - c.win_base < c.win_size:
        e = &c.win_prof[(pc - c.win_base) >> 1]
        e.n_exec += 1
        e.cycles += cycles


cdef void prof_block(Core* c, const Block* b, uint64_t start, uint64_t end,
                     const uint32_t* shk, const uint64_t* shs, int nsh) noexcept nogil:
    """Profiling: block b ran to its schedule from cycle `start` to `end` (after its last
    instruction, branch penalty included), moved by nsh stalls (after instructions shk, of
    shs cycles).  Each instruction gets the cycles from the end of the one before it to its
    own end, as the per-instruction loop counts them (observe_insn)."""
    cdef ProfEntry* base = c.win_prof
    cdef ProfEntry* e
    cdef int k, j = 0
    cdef int64_t prev = 0, cur
    cdef uint64_t shift = 0
    if base == NULL:
        return
    for k in range(b.n):
        if j < nsh and shk[j] == <uint32_t>k:
            shift += shs[j]
            j += 1
        e = &base[(b.meta[k].pc - c.win_base) >> 1]
        e.n_exec += 1
        if k + 1 < b.n:
            cur = <int64_t>b.meta[k].off + b.ins[k].cost + <int64_t>shift
            if cur < prev:
                cur = prev                  # (dual issue: the pair's second instruction)
        else:
            cur = <int64_t>(end - start)
        e.cycles += <uint64_t>(cur - prev)
        prev = cur


cdef inline int32_t prof_sched_end(const Block* b, int k, int32_t prev) noexcept nogil:
    """The end of instruction k (< b.n - 1) of block b in its schedule, from the block's
    start, when the one before it ended at `prev` (the second of a dual-issued pair ends with
    the first)."""
    cdef int32_t cur = b.meta[k].off + <int32_t>b.ins[k].cost
    return cur if cur > prev else prev


cdef inline void prof_block_ran(Core* c, Block* b, uint64_t start, uint64_t end,
                                const uint32_t* shk, const uint64_t* shs,
                                int nsh) noexcept nogil:
    """Profiling: block b ran from cycle `start` to `end`, moved by nsh stalls (see
    prof_block).  Its instructions took their scheduled cycles, plus the stall of those that
    stalled, but for the last one, whose cycles depend on how it left: count the run in the
    block (prof_block_flush adds it to the entries) and add the stalls to their instructions.
    A stall at an instruction that ends with the one before it (the second of a dual-issued
    pair) may not move it by all of the stall: such a run goes to prof_block."""
    cdef int j
    cdef uint64_t sh = 0
    if b.prof == NULL:
        if c.win_prof == NULL:
            return
        b.prof = &c.win_prof[(b.pc - c.win_base) >> 1]
    if nsh:
        for j in range(nsh):
            if shk[j] + 1 < b.n and (b.prof_clamped >> shk[j]) & 1:
                prof_block(c, b, start, end, shk, shs, nsh)
                return
        for j in range(nsh):
            if shk[j] + 1 < b.n:
                b.prof[(b.meta[shk[j]].pc - b.pc) >> 1].cycles += shs[j]
                sh += shs[j]
    b.prof_runs += 1
    b.prof_last += (end - start) - <uint64_t>b.prof_pre - sh


cdef void prof_block_flush(Block* b) noexcept nogil:
    """Add the runs counted in block b (prof_block_ran) to its instructions' entries, as
    prof_block would have added each run."""
    cdef ProfEntry* e
    cdef int k
    cdef int32_t prev = 0, cur
    cdef uint64_t runs = b.prof_runs
    if runs == 0:
        return
    for k in range(b.n):
        e = b.prof + ((b.meta[k].pc - b.pc) >> 1)
        e.n_exec += runs
        if k + 1 < b.n:
            cur = prof_sched_end(b, k, prev)
            e.cycles += runs * <uint64_t>(cur - prev)
            prev = cur
        else:
            e.cycles += b.prof_last
    b.prof_runs = 0
    b.prof_last = 0


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
