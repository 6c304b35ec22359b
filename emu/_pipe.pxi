# The pipeline model of one instruction (MAN §4 "Pipeline", fact sheet §5.1), in two halves:
# tm_issue before it executes (when it can issue) and tm_retire after (its results' ready
# times).  The run loop, the block builder and the block replay all use these two functions,
# so the model is written once; they are inline, and the run loop passes its locals.

cdef enum:
    AFTER_JUMP = 0x80    # pair_mask bit: the previous instruction was a taken jump
    BLOCK_EDGE = 0x40    # pair_mask bit: a block may start here (see _blocks.pxi)


cdef inline uint64_t tm_fmask(const Insn* ins) noexcept nogil:
    """All ones for an FPU/IALU2 instruction (the IALU->FPU separation), else 0."""
    return 0 - <uint64_t>((ins.tflags >> 2) & 1)       # (TF_FPU is bit 2)


cdef inline uint64_t tm_dst_mask(const Insn* ins) noexcept nogil:
    """The registers *ins writes with its result latency: wr_mask but a load's
    post-modified base, ready at once (TF_FAST)."""
    if ins.tflags & TF_FAST:
        return ins.wr_mask & ~((<uint64_t>1) << ins.rn)
    return ins.wr_mask


cdef inline uint64_t tm_issue(const Insn* ins, uint32_t pc, uint64_t t, uint64_t* rdy,
                              Counters* cnt, uint64_t* pending, uint64_t prev_dst,
                              uint64_t prev_ialu, uint8_t* pair_mask,
                              uint64_t* cand) noexcept nogil:
    """The cycle instruction *ins at pc issues in, the cycle after the previous one being t.
    In-order issue, interlocked on RAW and WAW by the separation table; dual issue of an
    allowed pair (IALU + FPU/IALU2, FPU/IALU2 + load/store) of independent instructions, the
    second one issued in the first one's cycle; +1 after a jump to a 32-bit instruction
    straddling an 8-byte fetch line.  Only registers produced by long-latency instructions
    (loads, FPU) are tracked in the scoreboard (`pending`, rdy); an IALU result is ready for
    the next IALU/load-store instruction and a cycle later for an FPU one (`prev_ialu`).  The
    scoreboard is read branch-free, and only when the instruction touches a pending register;
    registers it finds landed leave `pending`.  cand receives the cycle it could issue in
    with every register landed (the block builder's constraints)."""
    cdef uint64_t r = 0, x, r2
    cdef uint64_t m = ins.dep_mask
    cdef uint64_t* R
    if pair_mask[0] & AFTER_JUMP:       # (cleared below: nothing pairs after a jump)
        if ins.size == 4 and (pc & 7) == 6:
            t += 1
            cnt.fetch_stall_cycles += 1
    cand[0] = t
    if m & (pending[0] | (prev_ialu & tm_fmask(ins))):
        # it reads a long-latency result that may be in flight, or it is an FPU
        # instruction reading the previous IALU instruction's result
        R = &rdy[ins.rsel]
        r = R[ins.s0]
        x = R[ins.s1]
        r = x if x > r else r
        x = R[ins.s2]                    # (and the result register: WAW)
        r = x if x > r else r
        if (r >> 1) < t:
            # all landed, usable even by a pair issued at t - 1: no longer pending
            # (the FPU flags' bit 63, shared with r63, only leaves as a result)
            pending[0] &= ~m | FLAGS_BIT
        if m & prev_ialu & tm_fmask(ins):
            x = (t + 1) << 1             # IALU -> FPU/IALU2: one cycle of separation
            r = x if x > r else r
    r2 = r >> 1
    if (pair_mask[0] >> ins.unit) & 1 and r2 < t and not (m & prev_dst):
        pair_mask[0] = 0
        cnt.n_dual_issue += 1
        return t - 1
    pair_mask[0] = ins.pairs
    if r2 > t:
        # waiting for a load's data is a load stall, anything else a dependency
        if r & 1:
            cnt.load_stall_cycles += r2 - t
            cnt.stall_cycles += r2 - t
        else:
            cnt.dep_stall_cycles += r2 - t
            cnt.stall_cycles += r2 - t
        t = r2
    return t


cdef void tm_issue_undo(const Insn* ins, uint32_t pc, uint64_t t, uint64_t* rdy,
                       Counters* cnt, uint64_t pending, uint64_t prev_dst, uint64_t prev_ialu,
                       uint8_t pair_mask) noexcept nogil:
    """Take back the counts of a tm_issue(ins, pc, t, ...) made in this state (pending and
    pair_mask as they were before it) whose instruction then did not execute (EXEC_YIELD)."""
    cdef Counters d
    cdef uint64_t cand
    memset(&d, 0, sizeof(Counters))
    tm_issue(ins, pc, t, rdy, &d, &pending, prev_dst, prev_ialu, &pair_mask, &cand)
    cnt.fetch_stall_cycles -= d.fetch_stall_cycles
    cnt.n_dual_issue -= d.n_dual_issue
    cnt.load_stall_cycles -= d.load_stall_cycles
    cnt.dep_stall_cycles -= d.dep_stall_cycles
    cnt.stall_cycles -= d.stall_cycles


cdef inline uint64_t tm_retire(Core* c, const Insn* ins, uint32_t pc, uint64_t t,
                               uint64_t* rdy, uint64_t* pending, uint64_t* prev_dst,
                               uint64_t* prev_ialu) noexcept nogil:
    """After *ins executed, its memory access having completed at t: the fetch/load-store
    bank conflict, and the ready times of its results.  Returns the (possibly later) t."""
    cdef uint64_t x, r
    if c.lbank:
        # MAN §4: per bank, load/store has priority over instruction fetch: a fetch
        # of the next line from the same 8 KB bank waits a cycle
        if (c.lbank & 3) == ((pc >> 13) & 3) and ((pc ^ (pc + ins.size)) >> 3) \
                and pc < c.sram_size:
            t += 1
            c.cnt.bank_conflict_cycles += 1
        c.lbank = 0
    if ins.tflags & TF_LONG:
        x = (t << 1) + ins.wr_i
        r = (t << 1) + ins.wr_f
        rdy[ins.d0] = x
        rdy[<size_t>RDY_F + ins.d0] = r
        rdy[ins.w1] = x
        rdy[<size_t>RDY_F + ins.w1] = r
        pending[0] = (pending[0] & ~ins.wr_mask) | tm_dst_mask(ins)
        prev_ialu[0] = 0
    else:
        pending[0] &= ~ins.wr_mask
        prev_ialu[0] = ins.wr_mask
    prev_dst[0] = ins.wr_mask
    return t
