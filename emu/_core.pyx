# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""The hot core of epiphany-emu: predecoded execution of Epiphany eCores, nogil.

Python (emu/chip.py) configures an ``Engine``, loads memory, calls ``run`` and services the
stop reasons it returns (traps = host I/O, faults = reports).  Nothing in the run loop touches
a Python object.
"""
from libc.stdint cimport uint8_t, uint16_t, int16_t, uint32_t, int32_t, uint64_t, int64_t, uintptr_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcmp, memcpy, memset


cdef extern from *:
    int __builtin_ctzll(unsigned long long) nogil
    int __builtin_popcount(unsigned int) nogil
    void __builtin_unreachable() nogil

cdef extern from "pool.h" nogil:
    ctypedef struct epool:
        pass
    ctypedef void (*epool_fn)(void* arg, int item) noexcept nogil
    epool* epool_new(int nworkers, int cap)
    int epool_usable(epool* P)
    void epool_run(epool* P, int nitems, epool_fn fn, void* arg)
    void epool_free(epool* P)
    int epool_host_cpus()

from cpython.buffer cimport PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES
from posix.mman cimport mmap, munmap, PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, \
    MAP_NORESERVE, MAP_FAILED


cdef void* lazy_zalloc(size_t n) noexcept nogil:
    """n zeroed bytes, 64-byte aligned, straight from the kernel (anonymous mmap): pages the
    program never touches cost nothing, whatever malloc's heap holds -- calloc hands out
    recycled heap memory (zeroing it, so touching every page) once earlier frees have raised
    glibc's mmap threshold, which made a 64x64 chip resident in full.  NULL on failure."""
    cdef size_t total = n + 64
    cdef uint8_t* raw = <uint8_t*>mmap(NULL, total, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    if <void*>raw == MAP_FAILED:
        return NULL
    (<size_t*>raw)[0] = total
    return raw + 64


cdef void lazy_free(void* p) noexcept nogil:
    cdef uint8_t* raw
    if p != NULL:
        raw = <uint8_t*>p - 64
        munmap(raw, (<size_t*>raw)[0])


include "_gen_regs.pxi"
include "_irq.pxi"
include "_mmr.pxi"
include "_dma.pxi"
include "_observe.pxi"
include "_mesh.pxi"
include "_mem.pxi"
include "_sem_alu.pxi"
include "_sem_branch.pxi"
include "_sem_ldst.pxi"
include "_sem_ctrl.pxi"
include "_sem_fpu.pxi"
include "_gen_isa.pxi"
include "_pipe.pxi"
include "_blocks.pxi"


# ---- core reset, timers, idling ---------------------------------------------------------------

cdef void core_reset(Core* c) noexcept nogil:
    """Architectural reset (RESETCORE / e-hal soft reset): registers cleared, memory kept.
    The core is left idle with interrupts enabled, waiting for SYNC (as e-hal leaves it)."""
    memset(c.r, 0, sizeof(c.r))
    c.pc = 0
    c.npc = 0
    c.af = c.bf = c.avs = 0
    c.bv = c.bis = c.bvs = c.bus = 0
    c.active = 0
    c.status_rest = 0
    config_set(c, 0)
    c.lc = c.ls = c.le = c.iret = 0
    c.imask = c.ilat = c.ipend = 0
    c.ctimer[0] = c.ctimer[1] = 0
    c.debugstatus = 0
    memset(c.dma, 0, sizeof(c.dma))
    c.memstatus = c.memprotect = 0
    c.meshconfig = 0
    c.irq_pending = 0
    c.irq_delay = 0
    c.idle = 1
    c.halted = 0
    c.exited = 0
    c.exit_code = 0
    c.p1_stop = 0        # (a stop it met in a parallel phase is void)
    attn_update(c)


cdef inline uint32_t ctimer_mode(Core* c, int k) noexcept nogil:
    """The event CTIMERk counts (CONFIG.CTIMERk, CTIMER_* values)."""
    return (c.config >> (CFG_CTIMER1_SHIFT if k else CFG_CTIMER0_SHIFT)) & 0xF


cdef inline void timer_count(Core* c, int k, uint64_t n) noexcept nogil:
    if c.ctimer[k] == 0 or n == 0:
        return
    if c.ctimer[k] <= n:
        c.ctimer[k] = 0
        latch_irq(c, 1u << (IRQ_TIMER0 + k))   # TIMER1 follows TIMER0
    else:
        c.ctimer[k] -= <uint32_t>n


cdef uint64_t ctimer_events(Core* c, uint32_t mode) noexcept nogil:
    """The running total of the events of a counter-based CTIMER mode (isa/regs.py
    CTIMER_MODE): the timing model's own counters."""
    if mode == CTIMER_DUAL:
        return c.cnt.n_dual_issue
    if mode == CTIMER_LOAD_STALL:
        return c.cnt.load_stall_cycles
    if mode == CTIMER_RA_STALL:
        return c.cnt.dep_stall_cycles
    if mode == CTIMER_LOCAL_FETCH_STALL:
        return c.cnt.fetch_stall_cycles + c.cnt.bank_conflict_cycles
    if mode == CTIMER_EXT_LOAD_STALL:
        return c.cnt.remote_stall_cycles + c.cnt.ext_stall_cycles
    return 0


cdef void timers_step(Core* c, const Insn* ins, uint64_t dcyc) noexcept nogil:
    """Count the events the CTIMERs are configured for (CONFIG[7:4], [11:8]; MAN §6)."""
    cdef int k
    cdef uint32_t mode
    cdef uint64_t n, ev
    for k in range(2):
        mode = ctimer_mode(c, k)
        if mode == CTIMER_CLK:
            n = dcyc
        elif mode == CTIMER_IALU:
            n = 1 if ins.tclass == TC_IALU else 0
        elif mode == CTIMER_FPU:
            n = 1 if ins.tclass == TC_FPU else 0
        elif mode >= CTIMER_DUAL:
            ev = ctimer_events(c, mode)
            n = ev - c.tmr_seen[k]
            c.tmr_seen[k] = ev
        else:
            n = 0
        timer_count(c, k, n)


cdef uint64_t timer_wake_cycle(Core* c, uint64_t now, uint64_t end) noexcept nogil:
    """While idle, the first cycle (<= end) at which a timer counting clock or idle cycles
    reaches zero."""
    cdef int k
    cdef uint32_t mode
    cdef uint64_t t = end
    for k in range(2):
        mode = ctimer_mode(c, k)
        if (mode == CTIMER_CLK or mode == CTIMER_IDLE) and c.ctimer[k] != 0 and now + c.ctimer[k] < t:
            t = now + c.ctimer[k]
    return t


cdef int idle_until(Core* c, uint64_t end) noexcept nogil:
    """An idle core sleeps until `end` or until a timer or its DMA engine wakes it.
    Returns 0, or the stop reason of a DMA fault."""
    cdef uint64_t now = c.cnt.cycles
    cdef uint64_t t = end
    cdef int k, st
    cdef uint32_t mode
    while c.dma_active and c.dma_clock < end:
        st = dma_advance(c, end, 1)
        if st != 0:
            return st
        if c.irq_pending:
            t = c.dma_clock if c.dma_clock > now else now
            break
    if c.timer_on:
        t = timer_wake_cycle(c, now, t)
        for k in range(2):
            mode = ctimer_mode(c, k)
            if mode == CTIMER_CLK or mode == CTIMER_IDLE:
                timer_count(c, k, t - now)
    if t > now:
        c.cnt.idle_cycles += t - now
        c.cnt.cycles = t


# ---- the run loop -----------------------------------------------------------------------------

cdef enum:
    P1_SPIN_EVERY = 16      # p1_spin_check compares the state of two backward jumps in a row
                            # once per this many


cdef inline uint32_t p1_flags(Core* c) noexcept nogil:
    return (c.af | (<uint32_t>c.bf << 4) | (<uint32_t>c.avs << 8) | (<uint32_t>c.bv << 9)
            | (<uint32_t>c.bis << 10) | (<uint32_t>c.bvs << 11) | (<uint32_t>c.bus << 12))


cdef void p1_spin_check(Core* c, uint32_t target) noexcept nogil:
    """Core c, in the parallel phase of a slice, took a jump back to `target`.  Sampled every
    P1_SPIN_EVERY such jumps: when one iteration from `target` back to it changed nothing --
    registers, flags, loop count, no store -- the core waits for another core (a polling loop,
    a lock): it stops (Core.p1_spin) and goes on in the serial phase, where what others write
    reaches it on time.  (Run ahead to the slice's end, a poll would see a write issued early
    in the slice only at that end.)  Every loop (run_core_impl, run_blocks, block_deviate)
    calls it at the same jumps (after_insn, and run_blocks for loops of one block), so the
    timed blocks change nothing."""
    cdef uint32_t ph
    c.p1_bb += 1
    ph = c.p1_bb % P1_SPIN_EVERY
    if ph == P1_SPIN_EVERY - 1:
        if (c.sig_pc == target and c.sig_lc == c.lc and c.sig_flags == p1_flags(c)
                and c.sig_stores == c.cnt.n_stores_local
                and memcmp(c.sig_r, c.r, sizeof(c.r)) == 0):
            c.p1_spin = 1
            c.attn = 1
            c.attn_blk = 1
    elif ph == P1_SPIN_EVERY - 2:
        c.sig_pc = target
        c.sig_lc = c.lc
        c.sig_flags = p1_flags(c)
        c.sig_stores = c.cnt.n_stores_local
        memcpy(c.sig_r, c.r, sizeof(c.r))


include "_park.pxi"


cdef inline uint32_t after_insn(Core* c, const Insn* ins, uint32_t pc, int st, uint64_t* cyc,
                                uint64_t cyc0, uint8_t* pair_mask, uint64_t* prev_dst,
                                uint64_t* prev_ialu) noexcept nogil:
    """What follows the execution of the instruction at pc (status st, issued at cyc0, done
    at *cyc), whichever loop ran it (run_core_impl, run_blocks, block_deviate): a taken
    jump's penalty and pipeline restart, a stop's report (a TRAP completes: the host resumes
    after it), the end of a hardware loop, the timers.  Returns the next PC."""
    cdef uint32_t nxt = pc + ins.size
    cdef uint32_t bp
    if st != EXEC_OK:
        if st != EXEC_TAKEN:
            c.stop_pc = pc
            c.fault_word = OP_BASE_OF[ins.op]   # (a block's copy: the op of its variant)
            if c.stop == STOP_TRAP:
                c.cnt.n_traps += 1
                c.pc = nxt
            return nxt
        nxt = c.npc
        bp = c.chip.tm.branch_penalty
        cyc[0] += bp
        c.cnt.branch_cycles += bp
        pair_mask[0] = AFTER_JUMP
        prev_dst[0] = 0
        prev_ialu[0] = 0
        if c.spinchk and nxt <= pc:
            if c.p1:
                p1_spin_check(c, nxt)
            else:
                park_sample(c, nxt)
    if c.attn:
        if st == EXEC_OK and c.lc != 0 and pc == c.le:
            c.npc = nxt
            hwloop_end(c)
            nxt = c.npc
        if c.timer_on and not c.tmr_blk:     # (else counted when run_blocks returns)
            c.cnt.cycles = cyc[0]
            timers_step(c, ins, cyc[0] - cyc0)
    return nxt


cdef enum:
    # what run_core_impl observes: nothing, the profile only, or everything (observe_insn)
    OBS_NONE = 0
    OBS_PROF = 1
    OBS_ALL = 2


cdef int run_core(Core* c, uint64_t end) noexcept nogil:
    """Run core c until its cycle count reaches `end` (see run_core_impl).  The loop is
    specialised for each combination of the timing model and observation, so neither costs a
    test per instruction; each specialisation is a function of its own (the register
    allocator does better with one copy of the loop per function)."""
    cdef Chip* ch = c.chip
    if ch.tm.timed:
        if ch.tracing:
            return run_core_timed_observed(c, end)
        if ch.profiling:
            return run_core_timed_profiled(c, end)
        return run_core_timed(c, end)
    if ch.tracing:
        return run_core_observed(c, end)
    if ch.profiling:
        return run_core_profiled(c, end)
    return run_core_plain(c, end)


cdef inline int run_core_blocks(Core* c, uint64_t end, bint timed, int observe) noexcept nogil:
    """Not traced: block by block where the blocks apply (_blocks.pxi), instruction by
    instruction from where they do not to the next taken jump.  Profiled, the blocks count
    their runs for the profile (prof_block_ran), the per-instruction loop each instruction."""
    cdef int st
    if not c.chip.use_blocks or c.cnt.cycles + BLK_MIN_SLICE > end:
        # (a slice of a few cycles, as while cores talk: a block would rarely fit in it, and
        # looking one up costs more than the instructions)
        return run_core_impl(c, end, timed, observe, 0)
    c.stop = STOP_NONE
    while True:
        if c.timer_on:
            st = run_blocks_timers(c, end)
        else:
            # (a MOVTS that would start a timer does not run in the blocks: Core.tmr_yield)
            c.tmr_blk = 1
            st = run_blocks(c, end)
            c.tmr_blk = 0
            if st == STOP_YIELD and c.tmr_yield:
                c.tmr_yield = 0
                c.stop = STOP_NONE
                st = STOP_NONE
        if st != STOP_NONE or c.cnt.cycles >= end:
            return st
        st = run_core_impl(c, end, timed, observe, 1)
        if st != STOP_NONE or not c.at_edge:
            return st


cdef inline bint timer_write(Core* c, uint32_t off, uint32_t v) noexcept nogil:
    """Writing v to the register at off of core c needs the CTIMERs counted up to it
    (run_blocks_timers): a CTIMER, or CONFIG with other timer modes."""
    return (off == MMR_CTIMER0 or off == MMR_CTIMER1
            or (off == MMR_CONFIG and ((v ^ c.config) >> CFG_CTIMER0_SHIFT) & 0xFF))


cdef inline uint64_t blk_timer_events(Core* c, uint32_t mode) noexcept nogil:
    """The running total of the events of a CTIMER mode that counts events (not clock or idle
    cycles), as the blocks keep it: IALU and FPU instructions in Core.blk_ialu/blk_fpu (the
    per-instruction loop counts its own), the others the timing model's counters."""
    if mode == CTIMER_IALU:
        return c.blk_ialu
    if mode == CTIMER_FPU:
        return c.blk_fpu
    return ctimer_events(c, mode)


cdef int run_blocks_timers(Core* c, uint64_t end) noexcept nogil:
    """run_blocks while a CTIMER counts: what the per-instruction loop counts instruction by
    instruction (timers_step) is counted when run_blocks returns, over the instructions it
    ran -- clock cycles: from the first one's start to the last one's end; events (IALU or
    FPU instructions, dual issues, stall cycles): the totals the blocks keep
    (blk_timer_events).  The run ends early enough that only its last instruction can be the
    one that takes a timer to zero, after which its interrupt is latched, as instruction by
    instruction: where the first timer counting clock cycles reaches zero, as a slice would
    (the blocks only run when their last instruction issues before that end); and for a
    timer counting events, before the cycle from which the instructions before the last
    could count as many events as it has left -- at most two a cycle (dual issue: IALU and
    FPU instructions), one for the others (a stall cycle, a dual issue), so ctimer / 2
    cycles from the start (a timer about to expire leaves the run to the per-instruction
    loop).  An instruction that reads a CTIMER or writes a CTIMER or CONFIG (MOVFS/MOVTS, a
    load or store of the register) does not run in the blocks, timers on or off
    (EXEC_YIELD, Core.tmr_yield): the timers are counted up to it and the per-instruction
    loop runs it -- so the timers' state is the same all through run_blocks.  (Idle cycles:
    the blocks do not idle.)"""
    cdef uint64_t t = end, from_ = c.cnt.cycles, x
    cdef uint64_t ev[2]
    cdef uint32_t mode
    cdef int k, st
    for k in range(2):
        mode = ctimer_mode(c, k)
        ev[k] = 0
        if c.ctimer[k] == 0:
            continue
        if mode == CTIMER_CLK:
            x = c.ctimer[k]
        elif mode >= CTIMER_IALU:
            ev[k] = blk_timer_events(c, mode)       # (IALU, FPU)
            # (the first instruction may pair with the one before the run: a cycle more)
            x = (c.ctimer[k] - 1) // 2
            x = x - 1 if x else 0
        else:
            continue
        if from_ + x < t:
            t = from_ + x
    c.tmr_blk = 1
    st = run_blocks(c, t)
    c.tmr_blk = 0
    for k in range(2):
        mode = ctimer_mode(c, k)
        if mode == CTIMER_CLK:
            timer_count(c, k, c.cnt.cycles - from_)
        elif mode >= CTIMER_DUAL:
            # (from what the per-instruction loop saw last, as its next step would count)
            x = ctimer_events(c, mode)
            timer_count(c, k, x - c.tmr_seen[k])
            c.tmr_seen[k] = x
        elif mode >= CTIMER_IALU:
            timer_count(c, k, blk_timer_events(c, mode) - ev[k])
    if st == STOP_YIELD and c.tmr_yield:
        c.tmr_yield = 0
        c.stop = STOP_NONE
        st = STOP_NONE
    return st


cdef int run_core_timed(Core* c, uint64_t end) noexcept nogil:
    return run_core_blocks(c, end, 1, OBS_NONE)


cdef int run_core_timed_profiled(Core* c, uint64_t end) noexcept nogil:
    return run_core_blocks(c, end, 1, OBS_PROF)


cdef int run_core_timed_observed(Core* c, uint64_t end) noexcept nogil:
    return run_core_impl(c, end, 1, OBS_ALL, 0)


cdef int run_core_profiled(Core* c, uint64_t end) noexcept nogil:
    return run_core_blocks(c, end, 0, OBS_PROF)


cdef int run_core_observed(Core* c, uint64_t end) noexcept nogil:
    return run_core_impl(c, end, 0, OBS_ALL, 0)


cdef int run_core_plain(Core* c, uint64_t end) noexcept nogil:
    return run_core_blocks(c, end, 0, OBS_NONE)


cdef inline int run_core_impl(Core* c, uint64_t end, bint timed, int observe,
                              bint edge) noexcept nogil:
    """Run core c until its cycle count reaches `end`.  Returns STOP_NONE, or the reason it
    stopped (c.stop; c.pc is then the instruction to resume at, or the faulting one).  With
    `edge`, it also returns after a taken jump or a hardware loop's end going back to LS
    (c.at_edge set) when nothing needs the slow path, for run_core_blocks to try a timed
    block there.

    The fast path per instruction: window check, predecode check, pipeline timing, execute,
    count.  Anything unusual (pending interrupt, idle, timers, hardware loop, halt) sets c.attn
    and is handled off the fast path.  Time, the instruction count and the pipeline state live
    in locals and are written back to the core when control leaves the loop or the slow path
    needs them; the memory layer reports stalls through c.stall_acc.

    The pipeline model (when ch.tm.timed) is tm_issue before execution and tm_retire after
    (_pipe.pxi)."""
    cdef Chip* ch = c.chip
    cdef Insn* ins
    cdef uint32_t pc = c.pc, off, nxt
    cdef int st
    cdef uint64_t cyc = c.cnt.cycles     # the core's time
    cdef uint64_t n = 0                  # instructions executed in this call
    cdef uint64_t t, issue, cyc0, pend_b
    cdef uint8_t pm_b
    cdef bint ls_arr
    # issue units that may pair with the previous instruction; AFTER_JUMP: it was a taken jump
    cdef uint8_t pair_mask = c.pair_mask | (AFTER_JUMP if c.after_jump else 0)
    cdef uint64_t pending = c.pending
    cdef uint64_t prev_dst = c.prev_dst
    cdef uint64_t prev_ialu = c.prev_ialu
    # the fetch window, cached in locals; refreshed whenever it may have changed
    cdef uint32_t wbase = c.win_base
    cdef uint32_t wsize = c.win_size
    cdef Insn* wpd = c.win_pd
    c.stop = STOP_NONE
    if edge:
        c.at_edge = 0
    while cyc < end:
        if c.attn:
            c.cnt.cycles = cyc
            c.pc = pc
            if c.p1 and (c.win_far or c.p1_spin or c.idle):
                # code fetched over the mesh, or it waits (a polling loop, IDLE): the serial
                # phase takes it
                c.p1_spin = 0
                attn_update(c)
                c.stop = STOP_YIELD
                c.stop_pc = pc
                break
            if c.park_req:
                break           # (chip_run looks at the spin here, then runs it on: park_look)
            if c.dma_active and c.dma_clock < cyc:
                # the DMA engine runs in step with its core: status, data and interrupt
                # are seen by the core at the modelled cycle
                if c.p1:
                    c.stop = STOP_YIELD     # (it moves data of the chip: the serial phase)
                    c.stop_pc = pc
                    break
                st = dma_advance(c, cyc, 0)
                if st != 0:
                    c.stop_pc = pc
                    break
            if c.cut:
                # it began to communicate inside a coarse slice, which ends here (note_comm)
                c.cut = 0
                attn_update(c)
                if end > ch.slice_end:
                    end = ch.slice_end
                if cyc >= end:
                    break
            if c.watch_hit:
                c.watch_hit = 0
                attn_update(c)
                c.stop = STOP_WATCH
                c.stop_pc = c.watch_pc
                break
            if c.halted or (c.single_step and n):
                break
            if c.irq_pending:
                if c.irq_delay:
                    c.irq_delay = 0
                else:
                    c.last_irq = take_interrupt(c)
                    pc = c.pc
                    pair_mask = AFTER_JUMP
                    prev_dst = 0
                    prev_ialu = 0
                    if ch.irq_stop and c.last_irq >= 0:
                        c.stop = STOP_IRQ       # at the handler's first instruction
                        c.stop_pc = pc
                        break
            if c.idle:
                if idle_until(c, end):
                    c.stop_pc = pc
                    break
                cyc = c.cnt.cycles
                if not c.irq_pending:
                    break
                continue
            # the instruction at a hardware loop's start is about to run: LC counts down
            # (taken back below where it does not run after all: it arrives again)
            ls_arr = c.lc != 0 and pc == c.ls
            if ls_arr:
                hwloop_arrive(c)
        else:
            ls_arr = 0
        cyc0 = cyc
        off = pc - wbase
        if off >= wsize:
            c.pc = pc
            if set_fetch_window(c, pc):
                c.stop_pc = pc
                if ls_arr:
                    hwloop_unarrive(c)
                break
            wbase = c.win_base
            wsize = c.win_size
            wpd = c.win_pd
            off = pc - wbase
        ins = &wpd[off >> 1]
        if ins.size == 0:
            st = predecode(c, ins, off)
            if st == PD_TEMP:
                ins = &c.brk_tmp
            elif st:
                c.pc = pc
                c.stop_pc = pc
                if st == STOP_BRK:
                    c.brk_skip = pc         # continuing runs the instruction first
                    c.brk_armed = 1
                elif st == STOP_YIELD:
                    c.now = cyc - 1         # (the parallel phase: as EXEC_YIELD below)
                if ls_arr:
                    hwloop_unarrive(c)
                break
        if c.win_far and ((pc >> 3) + 1 != c.fetch_line
                          or ((pc + ins.size - 1) >> 3) != (pc >> 3)):
            # fetched from outside the SRAM (an instruction in the line fetched last costs
            # nothing more: fetch_far would find nothing to fetch)
            cyc += fetch_far(c, pc, ins.size, cyc)
        issue = cyc
        pend_b = pending
        pm_b = pair_mask
        if timed:
            issue = tm_issue(ins, pc, cyc, c.rdy, &c.cnt, &pending, prev_dst, prev_ialu,
                             &pair_mask, &t)
        c.pc = pc
        c.now = issue
        st = execute(c, ins)
        if st == EXEC_YIELD:
            # (the parallel phase: it touches shared state and did nothing) the core stops
            # before it, as it was
            # (c.now: no instruction of the core issues from cyc on -- a write that arrives
            # then is in its future; the timed blocks leave the same, block_yield)
            c.now = cyc - 1
            if timed:
                tm_issue_undo(ins, pc, cyc, c.rdy, &c.cnt, pend_b, prev_dst, prev_ialu, pm_b)
            pending = pend_b
            pair_mask = pm_b
            c.stop = STOP_YIELD
            c.stop_pc = pc
            if ls_arr:
                hwloop_unarrive(c)
            break
        n += 1
        t = issue
        if c.stall_acc:
            t += c.stall_acc                 # the memory access completed at t
            c.stall_acc = 0
        if not timed:
            c.lbank = 0
        if timed:
            t = tm_retire(c, ins, pc, t, c.rdy, &pending, &prev_dst, &prev_ialu)
        cyc = t + ins.cost
        nxt = after_insn(c, ins, pc, st, &cyc, cyc0, &pair_mask, &prev_dst, &prev_ialu)
        if st != EXEC_OK:
            if st != EXEC_TAKEN:
                if ls_arr and c.stop != STOP_TRAP:
                    hwloop_unarrive(c)      # (it faulted: it runs, and arrives, again)
                if observe == OBS_PROF and c.stop == STOP_TRAP:
                    prof_insn_at(c, off, cyc - cyc0)
                elif observe and c.stop == STOP_TRAP:
                    c.cnt.cycles = cyc
                    observe_insn(c, ins, pc, off, cyc - cyc0)
                break
            wsize = c.win_size          # jumps to odd addresses invalidate the window
        if edge and (st == EXEC_TAKEN or nxt != pc + ins.size) and not c.attn_blk:
            # a taken jump, or a hardware loop back to LS: a block may start there
            # (profiled: the jump is counted before a block)
            if observe == OBS_PROF:
                prof_insn_at(c, off, cyc - cyc0)
            elif observe:
                c.cnt.cycles = cyc
                observe_insn(c, ins, pc, off, cyc - cyc0)
            if st == EXEC_OK:
                pair_mask |= BLOCK_EDGE
            c.at_edge = 1
            pc = nxt
            break
        if observe == OBS_PROF:
            prof_insn_at(c, off, cyc - cyc0)
        elif observe:
            c.cnt.cycles = cyc
            if observe_insn(c, ins, pc, off, cyc - cyc0):
                pc = nxt
                c.stop = STOP_TRACE_FULL
                break
        pc = nxt
    if (c.stop == STOP_NONE or c.stop == STOP_TRACE_FULL or c.stop == STOP_WATCH
            or c.stop == STOP_IRQ):
        c.pc = pc
    c.cnt.cycles = cyc
    c.cnt.n_insns += n
    c.pending = pending
    c.prev_dst = prev_dst
    c.prev_ialu = prev_ialu
    c.after_jump = pair_mask >> 7
    c.pair_mask = pair_mask & ~AFTER_JUMP
    return c.stop


cdef inline bint core_live(Core* c) noexcept nogil:
    return not c.exited and not c.halted


cdef inline uint64_t mix64(uint64_t h, uint64_t v) noexcept nogil:
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2)
    return h * 0xBF58476D1CE4E5B9ULL


cdef uint64_t chip_state_hash(Chip* ch) noexcept nogil:
    """Hash of the architectural state of every live core (registers, PC, flags, loop and
    interrupt state).  Used only while memory is unchanged."""
    cdef uint64_t h = 1469598103934665603ULL
    cdef int k, j
    cdef Core* c
    for k in range(ch.ncores):
        c = &ch.cores[k]
        if not core_live(c) or c.idle:      # an idle core with nothing pending cannot change
            continue
        h = mix64(h, k)
        for j in range(64):
            h = mix64(h, c.r[j])
        h = mix64(h, c.pc)
        # how far the core runs ahead of the chip's time: a core in a long stall is not
        # frozen, it will resume
        h = mix64(h, c.cnt.cycles - ch.now if c.cnt.cycles > ch.now else 0)
        h = mix64(h, status_get(c))
        h = mix64(h, c.lc)
        h = mix64(h, c.ilat | (c.ipend << 10) | (<uint64_t>c.imask << 20))
        h = mix64(h, c.config)
    return h


cdef enum:
    DEADLOCK_QUIET = 50000          # cycles without any write before states are compared
    # coarse slices (no communication) are quantum * Chip.span_mult long; span_mult doubles
    # after a slice whose cores ran fewer than SPAN_GROW_BELOW instructions per run-loop
    # entry, halves after one with more than SPAN_SHRINK_ABOVE
    SPAN_GROW_BELOW = 128
    SPAN_SHRINK_ABOVE = 2048
    SPAN_MULT_MAX = 1024
    # coarse slices are LONE_SPAN times longer while only one core can act (the per-slice
    # work is then all overhead: about 14 % of a one-core run's host time at 1000 cycles)
    LONE_SPAN = 16


cdef uint64_t chip_writes(Chip* ch) noexcept nogil:
    """Everything that can change what a spinning core observes."""
    cdef uint64_t n = 0
    cdef int k
    cdef Counters* t
    for k in range(ch.ncores):
        t = &ch.cores[k].cnt
        n += t.n_stores_local + t.n_stores_remote + t.n_ext_writes + t.dma_bytes + t.n_traps \
            + t.n_interrupts
        if ch.cores[k].parked:
            # (the stores it would have made by now: a pass that stores what is there)
            n += park_vstores(&ch.cores[k]) - t.n_stores_local
    return n


cdef bint deadlocked(Chip* ch) noexcept nogil:
    """True when the chip provably loops forever: no memory write since the last check, no
    timer, DMA or interrupt that could change anything, and a whole-chip state already seen
    since the last write (the machine is deterministic, so it will repeat forever)."""
    cdef uint64_t w = chip_writes(ch)
    cdef uint64_t h
    cdef uint32_t j
    cdef int k
    cdef Core* c
    if w != ch.last_writes:
        ch.last_writes = w
        ch.last_write_change = ch.now
        ch.seen_len = 0
        return 0
    if ch.now - ch.last_write_change < DEADLOCK_QUIET:
        return 0                    # compute phases without stores are common: wait first
    ch.deadlock_samples += 1
    if ch.deadlock_samples & 15:
        return 0                    # sample every 16th check: a periodic state still repeats
    for k in range(ch.ncores):
        c = &ch.cores[k]
        if core_live(c) and (c.timer_on or c.dma_active or c.irq_pending):
            ch.seen_len = 0
            return 0
    park_release_all(ch)            # (their state as of now)
    h = chip_state_hash(ch)
    for j in range(ch.seen_len):
        if ch.seen[j] == h:
            return 1
    if ch.seen_len >= ch.seen_cap:
        ch.seen_len = 0
    ch.seen[ch.seen_len] = h
    ch.seen_len += 1
    return 0


cdef inline bint core_inert(Core* c) noexcept nogil:
    """An idle core that nothing but another core or the host can wake."""
    return c.idle and not (c.irq_pending or c.timer_on or c.dma_active)


cdef void inert_catch_up(Chip* ch, uint64_t t) noexcept nogil:
    """The inert cores (idle, nothing to wake them but another core) that are behind cycle t
    slept until t."""
    cdef int k
    cdef Core* c
    for k in range(ch.ncores):
        c = &ch.cores[k]
        if core_live(c) and core_inert(c) and c.cnt.cycles < t:
            c.cnt.idle_cycles += t - c.cnt.cycles
            c.cnt.cycles = t


cdef uint64_t chip_next_action(Chip* ch, uint64_t before) noexcept nogil:
    """The earliest cycle at which some core or DMA engine can do something by itself (the
    time of a running core, of a core with an interrupt or timer pending, of a DMA engine);
    all-ones if none can.  Or, as soon as one is found, any such cycle before `before` (the
    caller only asks whether there is one: slices of talking cores)."""
    cdef uint64_t t = 0xFFFFFFFFFFFFFFFFULL, vc
    cdef int k
    cdef Core* c
    for k in range(ch.ncores):
        c = &ch.cores[k]
        if c.parked:
            # (where it would be: the slices passed over must be the same either way; its
            # next instruction starts within a pass of park_until)
            if c.park_until + c.park_period < before:
                return c.park_until
            park_vstate(c, c.park_until, &vc)
            if vc < t:
                t = vc
        elif core_live(c) and not core_inert(c) and c.cnt.cycles < t:
            t = c.cnt.cycles
        if c.dma_active and c.dma_clock < t:
            t = c.dma_clock
        if t < before:
            break
    return t


cdef enum:
    # the parallel phase uses the pool for slices of at least this many cycles, while its
    # phases run at least P1_POOL_MIN_INSNS instructions on average (shorter ones cost more
    # to hand out than they run); either way it computes the same
    P1_POOL_MIN_SPAN = 200
    P1_POOL_MIN_INSNS = 2000


cdef void p1_run_one(void* arg, int item) noexcept nogil:
    """The parallel phase of one core (chip_parallel_phase): run it with Core.p1 set."""
    cdef Chip* ch = <Chip*>arg
    cdef Core* c = &ch.cores[ch.p1_list[item]]
    cdef int st
    c.p1 = 1
    c.spinchk = 1
    st = run_core(c, ch.p1_end)
    c.p1 = 0
    c.spinchk = 0
    c.p1_ran = 1
    if c.p1_spin:
        c.p1_spin = 0                   # (it reached the end first)
        attn_update(c)
    if st == STOP_YIELD:
        c.stop = STOP_NONE
    elif st != STOP_NONE:
        c.p1_stop = st


cdef uint64_t chip_parallel_phase(Chip* ch, uint64_t end, uint64_t* ran) noexcept nogil:
    """The first phase of a coarse slice: each core that can run goes on until `end` or
    until the instruction before which it would touch shared state -- another core's memory
    or registers, off-chip memory, the mesh, its DMA engine's transfers, the chip's other
    cores (WAND, SYNC, MBKPT), the unaligned-access log (Core.p1: EXEC_YIELD, STOP_YIELD).
    What it does touches only its own core (registers, SRAM, timers, interrupts, its blocks),
    so the cores of this phase can run on several host threads (Chip.threads) in any order
    with the same outcome; the serial phase (chip_run) then takes them one by one in core
    order.  A stop met here (a trap, a fault, a breakpoint) is kept in Core.p1_stop and
    reported in the serial phase, in core order.  Cores whose DMA engine is busy wait for the
    serial phase.  Returns the cores it ran; adds their instructions to *ran."""
    cdef int k, n = 0, npk = 0
    cdef Core* c
    cdef uint64_t before = 0, after = 0, vc
    cdef epool* P
    for k in range(ch.ncores):
        c = &ch.cores[k]
        c.p1_ran = 0
        if c.parked:
            # (it takes part without running: park_p1)
            park_vstate(c, c.park_until, &vc)
            if vc < end:
                npk += 1
        elif (core_live(c) and not core_inert(c) and c.cnt.cycles < end and not c.p1_stop
                and not c.dma_active and not c.win_far):
            # (a core fetching from outside its SRAM would stop at once: c.win_far)
            ch.p1_list[n] = k
            n += 1
            before += c.cnt.n_insns
    if n + npk < 2:
        return 0                    # (one core alone: the serial phase runs it as before)
    if npk:
        for k in range(ch.ncores):
            c = &ch.cores[k]
            if c.parked:
                park_vstate(c, c.park_until, &vc)
                if vc < end:
                    c.p1_ran = 1
                    ran[0] += park_p1(c, end)
        ch.n_core_calls += npk
        if n == 0:
            return npk
    ch.p1_end = end
    P = NULL
    # (tracing writes one trace for the chip, and the profile of code in a plain external
    # memory -- blocks may run there -- is one for all cores: then the calling thread runs
    # them, in order)
    if (ch.threads > 1 and not ch.tracing and end - ch.now >= P1_POOL_MIN_SPAN
            and ch.p1_avg >= P1_POOL_MIN_INSNS
            and not (ch.profiling and (ch.ext[0].direct or ch.ext[1].direct or ch.ext[2].direct
                                       or ch.ext[3].direct))):
        P = <epool*>ch.pool
        if P != NULL and not epool_usable(P):
            epool_free(P)               # (made before a fork: its threads are not here)
            P = NULL
        if P == NULL and not ch.pool_failed:
            # (no more threads than the host has CPUs: they would only wait for each other)
            P = epool_new(min(ch.threads, epool_host_cpus()) - 1, ch.ncores)
            ch.pool = P
            ch.pool_failed = P == NULL
    if P != NULL:
        epool_run(P, n, p1_run_one, ch)
        ch.n_pool_phases += 1
    else:
        for k in range(n):
            p1_run_one(ch, k)
    for k in range(n):
        after += ch.cores[ch.p1_list[k]].cnt.n_insns
    ran[0] += after - before
    ch.n_core_calls += n
    ch.n_parallel += 1
    ch.n_parallel_insns += after - before
    # (the average per phase, over the last few: whether the pool pays)
    ch.p1_avg = (ch.p1_avg * 3 + (after - before)) // 4
    return n + npk


cdef int chip_run(Chip* ch, uint64_t limit, int* which) noexcept nogil:
    """chip_run_slices, and the parked cores brought up to date when it returns (the
    host, a debugger, the next run see every core as it is; _park.pxi)."""
    cdef int st = chip_run_slices(ch, limit, which)
    cdef int k
    cdef Core* c
    park_release_all(ch)
    for k in range(ch.ncores):
        c = &ch.cores[k]
        c.spinchk = 0
        c.park_state = 0
        if c.park_req:
            c.park_req = 0
            attn_update(c)
    return st


cdef int chip_run_slices(Chip* ch, uint64_t limit, int* which) noexcept nogil:
    """Run the cores round-robin in slices of global time until `limit` cycles, a stop, or no
    core can make progress.  Deterministic: the order and the slice lengths depend only on the
    program.  While cores communicate (writes in flight, or a remote/off-chip access within
    hot_window cycles) slices shrink to fine_quantum and end at the next write arrival, so a
    write becomes visible to every core within a few cycles of its modelled arrival, whatever
    the quantum.

    Host time follows instructions, not emulated cycles: slices in which no core can act
    (every running core is ahead of them, stalled on a long access; idle cores wait with
    nothing pending) are passed over in one step, on the same grid of slice boundaries and
    deadlock checks as one by one; idle cores with nothing pending are advanced without
    entering the run loop."""
    cdef int k, st, live, busy, active
    cdef uint8_t park_on
    cdef uint64_t slice_end, span, t, n, ran, calls
    cdef bint coarse, lone
    cdef Core* c
    if ch.span_mult == 0:
        ch.span_mult = 1
    while ch.now < limit:
        if ch.stop_request:
            ch.stop_request = 0
            which[0] = -1
            return STOP_USER
        pending_apply_until(ch, ch.now)
        live = 0
        active = 0
        for k in range(ch.ncores):
            c = &ch.cores[k]
            if core_live(c) and not c.idle:
                live += 1
            if (core_live(c) and not core_inert(c)) or c.dma_active:
                active += 1
                if live > 1:
                    break               # (only whether there are two of each matters)
        ch.nlive = live          # cores that could observe a write, or 2 (see chip_shared)
        span = ch.quantum * ch.span_mult
        lone = active == 1
        if lone:
            # one core can act, and nobody to interleave it with: longer slices.  (A core that
            # begins to communicate still ends its slice there, note_comm.  The others are
            # idle with nothing to wake them but that core: they are brought along after it,
            # to the slice's end or to where it stopped, inert_catch_up, so that one it wakes
            # is not already ahead of the interrupt.)
            span *= LONE_SPAN
        coarse = 1
        if ch.npend or ch.now < ch.last_comm + ch.tm.hot_window:
            span = ch.tm.fine_quantum
            if ch.now < ch.last_comm + ch.tm.tight_window:
                span = ch.tm.tight_quantum
            span = span if span < ch.quantum else ch.quantum
            coarse = 0
            lone = 0
        slice_end = ch.now + span
        if ch.npend and ch.pend[0].arrival > ch.now and ch.pend[0].arrival < slice_end:
            slice_end = ch.pend[0].arrival
        elif ch.npend and ch.use_skip:
            # the first write in flight arrives at or after this slice's end: the whole slices
            # before both its arrival and the next cycle some core or DMA engine can act are
            # passed over too (nothing runs or arrives in them: cores waiting on off-chip
            # reads), on the same grid -- not past the end of the tight window, where the
            # span grows (while a write is in flight it stays the fine one)
            t = chip_next_action(ch, slice_end + span)
            if t >= slice_end + span:
                if ch.pend[0].arrival < t:
                    t = ch.pend[0].arrival
                n = (t - ch.now) // span
                if ch.now < ch.last_comm + ch.tm.tight_window:
                    n = min(n, (ch.last_comm + ch.tm.tight_window - ch.now + span - 1) // span)
                if n > 1:
                    slice_end = ch.now + n * span
        elif ch.npend == 0 and ch.use_skip:
            t = chip_next_action(ch, slice_end + span)
            if t >= slice_end + span:
                # whole slices before t: nothing happens in them (no write is in flight, so
                # nothing can arrive).  Not past the end of the tight or the hot window (the
                # span would grow there: the slices after would not start on the grid of the
                # slices one by one) nor past the next deadlock check.
                n = (t - ch.now) // span
                if ch.now < ch.last_comm + ch.tm.tight_window:
                    n = min(n, (ch.last_comm + ch.tm.tight_window - ch.now + span - 1) // span)
                if ch.now < ch.last_comm + ch.tm.hot_window:
                    n = min(n, (ch.last_comm + ch.tm.hot_window - ch.now + span - 1) // span)
                if ch.last_deadlock_check + ch.quantum > ch.now:
                    n = min(n, (ch.last_deadlock_check + ch.quantum - ch.now + span - 1) // span)
                if n > 1:
                    slice_end = ch.now + n * span
        if slice_end > limit:
            slice_end = limit
        busy = 0
        ch.n_slices += 1
        # polling cores may be parked while another core runs (not while observed: the
        # profile, the trace and the read watches see every instruction; a parked core
        # stores nothing, so the store watches do not mind)
        park_on = 0
        if ch.use_parking and ch.nlive > 1 and not (ch.observe or ch.profiling or ch.tracing):
            park_on = 2 if coarse else 3    # (3: park_sample may scan for passes of several
                                            # jumps: slices of talking cores)
        # a core that begins to communicate inside a coarse slice ends it there for the
        # cores after it (note_comm lowers ch.slice_end)
        ch.slice_end = slice_end
        ran = 0
        calls = 0
        if coarse:
            # the parallel phase: every core that can run goes as far as it can without
            # touching shared state (chip_parallel_phase)
            calls = chip_parallel_phase(ch, slice_end, &ran)
        live = 0
        for k in range(ch.ncores):
            c = &ch.cores[k]
            if (c.cnt.cycles >= ch.slice_end and not c.p1_stop
                    and not (c.parked | c.dma_active | c.timer_on | c.exited | c.halted)):
                # (the common case of a slice of talking cores, as below: a live core that
                # waits past the slice, nothing else to do for it)
                live += 1
                if not c.idle or c.irq_pending:
                    busy += 1
                continue
            if c.p1_stop:
                # it stopped in the parallel phase: reported in turn
                st = c.p1_stop
                c.p1_stop = 0
                pending_apply_until(ch, 0xFFFFFFFFFFFFFFFFULL)
                which[0] = k
                return st
            if core_live(c):
                live += 1
                if c.cnt.cycles < ch.slice_end and core_inert(c):
                    if not lone:        # (a lone slice: after the core that can act)
                        c.cnt.idle_cycles += ch.slice_end - c.cnt.cycles  # as idle_until would
                        c.cnt.cycles = ch.slice_end
                elif c.parked:
                    # (its cycle count stands where it was parked: below the slice's end)
                    park_visit(ch, c, coarse, &calls, &ran)
                elif c.cnt.cycles < ch.slice_end:
                    if not c.p1_ran:
                        ch.n_core_calls += 1
                        calls += 1
                    c.p1_ran = 0
                    t = c.cnt.n_insns
                    c.spinchk = park_on
                    st = run_core(c, ch.slice_end)
                    if c.park_req:
                        st = park_serial(ch, c, st, &ran)
                    ran += c.cnt.n_insns - t
                    if st != STOP_NONE:
                        # the host (trap service, reports) sees memory as the core left it
                        pending_apply_until(ch, 0xFFFFFFFFFFFFFFFFULL)
                        if lone:
                            inert_catch_up(ch, c.cnt.cycles)
                        which[0] = k
                        return st
                if not c.idle or c.irq_pending:
                    busy += 1
            if c.dma_active:
                busy += 1
                if c.dma_clock < ch.slice_end:
                    st = dma_advance(c, ch.slice_end, 0)
                    if st != 0:
                        which[0] = k
                        return st
            if c.timer_on and core_live(c):
                busy += 1
        if lone:
            inert_catch_up(ch, ch.slice_end)
        ch.now = ch.slice_end
        if coarse and calls:
            # host work follows instructions: cores that stall for long (code or data off
            # the core, with nobody to talk to) get longer coarse slices, cores that run
            # freely the quantum
            if ran < SPAN_GROW_BELOW * calls:
                if ch.span_mult < SPAN_MULT_MAX:
                    ch.span_mult *= 2
            elif ran > SPAN_SHRINK_ABOVE * calls and ch.span_mult > 1:
                ch.span_mult //= 2
        if ch.npend:
            busy += 1
        if live == 0:
            pending_apply_until(ch, 0xFFFFFFFFFFFFFFFFULL)
            which[0] = -1
            return STOP_EXIT
        if busy == 0:
            which[0] = -1
            return STOP_ALL_IDLE
        if ch.npend == 0 and ch.now >= ch.last_deadlock_check + ch.quantum:
            ch.last_deadlock_check = ch.now
            if deadlocked(ch):
                which[0] = -1
                return STOP_DEADLOCK
    which[0] = -1
    return STOP_MAX_CYCLES


# ---- the Python-facing engine -----------------------------------------------------------------

cdef class Engine:
    """The emulated chip's state and run loop.  Use it through emu.chip.Chip."""
    cdef Chip ch
    cdef object _sram            # buffer of uint8 [ncores, sram_size] (RawMemory or given)
    cdef list _ext               # buffers of the external regions
    cdef object _sram_np         # numpy view of _sram, made on first use
    cdef list _ext_np

    def __cinit__(self, int rows, int cols, int first_row, int first_col,
                  uint32_t sram_size=0x8000, ext=(), uint32_t quantum=1000,
                  uint32_t unaligned_log_cap=65536, memory=None):
        """``memory``: optional numpy uint8 arrays to hold the emulated memory instead of
        fresh ones (e.g. views of a shared-memory file that host programs map, as the
        board's /dev/epiphany): ``(sram, [ext0, ext1, ...])`` with sram of shape
        (rows * cols, sram_size) and one array of each external region's size.  They must
        be C-contiguous and writable; the engine keeps them alive."""
        cdef int k, r, col, cid
        cdef Core* c
        cdef uint8_t* sbase
        memset(&self.ch, 0, sizeof(Chip))
        if rows <= 0 or cols <= 0 or rows * cols > 4096:
            raise ValueError("chip geometry must have 1..4096 cores")
        if first_row < 0 or first_col < 0 or first_row + rows > 64 or first_col + cols > 64:
            raise ValueError("core rows/columns must lie in 0..63")
        if sram_size < 0x100 or sram_size > LOCAL_SPACE or (sram_size & (sram_size - 1)):
            raise ValueError("core memory size must be a power of two between 256 B and 1 MiB")
        self.ch.ncores = rows * cols
        self.ch.rows = rows
        self.ch.cols = cols
        self.ch.first_row = first_row
        self.ch.first_col = first_col
        self.ch.quantum = quantum if quantum > 0 else 1
        self.ch.cores = <Core*>calloc(self.ch.ncores, sizeof(Core))
        self.ch.core_of_id = <int16_t*>malloc(4096 * sizeof(int16_t))
        if self.ch.cores == NULL or self.ch.core_of_id == NULL:
            raise MemoryError()
        for k in range(4096):
            self.ch.core_of_id[k] = -1
        if memory is not None:
            self._sram = memory[0]
            sbase = _buffer_data(memory[0], (self.ch.ncores, sram_size), "sram")
        else:
            self._sram = RawMemory(self.ch.ncores, sram_size)
            sbase = (<RawMemory>self._sram).data
        for k in range(self.ch.ncores):
            r = k // cols
            col = k % cols
            c = &self.ch.cores[k]
            c.chip = &self.ch
            c.index = k
            c.row = first_row + r
            c.col = first_col + col
            cid = (c.row << 6) | c.col
            c.coreid = cid
            self.ch.core_of_id[cid] = k
            c.sram = sbase + <size_t>k * sram_size
            c.sram_size = sram_size
            c.pd = insn_array(sram_size // 2)
            c.code_blk = <uint8_t*>calloc(sram_size // 256 + 1, 1)
            if c.pd == NULL or c.code_blk == NULL:
                raise MemoryError()
            core_reset(c)
            c.win_size = 0
        self._ext = []
        for k, (base, size) in enumerate(ext):
            if k >= 4:
                raise ValueError("at most 4 external memory regions")
            if size <= 0 or size % 4096 or base % 4096 or base + size > 1 << 32:
                raise ValueError("external regions must be 4 KiB aligned and inside 4 GiB")
            if memory is not None:
                if k >= len(memory[1]):
                    raise ValueError(f"no memory given for external region {k}")
                a = memory[1][k]
                self.ch.ext[k].mem = _buffer_data(a, (size,), f"external region {k}")
            else:
                a = RawMemory(1, size)
                self.ch.ext[k].mem = (<RawMemory>a).data
            self._ext.append(a)
            self.ch.ext[k].base = base
            self.ch.ext[k].size = size
            self.ch.ext[k].pages = <Insn**>calloc(size // 4096, sizeof(Insn*))
            if self.ch.ext[k].pages == NULL:
                raise MemoryError()
        self.ch.clinks = <Link*>calloc(self.ch.ncores * 4, sizeof(Link))
        self.ch.rlinks = <Link*>calloc(self.ch.ncores * 4, sizeof(Link))
        self.ch.xlinks = <Link*>calloc(self.ch.ncores * 4, sizeof(Link))
        if self.ch.clinks == NULL or self.ch.rlinks == NULL or self.ch.xlinks == NULL:
            raise MemoryError()
        if cal_init(&self.ch.tx_cal) or cal_init(&self.ch.rd_cal):
            raise MemoryError()
        self.ch.span_mult = 1
        self.ch.tm.fine_quantum = 8
        self.ch.tm.hot_window = 2000
        self.ch.tm.tight_quantum = 1
        self.ch.tm.tight_window = 32
        self.ch.nlive = self.ch.ncores
        self.ch.seen_cap = 4096
        self.ch.seen = <uint64_t*>calloc(self.ch.seen_cap, sizeof(uint64_t))
        if self.ch.seen == NULL:
            raise MemoryError()
        self.ch.unaligned_log = <UnalignedRec*>calloc(max(unaligned_log_cap, 1),
                                                      sizeof(UnalignedRec))
        if self.ch.unaligned_log == NULL:
            raise MemoryError()
        self.ch.unaligned_log_cap = unaligned_log_cap
        for k in range(8):
            self.ch.tm.tc_cost[k] = 1
        self.ch.tm.fine_quantum = 8
        self.ch.tm.hot_window = 2000
        self.ch.tm.tight_quantum = 1
        self.ch.tm.tight_window = 32
        self.ch.use_blocks = 1
        self.ch.blk_traces = 1
        self.ch.blk_hot = BLK_HOT
        self.ch.use_parking = 1
        self.ch.use_skip = 1
        self.ch.blk_memory = BLK_MEMORY
        self.ch.threads = 1
        self.ch.p1_avg = P1_POOL_MIN_INSNS
        self.ch.p1_list = <int*>calloc(self.ch.ncores, sizeof(int))
        if self.ch.p1_list == NULL:
            raise MemoryError("no memory for the chip")

    def __dealloc__(self):
        cdef int k
        cdef uint32_t p
        epool_free(<epool*>self.ch.pool)     # (first: its threads run the cores)
        self.ch.pool = NULL
        free(self.ch.p1_list)
        blocks_free(&self.ch)       # (first: dropping a block may add to the profile)
        if self.ch.cores != NULL:
            for k in range(self.ch.ncores):
                insn_array_free(self.ch.cores[k].pd)
                free(self.ch.cores[k].code_blk)
                free(self.ch.cores[k].prof)
                free(self.ch.cores[k].dhist)
                park_free(&self.ch.cores[k])
            free(self.ch.cores)
        free(self.ch.core_of_id)
        free(self.ch.unaligned_log)
        free(self.ch.seen)
        free(self.ch.clinks)
        free(self.ch.rlinks)
        free(self.ch.xlinks)
        cal_free(&self.ch.tx_cal)
        cal_free(&self.ch.rd_cal)
        free(self.ch.pend)
        lazy_free(self.ch.pair_time)
        for k in range(4):
            if self.ch.ext[k].pages != NULL:
                for p in range(self.ch.ext[k].size // 4096):
                    if self.ch.ext[k].pd_all == NULL or p >= self.ch.ext[k].pd_pages:
                        insn_array_free(self.ch.ext[k].pages[p])
                lazy_free(self.ch.ext[k].pd_all)        # (the first pages are in it)
                free(self.ch.ext[k].pages)
            if self.ch.ext[k].prof_pages != NULL:
                for p in range(self.ch.ext[k].size // 4096):
                    free(self.ch.ext[k].prof_pages[p])
                free(self.ch.ext[k].prof_pages)
            free(self.ch.ext[k].dhist)
        free(self.ch.trace)
        free(self.ch.watches)
        free(self.ch.brks)

    # -- configuration ------------------------------------------------------------------------
    @property
    def ncores(self):
        return self.ch.ncores

    @property
    def threads(self):
        """Host threads that run the parallel phase of coarse slices (chip_parallel_phase).
        The outcome -- output, cycles, counters -- is the same for every value."""
        return self.ch.threads

    @threads.setter
    def threads(self, int n):
        if n < 1:
            raise ValueError("threads must be at least 1")
        if n != self.ch.threads:
            epool_free(<epool*>self.ch.pool)
            self.ch.pool = NULL
            self.ch.pool_failed = 0
            self.ch.threads = n

    def coreid(self, int k):
        self._check(k)
        return self.ch.cores[k].coreid

    def core_index(self, int coreid):
        """Index of the core with this id, or -1."""
        if coreid < 0 or coreid >= 4096:
            return -1
        return self.ch.core_of_id[coreid]

    def set_policies(self, int unaligned, int faults, bint excause_e4=False,
                     bint arch_ev=False):
        self.ch.unaligned_policy = unaligned
        self.ch.fault_policy = faults
        self.ch.excause_e4 = excause_e4
        self.ch.arch_ev = arch_ev

    def set_timing(self, params):
        """The timing parameters, by field name: a dict with every field of the C struct
        Timing (emu/_core.pxd), as emu.timing.TimingModel.c_params() gives it.  Decoded
        instructions and timed blocks made with the old parameters are dropped."""
        cdef Timing tm = params          # (a missing or mistyped field raises here)
        cdef int k
        cdef uint32_t p
        cdef Core* c
        if tm.fine_quantum == 0:
            tm.fine_quantum = 1
        if tm.tight_quantum == 0:
            tm.tight_quantum = 1
        self.ch.tm = tm
        blocks_flush(&self.ch)          # schedules made with the old parameters
        code_changed(&self.ch)
        for k in range(self.ch.ncores):     # decoded costs and latencies (where code was)
            c = &self.ch.cores[k]
            for p in range(c.sram_size // 256):
                if c.code_blk[p]:
                    memset(&c.pd[p * 128], 0, 128 * sizeof(Insn))
            c.win_size = 0
        for k in range(4):
            if self.ch.ext[k].pages != NULL:
                for p in range(self.ch.ext[k].size // 4096):
                    if self.ch.ext[k].pages[p] != NULL:
                        memset(self.ch.ext[k].pages[p], 0, 2048 * sizeof(Insn))

    def timing_params(self):
        """The timing parameters in effect (the C struct as a dict)."""
        return self.ch.tm

    def set_region_timing(self, int j, uint32_t load_latency, uint32_t store_cost,
                          bint direct=False):
        """External region j: cycles per load and per store when the mesh model is off, and
        whether it is a plain direct memory (the flat simulator layout)."""
        if not 0 <= j < 4 or self.ch.ext[j].mem == NULL:
            raise IndexError(f"no external region {j}")
        self.ch.ext[j].load_latency = load_latency
        self.ch.ext[j].store_cost = store_cost
        self.ch.ext[j].direct = direct

    def link_counters(self):
        """Traffic per mesh link: list of dicts (core index, coreid, direction, mesh 'c', 'r'
        or 'x', bytes, busy_cycles, packets), and the eLink's."""
        cdef int k, d
        cdef Link* L
        out = []
        for k in range(self.ch.ncores):
            for d in range(4):
                for mesh, base in (("c", 0), ("r", 1), ("x", 2)):
                    L = &(self.ch.clinks if base == 0 else
                          (self.ch.rlinks if base == 1 else self.ch.xlinks))[k * 4 + d]
                    if L.packets:
                        out.append(dict(core=k, coreid=self.ch.cores[k].coreid,
                                        dir="NESW"[d], mesh=mesh, bytes=L.bytes,
                                        busy_cycles=L.packets, packets=L.packets))
                        # (a mesh link is busy a cycle per transaction: mesh_route)
        elink = dict(tx_bytes=self.ch.elink_tx.bytes, tx_busy_cycles=self.ch.elink_tx.busy_cycles,
                     tx_writes=self.ch.elink_tx.packets, rx_bytes=self.ch.elink_rx.bytes,
                     rx_busy_cycles=self.ch.elink_rx.busy_cycles, rx_reads=self.ch.elink_rx_reads)
        return out, elink

    @property
    def pending_writes(self):
        return self.ch.npend

    @property
    def use_blocks(self):
        """Timed code runs block by block (emu/_blocks.pxi); the cycles are the same either
        way, so this is only turned off to check that."""
        return bool(self.ch.use_blocks)

    @use_blocks.setter
    def use_blocks(self, bint on):
        self.ch.use_blocks = on

    @property
    def use_traces(self):
        """Blocks go on after the direct branches they meet (traces, emu/_blocks.pxi); the
        cycles are the same either way.  Setting it drops the blocks built so far."""
        return bool(self.ch.blk_traces)

    @use_traces.setter
    def use_traces(self, bint on):
        self.ch.blk_traces = on
        blocks_flush(&self.ch)

    @property
    def block_hot(self):
        """Arrivals at an entry before its block is built (1: at the first); the cycles are
        the same whatever it is.  Tests of the blocks set 1, so that code run once runs
        through them too."""
        return self.ch.blk_hot

    @block_hot.setter
    def block_hot(self, int n):
        if n < 1 or n > 255:
            raise ValueError(f"block_hot must be 1..255, not {n}")
        self.ch.blk_hot = n

    @property
    def use_skip(self):
        """Slices in which nothing can happen (every core waiting past them, no write
        arriving in them) are passed over in one step (chip_run); the cycles, counters and
        memory are the same either way."""
        return bool(self.ch.use_skip)

    @use_skip.setter
    def use_skip(self, bint on):
        self.ch.use_skip = on

    @property
    def use_parking(self):
        """Cores that wait in a polling loop over their own memory while others talk are
        parked, not run, until something touches them (emu/_park.pxi); the cycles, counters
        and memory are the same either way."""
        return bool(self.ch.use_parking)

    @use_parking.setter
    def use_parking(self, bint on):
        self.ch.use_parking = on

    def sched_stats(self):
        """Scheduler work: slices run and run-loop entries (a measure of host time spent
        outside instructions); parks: times a polling core was parked, parked_insns: the
        instructions its parked passes stood for (run without running them)."""
        cdef uint64_t pins = 0
        cdef int k
        for k in range(self.ch.ncores):
            pins += self.ch.cores[k].park_insns
        return dict(slices=self.ch.n_slices, core_calls=self.ch.n_core_calls,
                    parallel=self.ch.n_parallel, parallel_insns=self.ch.n_parallel_insns,
                    pool=self.ch.n_pool_phases, parks=self.ch.n_parks, parked_insns=pins,
                    park_looks=self.ch.n_park_looks)

    def block_stats(self):
        """Timed blocks: built, runs (loops: of which runs of a loop of one block straight
        after the run before; tight: of which runs of a loop of plain instructions in a loop
        of their own), deviations (handed over mid-block), mismatches (replays that disagreed
        with a schedule: a bug if not 0), bytes held, demoted (loads and stores that lost
        their plain variant: their access was not the core's own SRAM, or met the fetch),
        side_exits (runs of a trace that left at one of its branches), retired (traces
        rebuilt for another path: block_trace_adapt), insns (instructions the runs
        completed; not those of runs handed over)."""
        cdef dict d = dict(built=0, runs=0, loops=0, tight=0, deviations=0, mismatches=0,
                           bytes=0, demoted=0, side_exits=0, retired=0, insns=0)
        cdef int k
        cdef Core* c
        for k in range(self.ch.ncores):
            c = &self.ch.cores[k]
            d["built"] += c.blk_built
            d["runs"] += c.blk_runs
            d["loops"] += c.blk_loops
            d["tight"] += c.blk_tight
            d["deviations"] += c.blk_deviations
            d["demoted"] += c.blk_demoted
            d["side_exits"] += c.blk_side
            d["retired"] += c.blk_retired
            d["insns"] += c.blk_insns
            d["mismatches"] += c.blk_mismatch
            d["bytes"] += c.blk_bytes
        return d

    def set_block_memory(self, uint64_t limit):
        """Memory the timed blocks may hold before they are all dropped and rebuilt as they
        are entered again (default 64 MiB)."""
        self.ch.blk_memory = limit

    # -- observation: profile and trace ------------------------------------------------------
    def enable_profiling(self):
        """Count executions, cycles and remote/off-chip accesses per instruction address, and
        reads/writes per 64-byte block of every memory (see emu/profile.py)."""
        cdef int k
        cdef Core* c
        self.ch.profiling = 1
        observe_on(&self.ch)
        for k in range(self.ch.ncores):
            c = &self.ch.cores[k]
            if c.dhist == NULL:
                c.dhist = <uint32_t*>calloc((c.sram_size >> 6) * 2, sizeof(uint32_t))
            c.win_size = 0          # re-enter the fetch window to attach profile entries
        for k in range(4):
            if self.ch.ext[k].mem != NULL and self.ch.ext[k].dhist == NULL:
                self.ch.ext[k].dhist = <uint32_t*>calloc((self.ch.ext[k].size >> 6) * 2,
                                                         sizeof(uint32_t))

    def enable_trace(self, uint32_t capacity=65536, uint32_t lo=0, uint32_t hi=0xFFFFFFFF,
                     cores=None):
        """Record every executed instruction of `cores` (default all) whose PC lies in
        [lo, hi).  Runs stop with 'trace_full' when `capacity` records are buffered; drain
        them with trace_drain() and run again."""
        cdef int k
        if capacity == 0:
            raise ValueError("trace capacity must be > 0")
        free(self.ch.trace)
        self.ch.trace = <TraceRec*>calloc(capacity, sizeof(TraceRec))
        if self.ch.trace == NULL:
            raise MemoryError()
        self.ch.trace_cap = capacity
        self.ch.trace_len = 0
        self.ch.trace_lo = lo
        self.ch.trace_hi = hi
        for k in range(self.ch.ncores):
            self.ch.cores[k].trace_on = cores is None or k in cores
        self.ch.tracing = 1
        observe_on(&self.ch)

    def trace_drain(self):
        """The buffered trace records, oldest first, as a list of tuples
        (cycle, core, pc, word, size, ((reg, value), ...), (waddr, wsize, wval) or None)."""
        cdef uint32_t j
        cdef TraceRec* t
        out = []
        for j in range(self.ch.trace_len):
            t = &self.ch.trace[j]
            regs = tuple((t.reg[q], t.regval[q]) for q in range(t.nreg))
            out.append((t.cycle, t.core, t.pc, t.word, t.size, regs,
                        (t.waddr, t.wsize, t.wval) if t.wsize else None))
        self.ch.trace_len = 0
        return out

    def prof_entries(self, int k):
        """Profile of core k's SRAM code: numpy array of (addr, n_exec, cycles, n_remote,
        n_ext) for every executed instruction address."""
        self._check(k)
        cdef Core* c = &self.ch.cores[k]
        blocks_prof_flush(&self.ch)
        return self._prof_rows(c.prof, c.sram_size // 2, 0)

    def prof_ext_entries(self, int j):
        """Same for code executed from external region j (addresses are global)."""
        cdef uint32_t p
        cdef ExtRegion* r = &self.ch.ext[j]
        parts = []
        blocks_prof_flush(&self.ch)
        if r.prof_pages != NULL:
            for p in range(r.size // 4096):
                if r.prof_pages[p] != NULL:
                    parts.append(self._prof_rows(r.prof_pages[p], 2048, r.base + p * 4096))
        if not parts:
            return self._prof_rows(NULL, 0, 0)
        import numpy as np
        return np.concatenate(parts)

    cdef object _prof_rows(self, ProfEntry* e, uint32_t n, uint32_t base):
        cdef uint32_t i
        import numpy as np
        rows = []
        if e != NULL:
            for i in range(n):
                if e[i].n_exec:
                    rows.append((base + 2 * i, e[i].n_exec, e[i].cycles, e[i].n_remote,
                                 e[i].n_ext))
        return np.array(rows, dtype=[("addr", "u4"), ("n_exec", "u8"), ("cycles", "u8"),
                                     ("n_remote", "u8"), ("n_ext", "u8")])

    def data_hist(self, int k):
        """Profiling: (reads, writes) per 64-byte block of core k's SRAM, as a numpy array of
        shape (blocks, 2)."""
        self._check(k)
        cdef Core* c = &self.ch.cores[k]
        cdef uint32_t nb = c.sram_size >> 6
        import numpy as np
        if c.dhist == NULL:
            return np.zeros((nb, 2), dtype=np.uint32)
        return np.asarray(<uint32_t[:nb * 2]>c.dhist).reshape(nb, 2).copy()

    def data_hist_ext(self, int j):
        """Same for external region j: (base, array of shape (blocks, 2))."""
        cdef ExtRegion* r = &self.ch.ext[j]
        cdef uint32_t nb = r.size >> 6
        import numpy as np
        if r.dhist == NULL:
            return r.base, np.zeros((nb, 2), dtype=np.uint32)
        return r.base, np.asarray(<uint32_t[:nb * 2]>r.dhist).reshape(nb, 2).copy()

    @property
    def quantum(self):
        return self.ch.quantum

    @quantum.setter
    def quantum(self, uint32_t q):
        self.ch.quantum = q if q > 0 else 1

    @property
    def now(self):
        return self.ch.now

    cdef inline void _check(self, int k) except *:
        if k < 0 or k >= self.ch.ncores:
            raise IndexError(f"no core {k}")

    # -- running ------------------------------------------------------------------------------
    def run(self, uint64_t max_cycles=0):
        """Run until a stop.  Returns (STOP_*, core index or -1).  max_cycles bounds global
        time (0 = no bound)."""
        cdef int which = -1
        cdef int st
        cdef uint64_t limit = 0xFFFFFFFFFFFFFFFF if max_cycles == 0 else max_cycles
        with nogil:
            st = chip_run(&self.ch, limit, &which)
            # the host sees memory with every write that was in flight delivered
            pending_apply_until(&self.ch, 0xFFFFFFFFFFFFFFFFULL)
        return st, which

    def request_stop(self):
        """Ask a running `run` (in another thread) to return STOP_USER at its next slice
        boundary (within a quantum of emulated time).  Safe to call from any thread."""
        self.ch.stop_request = 1

    def clear_stop_request(self):
        """Withdraw a request_stop that no run has answered yet (the caller answered it)."""
        self.ch.stop_request = 0

    # -- watched ranges -------------------------------------------------------------------------
    def watch_add(self, uint32_t lo, uint32_t hi, bint write=True, bint read=False):
        """Stop the run (STOP_WATCH) after any core's store (``write``) or load (``read``)
        touches the global addresses [lo, hi): external memory, a core's SRAM (also when
        that core accesses it through its local address) or memory-mapped registers.  The
        stop comes before the accessing core's next instruction; stop_info gives the
        instruction's pc, the address and size, and ``store`` (False for a load).  (DMA
        transfers and the host's own accesses do not stop.)  While a read watch exists the
        chip observes (the observed run loops, where loads are checked); without one, loads
        pay nothing.  Returns an id for watch_remove."""
        cdef Watch* w
        if hi <= lo:
            raise ValueError("empty watch range")
        if not (write or read):
            raise ValueError("a watch needs write and/or read")
        w = <Watch*>realloc(self.ch.watches, (self.ch.nwatch + 1) * sizeof(Watch))
        if w == NULL:
            raise MemoryError()
        self.ch.watches = w
        self.ch.watch_next_id += 1
        w[self.ch.nwatch].lo = lo
        w[self.ch.nwatch].hi = hi
        w[self.ch.nwatch].id = self.ch.watch_next_id
        w[self.ch.nwatch].kind = (WATCH_WRITE if write else 0) | (WATCH_READ if read else 0)
        self.ch.nwatch += 1
        self._mark_watched()
        return self.ch.watch_next_id

    def watch_remove(self, int wid):
        cdef int j
        for j in range(self.ch.nwatch):
            if self.ch.watches[j].id == wid:
                self.ch.watches[j] = self.ch.watches[self.ch.nwatch - 1]
                self.ch.nwatch -= 1
                self._mark_watched()
                return
        raise KeyError(f"no watch {wid}")

    def set_irq_stop(self, bint on):
        """Stop the run (STOP_IRQ) whenever a core enters an interrupt handler, before its
        first instruction; stop_info(k)["irq"] names the interrupt."""
        self.ch.irq_stop = on

    # -- host breakpoints ----------------------------------------------------------------------
    def break_add(self, uint32_t addr):
        """Stop the run (STOP_BRK) when a core is about to execute the instruction at addr:
        a local address (< 1 MiB) means that offset in every core's memory, a global one that
        core's memory or that external address (see brk_at).  The instruction has not run;
        running on executes it first.  No cost to other instructions (the address is kept out
        of the predecode cache and of timed blocks)."""
        cdef uint32_t* b
        cdef int k
        cdef Loc w
        if addr & 1:
            raise ValueError(f"breakpoint at odd address 0x{addr:x}")
        if addr in self.breaks():
            return
        b = <uint32_t*>realloc(self.ch.brks, (self.ch.nbrk + 1) * sizeof(uint32_t))
        if b == NULL:
            raise MemoryError()
        self.ch.brks = b
        b[self.ch.nbrk] = addr
        self.ch.nbrk += 1
        # forget what is decoded there (and every schedule holding it)
        if addr < LOCAL_SPACE:
            for k in range(self.ch.ncores):
                if addr < self.ch.cores[k].sram_size:
                    self.ch.cores[k].pd[addr >> 1].size = 0
        elif addr_decode(&self.ch, NULL, addr, 2, &w) == MK_SRAM:
            w.core.pd[w.off >> 1].size = 0
        elif w.kind == MK_EXT and self.ch.ext[w.region].pages[w.off >> 12] != NULL:
            self.ch.ext[w.region].pages[w.off >> 12][(w.off & 0xFFF) >> 1].size = 0
        code_changed(&self.ch)

    def break_remove(self, uint32_t addr):
        cdef int j
        for j in range(self.ch.nbrk):
            if self.ch.brks[j] == addr:
                self.ch.brks[j] = self.ch.brks[self.ch.nbrk - 1]
                self.ch.nbrk -= 1
                return
        raise KeyError(f"no breakpoint at 0x{addr:x}")

    def breaks(self):
        """The host breakpoints (addresses)."""
        return [self.ch.brks[j] for j in range(self.ch.nbrk)]

    def watches(self):
        """The watched ranges: list of (id, lo, hi)."""
        return [(self.ch.watches[j].id, self.ch.watches[j].lo, self.ch.watches[j].hi)
                for j in range(self.ch.nwatch)]

    cdef void _mark_watched(self):
        """BLK_WATCH on every 256-byte SRAM block a write watch overlaps (the local store
        fast path looks at these flags only); the count of read watches, and observation on
        while there is one (loads are checked on the observed paths only) or a watch covers
        the direct external region (the flat layout's memory: its store fast path checks
        watches on the observed paths only)."""
        cdef int k, j
        cdef uint32_t b, lo, hi, base
        cdef Core* c
        cdef bint direct = 0
        cdef ExtRegion* r = &self.ch.ext[0]
        self.ch.nrwatch = 0
        for j in range(self.ch.nwatch):
            if self.ch.watches[j].kind & WATCH_READ:
                self.ch.nrwatch += 1
            # stores into the direct region's fast path are checked when observing only
            if r.direct and self.ch.watches[j].lo < r.base + r.size \
                    and self.ch.watches[j].hi > r.base:
                direct = 1
        if self.ch.profiling or self.ch.tracing or self.ch.nrwatch or direct:
            observe_on(&self.ch)
        else:
            self.ch.observe = 0
        for k in range(self.ch.ncores):
            c = &self.ch.cores[k]
            for b in range(c.sram_size // 256):
                c.code_blk[b] &= ~BLK_WATCH
            base = c.coreid << 20
            for j in range(self.ch.nwatch):
                lo = self.ch.watches[j].lo
                hi = self.ch.watches[j].hi
                if not (self.ch.watches[j].kind & WATCH_WRITE) or hi <= base \
                        or lo >= base + c.sram_size:
                    continue
                lo = lo - base if lo > base else 0
                hi = hi - base if hi - base < c.sram_size else c.sram_size
                for b in range(lo >> 8, (hi + 255) >> 8):
                    c.code_blk[b] |= BLK_WATCH

    def step(self, int k):
        """Execute one instruction (taking a pending interrupt first) on core k; for tests and
        debuggers.  Returns the STOP_* code (STOP_NONE normally)."""
        self._check(k)
        self.ch.cores[k].p1_stop = 0    # (the host moves it on: a stop kept for it is void)
        return run_core_one(&self.ch.cores[k])

    # -- core state ---------------------------------------------------------------------------
    def reg_read(self, int k, int n):
        self._check(k)
        if not 0 <= n < 64:
            raise IndexError(f"no register r{n}")
        return self.ch.cores[k].r[n]

    def reg_write(self, int k, int n, uint32_t v):
        self._check(k)
        if not 0 <= n < 64:
            raise IndexError(f"no register r{n}")
        self.ch.cores[k].r[n] = v

    def sreg_read(self, int k, uint32_t off):
        """Read a memory-mapped register by core-local offset (MMR_LO..MMR_HI)."""
        self._check(k)
        if off == MMR_PC:
            return self.ch.cores[k].pc
        return mmr_read(&self.ch.cores[k], off)

    def sreg_write(self, int k, uint32_t off, uint32_t v):
        self._check(k)
        mmr_write(&self.ch.cores[k], off, v, &self.ch.cores[k])

    def get_pc(self, int k):
        self._check(k)
        return self.ch.cores[k].pc

    def set_pc(self, int k, uint32_t pc):
        self._check(k)
        self.ch.cores[k].pc = pc
        self.ch.cores[k].npc = pc
        self.ch.cores[k].brk_armed = 0
        self.ch.cores[k].p1_stop = 0

    def set_ivt_base(self, int k, uint32_t addr):
        """Address of interrupt vector 0 for core k.  Hardware: 0 (core-local).  The flat
        single-core layout of epiphany-elf-gcc puts its vector table elsewhere; the loader
        points this at it so exceptions reach the program's handlers."""
        self._check(k)
        self.ch.cores[k].ivt_base = addr

    def reset_core(self, int k):
        self._check(k)
        core_reset(&self.ch.cores[k])

    def core_flags(self, int k):
        """Run-state of core k: idle, halted, exited, exit code, active."""
        self._check(k)
        cdef Core* c = &self.ch.cores[k]
        return dict(idle=bool(c.idle), halted=bool(c.halted), exited=bool(c.exited),
                    exit_code=c.exit_code, active=bool(c.active),
                    irq_pending=bool(c.irq_pending))

    def set_exited(self, int k, int code):
        self._check(k)
        self.ch.cores[k].exited = 1
        self.ch.cores[k].exit_code = code
        self.ch.cores[k].p1_stop = 0

    def set_idle(self, int k, bint idle):
        self._check(k)
        self.ch.cores[k].idle = idle
        self.ch.cores[k].active = not idle
        attn_update(&self.ch.cores[k])

    def set_halted(self, int k, bint halted):
        self._check(k)
        self.ch.cores[k].halted = halted
        attn_update(&self.ch.cores[k])
        if halted:
            self.ch.cores[k].debugstatus |= 1
        else:
            self.ch.cores[k].debugstatus &= ~1u

    def stop_info(self, int k):
        self._check(k)
        cdef Core* c = &self.ch.cores[k]
        return dict(stop=c.stop, pc=c.stop_pc, addr=c.fault_addr, size=1 << c.fault_size,
                    store=bool(c.fault_store), trap=c.trap_num, op=c.fault_word,
                    irq=c.last_irq)

    def counters(self, int k):
        self._check(k)
        cdef Counters* n = &self.ch.cores[k].cnt
        d = dict(
            instructions=n.n_insns, cycles=n.cycles, stall_cycles=n.stall_cycles,
            idle_cycles=n.idle_cycles, branch_cycles=n.branch_cycles,
            loads_local=n.n_loads_local, stores_local=n.n_stores_local,
            loads_remote=n.n_loads_remote, stores_remote=n.n_stores_remote,
            ext_reads=n.n_ext_reads, ext_writes=n.n_ext_writes,
            bytes_loads_local=n.bytes_loads_local, bytes_stores_local=n.bytes_stores_local,
            bytes_loads_remote=n.bytes_loads_remote, bytes_stores_remote=n.bytes_stores_remote,
            bytes_ext_reads=n.bytes_ext_reads, bytes_ext_writes=n.bytes_ext_writes,
            remote_stall_cycles=n.remote_stall_cycles, ext_stall_cycles=n.ext_stall_cycles,
            dma_bytes=n.dma_bytes, traps=n.n_traps, interrupts=n.n_interrupts,
            unaligned=n.n_unaligned, dep_stall_cycles=n.dep_stall_cycles,
            load_stall_cycles=n.load_stall_cycles,
            dual_issue=n.n_dual_issue, fetch_stall_cycles=n.fetch_stall_cycles,
            bank_conflict_cycles=n.bank_conflict_cycles,
            dma_remote_reads=n.dma_remote_reads, dma_remote_writes=n.dma_remote_writes,
            dma_bytes_remote_read=n.dma_bytes_remote_read,
            dma_bytes_remote_written=n.dma_bytes_remote_written,
            dma_ext_reads=n.dma_ext_reads, dma_ext_writes=n.dma_ext_writes,
            dma_bytes_ext_read=n.dma_bytes_ext_read, dma_bytes_ext_written=n.dma_bytes_ext_written,
            dma_stall_cycles=n.dma_stall_cycles,
            dma_bank_conflict_cycles=n.dma_bank_conflict_cycles,
            fetch_remote=n.n_fetch_remote, fetch_ext=n.n_fetch_ext,
            by_tclass=[n.n_by_tclass[j] for j in range(8)])
        return d

    def unaligned_log(self):
        """Records of --unaligned=report: list of (pc, addr, size_bytes, is_store), and the
        total count (records beyond the buffer are counted only)."""
        cdef uint32_t j, n = min(self.ch.unaligned_log_len, self.ch.unaligned_log_cap)
        cdef UnalignedRec* r
        out = []
        for j in range(n):
            r = &self.ch.unaligned_log[j]
            out.append((r.pc, r.addr, 1 << r.size, bool(r.is_store)))
        return out, self.ch.unaligned_log_len

    # -- memory (host side) -------------------------------------------------------------------
    def sram(self, int k):
        """Zero-copy numpy view of core k's local memory."""
        self._check(k)
        if self._sram_np is None:
            import numpy as np
            self._sram_np = np.asarray(self._sram).reshape(self.ch.ncores, -1)
        return self._sram_np[k]

    def ext_region(self, int j):
        """(base, numpy view) of external region j."""
        if self._ext_np is None:
            import numpy as np
            self._ext_np = [np.asarray(a).reshape(-1) for a in self._ext]
        return self.ch.ext[j].base, self._ext_np[j]

    cdef Loc _locate(self, int core, uint32_t addr, uint64_t n) except *:
        """Host view of n bytes at addr (global, or core `core`'s local space when core >= 0):
        the memory holding them.  Raises ValueError for unmapped memory and registers."""
        cdef Loc w
        if core >= 0:
            self._check(core)
        if addr_decode(&self.ch, &self.ch.cores[core] if core >= 0 else NULL, addr, n, &w) \
                not in (MK_SRAM, MK_EXT):
            raise ValueError(f"unmapped memory at 0x{addr:08x} (+{n})")
        return w

    def mem_read(self, uint32_t addr, uint32_t n, int core=-1):
        """Read n bytes at addr (global, or core-local when core >= 0 and addr < 1 MiB).
        Raises ValueError for unmapped memory."""
        if n == 0:
            return b""
        cdef Loc w = self._locate(core, addr, n)
        return (<char*>w.p)[:n]

    def mem_write(self, uint32_t addr, data, int core=-1):
        """Write bytes at addr (see mem_read); decoded instructions there are forgotten."""
        cdef const uint8_t[:] buf = memoryview(bytes(data)).cast("B")
        cdef uint32_t n = buf.shape[0]
        if n == 0:
            return
        cdef Loc w = self._locate(core, addr, n)
        memcpy(w.p, &buf[0], n)
        if w.kind == MK_SRAM:
            sram_code_written(w.core, w.off, n)
        else:
            ext_code_written(&self.ch, &self.ch.ext[w.region], w.off, n)

    def code_written(self, uint32_t addr, uint32_t n, int core=-1):
        """Bytes at addr (see mem_read) were changed behind the engine's back (a host program
        writing a shared mapping of the memory): decoded instructions there are forgotten."""
        if n == 0:
            return
        cdef Loc w = self._locate(core, addr, n)
        if w.kind == MK_SRAM:
            sram_code_written(w.core, w.off, n)
        else:
            ext_code_written(&self.ch, &self.ch.ext[w.region], w.off, n)

    def mmr_write_global(self, uint32_t addr, uint32_t v):
        """Host write to a memory-mapped register through its global address (e-hal style)."""
        cdef Loc w
        if addr_decode(&self.ch, NULL, addr, 4, &w) != MK_MMR:
            raise ValueError(f"no memory-mapped register at 0x{addr:08x}")
        mmr_write(w.core, w.off, v, w.core)


cdef uint8_t* _buffer_data(a, tuple shape, str what) except NULL:
    """The data of a caller's memory buffer (numpy array, mmap, bytearray...): writable,
    C-contiguous unsigned bytes of that shape."""
    cdef uint8_t[::1] flat
    try:
        m = memoryview(a)
        ok = (m.format in ("B", "<B", "=B", ">B") and tuple(m.shape) == shape
              and m.c_contiguous and not m.readonly)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{what}: need a writable C-contiguous uint8 array of shape {shape}")
    flat = m.cast("B") if m.ndim != 1 or m.format != "B" else m
    return &flat[0]


cdef class RawMemory:
    """Zeroed emulated memory of our own (calloc: pages the program never touches cost
    nothing), exposed through the buffer protocol as uint8 [rows, size] so numpy views of it
    need no copy.  numpy is not imported until a view is asked for."""
    cdef uint8_t* data
    cdef Py_ssize_t shape[2]
    cdef Py_ssize_t strides[2]

    def __cinit__(self, Py_ssize_t rows, Py_ssize_t size):
        self.data = <uint8_t*>lazy_zalloc(<size_t>(rows * size if rows * size else 1))
        if self.data == NULL:
            raise MemoryError()
        self.shape[0] = rows
        self.shape[1] = size
        self.strides[0] = size
        self.strides[1] = 1

    def __dealloc__(self):
        lazy_free(self.data)

    def __getbuffer__(self, Py_buffer* view, int flags):
        view.buf = self.data
        view.obj = self
        view.len = self.shape[0] * self.shape[1]
        view.readonly = 0
        view.itemsize = 1
        if flags & PyBUF_FORMAT:
            view.format = b"B"
        else:
            view.format = NULL
        view.ndim = 2 if flags & PyBUF_ND else 1
        view.shape = self.shape if flags & PyBUF_ND else NULL
        view.strides = self.strides if flags & PyBUF_STRIDES else NULL
        view.suboffsets = NULL
        view.internal = NULL

    def __releasebuffer__(self, Py_buffer* view):
        pass


cdef int run_core_one(Core* c) noexcept nogil:
    """One instruction (or one interrupt entry) of core c."""
    cdef int st
    if c.idle and not c.irq_pending:
        return STOP_NONE
    c.single_step = 1
    attn_update(c)
    st = run_core(c, 0xFFFFFFFFFFFFFFFFULL)
    c.single_step = 0
    attn_update(c)
    return st


def _fill_cond_masks():
    """COND_MASK from the condition table (MAN §4 table 4): bit (bf << 4 | af)."""
    cdef int cond, idx
    cdef uint64_t m
    for cond in range(16):
        m = 0
        for idx in range(64):
            z, n, cy, v = idx & 1, (idx >> 1) & 1, (idx >> 2) & 1, (idx >> 3) & 1
            bz, bn = (idx >> 4) & 1, (idx >> 5) & 1
            ok = [z, not z, (not z) and cy, cy, z or not cy, not cy, (not z) and v == n,
                  v == n, v != n, z or v != n, bz, not bz, bn and not bz, bn or bz,
                  True, True][cond]
            if ok:
                m |= (<uint64_t>1) << idx
        COND_MASK[cond] = m


_fill_cond_masks()


# ---- names exported to Python -----------------------------------------------------------------
#: the STOP_* codes by name (emu.stops.Stop is made from this)
STOP_CODES = dict(
    none=STOP_NONE, max_cycles=STOP_MAX_CYCLES, brk=STOP_BRK, trap=STOP_TRAP, exit=STOP_EXIT,
    all_idle=STOP_ALL_IDLE, breakpoint=STOP_BREAKPOINT, watch=STOP_WATCH, irq=STOP_IRQ,
    invalid_insn=STOP_INVALID_INSN, mem_fault=STOP_MEM_FAULT, unaligned=STOP_UNALIGNED,
    user=STOP_USER, deadlock=STOP_DEADLOCK, fetch_fault=STOP_FETCH_FAULT,
    dma_fault=STOP_DMA_FAULT, trace_full=STOP_TRACE_FULL)
POLICIES = {"stop": POLICY_STOP, "report": POLICY_REPORT, "trap": POLICY_TRAP}
N_OPS_CORE = N_OPS


def decode_word_core(uint32_t word, int width):
    """The core's decoder, exposed for the cross-check against isa.decoder (tests)."""
    cdef Insn ins
    memset(&ins, 0, sizeof(Insn))
    if width == 16:
        decode16(word, &ins)
    else:
        decode32(word, &ins)
    return dict(op=ins.op, size=ins.size, rd=ins.rd, rn=ins.rn, rm=ins.rm, cond=ins.cond,
                sub=ins.sub, imm=ins.imm, tclass=ins.tclass)
