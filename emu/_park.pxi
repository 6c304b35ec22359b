# Parked spins.  Included by _core.pyx.
#
# While cores talk, chip_run runs them in slices of a few cycles, one after the other, so that
# each sees the others' writes when they arrive.  A core that waits in a polling loop over its
# own memory (a flag, a postbox's sequence byte) costs a run-loop entry per slice and per
# core, for nothing: every pass of its loop is the one before, shifted in time, until
# something writes into its memory.  Such a core is parked: chip_run no longer runs it, only
# notes how far it would have run (Core.park_until, the end of each slice it was in); before
# anything can see or change it -- a write into its memory or registers (queued or direct), a
# read of its registers, a test-and-set of its memory, WAND/SYNC/MBKPT, the deadlock check's
# state hash, the end of the run -- park_release brings it there: its whole passes at once
# (counters, time and the scoreboard moved by as many periods), then the part of the next pass
# as the run loop runs it.  Reads of its SRAM by other cores need nothing: a parked loop
# changes no byte of it.
#
# A loop is parked only when two arrivals at its head, one pass apart, find the same state
# but for time: the registers, flags, loop and interrupt registers, the pipeline state, the
# scoreboard (each entry the same and in the past, or later by exactly the pass's cycles),
# with nothing touching the core between them and a pass that only ran, loaded from its own
# SRAM, stalled and stored into its own SRAM what was there already (a poll that copies its
# message slot; park_offsets steps a pass to check) -- no access off the core, no interrupt,
# no trap, no fetch from outside its SRAM, no idle, no timer counting, no DMA.  The machine is
# deterministic, so the next pass is then the same again, and so on until something touches
# the core.  Whatever the scheduler reads of a core's run is worked out for a parked one
# (park_vstate, park_jumps, park_p1, park_vstores, park_visit).  Cycles, counters, memory and
# registers are those of running it (tests/emu/test_park.py, tools/fuzz_core.py --parking).

cdef enum:
    PARK_EVERY = 16      # park_sample looks at every this many backward jumps
    PARK_MISS = 64       # ... and gives up waiting for the head after this many elsewhere
    PARK_MAXN = 64       # instructions in a pass at most
    PARK_MAXJ = 16       # ... and jumps back
    PARK_SCAN = 48       # backward jumps park_sample scans for the state it sampled again


cdef struct ParkInfo:
    Core a               # the state at the first arrival at the head
    Counters d           # one pass's counts (the second arrival's minus the first's)
    uint8_t shifted[2 * RDY_F]  # scoreboard entries that move by a pass's cycles
    uint32_t n           # instructions in a pass
    uint32_t off[PARK_MAXN]     # ... the cycle each starts in (the run loop's time before
                                # it), from the pass's start
    uint32_t scnt[PARK_MAXN]    # ... the pass's local stores up to and with it
    # the jumps back of a pass (p1_spin_check samples each): the cycle each starts in and the
    # one the instruction after it starts in, from the pass's start; where it goes, the flags,
    # the stores of the pass up to it, the registers after it; whether p1_spin_check finds
    # it the same as the jump before it (the last one of the pass before, for the first)
    uint32_t nj
    uint32_t joff[PARK_MAXJ]
    uint32_t jnext[PARK_MAXJ]
    uint32_t jtarget[PARK_MAXJ]
    uint32_t jflags[PARK_MAXJ]
    uint64_t jstores[PARK_MAXJ]
    uint32_t jr[PARK_MAXJ][64]
    uint8_t jmatch[PARK_MAXJ]
    uint8_t anymatch
    Core b               # park_offsets' copy of the core
    uint8_t* mem         # ... and of its SRAM (a pass that stores)


cdef inline uint64_t park_acc(Core* c) noexcept nogil:
    """What a pass that may be parked leaves unchanged (park_sample's filter)."""
    return (c.cnt.n_stores_remote + c.cnt.n_loads_remote
            + c.cnt.n_ext_reads + c.cnt.n_ext_writes + c.cnt.n_traps + c.cnt.n_interrupts
            + c.cnt.n_fetch_remote + c.cnt.n_fetch_ext + c.cnt.idle_cycles + c.touch)


cdef inline void park_sample(Core* c, uint32_t target) noexcept nogil:
    """Core c, in a serial slice that may park it (Core.spinchk 2), took a jump back to
    `target` (after_insn).  Every PARK_EVERY such jumps, two in a row to the same place with
    the same registers, flags and loop count and nothing done in between that a parked loop
    may not do ask chip_run for a look (Core.park_req: the run loop stops before the next
    instruction); waiting for the next arrival at the head (park_state 1), that arrival."""
    if c.park_state == 0:
        c.park_bb += 1
        if c.park_bb % PARK_EVERY < PARK_EVERY - 2:
            return
    park_sample_slow(c, target)


cdef inline bint park_sig_now(Core* c, uint32_t target) noexcept nogil:
    return (c.park_sig_pc == target and c.park_sig_lc == c.lc
            and c.park_sig_flags == p1_flags(c) and c.park_sig == park_acc(c)
            and memcmp(c.park_sig_r, c.r, sizeof(c.r)) == 0)


cdef void park_sample_slow(Core* c, uint32_t target) noexcept nogil:
    cdef uint32_t ph
    cdef ParkInfo* pi
    if c.park_state == 1:
        # a state taken at the head: the next arrival there in that state again
        pi = <ParkInfo*>c.park_info
        if target == c.park_head and memcmp(pi.a.r, c.r, sizeof(c.r)) == 0:
            c.park_req = 1
            attn_update(c)
        else:
            c.park_miss += 1
            if c.park_miss > PARK_MISS:
                c.park_state = 0
        return
    if c.park_state == 3:
        # scanning (slices of talking cores): the sampled state again, a pass later
        if park_sig_now(c, target):
            c.park_state = 0
            c.park_req = 1
            attn_update(c)
        else:
            c.park_miss += 1
            if c.park_miss > PARK_SCAN:
                c.park_state = 0
        return
    ph = c.park_bb % PARK_EVERY
    if ph == PARK_EVERY - 1:
        if park_sig_now(c, target):
            c.park_req = 1
            attn_update(c)
        elif c.spinchk == 3 and c.park_sig_pc == target:
            # a pass of several jumps back (a polling loop that calls a copy loop): look
            # for the sampled state among the next jumps
            c.park_state = 3
            c.park_miss = 0
    elif ph == PARK_EVERY - 2:
        c.park_sig_pc = target
        c.park_sig_lc = c.lc
        c.park_sig_flags = p1_flags(c)
        c.park_sig = park_acc(c)
        memcpy(c.park_sig_r, c.r, sizeof(c.r))


cdef inline bint spin_sample(Core* c, uint32_t target) noexcept nogil:
    """A loop of one block jumped back to `target` with Core.spinchk set (run_blocks, as
    after_insn for the other loops): p1_spin_check or park_sample; whether it stops here."""
    if c.p1:
        p1_spin_check(c, target)
        return c.p1_spin
    park_sample(c, target)
    return c.park_req


cdef bint park_same(Core* c, ParkInfo* pi) noexcept nogil:
    """Core c is at the loop's head again: is its state the one in pi.a a pass later (and
    may it be parked)?  Fills pi.d and pi.shifted."""
    cdef Core* a = &pi.a
    cdef uint64_t P, ca = a.cnt.cycles
    cdef uint64_t* x = <uint64_t*>&c.cnt
    cdef uint64_t* y = <uint64_t*>&a.cnt
    cdef uint64_t* d = <uint64_t*>&pi.d
    cdef Counters* D = &pi.d
    cdef size_t i
    if c.pc != a.pc or c.cnt.cycles <= ca or c.touch != a.touch:
        return 0
    P = c.cnt.cycles - ca
    if c.now - a.now != P:
        return 0
    if memcmp(c.r, a.r, sizeof(c.r)) != 0:
        return 0
    if (c.af != a.af or c.bf != a.bf or c.avs != a.avs or c.bv != a.bv or c.bis != a.bis
            or c.bvs != a.bvs or c.bus != a.bus or c.active != a.active
            or c.status_rest != a.status_rest or c.config != a.config or c.lc != a.lc
            or c.ls != a.ls or c.le != a.le or c.iret != a.iret or c.imask != a.imask
            or c.ilat != a.ilat or c.ipend != a.ipend or c.debugstatus != a.debugstatus
            or c.ctimer[0] != a.ctimer[0] or c.ctimer[1] != a.ctimer[1]
            or c.memstatus != a.memstatus or c.memprotect != a.memprotect):
        return 0
    if (c.irq_pending or c.irq_delay or c.idle or c.halted or c.single_step or c.exited
            or c.timer_on or c.dma_active or c.watch_hit or c.win_far or c.cut or c.p1
            or c.p1_spin or c.brk_armed or c.stall_acc or c.tmr_yield or c.lc != 0):
        return 0
    if (c.pending != a.pending or c.prev_dst != a.prev_dst or c.prev_ialu != a.prev_ialu
            or c.pair_mask != a.pair_mask or c.after_jump != a.after_jump
            or c.lbank != a.lbank):
        return 0
    for i in range(sizeof(Counters) // sizeof(uint64_t)):
        d[i] = x[i] - y[i]
    if (D.n_insns == 0 or D.cycles != P or D.idle_cycles
            or (D.n_stores_local and c.chip.nwatch)
            or D.n_stores_remote or D.n_loads_remote or D.n_ext_reads or D.n_ext_writes
            or D.remote_stall_cycles or D.ext_stall_cycles or D.dma_bytes
            or D.dma_remote_reads or D.dma_remote_writes or D.dma_ext_reads
            or D.dma_ext_writes or D.dma_stall_cycles or D.n_traps or D.n_interrupts
            or D.n_unaligned or D.n_fetch_remote or D.n_fetch_ext):
        return 0
    for i in range(2 * RDY_F):
        if c.rdy[i] == a.rdy[i] and (a.rdy[i] >> 1) < ca:
            pi.shifted[i] = 0
        elif c.rdy[i] == a.rdy[i] + 2 * P:
            pi.shifted[i] = 1
        else:
            return 0
    return 1


cdef bint park_look(Core* c) noexcept nogil:
    """chip_run's look at core c, stopped at a loop's head by park_sample (Core.park_req):
    the first arrival's state is kept, the second one's compared with it.  Returns whether
    c is now parked (its slice then counts as run: Core.park_until)."""
    cdef Chip* ch = c.chip
    cdef ParkInfo* pi = <ParkInfo*>c.park_info
    c.park_req = 0
    ch.n_park_looks += 1
    attn_update(c)
    if pi == NULL:
        pi = <ParkInfo*>malloc(sizeof(ParkInfo))
        if pi == NULL:
            c.park_state = 0
            return 0
        pi.mem = NULL
        c.park_info = pi
    if c.park_state != 1:
        memcpy(&pi.a, c, sizeof(Core))
        c.park_state = 1
        c.park_head = c.pc
        c.park_miss = 0
        return 0
    c.park_period = c.cnt.cycles - pi.a.cnt.cycles
    if not park_same(c, pi) or not park_offsets(c, pi):
        c.park_state = 0
        return 0
    c.park_state = 2
    c.parked = 1
    ch.nparked += 1
    ch.n_parks += 1
    return 1


cdef bint park_offsets(Core* c, ParkInfo* pi) noexcept nogil:
    """Core c is at the head of a pass that is the one before shifted in time: run it one
    instruction at a time, noting the cycle each starts in (ParkInfo.off) and what
    p1_spin_check would sample at each jump back (ParkInfo.j*), and put the core back as it
    was.  A pass that stores must leave the SRAM as it was (stores of what is there already:
    a polling loop that copies a message slot) and the core in the same state again: then
    every pass after it is the same.  False if the pass is not as expected."""
    cdef uint64_t H = c.cnt.cycles, st0 = c.cnt.n_stores_local
    cdef uint32_t head = c.pc, n = 0, nj = 0, pc, j, k
    cdef int st
    cdef bint ok = 0
    cdef bint stores = pi.d.n_stores_local != 0
    memcpy(&pi.b, c, sizeof(Core))
    if stores:
        if pi.mem == NULL:
            pi.mem = <uint8_t*>malloc(c.sram_size)
            if pi.mem == NULL:
                return 0
        memcpy(pi.mem, c.sram, c.sram_size)
        memcpy(&pi.a, c, sizeof(Core))                 # (the state it must come back to)
    c.spinchk = 0
    while n < PARK_MAXN and n < pi.d.n_insns:
        pi.off[n] = <uint32_t>(c.cnt.cycles - H)
        n += 1
        pc = c.pc
        c.single_step = 1
        attn_update(c)
        st = run_core(c, 0xFFFFFFFFFFFFFFFFULL)
        c.single_step = 0
        attn_update(c)
        if st != STOP_NONE or c.cnt.n_insns != pi.b.cnt.n_insns + n:
            break
        pi.scnt[n - 1] = <uint32_t>(c.cnt.n_stores_local - st0)
        if c.pc <= pc:
            # a jump back (after_insn samples it: p1_spin_check)
            if nj == PARK_MAXJ:
                break
            pi.joff[nj] = pi.off[n - 1]
            pi.jnext[nj] = <uint32_t>(c.cnt.cycles - H)
            pi.jtarget[nj] = c.pc
            pi.jflags[nj] = p1_flags(c)
            pi.jstores[nj] = c.cnt.n_stores_local - st0
            memcpy(pi.jr[nj], c.r, sizeof(c.r))
            nj += 1
    if (n == pi.d.n_insns and nj > 0 and c.pc == head and c.cnt.cycles - H == c.park_period
            and pi.joff[nj - 1] == pi.off[n - 1]):
        ok = 1                          # (its last instruction jumps back to the head)
        if stores:
            ok = park_same(c, pi) and memcmp(pi.mem, c.sram, c.sram_size) == 0
    memcpy(c, &pi.b, sizeof(Core))
    if stores and not ok:
        memcpy(c.sram, pi.mem, c.sram_size)           # (it may have changed it)
    pi.n = n
    pi.nj = nj
    pi.anymatch = 0
    for j in range(nj):
        k = (j + nj - 1) % nj           # the jump before it
        pi.jmatch[j] = (pi.jtarget[j] == pi.jtarget[k] and pi.jflags[j] == pi.jflags[k]
                        and pi.jstores[j] + (pi.d.n_stores_local if j == 0 else 0)
                        == pi.jstores[k]
                        and memcmp(pi.jr[j], pi.jr[k], sizeof(c.r)) == 0)
        pi.anymatch |= pi.jmatch[j]
    return ok


cdef uint64_t park_vstate(Core* c, uint64_t T, uint64_t* vcyc) noexcept nogil:
    """Parked core c run to cycle T: the instructions it would have run in all, and its cycle
    count (vcyc: the start of the first instruction it would not have run yet)."""
    cdef ParkInfo* pi = <ParkInfo*>c.park_info
    cdef uint64_t H = c.cnt.cycles, P = c.park_period, w, r
    cdef uint32_t j = 0
    if T <= H:
        vcyc[0] = H
        return c.cnt.n_insns
    w = (T - H) // P
    r = T - H - w * P
    while j < pi.n and pi.off[j] < r:
        j += 1
    vcyc[0] = H + w * P + (pi.off[j] if j < pi.n else P)
    return c.cnt.n_insns + w * pi.n + j


cdef uint64_t park_jumps(Core* c, uint64_t T) noexcept nogil:
    """Parked core c run to cycle T: the jumps back it would have taken in all since it was
    parked."""
    cdef ParkInfo* pi = <ParkInfo*>c.park_info
    cdef uint64_t H = c.cnt.cycles, P = c.park_period, w, r
    cdef uint32_t j = 0
    if T <= H:
        return 0
    w = (T - H) // P
    r = T - H - w * P
    while j < pi.nj and pi.joff[j] < r:
        j += 1
    return w * pi.nj + j


cdef inline bint park_sig_is(Core* c, ParkInfo* pi, uint32_t jj, uint64_t stores) noexcept nogil:
    """p1_spin_check's last sample is parked core c's state after the jump back jj of a pass
    (with `stores` local stores made by then)."""
    return (c.sig_pc == pi.jtarget[jj] and c.sig_lc == c.lc and c.sig_flags == pi.jflags[jj]
            and c.sig_stores == stores and memcmp(c.sig_r, pi.jr[jj], sizeof(c.r)) == 0)


cdef inline void park_sig_set(Core* c, ParkInfo* pi, uint64_t g) noexcept nogil:
    """p1_spin_check's sample at the g-th jump back since c was parked (0-based)."""
    cdef uint32_t jj = <uint32_t>(g % pi.nj)
    c.sig_pc = pi.jtarget[jj]
    c.sig_lc = c.lc
    c.sig_flags = pi.jflags[jj]
    c.sig_stores = c.cnt.n_stores_local + (g // pi.nj) * pi.d.n_stores_local + pi.jstores[jj]
    memcpy(c.sig_r, pi.jr[jj], sizeof(c.r))


cdef uint64_t park_p1(Core* c, uint64_t E) noexcept nogil:
    """Parked core c takes part in the parallel phase of a coarse slice ending at E: as far
    as that phase would run it -- to E, or to the instruction after the jump back at which
    p1_spin_check would find it spinning -- with the samples p1_spin_check takes on the way
    (Core.p1_bb, sig_*).  Returns the instructions that phase would have run."""
    cdef ParkInfo* pi = <ParkInfo*>c.park_info
    cdef uint64_t j0 = park_jumps(c, c.park_until), K = park_jumps(c, E) - j0
    cdef uint64_t f, i, i14, stop = 0, vc, before, g, last = 0
    cdef uint32_t jj
    before = park_vstate(c, c.park_until, &vc)
    if K == 0:
        c.park_until = E
        return park_vstate(c, E, &vc) - before
    f = (c.p1_bb + 1) % P1_SPIN_EVERY                   # the phase of the first jump
    i = (P1_SPIN_EVERY - 1 - f + P1_SPIN_EVERY) % P1_SPIN_EVERY + 1   # the first phase 15
    if i == 1:
        # the sample it compares with was taken before: is it this state?
        g = j0
        jj = <uint32_t>(g % pi.nj)
        if park_sig_is(c, pi, jj, c.cnt.n_stores_local + (g // pi.nj) * pi.d.n_stores_local
                       + pi.jstores[jj]):
            stop = 1
        else:
            i += P1_SPIN_EVERY
    if not stop and pi.anymatch:
        while i <= K:
            if pi.jmatch[(j0 + i - 1) % pi.nj]:
                stop = i
                break
            i += P1_SPIN_EVERY
    if stop and stop > K:
        stop = 0
    i14 = (P1_SPIN_EVERY - 2 - f + P1_SPIN_EVERY) % P1_SPIN_EVERY + 1
    if stop:
        c.p1_bb += <uint32_t>stop
        if stop >= 2:
            last = stop - 1
        g = j0 + stop - 1                               # the jump it stops after
        c.park_until = (c.cnt.cycles + (g // pi.nj) * c.park_period
                        + pi.jnext[g % pi.nj])
    else:
        c.p1_bb += <uint32_t>K
        if i14 <= K:
            last = i14 + (K - i14) // P1_SPIN_EVERY * P1_SPIN_EVERY
        c.park_until = E
    if last:
        park_sig_set(c, pi, j0 + last - 1)
    return park_vstate(c, c.park_until, &vc) - before


cdef uint64_t park_vstores(Core* c) noexcept nogil:
    """Parked core c's local stores, had it run to Core.park_until (chip_writes: the
    deadlock check watches them)."""
    cdef ParkInfo* pi = <ParkInfo*>c.park_info
    cdef uint64_t H = c.cnt.cycles, P = c.park_period, T = c.park_until, w, r
    cdef uint32_t j = 0
    if T <= H or pi.d.n_stores_local == 0:
        return c.cnt.n_stores_local
    w = (T - H) // P
    r = T - H - w * P
    while j < pi.n and pi.off[j] < r:
        j += 1
    return c.cnt.n_stores_local + w * pi.d.n_stores_local + (pi.scnt[j - 1] if j else 0)


cdef void park_visit(Chip* ch, Core* c, bint coarse, uint64_t* calls,
                     uint64_t* ran) noexcept nogil:
    """chip_run's turn of parked core c in its slice: as far as it would have run, counted
    as if it had run (the length of coarse slices follows the instructions per run-loop
    entry: span_mult)."""
    cdef uint64_t vn, vc
    if c.park_until < ch.slice_end:
        if coarse:
            vn = park_vstate(c, c.park_until, &vc)
            if vc < ch.slice_end:
                if not c.p1_ran:
                    ch.n_core_calls += 1
                    calls[0] += 1
                ran[0] += park_vstate(c, ch.slice_end, &vc) - vn
        c.park_until = ch.slice_end
    c.p1_ran = 0


cdef int park_serial(Chip* ch, Core* c, int st, uint64_t* ran) noexcept nogil:
    """Core c stopped at a polling loop's head in its turn of a serial slice (park_sample):
    parked (its instructions to the slice's end added to *ran, beyond its own count), or run
    on.  Returns its stop."""
    cdef uint64_t vc
    while c.park_req and st == STOP_NONE:
        if park_look(c):
            c.park_until = ch.slice_end
            ran[0] += park_vstate(c, ch.slice_end, &vc) - c.cnt.n_insns
            return STOP_NONE
        st = run_core(c, ch.slice_end)
    return st


cdef void park_release(Core* t) noexcept nogil:
    """Parked core t runs up to Core.park_until, the cycle the slices it was parked in
    brought it to, and is no longer parked: its whole passes at once, then the rest as the
    run loop runs it."""
    cdef ParkInfo* pi = <ParkInfo*>t.park_info
    cdef uint64_t T = t.park_until, m, P = t.park_period
    cdef uint64_t* x = <uint64_t*>&t.cnt
    cdef uint64_t* d = <uint64_t*>&pi.d
    cdef size_t i
    cdef int st
    t.parked = 0
    t.park_state = 0
    t.chip.nparked -= 1
    t.spinchk = 0
    if T <= t.cnt.cycles:
        return
    m = (T - t.cnt.cycles) // P
    if m:
        for i in range(sizeof(Counters) // sizeof(uint64_t)):
            x[i] += m * d[i]
        t.now += m * P
        for i in range(2 * RDY_F):
            if pi.shifted[i]:
                t.rdy[i] += 2 * m * P
        t.park_insns += m * pi.d.n_insns
    # (the rest of a pass: it loads from its own SRAM only, and does not stop)
    st = run_core(t, T)
    if st != STOP_NONE:
        t.p1_stop = st


cdef inline void core_touched(Core* t) noexcept nogil:
    """Something outside core t is about to write into its memory or registers, or to read
    its registers: a parked t is brought up to date first, and a loop being looked at
    (park_state 1) is not parked on a state from before."""
    t.touch += 1
    if t.parked:
        park_release(t)


cdef void park_free(Core* c) noexcept nogil:
    cdef ParkInfo* pi = <ParkInfo*>c.park_info
    if pi != NULL:
        free(pi.mem)
        free(pi)
        c.park_info = NULL


cdef void park_release_all(Chip* ch) noexcept nogil:
    cdef int k
    if ch.nparked:
        for k in range(ch.ncores):
            if ch.cores[k].parked:
                park_release(&ch.cores[k])
