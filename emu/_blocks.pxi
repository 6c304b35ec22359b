# Timed blocks: the timing model applied once per straight-line block instead of once per
# instruction, with the same cycles.
#
# A block is the code from an entry point (the target of a taken jump, or the instruction after
# a block that fell through) to the first control instruction (branch, jump, ctrl, sys class),
# at most BLK_MAX instructions.  When it is first entered, block_build runs the pipeline model
# (tm_issue / tm_retire, _pipe.pxi) over its instructions from the entry state: the issue cycle
# of each instruction relative to the start, the scoreboard entries and pipeline state it
# leaves, its counters.  That schedule is valid whenever the block is entered in the same
# state, and run_blocks then executes the instructions with nothing per instruction but the
# semantics and the issue cycle for the memory layer.  The entry state that matters is small:
# the pair mask, and for the registers the block touches that may still be in flight, either
# their exact ready times (when they delay an instruction) or only that they landed in time.
# A block is built at the BLK_HOT-th arrival at its entry (Chip.blk_hot; block_warm): code
# that runs once or twice (start-up, the first call of printf) costs less instruction by
# instruction than a schedule built for it.
# Blocks entered in other states get another schedule (up to BLK_VARIANTS per entry; an entry
# that keeps needing new ones is left to the per-instruction loop after BLK_REBUILDS).
#
# What the schedule cannot know is the memory: a load or store that stalls (remote core, eLink,
# contention) or whose bank delays the next fetch.  A stall at an instruction after which no
# register in flight still matters ("shift_ok") moves the rest of the block by the stall; any
# other event (a stall elsewhere, a fault, a trap, an interrupt request, code written) stops
# the block: block_deviate replays the model over the instructions run so far, with the
# stalls that happened, and the per-instruction loop takes over.  The replay checks that it
# lands on the cycles the block used (Chip.blk_mismatch counts disagreements; tests keep it 0),
# and tests compare whole runs with blocks on and off.
#
# With the timing model off (--timing off) the blocks are the same, their schedule the untimed
# one (blk_issue, blk_retire: an instruction issues when the previous one completed; no
# scoreboard, pairing or bank conflict, so a stall only moves the rest of the block).
#
# Blocks are only used by runs that are not traced (a profiled run counts a block's
# instructions when it completes: prof_block), and only while the core needs no slow path
# (c.attn_blk: interrupts, DMA, single steps, code fetched from outside the core's SRAM; a
# running CTIMER is counted per call of run_blocks: run_blocks_timers).  In a hardware loop
# (LC not 0) a block ends at LE and starts at LS (block_build, block_fits); LC counts down
# when a run arrives at LS (hwloop_arrive), and after_insn takes the last instruction back
# to LS while LC is not 0, where the next block starts as after a jump (no penalty: the
# pipeline state goes on).  A block
# is filed under the predecode entry it starts at (Insn.blk) and belongs to its start address
# and to the chip's code generation (Chip.code_gen, bumped whenever a decoded instruction is
# overwritten), so rewritten code and code run from another address get their own schedules.

cdef enum:
    BLK_MAX = 32         # instructions per block
    BLK_SLOTS = 65536    # Chip.blocks entries (Insn.blk is 16 bits)
    BLK_VARIANTS = 4     # schedules kept per entry point
    BLK_BASE = 1 << 24   # the start cycle block_build works from
    BLK_SHIFTS = 4       # stalls a block absorbs before it hands over
    BLK_REBUILDS = 64    # schedules built for one entry before it is left to the run loop
    BLK_MEMORY = 64 << 20  # default Chip.blk_memory: bytes of blocks beyond which they are
                           # all dropped and rebuilt
    BLK_MIN_SLICE = 16   # a core's run of fewer cycles goes instruction by instruction
    TRACE_ADAPT = 32     # a trace's exit looks at how often runs leave there every this many
    TRACE_TRIES = 4      # paths tried for an entry's traces before they end at a branch
    BLK_HOT = 3          # default Chip.blk_hot: arrivals at an entry that build its block
    BLK_HEAT = 8192      # Core.heat counters (entries hashed by pc: one shared is warm sooner)


cdef enum:
    # the CONFIG bits that decide whether FPU-class instructions may raise exceptions: a
    # block's schedule is checked after them only when they may (Block.fpx)
    FPX_ENABLES = CFG_IEN | CFG_OEN | CFG_UEN
    FPX_MASK = FPX_ENABLES | CFG_ARITHMODE_MASK


cdef void block_free(Core* c, Block* b) noexcept nogil:
    """Free block b alone, with the blocks of its exits."""
    cdef int j
    for j in range(b.trace):
        if b.exits[j] != NULL:
            block_free(c, b.exits[j])
    c.blk_bytes -= b.size
    free(b)


cdef void blocks_drop(Core* c, Block* b) noexcept nogil:
    """Free block b of core c and the blocks after it in its list (their profile counts go
    to the profile first)."""
    cdef Block* nx
    while b != NULL:
        nx = b.next
        prof_block_flush(b)
        c.blk_frees += 1                # (links to blocks are stale)
        block_free(c, b)
        b = nx


cdef void blocks_flush_core(Core* c) noexcept nogil:
    """Free every block of core c; they are rebuilt as they are entered again."""
    cdef uint32_t k
    if c.blocks == NULL:
        return
    # (only the slots used: the table is mapped lazily, and a 64x64 chip's 4096 tables of
    # 512 KB would be touched in full)
    for k in range(c.blk_top + 1):
        if c.blocks[k] != NULL:
            blocks_drop(c, c.blocks[k])
            c.blocks[k] = NULL
    c.blk_next = 1
    c.blk_top = 0


cdef void blocks_flush(Chip* ch) noexcept nogil:
    """Free every block of every core."""
    cdef int k
    for k in range(ch.ncores):
        blocks_flush_core(&ch.cores[k])


cdef void observe_on(Chip* ch) noexcept nogil:
    """Turn observation on (Chip.observe).  The blocks built without it drop: their loads and
    stores in the _L variant do not look at it."""
    if not ch.observe:
        ch.observe = 1
        blocks_flush(ch)


cdef void blocks_prof_flush(Chip* ch) noexcept nogil:
    """Add the runs counted in every block to the profile (before it is read)."""
    cdef uint32_t k
    cdef int j
    cdef Block* b
    for j in range(ch.ncores):
        if ch.cores[j].blocks == NULL:
            continue
        for k in range(ch.cores[j].blk_top + 1):
            b = ch.cores[j].blocks[k]
            while b != NULL:
                prof_block_flush(b)
                b = b.next


cdef void blocks_free(Chip* ch) noexcept nogil:
    """Free every block (at teardown)."""
    cdef int k
    if ch.cores == NULL:
        return
    for k in range(ch.ncores):
        blocks_flush_core(&ch.cores[k])
        lazy_free(ch.cores[k].blocks)
        ch.cores[k].blocks = NULL
        lazy_free(ch.cores[k].heat)
        ch.cores[k].heat = NULL


cdef void code_changed(Chip* ch) noexcept nogil:
    """Decoded code changed for every core (off-chip code, the timing parameters, host
    breakpoints): their blocks are stale."""
    cdef int k
    for k in range(ch.ncores):
        ch.cores[k].code_gen += 1


cdef inline uint64_t tm_reg_bit(uint32_t q) noexcept nogil:
    """The timing-mask bit of scoreboard register q (0..REG_BFLAGS), as insn_timing sets it."""
    return FLAGS_BIT if q == REG_BFLAGS else (<uint64_t>1) << q


cdef inline uint64_t blk_issue(bint timed, const Insn* ins, uint32_t pc, uint64_t t,
                               uint64_t* rdy, Counters* cnt, uint64_t* pending,
                               uint64_t prev_dst, uint64_t prev_ialu, uint8_t* pair_mask,
                               uint64_t* cand) noexcept nogil:
    """tm_issue in a timed run; with the timing model off (--timing off), as the
    per-instruction loop: an instruction issues when the previous one completed."""
    if timed:
        return tm_issue(ins, pc, t, rdy, cnt, pending, prev_dst, prev_ialu, pair_mask, cand)
    cand[0] = t
    return t


cdef inline uint64_t blk_retire(bint timed, Core* c, const Insn* ins, uint32_t pc, uint64_t t,
                                uint64_t* rdy, uint64_t* pending, uint64_t* prev_dst,
                                uint64_t* prev_ialu) noexcept nogil:
    """tm_retire in a timed run; untimed, as the per-instruction loop: nothing (no bank
    conflict, no scoreboard)."""
    if timed:
        return tm_retire(c, ins, pc, t, rdy, pending, prev_dst, prev_ialu)
    c.lbank = 0
    return t


cdef uint8_t block_loop_fits(const Block* b, int64_t period) noexcept nogil:
    """A run of block b that goes on to its start at once, `period` cycles after it began,
    leaves the scoreboard in a state it fits (block_fits; the pair mask and pending registers
    are the caller's): each entry condition true of the scoreboard the run leaves (a
    register it writes: from its schedule; one it does not: a `landed` condition stays true,
    an `exact` one does not, time having moved on).  Returns 0 (no), 2 when runs with stalls
    leave it too (no `exact` condition: stalls only delay the writes it leaves, and a
    `landed` condition holds the more), else 1."""
    cdef int j, w
    cdef uint32_t idx, reg, v
    cdef bint found
    cdef uint8_t ret = 2
    for j in range(b.nc):
        idx = b.cs[j].idx
        reg = idx - RDY_F if idx >= RDY_F else idx
        found = 0
        v = 0
        for w in range(b.nw):
            if b.w[w].reg == reg:
                found = 1
                v = b.w[w].vf if idx >= RDY_F else b.w[w].vi
        if b.cs[j].exact:
            if not found or <int64_t>v != 2 * period + b.cs[j].val:
                return 0
            ret = 1
        elif found and <int64_t>v >= 2 * (period + b.cs[j].val):
            return 0
    return ret


cdef uint8_t block_self_loop(const Block* b, uint32_t bp) noexcept nogil:
    """Block b ends in a branch back to its start, and a run of it that takes that branch
    without a stall leaves the state it was built for (block_fits holds again): the pair
    mask after a jump, the same registers pending, and the scoreboard (block_loop_fits).
    Returns 0 (no), 2 when runs with stalls leave it too, else 1."""
    cdef const Insn* br = &b.ins[b.n - 1]
    if not b.bcond_exit or b.meta[b.n - 1].pc + <uint32_t>br.imm != b.pc:
        return 0
    if b.pm != AFTER_JUMP or b.entry_pd or b.entry_pi or b.pend_out != b.entry_pend:
        return 0
    return block_loop_fits(b, b.end_off + <int64_t>bp)


cdef uint8_t block_ft_loop(const Block* b) noexcept nogil:
    """A trace whose last instruction, a B<cond>, falls through to its start (a loop closed
    by a branch back inside it), and a run that falls through there leaves the state it was
    built for, as block_hw_loop asks.  0 (no), 2 (runs with stalls too), or 1."""
    if (b.self_loop or not b.bcond_exit
            or b.meta[b.n - 1].pc + b.ins[b.n - 1].size != b.pc):
        return 0
    if (b.exit_pm != b.pm or b.exit_pd != b.entry_pd or b.exit_pi != b.entry_pi
            or b.pend_out != b.entry_pend):
        return 0
    return block_loop_fits(b, b.end_off)


cdef uint8_t block_hw_loop(const Block* b) noexcept nogil:
    """A run of block b that falls through and goes on at its start -- a hardware loop's
    body from LS to LE, the pipeline going on with no penalty -- leaves the state it was
    built for: the pair mask, prev_dst and prev_ialu, the registers pending and the
    scoreboard (block_loop_fits).  0 (no), 2 (runs with stalls too), or 1.  (Not for a
    block that loops by its branch too: Block.self_loop.)"""
    if b.self_loop or b.ins[b.n - 1].tclass >= TC_BRANCH:
        return 0
    if (b.exit_pm != b.pm or b.exit_pd != b.entry_pd or b.exit_pi != b.entry_pi
            or b.pend_out != b.entry_pend):
        return 0
    return block_loop_fits(b, b.end_off)


cdef Block* block_build(Core* c, Insn* entry, uint32_t pc, uint32_t off, uint8_t pm,
                        uint64_t pd0, uint64_t pi0, uint64_t start,
                        uint64_t pending) noexcept nogil:
    """Build the block starting at the predecode entry `entry` (pc, window offset off) for the
    entry state (pm, the scoreboard c.rdy and `pending` at cycle `start`) and file it under
    the entry.  NULL when there is nothing to build (undecodable code) or no memory.  A trace
    (block_make follows direct branches) gets the blocks of its exits (Block.exits) too."""
    cdef Chip* ch = c.chip
    cdef Block* b
    cdef Block* e
    cdef Block* old
    cdef Block* prev
    cdef int j, k, maxbr = 0
    cdef uint32_t flip = 0
    cdef uint8_t tries = 0
    if c.blocks == NULL:
        # (mapped lazily: the pages of slots never used cost nothing, on a 64x64 chip too)
        c.blocks = <Block**>lazy_zalloc(BLK_SLOTS * sizeof(Block*))
        if c.blocks == NULL:
            return NULL
        c.blk_next = 1
    if c.blk_bytes > ch.blk_memory:
        blocks_flush_core(c)                # (a huge program: start over)
    # (no trace in a hardware loop, nor while observing: the profile counts a block's
    # instructions from its start)
    if ch.blk_traces and not ch.observe and c.lc == 0:
        maxbr = BLK_MAX
        # (the path the entry's traces take now: block_trace_adapt)
        old = c.blocks[entry.blk] if entry.blk else NULL
        if old != NULL and old.entry == entry and old.tries:
            flip = old.flip
            maxbr = old.maxbr
            tries = old.tries
    b = block_make(c, entry, pc, off, pm, pd0, pi0, start, pending, maxbr, flip, 1)
    if b == NULL:
        b = block_make(c, entry, pc, off, pm, pd0, pi0, start, pending, 0, 0, 0)
        if b == NULL:
            return NULL
    b.flip = flip
    b.maxbr = <uint8_t>maxbr
    b.tries = tries
    # file it: in front of the other schedules of this entry, or in a fresh slot
    old = c.blocks[entry.blk] if entry.blk else NULL
    if old != NULL and old.entry == entry and old.gen == c.code_gen:
        b.builds = old.builds + 1
        b.next = old
        c.blocks[entry.blk] = b
        k = 1
        prev = b
        while prev.next != NULL:
            if k == BLK_VARIANTS:
                blocks_drop(c, prev.next)
                prev.next = NULL
                break
            prev = prev.next
            k += 1
    else:
        if old != NULL and old.entry == entry:
            j = entry.blk               # stale schedules of this entry: reuse their slot
        else:
            j = c.blk_next
            c.blk_next = c.blk_next + 1 if c.blk_next + 1 < BLK_SLOTS else 1
        blocks_drop(c, c.blocks[j])
        c.blocks[j] = b
        if j > c.blk_top:
            c.blk_top = j
        b.builds = 1
        entry.blk = <uint16_t>j
    c.blk_built += 1
    return b


cdef Block* block_make(Core* c, Insn* entry, uint32_t pc, uint32_t off, uint8_t pm,
                       uint64_t pd0, uint64_t pi0, uint64_t start, uint64_t pending,
                       int maxbr, uint32_t flip, bint with_exits) noexcept nogil:
    """The block starting at the predecode entry `entry` (pc, window offset off) with its
    schedule for the entry state (pm, the scoreboard c.rdy and `pending` at cycle `start`),
    not filed; NULL when there is nothing to build or no memory.  It ends at a control
    instruction, but for the first maxbr direct branches (B<cond>, B, BL) it meets: a trace
    goes on after those, the way they likely go (B and BL jump, a B<cond> jumps if it goes
    back -- a loop's -- and falls through if it goes forward; bit j of `flip` turns the j-th
    the other way), to code not in it yet in the fetch window; a run that goes the other way
    leaves there (BlkMeta.br; with_exits: the blocks of those exits, Block.exits, made from
    the same schedule as it is built: block_emit)."""
    cdef Chip* ch = c.chip
    cdef Insn* lst[BLK_MAX]
    cdef uint32_t lpc[BLK_MAX]       # their addresses
    cdef uint8_t ltk[BLK_MAX]        # a branch followed: 1 falling through, 2 jumping
    cdef uint64_t R[2 * RDY_F]
    cdef int32_t wr_k[2 * RDY_F]     # last instruction writing each entry (-1: none)
    cdef uint8_t seen[2 * RDY_F]     # entry conditions recorded
    cdef uint8_t unsafe[BLK_MAX]
    cdef BlkCheck cs[2 * RDY_F]
    cdef BlkWrite wr[REG_BFLAGS + 1]
    cdef BlkMeta meta[BLK_MAX]
    cdef Counters cnt
    cdef int n = 0, k, j, nw = 0, nc = 0, idx, s, dead, nbr = 0, jb
    cdef uint32_t o = off, p = pc, q
    cdef Insn* ins
    cdef uint64_t dep_union = 0, pend0, pend, pd = pd0, pi = pi0, cyc, issue, cand, t, v, bit
    cdef uint8_t pmk = pm
    cdef int32_t last_cyc = 0
    cdef uint32_t bp = ch.tm.branch_penalty, br_cyc = 0
    cdef int save_stop = c.stop
    cdef Block* b
    cdef uint8_t* raw
    cdef size_t size
    cdef uint8_t srcs[3]
    cdef bint fpu_raises, tk, failed = 0
    cdef bint timed = ch.tm.timed
    cdef Block* ex[BLK_MAX]
    # the instructions
    while n < BLK_MAX and o < c.win_size:
        ins = &c.win_pd[o >> 1]
        if n and c.lc != 0 and p == c.ls:
            break                       # (a hardware loop's start: LC counts down there)
        if ins.size == 0:
            if ch.nbrk and brk_at(c, o):
                break                   # (host breakpoints stay outside blocks)
            if predecode(c, ins, o):
                c.stop = save_stop      # (the run loop reports it when it gets there)
                break
        lst[n] = ins
        lpc[n] = p
        ltk[n] = 0
        n += 1
        dep_union |= ins.dep_mask
        if ins.tclass >= TC_BRANCH:
            if nbr >= maxbr or n == BLK_MAX or not (ins.op == OP_BCOND16
                                                    or ins.op == OP_BCOND32):
                break
            # a trace goes on after it (see above)
            tk = ins.cond >= 14 or ((ins.imm < 0) ^ ((flip >> nbr) & 1))
            q = p + <uint32_t>ins.imm if tk else p + ins.size
            if q - c.win_base >= c.win_size:
                break
            for j in range(n):
                if lpc[j] == q:
                    break
            else:
                ltk[n - 1] = 2 if tk else 1
                nbr += 1
                p = q
                o = q - c.win_base
                continue
            break
        if c.lc != 0 and p == c.le:
            break                       # (a hardware loop's end: after_insn loops back)
        o += ins.size
        p += ins.size
    if n == 0:
        return NULL
    if ltk[n - 1]:
        # (a branch followed to nothing it could add: undecodable code, a breakpoint) it is
        # the last instruction as in any block
        ltk[n - 1] = 0
        nbr -= 1
    fpu_raises = ((c.config & FPX_ENABLES) != 0 if c.int_mode == 0
                  else ch.fault_policy == POLICY_TRAP)
    if not timed:
        dep_union = 0                   # (no scoreboard: `pending` is not the block's)
    # the schedule, from BLK_BASE: the scoreboard entries of the registers pending at entry
    # relative to it (those in the past as "long ago")
    pend0 = pending & dep_union
    memset(&cnt, 0, sizeof(Counters))
    for idx in range(2 * RDY_F):
        R[idx] = 0
        wr_k[idx] = -1
        seen[idx] = 0
        q = idx - RDY_F if idx >= RDY_F else idx
        if q <= REG_BFLAGS and (pend0 & tm_reg_bit(q)):
            v = c.rdy[idx]
            if v + 2 * BLK_BASE >= 2 * start:
                R[idx] = v + 2 * BLK_BASE - 2 * start
    for k in range(n):
        unsafe[k] = 0
    cyc = BLK_BASE
    pend = pend0
    jb = 0
    for k in range(n):
        ins = lst[k]
        p = lpc[k]
        last_cyc = <int32_t>(cyc - BLK_BASE)
        meta[k].br = 0
        meta[k].br_st = EXEC_OK
        meta[k].back = 0
        if ltk[k]:
            jb += 1
            meta[k].br = <uint8_t>jb
            if ltk[k] == 2:
                meta[k].br_st = EXEC_TAKEN
                meta[k].back = lpc[k + 1] <= p
        if not timed:
            # (--timing off: each instruction issues when the previous one completed)
            meta[k].pc = p
            meta[k].off = <int32_t>(cyc - BLK_BASE)
            meta[k].chk = ins.tclass != TC_IALU and (ins.tclass != TC_FPU or fpu_raises)
            meta[k].cbank = 1               # (no bank conflicts untimed)
            cyc = cyc + ins.cost
            if ltk[k] and with_exits:
                ex[jb - 1] = block_emit(c, entry, pc, pm, pd0, pi0, pending, k + 1, lst, lpc,
                                        meta, unsafe, R, wr_k, cs, nc, &cnt, cyc, last_cyc,
                                        pmk, pd, pi, pend, br_cyc, jb - 1, fpu_raises, jb > 1)
                failed |= ex[jb - 1] == NULL
            if ltk[k] == 2:
                cyc += bp                   # (a trace's jump: after_insn's penalty)
                br_cyc += bp
            continue
        issue = tm_issue(ins, p, cyc, R, &cnt, &pend, pd, pi, &pmk, &cand)
        # what the schedule assumed about the registers it read
        srcs[0] = ins.s0
        srcs[1] = ins.s1
        srcs[2] = ins.s2
        for s in range(3):
            q = srcs[s]
            if q > REG_BFLAGS:
                continue
            idx = ins.rsel + q
            v = R[idx]
            if wr_k[idx] >= 0:
                # written in the block: a stall between the write and here would change it
                if (v >> 1) >= cand:
                    for j in range(wr_k[idx] + 1, k):
                        unsafe[j] = 1
                continue
            bit = tm_reg_bit(q)
            if not (pend0 & bit):
                continue                # landed before the block (not read from rdy)
            if (v >> 1) >= cand:
                # its exact ready time shapes the schedule
                for j in range(k):
                    unsafe[j] = 1
                if not seen[idx]:
                    cs[nc].idx = <uint16_t>idx
                    cs[nc].exact = 1
                    cs[nc].val = <uint32_t>(v - 2 * BLK_BASE)
                    nc += 1
            elif not seen[idx]:
                cs[nc].idx = <uint16_t>idx
                cs[nc].exact = 0
                cs[nc].val = <uint32_t>(cand - BLK_BASE)
                nc += 1
            seen[idx] = 1
        t = tm_retire(c, ins, p, issue, R, &pend, &pd, &pi)
        if ins.tflags & TF_LONG:
            wr_k[ins.d0] = k
            wr_k[RDY_F + ins.d0] = k
            wr_k[ins.w1] = k
            wr_k[RDY_F + ins.w1] = k
        meta[k].pc = p
        meta[k].off = <int32_t>(<int64_t>issue - BLK_BASE)
        # after a load/store, look at the memory layer's stall and bank and at the attention
        # flag (stalls, faults); after an FPU-class instruction too when, in the CONFIG the
        # block is built for, it may raise an exception (enables, or FIX/FLOAT/FABS and
        # reserved ARITHMODEs under the trap policy)
        meta[k].chk = ins.tclass != TC_IALU and (ins.tclass != TC_FPU or fpu_raises)
        meta[k].cbank = 1               # (c.lbank is 0 or 0x80 | bank: never 1)
        if ((p ^ (p + ins.size)) >> 3) and p < c.sram_size:
            meta[k].cbank = 0x80 | ((p >> 13) & 3)
        cyc = t + ins.cost
        if ltk[k] and with_exits:
            # the block of this exit: the trace up to here (block_emit)
            # (the first one's is a whole block: a trace that would end after the slice
            # runs as it, run_blocks)
            ex[jb - 1] = block_emit(c, entry, pc, pm, pd0, pi0, pending, k + 1, lst, lpc, meta,
                                    unsafe, R, wr_k, cs, nc, &cnt, cyc, last_cyc, pmk, pd, pi,
                                    pend, br_cyc, jb - 1, fpu_raises, jb > 1)
            failed |= ex[jb - 1] == NULL
        if ltk[k] == 2:
            # a trace's jump: what after_insn does after one (the penalty, the pipeline
            # restarted)
            cyc += bp
            br_cyc += bp
            pmk = AFTER_JUMP
            pd = 0
            pi = 0
    b = block_emit(c, entry, pc, pm, pd0, pi0, pending, n, lst, lpc, meta, unsafe, R, wr_k,
                   cs, nc, &cnt, cyc, last_cyc, pmk, pd, pi, pend, br_cyc, nbr, fpu_raises)
    if with_exits:
        for j in range(jb):
            if b != NULL and not failed:
                ex[j].self_loop = 0             # (only its exit is used: never run as a block)
                ex[j].hw_loop = 0
                ex[j].ft_loop = 0
                ex[j].tight = 0
                b.exits[j] = ex[j]
            elif ex[j] != NULL:
                block_free(c, ex[j])
        if b != NULL and failed:
            block_free(c, b)
            b = NULL
    return b


cdef Block* block_emit_lean(Core* c, Insn* entry, uint32_t pc, uint8_t pm, uint64_t pd0,
                            uint64_t pi0, int n, Insn** lst, const uint32_t* lpc,
                            const BlkWrite* wr, int nw, const Counters* cnt, uint64_t cyc,
                            int32_t last_cyc, uint8_t pmk, uint64_t pd, uint64_t pi,
                            uint64_t pend, uint32_t br_cyc, uint64_t dep_union,
                            uint64_t pend0) noexcept nogil:
    """block_emit's lean block (see there): a header and its scoreboard entries."""
    cdef size_t size = sizeof(Block) + nw * sizeof(BlkWrite)
    cdef Block* b = <Block*>malloc(size)
    cdef int k
    if b == NULL:
        return NULL
    c.blk_bytes += size
    memset(b, 0, sizeof(Block))
    b.size = <uint32_t>size
    b.w = <BlkWrite*>(<uint8_t*>b + sizeof(Block))
    for k in range(nw):
        b.w[k] = wr[k]
    b.nw = <uint16_t>nw
    b.entry = entry
    b.gen = c.code_gen
    b.pc = pc
    b.end_pc = lpc[n - 1] + lst[n - 1].size
    b.last_off = lpc[n - 1] - pc
    b.end_off = <int32_t>(cyc - BLK_BASE)
    b.last_cyc = last_cyc
    b.period = b.end_off
    b.n = <uint16_t>n
    for k in range(n):
        if lst[k].tclass == TC_IALU:
            b.n_ialu += 1
        elif lst[k].tclass == TC_FPU:
            b.n_fpu += 1
    b.pm = pm
    b.entry_pd = pd0
    b.entry_pi = pi0
    b.fpx = c.config & FPX_MASK
    b.exit_pm = pmk
    b.exit_pd = pd
    b.exit_pi = pi
    b.dep_union = dep_union
    b.entry_pend = pend0
    b.pend_out = pend & dep_union
    b.br_cyc = br_cyc
    b.n_dual = <uint32_t>cnt.n_dual_issue
    b.dep_stall = <uint32_t>cnt.dep_stall_cycles
    b.load_stall = <uint32_t>cnt.load_stall_cycles
    b.fetch_stall = <uint32_t>cnt.fetch_stall_cycles
    b.stats = (cnt.n_dual_issue | cnt.dep_stall_cycles | cnt.load_stall_cycles
               | cnt.fetch_stall_cycles | br_cyc) != 0
    b.bcond_exit = lst[n - 1].op == OP_BCOND16 or lst[n - 1].op == OP_BCOND32
    return b


cdef Block* block_emit(Core* c, Insn* entry, uint32_t pc, uint8_t pm, uint64_t pd0,
                       uint64_t pi0, uint64_t pending, int n, Insn** lst, const uint32_t* lpc,
                       const BlkMeta* meta, const uint8_t* unsafe, const uint64_t* R,
                       const int32_t* wr_k, const BlkCheck* cs, int nc, const Counters* cnt,
                       uint64_t cyc, int32_t last_cyc, uint8_t pmk, uint64_t pd, uint64_t pi,
                       uint64_t pend, uint32_t br_cyc, int nbr, bint fpu_raises,
                       bint lean=0) noexcept nogil:
    """The block of the first n instructions of block_make's schedule, from the state it
    reached after them (cyc: the cycle after the last; pmk, pd, pi, pend: the pipeline state;
    R, wr_k, cs, cnt, unsafe: the scoreboard, the entry conditions, the counters and the
    stall marks so far; nbr branches followed before the last).  NULL if no memory.  `lean`:
    the block of a trace's exit that is never run, only left by (Block.exits after the
    first): its accounting and exit state, without instructions, schedule or entry
    conditions (a run leaving there goes on with the trace's own)."""
    cdef Chip* ch = c.chip
    cdef BlkWrite wr[REG_BFLAGS + 1]
    cdef int k, j, nw = 0, idx, dead
    cdef uint32_t q
    cdef uint64_t dep_union = 0, pend0
    cdef Block* b
    cdef uint8_t* raw
    cdef size_t size
    cdef bint fpu_plain
    if ch.tm.timed:
        for k in range(n):
            dep_union |= lst[k].dep_mask
    # (no scoreboard untimed: `pending` is not the block's)
    pend0 = pending & dep_union


    # the scoreboard entries it leaves (tm_retire writes both entries of a register
    # together; REG_SINK is never read)
    for idx in range(REG_BFLAGS + 1):
        if wr_k[idx] >= 0:
            wr[nw].reg = <uint16_t>idx
            wr[nw].k = <uint16_t>wr_k[idx]
            wr[nw].vi = <uint32_t>(R[idx] - 2 * BLK_BASE)
            wr[nw].vf = <uint32_t>(R[RDY_F + idx] - 2 * BLK_BASE)
            nw += 1
    if lean:
        return block_emit_lean(c, entry, pc, pm, pd0, pi0, n, lst, lpc, wr, nw, cnt, cyc,
                               last_cyc, pmk, pd, pi, pend, br_cyc, dep_union, pend0)
    # one allocation: header, instruction copies (cache-line aligned), metadata, scoreboard
    # entries, entry conditions, exits
    size = (sizeof(Block) + 64 + (n + 1) * sizeof(Insn) + n * sizeof(BlkMeta)
            + nw * sizeof(BlkWrite) + nc * sizeof(BlkCheck) + nbr * sizeof(Block*))
    raw = <uint8_t*>malloc(size)
    if raw == NULL:
        return NULL
    c.blk_bytes += size
    b = <Block*>raw
    memset(b, 0, sizeof(Block))
    b.size = <uint32_t>size
    b.ins = <Insn*>((<uintptr_t>raw + sizeof(Block) + 63) & ~(<uintptr_t>63))
    b.meta = <BlkMeta*>(<uint8_t*>b.ins + (n + 1) * sizeof(Insn))
    b.w = <BlkWrite*>(<uint8_t*>b.meta + n * sizeof(BlkMeta))
    b.cs = <BlkCheck*>(<uint8_t*>b.w + nw * sizeof(BlkWrite))
    b.exits = <Block**>(<uint8_t*>b.cs + nc * sizeof(BlkCheck))
    for j in range(nbr):
        b.exits[j] = NULL
    b.trace = <uint8_t>nbr
    b.br_cyc = br_cyc
    for k in range(n):
        memcpy(&b.ins[k], lst[k], sizeof(Insn))
        b.meta[k] = meta[k]
        b.meta[k].shift_ok = not unsafe[k]
    memset(&b.ins[n], 0, sizeof(Insn))     # (OP_INVALID: ends a run of plain instructions)
    for k in range(n):
        b.meta[k].last = k == n - 1
    b.meta[n - 1].br = 0                   # (its last instruction: no branch followed)
    b.meta[n - 1].br_st = EXEC_OK
    b.meta[n - 1].back = 0
    # the plain instructions, which run_blocks executes back to back (execute_plain): the
    # IALU class, and the FPU class (its _P variant) in float mode with no exception
    # enabled; they always complete, with EXEC_OK, and need neither c.pc nor c.now.  And the
    # flags nothing reads: those a plain instruction (not the last) writes and a later one
    # overwrites with only plain instructions that do not read them in between (nothing can
    # observe them there) lose their writing (their _NF variant)
    # The loads and stores (not the last instruction, which the block loop runs itself; not
    # an odd register pair) get their _L variant: plain when the access is (sem_load_local:
    # the core's SRAM or the flat layout's memory), with the bank of the fetch it would
    # delay in Insn.blk (unused in a block's copies) and, where a stall may move the rest of
    # the block (shift_ok), 0x80 | its index k in Insn.cond (unused by loads and stores) for
    # the conflicts it takes (local_conflict); not while observing (observe_on drops these
    # blocks).  They count as plain for the block loop's dispatch but never for the
    # flags: one that is not plain may fault.
    fpu_plain = c.int_mode == 0 and (c.config & FPX_ENABLES) == 0
    dead = 0                            # the flags after instruction k are overwritten unread
    for k in range(n - 1, -1, -1):
        if b.ins[k].tclass == TC_FPU and fpu_plain:
            b.ins[k].op = OP_P_OF[b.ins[k].op]
        if b.meta[k].br and b.ins[k].cond != 15:
            # a trace's B<cond> or B (not a BL: LR needs the PC), plain while it goes the
            # trace's way (sem_trace_jump, sem_trace_fall)
            if b.meta[k].br_st == EXEC_TAKEN:
                b.ins[k].op = OP_TJ_OF[b.ins[k].op]
                b.ins[k].sub = b.meta[k].back
            else:
                b.ins[k].op = OP_TF_OF[b.ins[k].op]
        q = OP_LOCAL_SZ[b.ins[k].op] if b.ins[k].op < N_OPS else 0
        if k < n - 1 and q and not (q == 4 and (b.ins[k].rd & 1)) and not ch.observe:
            b.ins[k].op = OP_L_OF[b.ins[k].op]
            b.ins[k].blk = b.meta[k].cbank
            if b.meta[k].shift_ok and b.meta[k].cbank != 1:
                b.ins[k].cond = 0x80 | k    # (local_conflict; no load or store reads cond)
                b.lconf += 1
            b.local += 1
        q = (b.ins[k].tclass == TC_IALU or (b.ins[k].tclass == TC_FPU and fpu_plain)
             or OP_KIND[b.ins[k].op] >= VK_L)
        if k:
            b.meta[k - 1].plain_next = q
        else:
            b.plain0 = q
        if k < n - 1 and (b.ins[k].tclass == TC_IALU
                          or (b.ins[k].tclass == TC_FPU and fpu_plain)):
            q = OP_AFL[OP_BASE_OF[b.ins[k].op]]
            if q & AFL_W:
                if dead:
                    b.ins[k].op = OP_NF_OF[b.ins[k].op]
                dead = 1
            elif q & AFL_R:
                dead = 0
        else:
            dead = 0
    for j in range(nw):
        b.w[j] = wr[j]
    for j in range(nc):
        b.cs[j] = cs[j]
    b.entry = entry
    b.gen = c.code_gen
    b.pc = pc
    b.end_pc = lpc[n - 1] + lst[n - 1].size
    b.last_off = b.meta[n - 1].pc - pc
    b.end_off = <int32_t>(cyc - BLK_BASE)
    b.last_cyc = last_cyc
    b.n = <uint16_t>n
    for k in range(n):
        if b.ins[k].tclass == TC_IALU:
            b.n_ialu += 1
        elif b.ins[k].tclass == TC_FPU:
            b.n_fpu += 1
    for k in range(n - 1):
        if b.meta[k].off + <int32_t>b.ins[k].cost < b.prof_pre:
            b.prof_clamped |= 1u << k
        b.prof_pre = prof_sched_end(b, k, b.prof_pre)
    b.nw = <uint16_t>nw
    b.nc = <uint16_t>nc
    b.pm = pm
    b.entry_pd = pd0
    b.entry_pi = pi0
    b.fpx = c.config & FPX_MASK
    b.exit_pm = pmk
    b.exit_pd = pd
    b.exit_pi = pi
    b.dep_union = dep_union
    b.entry_pend = pend0
    b.pend_out = pend & dep_union
    b.n_dual = <uint32_t>cnt.n_dual_issue
    b.dep_stall = <uint32_t>cnt.dep_stall_cycles
    b.load_stall = <uint32_t>cnt.load_stall_cycles
    b.fetch_stall = <uint32_t>cnt.fetch_stall_cycles
    b.stats = (cnt.n_dual_issue | cnt.dep_stall_cycles | cnt.load_stall_cycles
               | cnt.fetch_stall_cycles | br_cyc) != 0
    b.bcond_exit = b.ins[n - 1].op == OP_BCOND16 or b.ins[n - 1].op == OP_BCOND32
    b.self_loop = block_self_loop(b, ch.tm.branch_penalty)
    b.hw_loop = block_hw_loop(b) if nbr == 0 else 0
    b.ft_loop = block_ft_loop(b) if nbr else 0
    b.tight = (b.self_loop != 0 and b.ins[n - 1].cond != 15) or (
        b.hw_loop != 0 and (b.ins[n - 1].tclass == TC_IALU or OP_KIND[b.ins[n - 1].op] == VK_P))
    for k in range(n - 1):
        if not (b.ins[k].tclass == TC_IALU or OP_KIND[b.ins[k].op] == VK_P
                or OP_KIND[b.ins[k].op] == VK_L):
            b.tight = 0
    b.period = b.end_off + (<int32_t>ch.tm.branch_penalty if b.self_loop else 0)
    return b


cdef inline bint block_fits(Core* c, Block* b, uint32_t pc, uint8_t pm, uint64_t pd,
                            uint64_t pi, uint64_t pending, uint64_t start) noexcept nogil:
    """Block b's schedule holds when it starts at `start` in this state.  (The pc matters:
    another core may run the same decoded code from its global address.  And while a
    hardware loop runs, its end, LE, may only be a block's last instruction and its start,
    LS, only the first: block_build ends blocks there.)"""
    cdef int j
    cdef uint64_t v
    if (b.pm != pm or (pending & b.dep_union) != b.entry_pend or b.gen != c.code_gen
            or b.pc != pc or (c.config & FPX_MASK) != b.fpx or b.entry_pd != pd
            or b.entry_pi != pi
            or (c.blk_le != <uint32_t>0xFFFFFFFF and (
                b.trace or c.blk_le - pc < b.last_off or c.ls - pc - 1 < b.last_off))):
        return 0
    for j in range(b.nc):
        v = c.rdy[b.cs[j].idx]
        if b.cs[j].exact:
            if v != 2 * start + b.cs[j].val:
                return 0
        elif v >= 2 * (start + b.cs[j].val):
            return 0
    return 1


cdef void block_count_cls(Core* c, const Block* b, int m) noexcept nogil:
    """The IALU and FPU instructions among the first m of block b, for a CTIMER counting
    them (Core.tmr_cls: run_blocks_timers)."""
    cdef int j
    for j in range(m):
        if b.ins[j].tclass == TC_IALU:
            c.blk_ialu += 1
        elif b.ins[j].tclass == TC_FPU:
            c.blk_fpu += 1


cdef void block_trace_adapt(Core* c, Block* b, int j) noexcept nogil:
    """A run of trace b leaves at its j-th branch (Block.exits), again: when a quarter of its
    runs or more leave there, it retires (it never fits again: Block.gen) and the entry's next
    trace (block_build) goes the other way at that branch -- after TRACE_TRIES paths, it ends
    there.  (Its runs: Block.nrun, of it and of its exits' blocks.)"""
    cdef uint64_t tot = b.nrun
    cdef uint32_t flip = b.flip
    cdef int i, maxbr = b.maxbr
    cdef Block* head
    for i in range(b.trace):
        tot += b.exits[i].nrun
    if b.exits[j].nrun * 4 < tot:
        return
    head = c.blocks[b.entry.blk]
    if head != NULL and head.entry == b.entry and head.builds >= BLK_REBUILDS // 2:
        return                          # (the entry's schedules are many already: it stays)
    if b.tries < TRACE_TRIES:
        flip = (flip & ((1u << j) - 1)) | (~flip & (1u << j))
    else:
        maxbr = j
    b.gen = ~c.code_gen
    c.blk_retired += 1
    if head != NULL and head.entry == b.entry:
        head.flip = flip
        head.maxbr = <uint8_t>maxbr
        head.tries = b.tries + 1


cdef inline void block_trace_jump(Core* c, uint64_t* cyc, uint8_t* pm, uint64_t* prev_dst,
                                  uint64_t* prev_ialu) noexcept nogil:
    """After a jump a trace went on after (BlkMeta.br), in a replay: what after_insn does
    (the penalty, the pipeline restarted; not in the parallel phase if it went back: there
    the trace left at it)."""
    cdef uint32_t bp = c.chip.tm.branch_penalty
    cyc[0] += bp
    c.cnt.branch_cycles += bp
    pm[0] = AFTER_JUMP
    prev_dst[0] = 0
    prev_ialu[0] = 0


cdef int block_deviate(Core* c, Block* b, int k, int st, uint64_t start, uint64_t pend0,
                       const uint32_t* shk, const uint64_t* shs, int nsh) noexcept nogil:
    """Block b stopped being its schedule at instruction k (executed, with status st): replay
    the pipeline model from the block's start over instructions 0..k with the stalls that
    happened, and finish instruction k as the run loop would.  Leaves the state in the core
    for the per-instruction loop; returns its stop reason (STOP_NONE to go on)."""
    cdef Chip* ch = c.chip
    cdef bint timed = ch.tm.timed
    cdef uint64_t cyc = start, t, issue, cand, cyc0 = start
    cdef uint64_t pending = pend0, prev_dst = b.entry_pd, prev_ialu = b.entry_pi
    cdef uint64_t now_k = c.now
    cdef uint64_t sa = c.stall_acc
    cdef uint8_t lb = c.lbank
    cdef uint8_t pm = b.pm
    cdef uint32_t pc = b.pc, nxt
    cdef const Insn* ins = NULL
    cdef int j, i = 0
    c.stall_acc = 0
    c.lbank = 0
    c.blk_deviations += 1
    if st == EXEC_YIELD:
        return block_yield(c, b, k, start, pend0, shk, shs, nsh)
    for j in range(k + 1):
        ins = &b.ins[j]
        pc = b.meta[j].pc
        cyc0 = cyc
        issue = blk_issue(timed, ins, pc, cyc, c.rdy, &c.cnt, &pending, prev_dst, prev_ialu,
                          &pm, &cand)
        t = issue
        if j < k:
            if i < nsh and shk[i] == <uint32_t>j:
                t += shs[i]         # (a bank conflict in it was counted when it happened)
                i += 1
        else:
            if issue != now_k:
                c.blk_mismatch += 1
            t += sa
            c.lbank = lb
        t = blk_retire(timed, c, ins, pc, t, c.rdy, &pending, &prev_dst, &prev_ialu)
        cyc = t + ins.cost
        if j < k:
            if b.meta[j].br and b.meta[j].br_st == EXEC_TAKEN:
                block_trace_jump(c, &cyc, &pm, &prev_dst, &prev_ialu)
            if ch.profiling:
                prof_insn(c, pc, cyc - cyc0)
    c.cnt.n_insns += k + 1
    if c.tmr_cls:
        # (the one that stopped it counts when it completed, as after_insn would count it)
        block_count_cls(c, b, k + 1 if st == EXEC_OK or st == EXEC_TAKEN else k)
    nxt = after_insn(c, ins, pc, st, &cyc, cyc0, &pm, &prev_dst, &prev_ialu)
    if ch.profiling and (st == EXEC_OK or st == EXEC_TAKEN or c.stop == STOP_TRAP):
        prof_insn(c, pc, cyc - cyc0)        # (as the per-instruction loop observes it)
    if st == EXEC_OK or st == EXEC_TAKEN:
        c.pc = nxt
    c.cnt.cycles = cyc
    c.pending = pending
    c.prev_dst = prev_dst
    c.prev_ialu = prev_ialu
    c.after_jump = pm >> 7
    c.pair_mask = pm & ~AFTER_JUMP
    return c.stop


cdef int block_yield(Core* c, Block* b, int k, uint64_t start, uint64_t pend0,
                    const uint32_t* shk, const uint64_t* shs, int nsh) noexcept nogil:
    """Instruction k of block b did not execute (EXEC_YIELD: the parallel phase of a slice,
    and it touches shared state): replay the model over instructions 0..k-1 as block_deviate
    does and leave the core before instruction k, for the serial phase."""
    cdef Chip* ch = c.chip
    cdef bint timed = ch.tm.timed
    cdef uint64_t cyc = start, t, issue, cand, cyc0
    cdef uint64_t pending = pend0, prev_dst = b.entry_pd, prev_ialu = b.entry_pi
    cdef uint8_t pm = b.pm
    cdef uint32_t pc = b.pc
    cdef const Insn* ins
    cdef int j, i = 0
    for j in range(k):
        ins = &b.ins[j]
        pc = b.meta[j].pc
        cyc0 = cyc
        issue = blk_issue(timed, ins, pc, cyc, c.rdy, &c.cnt, &pending, prev_dst, prev_ialu,
                          &pm, &cand)
        t = issue
        if i < nsh and shk[i] == <uint32_t>j:
            t += shs[i]
            i += 1
        t = blk_retire(timed, c, ins, pc, t, c.rdy, &pending, &prev_dst, &prev_ialu)
        cyc = t + ins.cost
        if b.meta[j].br and b.meta[j].br_st == EXEC_TAKEN:
            block_trace_jump(c, &cyc, &pm, &prev_dst, &prev_ialu)
        if ch.profiling:
            prof_insn(c, pc, cyc - cyc0)
    pc = b.meta[k].pc
    c.cnt.n_insns += k
    if c.tmr_cls:
        block_count_cls(c, b, k)
    c.now = cyc - 1          # (as run_core_impl leaves a core that yields: nothing after)
    c.pc = pc
    c.stop = STOP_YIELD
    c.stop_pc = pc
    c.cnt.cycles = cyc
    c.pending = pending
    c.prev_dst = prev_dst
    c.prev_ialu = prev_ialu
    c.after_jump = pm >> 7
    c.pair_mask = pm & ~AFTER_JUMP
    return STOP_YIELD


cdef inline void block_writes(Core* c, const Block* b, uint64_t start) noexcept nogil:
    """The scoreboard entries block b leaves after a run from `start` without a stall."""
    cdef int j
    for j in range(b.nw):
        c.rdy[b.w[j].reg] = 2 * start + b.w[j].vi
        c.rdy[<size_t>RDY_F + b.w[j].reg] = 2 * start + b.w[j].vf


cdef inline void block_writes_moved(Core* c, const Block* b, uint64_t start,
                                    const uint32_t* shk, const uint64_t* shs,
                                    int nsh) noexcept nogil:
    """The scoreboard entries block b leaves after a run from `start` moved by nsh stalls
    (stall k, of shs[k] cycles at instruction shk[k], delays the writes of the instructions
    from shk[k] on)."""
    cdef int j, k
    cdef uint64_t add
    for j in range(b.nw):
        add = start
        for k in range(nsh):
            if shk[k] <= b.w[j].k:
                add += shs[k]
        c.rdy[b.w[j].reg] = 2 * add + b.w[j].vi
        c.rdy[<size_t>RDY_F + b.w[j].reg] = 2 * add + b.w[j].vf


cdef inline bint block_event(Core* c, const Block* b, const BlkMeta* bm) noexcept nogil:
    """After instruction bm of block b completed: something for its schedule to look at (a
    stall, a bank conflict, the attention flag, code written: block_stalled)."""
    return (c.stall_acc | (c.lbank == bm.cbank) | c.attn_blk | (c.code_gen != b.gen)) != 0


cdef inline bint block_stalled(Core* c, Block* b, const BlkMeta* bm, uint64_t* base,
                               uint64_t end, int* nsh, uint32_t* shk,
                               uint64_t* shs) noexcept nogil:
    """After instruction bm of block b completed (EXEC_OK) with something for the schedule
    to look at (a stall, a bank conflict, the attention flag, code written): 1 when the block
    must hand over to the per-instruction loop (block_deviate), else 0 with the stall taken
    into the schedule (the rest of the block moved by it: shk/shs/nsh, *base)."""
    cdef int k = bm - b.meta
    cdef uint8_t conflict = c.lbank == bm.cbank
    cdef uint64_t s = c.stall_acc + conflict
    if c.attn_blk or c.code_gen != b.gen or (s and (
            not bm.shift_ok or nsh[0] == BLK_SHIFTS
            or (k + 1 < b.n and base[0] + s + <uint64_t>b.last_cyc >= end))):
        return 1
    c.stall_acc = 0
    c.lbank = 0
    if conflict:
        c.cnt.bank_conflict_cycles += 1
    if s:
        shk[nsh[0]] = k
        shs[nsh[0]] = s
        nsh[0] += 1
        base[0] += s
    return 0


cdef int execute_checked(Core* c, const Insn* i) noexcept nogil:
    """execute, as a function of its own for the blocks' instructions that are not plain
    (memory, FPU, control): the block loop keeps its few values in registers."""
    return execute(c, i)


cdef bint block_warm(Core* c, uint32_t pc) noexcept nogil:
    """An arrival at the entry pc, which has no block: whether it is the Chip.blk_hot-th (or
    a later one), so that its block is built now.  The counters are per core, hashed by pc
    (entries that share one build sooner; a deterministic function of the core's run)."""
    cdef uint8_t* h
    if c.heat == NULL:
        # (mapped lazily, as the block table)
        c.heat = <uint8_t*>lazy_zalloc(BLK_HEAT)
        if c.heat == NULL:
            return 1
    h = &c.heat[(pc >> 1) & (BLK_HEAT - 1)]
    if h[0] + 1 >= c.chip.blk_hot:
        return 1
    h[0] += 1
    return 0


cdef Block* block_find(Core* c, uint32_t pc, uint32_t off, uint8_t pm, uint64_t pd,
                       uint64_t pi, uint64_t pending, uint64_t cyc) noexcept nogil:
    """The schedule of the block at pc (window offset off) for this entry state: one filed
    under the entry, or a new one; NULL when the per-instruction loop should run it."""
    cdef Chip* ch = c.chip
    cdef Insn* e = &c.win_pd[off >> 1]
    cdef Block* head = c.blocks[e.blk] if c.blocks != NULL else NULL
    cdef Block* b
    if head != NULL and (head.entry != e or e.size == 0):
        head = NULL                     # (not decoded: block_build decodes it)
    b = head
    while b != NULL and not block_fits(c, b, pc, pm, pd, pi, pending, cyc):
        b = b.next
    if b == NULL:
        if head == NULL and ch.blk_hot > 1 and not block_warm(c, pc):
            return NULL                 # (not yet: the per-instruction loop runs it)
        if head != NULL and head.builds >= BLK_REBUILDS and head.gen == c.code_gen:
            return NULL                 # entered in ever new states: not worth a schedule
        b = block_build(c, e, pc, off, pm, pd, pi, cyc, pending)
    return b


cdef inline const Insn* run_plain(Core* c, const Insn* ins) noexcept nogil:
    """Run the plain instructions from *ins up to the next one that is not (execute_plain);
    returns where it stopped.  Through eight copies of the dispatch: the first eight of a
    run each have a jump of their own on the host, which in a loop always goes to the same
    place (one shared jump mispredicts whenever the next op differs)."""
    while execute_plain(c, ins):
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
        if not execute_plain(c, ins):
            break
        ins += 1
    return ins


cdef inline int32_t conflict_cap(int nsh, uint64_t base, uint64_t last,
                                  uint64_t end) noexcept nogil:
    """The bank conflicts a run of a block (base: its start moved by its nsh stalls; last:
    Block.last_cyc) may still take in its plain instructions (local_conflict): as many as
    block_stalled would take as stalls, each moving the rest by a cycle."""
    cdef int32_t cap = BLK_SHIFTS - nsh
    if base + last + 1 >= end:
        return 0
    if end - 1 - base - last < <uint64_t>cap:
        return <int32_t>(end - 1 - base - last)
    return cap


cdef inline void conflicts_taken(uint32_t m, uint64_t* base, int* nsh, uint32_t* shk,
                                 uint64_t* shs) noexcept nogil:
    """The bank conflicts a plain run took (m: Core.blk_conf), into its stalls as
    block_stalled would have them (already counted: local_conflict)."""
    while m:
        shk[nsh[0]] = <uint32_t>__builtin_ctzll(m)
        shs[nsh[0]] = 1
        nsh[0] += 1
        base[0] += 1
        m &= m - 1


cdef const Insn* run_plain_mem(Core* c, const Insn* ins) noexcept nogil:
    """run_plain for the blocks with loads or stores in their _L variant (Block.local), which
    are plain too when their access is (execute_plain_mem).  A function of its own: inlined,
    its semantics would crowd the block loop's registers (run_tight_mem inlines it)."""
    return run_plain_mem_i(c, ins)


cdef inline bint exec_plain_mem(Core* c, const Insn* i, bint nt) noexcept nogil:
    if nt:
        return execute_plain_mem_nt(c, i)
    return execute_plain_mem(c, i)


cdef inline const Insn* run_plain_mem_i(Core* c, const Insn* ins, bint nt=0) noexcept nogil:
    """(nt: a block without a trace's branches, execute_plain_mem_nt)"""
    while exec_plain_mem(c, ins, nt):
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
        if not exec_plain_mem(c, ins, nt):
            break
        ins += 1
    return ins


cdef inline bint tight_again(Core* c, int cond, bint hw) noexcept nogil:
    """After a run of a loop of one block (run_tight, run_tight_mem): whether it runs
    again -- its branch back taken (the branch itself not executed: sem_bcond is the rest),
    or for a hardware loop's body (Block.hw_loop) LC not 0 at LE (what after_insn would do
    there), counted down for the pass it goes back to (hwloop_arrive) -- with the attention
    flag down."""
    if hw:
        if c.lc == 0 or c.attn_blk:
            return 0
        hwloop_arrive(c)                # (back at LS)
        return 1
    return cond_true(c, cond) and not c.attn_blk


cdef uint64_t run_tight(Core* c, const Block* b, uint64_t cyc, uint64_t end,
                        int* partial) noexcept nogil:
    """Block b (Block.tight: a loop of one block of plain instructions), entered at cycle
    cyc: its runs that jump back to its start (and so fit again) before `end`.  Returns their
    number.  *partial: the run after them executed its plain instructions and its branch
    falls through, or the attention flag is up (the caller ends that run, from its branch);
    else the slice ends, or in the parallel phase the core waits (p1_spin_check).  A
    hardware loop's body (Block.hw_loop): run_tight_hw."""
    return run_tight_i(c, b, cyc, end, partial, 0)


cdef uint64_t run_tight_hw(Core* c, const Block* b, uint64_t cyc, uint64_t end,
                           int* partial) noexcept nogil:
    """run_tight for a hardware loop's body of plain instructions (Block.hw_loop, from LS to
    LE): its passes that go back, LC counted down each time (tight_again).  *partial: the
    run after them executed all its instructions and is its last pass (or the attention flag
    is up): the caller ends it as any other run."""
    return run_tight_i(c, b, cyc, end, partial, 1)


cdef inline uint64_t run_tight_i(Core* c, const Block* b, uint64_t cyc, uint64_t end,
                                 int* partial, bint hw) noexcept nogil:
    cdef const Insn* first = b.ins
    cdef int cond = b.ins[b.n - 1].cond
    cdef uint64_t period = <uint64_t>b.period, last = <uint64_t>b.last_cyc
    cdef uint64_t k = 0
    partial[0] = 0
    while cyc + last < end:
        run_plain(c, first)
        if not tight_again(c, cond, hw):
            partial[0] = 1
            break
        k += 1
        cyc += period
        if c.spinchk and not hw:
            if spin_sample(c, b.pc):
                break
    return k


cdef uint64_t run_tight_mem(Core* c, const Block* b, uint64_t* cyc, uint64_t end,
                            int* partial, const Insn** stop, uint64_t* last_start,
                            uint32_t* last_conf) noexcept nogil:
    """run_tight for a loop of one block with loads and stores: run_tight_mem_i."""
    return run_tight_mem_i(c, b, cyc, end, partial, stop, last_start, last_conf, 0)


cdef uint64_t run_tight_mem_hw(Core* c, const Block* b, uint64_t* cyc, uint64_t end,
                               int* partial, const Insn** stop, uint64_t* last_start,
                               uint32_t* last_conf) noexcept nogil:
    """run_tight_mem for a hardware loop's body (run_tight_hw)."""
    return run_tight_mem_i(c, b, cyc, end, partial, stop, last_start, last_conf, 1)


cdef inline uint64_t run_tight_mem_i(Core* c, const Block* b, uint64_t* cyc, uint64_t end,
                                     int* partial, const Insn** stop, uint64_t* last_start,
                                     uint32_t* last_conf, bint hw) noexcept nogil:
    """run_tight for a loop of one block whose loads and stores are in their _L variant
    (Block.local), from *cyc (moved past the runs); a run that took bank conflicts
    (local_conflict: only when Block.self_loop allows stalls) is later by them.  *partial 2
    when a run stopped before one of them whose access was not plain (*stop: that
    instruction; the caller goes on with that run from it), 3 when the next run is left to
    the caller for the slice's end is near (conflict_cap).  The start of the last run that
    jumped back and its conflicts (Core.blk_conf) in *last_start, *last_conf; those of the
    partial run in *cyc and Core.blk_conf."""
    cdef const Insn* first = b.ins
    cdef const Insn* lastp = b.ins + (b.n if hw else b.n - 1)   # (where its plain run stops)
    cdef const Insn* p
    cdef int cond = b.ins[b.n - 1].cond
    cdef uint64_t period = <uint64_t>b.period, last = <uint64_t>b.last_cyc
    cdef uint64_t lastx = last + BLK_SHIFTS
    cdef uint64_t k = 0, t = cyc[0]
    cdef uint32_t lc = 0
    cdef int32_t cap
    # (a run with stalls fits again: block_self_loop, block_hw_loop)
    cdef bint stalls = b.self_loop == 2 or b.hw_loop == 2
    partial[0] = 0
    if not b.conf_seen:
        # (no conflict to take, or none met yet: the loop of run_tight; a conflict stops the
        # run, *partial 2 with Core.blk_cap -1, and the caller sets Block.conf_seen)
        c.blk_cap = 0
        while t + last < end:
            p = run_plain_mem_i(c, first, 1)
            if p != lastp:
                partial[0] = 2
                stop[0] = p
                break
            if not tight_again(c, cond, hw):
                partial[0] = 1
                break
            k += 1
            t += period
            if c.spinchk and not hw:
                if spin_sample(c, b.pc):
                    break
        last_start[0] = t - period
        last_conf[0] = 0
        c.blk_conf = 0
        cyc[0] = t
        return k
    # (bank conflicts taken: Core.blk_conf, the cap reset after them; the runs that may end
    # less than BLK_SHIFTS cycles before the slice's end are left to the caller, *partial 3)
    cap = BLK_SHIFTS if stalls else 0
    c.blk_conf = 0
    c.blk_cap = cap
    while t + lastx < end:
        p = run_plain_mem_i(c, first, 1)
        if p != lastp:
            partial[0] = 2
            stop[0] = p
            break
        if not tight_again(c, cond, hw):
            partial[0] = 1
            break
        k += 1
        t += period
        lc = c.blk_conf
        if lc:
            t += <uint64_t>__builtin_popcount(lc)
            c.blk_conf = 0
            c.blk_cap = cap
        if c.spinchk and not hw:
            if spin_sample(c, b.pc):
                break
    else:
        if t + last < end:
            partial[0] = 3
    if k:
        last_start[0] = t - period - <uint64_t>__builtin_popcount(lc)
        last_conf[0] = lc
    cyc[0] = t
    return k


cdef inline void block_loops_done(Core* c, const Block* b, uint64_t k) noexcept nogil:
    """The counters of k runs of block b, a loop of one block, each jumping back to its start
    as scheduled, or going back to it as a hardware loop's body (run_blocks counts them when
    the loop ends)."""
    c.cnt.n_insns += k * b.n
    c.blk_insns += k * b.n
    if c.tmr_cls:
        c.blk_ialu += k * b.n_ialu
        c.blk_fpu += k * b.n_fpu
    c.cnt.branch_cycles += k * <uint64_t>(b.period - b.end_off)   # (0 for a hardware loop)
    c.blk_runs += k
    c.blk_loops += k
    (<Block*>b).nrun += k
    if b.stats:
        c.cnt.branch_cycles += k * b.br_cyc
        c.cnt.n_dual_issue += k * b.n_dual
        c.cnt.dep_stall_cycles += k * b.dep_stall
        c.cnt.load_stall_cycles += k * b.load_stall
        c.cnt.stall_cycles += k * (b.dep_stall + b.load_stall)
        c.cnt.fetch_stall_cycles += k * b.fetch_stall


cdef int run_blocks(Core* c, uint64_t end) noexcept nogil:
    """Run core c block by block while it can (see above); returns STOP_NONE with the state
    in the core when the per-instruction loop must take over (or `end` is reached), or the
    reason it stopped.  While a block runs, cyc is its start (base: its start moved by the
    stalls it absorbed) and `pending` its entry state.  A loop of one block (Block.self_loop)
    runs again at once while it jumps back as scheduled: the counters of those runs are added
    when it leaves (block_loops_done), the scoreboard entries of the last one written when
    something may read them (dw)."""
    cdef Chip* ch = c.chip
    cdef uint32_t pc = c.pc, off
    cdef uint64_t cyc = c.cnt.cycles, base, add
    cdef uint8_t pm = c.pair_mask | (AFTER_JUMP if c.after_jump else 0)
    cdef uint64_t pending = c.pending
    cdef uint64_t prev_dst = c.prev_dst
    cdef uint64_t prev_ialu = c.prev_ialu
    cdef const Insn* ins
    cdef const BlkMeta* bm
    cdef Block* b
    cdef int j, st, nsh, kx
    cdef uint64_t k
    cdef uint32_t shk[BLK_SHIFTS]
    cdef uint64_t shs[BLK_SHIFTS]
    cdef BlkLink* lk = NULL             # the link of the block that ran last, the way it left
    cdef uint64_t frees
    cdef uint64_t loops                 # runs of block b that jumped back to its start
    cdef bint last_plain, plain, tight, again
    cdef bint arr = 0                   # this run's first instruction arrived at LS (LC down)
    cdef int partial
    cdef bint dev, ran, dw              # handed over; ran to its end; entries from dw_start
                                        # not written yet
    cdef uint64_t dw_start = 0
    cdef int dw_nsh = 0
    cdef uint32_t conf
    cdef uint32_t dw_shk[BLK_SHIFTS]
    cdef uint64_t dw_shs[BLK_SHIFTS]
    while cyc < end:
        if c.attn_blk or not (pm & (AFTER_JUMP | BLOCK_EDGE)):
            break
        off = pc - c.win_base
        if off >= c.win_size:
            # another page of external memory, or back in the core's SRAM: the fetch window
            # the per-instruction loop would point there (a far one sets the attention flag)
            if set_fetch_window(c, pc) or c.attn_blk:
                break
            off = pc - c.win_base
        pm &= ~BLOCK_EDGE
        # the block that followed the previous one the last time it left this way, if it
        # fits; else one filed under the entry, or a new one
        b = NULL
        if lk != NULL and lk.frees == c.blk_frees:
            b = lk.to
            if b != NULL and not block_fits(c, b, pc, pm, prev_dst, prev_ialu, pending, cyc):
                b = NULL
        if b == NULL:
            frees = c.blk_frees
            b = block_find(c, pc, off, pm, prev_dst, prev_ialu, pending, cyc)
            if b == NULL:
                break
            if lk != NULL and c.blk_frees == frees:    # (else lk's block may be gone)
                lk.to = b
                lk.frees = frees
        if cyc + <uint64_t>b.last_cyc >= end and b.trace:
            # a trace that would end after `end`: the block up to its first branch (the block
            # of its first exit, which fits where it does)
            b = b.exits[0]
        loops = 0
        dw = 0
        ran = 0
        while cyc + <uint64_t>b.last_cyc < end:
            # run it
            base = cyc
            nsh = 0
            dev = 0
            last_plain = 0
            if loops == 0:
                # (its first run: at a hardware loop's start LC counts down, hwloop_arrive;
                # its runs after it: where they go back)
                arr = (c.blk_le != <uint32_t>0xFFFFFFFF and b.pc == c.ls and c.lc != 0)
                if arr:
                    hwloop_arrive(c)
            if b.tight and not ch.profiling and (
                    (b.self_loop and not arr) or (b.pc == c.ls and b.pc + b.last_off == c.le)):
                # a loop of one block of plain instructions: its runs that jump back (or,
                # a hardware loop's body, go back) in a loop of their own (run_tight), as
                # the loop below would run them
                if b.local:
                    if b.hw_loop:
                        k = run_tight_mem_hw(c, b, &cyc, end, &partial, &ins, &dw_start, &conf)
                    else:
                        k = run_tight_mem(c, b, &cyc, end, &partial, &ins, &dw_start, &conf)
                    if k:
                        loops += k
                        c.blk_tight += k
                        # the last run's stalls (its scoreboard entries), its start moved by
                        # them (c.now below)
                        dw_nsh = 0
                        base = dw_start
                        conflicts_taken(conf, &base, &dw_nsh, dw_shk, dw_shs)
                        dw = b.nw != 0
                else:
                    if b.hw_loop:
                        k = run_tight_hw(c, b, cyc, end, &partial)
                    else:
                        k = run_tight(c, b, cyc, end, &partial)
                    if k:
                        loops += k
                        c.blk_tight += k
                        if b.nw:
                            dw = 1
                            dw_start = cyc + (k - 1) * <uint64_t>b.period
                            dw_nsh = 0
                        cyc += k * <uint64_t>b.period
                        base = cyc - <uint64_t>b.period     # (the last run's start: c.now)
                if not partial:
                    break                   # (the slice ends, or it waits: p1_spin)
                arr = arr or b.hw_loop      # (the run after them arrived at LS too)
                base = cyc
                if b.lconf and c.blk_conf:
                    # the conflicts the run after them took before it stopped
                    conflicts_taken(c.blk_conf, &base, &nsh, shk, shs)
                    c.blk_conf = 0
                if partial == 2:
                    # a load or store of the run after them was not plain: that run goes on
                    # from it as any other (a bank conflict: the runs after take them)
                    if b.lconf and c.blk_cap < 0:
                        b.conf_seen = 1
                    bm = &b.meta[ins - b.ins]
                    plain = 0
                    tight = 0
                elif partial == 3:
                    # the slice's end is near (its conflicts: conflict_cap): the next run as
                    # any other
                    ins = b.ins
                    bm = b.meta
                    plain = b.plain0
                    tight = 0
                else:
                    # its last run falls through (a hardware loop's: its last pass), or
                    # something needs the slow path: that run ends as any other
                    ins = b.ins + (b.n - 1)
                    bm = b.meta + (b.n - 1)
                    c.pc = bm.pc
                    st = EXEC_OK if b.hw_loop else sem_bcond(c, ins)
                    tight = 1
            else:
                tight = 0
                ins = b.ins
                bm = b.meta
                plain = b.plain0
            while not tight:
                if plain:
                    # plain instructions up to the next one that is not (with the loads and
                    # stores in their _L variant: run_plain_mem)
                    if b.local:
                        if b.lconf:
                            c.blk_conf = 0
                            c.blk_cap = conflict_cap(nsh, base, <uint64_t>b.last_cyc, end)
                            ins = run_plain_mem(c, ins)
                            if c.blk_conf:
                                conflicts_taken(c.blk_conf, &base, &nsh, shk, shs)
                                c.blk_conf = 0
                        else:
                            ins = run_plain_mem(c, ins)
                    else:
                        ins = run_plain(c, ins)
                    bm = &b.meta[ins - b.ins]
                    if ins == b.ins + b.n:
                        last_plain = 1          # (the block's last instruction was plain)
                        bm -= 1
                        ins -= 1
                        break
                c.pc = bm.pc
                if bm.last:
                    break
                if bm.br:
                    # a branch the trace goes on after
                    st = sem_bcond(c, ins)
                    if st == bm.br_st and not (c.p1 and bm.back):
                        plain = bm.plain_next
                        ins += 1
                        bm += 1
                        continue
                    # it goes the other way (or back, in the parallel phase: after_insn
                    # looks for a spin there): the run leaves here, as a run of the block of
                    # that exit would (Block.exits), after the counters of the runs before
                    kx = bm - b.meta
                    c.blk_side += 1
                    if (b.exits[bm.br - 1].nrun & (TRACE_ADAPT - 1)) == TRACE_ADAPT - 1:
                        block_trace_adapt(c, b, bm.br - 1)
                    if loops:
                        block_loops_done(c, b, loops)
                        loops = 0
                    if dw:
                        block_writes_moved(c, b, dw_start, dw_shk, dw_shs, dw_nsh)
                        dw = 0
                    # (ins, bm stay the trace's: the same instruction and schedule, and that
                    # block holds none)
                    b = b.exits[bm.br - 1]
                    tight = 1
                    break
                # one that may access memory or raise an exception (not a control instruction):
                # a load or store runs here (the memory fast path in the block loop), any
                # other through execute_checked; then the memory layer's report (block_event)
                c.now = <uint64_t>(<int64_t>base + bm.off)
                if OP_KIND[ins.op] == VK_L and (c.blk_cap >= 0 or not b.lconf):
                    # a load or store whose access was not the plain case: likely not to be
                    # again (elsewhere, or in the bank of the fetch where the block cannot
                    # take a stall), it loses its variant (not when it only met the cap of
                    # local_conflict)
                    (<Insn*>ins).op = OP_BASE_OF[ins.op]
                    b.local -= 1
                    if ins.cond & 0x80:
                        b.lconf -= 1
                        (<Insn*>ins).cond = 0
                    b.tight = 0             # (not all plain now)
                    c.blk_demoted += 1
                st = execute_ldst(c, ins)
                if st == EXEC_OTHER:
                    st = execute_checked(c, ins)
                if st != EXEC_OK or (bm.chk and block_event(c, b, bm) and
                                     block_stalled(c, b, bm, &base, end, &nsh, shk, shs)):
                    dev = 1
                    break
                c.lbank = 0
                plain = bm.plain_next
                ins += 1
                bm += 1
            if dev or tight:
                pass
            elif last_plain:
                st = EXEC_OK
            # the last instruction: a branch, a jump, or one that ends the block otherwise
            elif b.bcond_exit:
                st = sem_bcond(c, ins)
            else:
                c.now = <uint64_t>(<int64_t>base + bm.off)
                st = execute_checked(c, ins)
                dev = (st > EXEC_TAKEN or (st == EXEC_TAKEN and (c.stall_acc | c.lbank)) or (
                    st == EXEC_OK and bm.chk and block_event(c, b, bm)
                    and block_stalled(c, b, bm, &base, end, &nsh, shk, shs)))
                if not dev:
                    c.lbank = 0
            if dev:
                # it stopped being its schedule: the per-instruction loop takes over
                if arr and bm == b.meta and st != EXEC_OK and st != EXEC_TAKEN and (
                        st == EXEC_YIELD or c.stop != STOP_TRAP):
                    hwloop_unarrive(c)      # (its first instruction did not run)
                c.blk_runs += 1
                if loops:
                    block_loops_done(c, b, loops)
                if dw:
                    block_writes_moved(c, b, dw_start, dw_shk, dw_shs, dw_nsh)
                return block_deviate(c, b, bm - b.meta, st, cyc, pending, shk, shs, nsh)
            if st == EXEC_TAKEN:
                # (not back to a hardware loop's start: LC counts down there, run_blocks
                # takes it as any block's entry)
                again = b.self_loop > (nsh != 0) and not arr
            elif c.lc != 0:
                again = (b.hw_loop > (nsh != 0) and b.pc == c.ls
                         and b.pc + b.last_off == c.le)
            else:
                again = b.ft_loop > (nsh != 0)      # (a trace falling through to its start)
            if again and not c.attn_blk:
                # a loop of one block, jumping back as scheduled, or a hardware loop's body
                # from LS to LE going back (not its last pass): it fits again
                # (block_self_loop, block_hw_loop), so it runs again at once (what
                # after_insn does after a jump or at LE, and the rest of the block's
                # accounting below, when it leaves)
                if st == EXEC_OK and not b.ft_loop:
                    hwloop_arrive(c)        # (back at LS)
                    arr = 1
                loops += 1
                if ch.profiling:
                    prof_block_ran(c, b, cyc, base + <uint64_t>b.period, shk, shs, nsh)
                if b.nw:
                    dw = 1
                    dw_start = cyc
                    dw_nsh = nsh
                    for k in range(nsh):
                        dw_shk[k] = shk[k]
                        dw_shs[k] = shs[k]
                cyc = base + <uint64_t>b.period
                if c.spinchk and st == EXEC_TAKEN:
                    if spin_sample(c, b.pc):
                        break               # (as when the slice ends before another run)
                continue
            # the run that leaves it (its scoreboard entries supersede those of the others)
            if loops:
                block_loops_done(c, b, loops)
                loops = 0
            dw = 0
            c.blk_runs += 1
            b.nrun += 1
            c.cnt.n_insns += b.n
            c.blk_insns += b.n
            if c.tmr_cls:
                c.blk_ialu += b.n_ialu
                c.blk_fpu += b.n_fpu
            if b.nw:
                if nsh == 0:
                    block_writes(c, b, cyc)
                else:
                    block_writes_moved(c, b, cyc, shk, shs, nsh)
            pending = (pending & ~b.dep_union) | b.pend_out
            if b.stats:
                c.cnt.branch_cycles += b.br_cyc
                c.cnt.n_dual_issue += b.n_dual
                c.cnt.dep_stall_cycles += b.dep_stall
                c.cnt.load_stall_cycles += b.load_stall
                c.cnt.stall_cycles += b.dep_stall + b.load_stall
                c.cnt.fetch_stall_cycles += b.fetch_stall
            add = cyc                       # (its start, for prof_block_ran)
            cyc = <uint64_t>(<int64_t>base + b.end_off)
            pm = b.exit_pm | BLOCK_EDGE     # (a taken jump restarts the pipeline instead)
            prev_dst = b.exit_pd
            prev_ialu = b.exit_pi
            # (the issue cycle of its last instruction, as the per-instruction loop leaves it:
            # causal_arrival reads it)
            c.now = <uint64_t>(<int64_t>base + bm.off)
            pc = after_insn(c, ins, bm.pc, st, &cyc, <uint64_t>(<int64_t>base + b.last_cyc),
                            &pm, &prev_dst, &prev_ialu)
            lk = &b.link[st]                # (EXEC_OK 0: fell through, EXEC_TAKEN 1: jumped)
            if ch.profiling:
                prof_block_ran(c, b, add, cyc, shk, shs, nsh)
            ran = 1
            break
        if loops:
            # it jumped back to its start, and the slice ends before another run
            c.now = <uint64_t>(<int64_t>base + b.meta[b.n - 1].off)
            block_loops_done(c, b, loops)
            if dw:
                block_writes_moved(c, b, dw_start, dw_shk, dw_shs, dw_nsh)
            pc = b.pc
            if b.self_loop:
                pm = AFTER_JUMP
                prev_dst = 0
                prev_ialu = 0
                lk = &b.link[EXEC_TAKEN]
            else:
                # (a hardware loop: the pipeline goes on; the pass it went back to has not
                # run, and counts LC down when it does; or a trace that fell through to its
                # start, Block.ft_loop)
                if not b.ft_loop:
                    hwloop_unarrive(c)
                pm = b.pm | BLOCK_EDGE
                prev_dst = b.entry_pd
                prev_ialu = b.entry_pi
                lk = &b.link[EXEC_OK]
            break
        if not ran:
            break                           # (the slice ends before it could run)
    c.pc = pc
    c.cnt.cycles = cyc
    c.pending = pending
    c.prev_dst = prev_dst
    c.prev_ialu = prev_ialu
    c.after_jump = pm >> 7
    c.pair_mask = pm & ~AFTER_JUMP
    return STOP_NONE
