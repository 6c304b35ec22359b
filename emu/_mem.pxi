# The memory layer: address decoding (local SRAM / memory-mapped registers / another core /
# external DRAM), loads and stores, self-modifying-code invalidation, and the traffic counters.
# Included by _core.pyx.  All functions are nogil and return 0 or a STOP_* code.

cdef inline int ext_find(Chip* ch, uint32_t addr) noexcept nogil:
    cdef int k
    for k in range(4):
        if ch.ext[k].mem != NULL and addr - ch.ext[k].base < ch.ext[k].size:
            return k
    return -1


cdef inline int addr_decode(Chip* ch, Core* c, uint32_t addr, uint64_t n, Loc* w) noexcept nogil:
    """Where the n bytes at addr live, seen from core c (NULL: the host, which has no local
    space): the executing core's own space below LOCAL_SPACE, an external region, or another
    core's SRAM or memory-mapped registers (MMR_LO..MMR_HI, 32-bit accesses only) at
    coreid << 20.  The one address decoder of every access path (loads, stores, TESTSET,
    DMA, instruction fetch, the host).  Returns w.kind; MK_NONE for an address that faults
    (nothing there, or an access running past the end of a memory)."""
    cdef int k, idx
    cdef Core* t
    cdef uint32_t off
    w.kind = MK_NONE
    w.region = -1
    w.core = NULL
    w.p = NULL
    w.off = addr
    if addr < LOCAL_SPACE:
        if c == NULL:
            return MK_NONE
        t = c
        off = addr
    else:
        k = ext_find(ch, addr)
        if k >= 0:
            off = addr - ch.ext[k].base
            w.off = off
            if off + n > ch.ext[k].size:
                return MK_NONE
            w.region = k
            w.p = ch.ext[k].mem + off
            w.kind = MK_EXT
            return MK_EXT
        idx = ch.core_of_id[addr >> 20]
        if idx < 0:
            return MK_NONE
        t = &ch.cores[idx]
        off = addr & (LOCAL_SPACE - 1)
    w.core = t
    w.off = off
    if off + n <= t.sram_size:
        w.p = t.sram + off
        w.kind = MK_SRAM
    elif off >= MMR_LO and off < MMR_HI and n == 4:
        w.kind = MK_MMR
    return w.kind


cdef void watch_hit_at(Core* c, uint32_t gaddr, uint32_t n, int kind) noexcept nogil:
    """Core c stores (kind WATCH_WRITE) or loads (WATCH_READ) n bytes at global address
    gaddr: if that touches a watched range of that kind, the run stops before c's next
    instruction (STOP_WATCH; the address in fault_addr, fault_store says which)."""
    cdef Chip* ch = c.chip
    cdef int j
    for j in range(ch.nwatch):
        if (ch.watches[j].kind & kind) and gaddr < ch.watches[j].hi \
                and gaddr + n > ch.watches[j].lo:
            c.watch_hit = 1
            c.watch_pc = c.pc
            c.fault_addr = gaddr
            c.fault_size = 0 if n == 1 else (1 if n == 2 else (2 if n == 4 else 3))
            c.fault_store = kind == WATCH_WRITE
            attn_update(c)
            return


cdef inline void watch_check(Core* c, uint32_t gaddr, uint32_t n) noexcept nogil:
    """A store of n bytes at global address gaddr (see watch_hit_at)."""
    watch_hit_at(c, gaddr, n, WATCH_WRITE)


cdef inline void rwatch_check(Core* c, uint32_t gaddr, uint32_t n) noexcept nogil:
    """A load of n bytes at global address gaddr.  Called on the observed paths only: while a
    read watch exists the chip observes (Engine.watch_add), so loads cost nothing otherwise."""
    if c.chip.nrwatch:
        watch_hit_at(c, gaddr, n, WATCH_READ)


cdef enum:
    MEM_YIELD = -1      # mem_load/mem_store: not done, the core is in a slice's parallel phase
                        # (Core.p1) and the access is not to its own SRAM


cdef inline int mem_fault(Core* c, uint32_t addr, int lsz, int store) noexcept nogil:
    c.fault_addr = addr
    c.fault_size = <uint8_t>lsz
    c.fault_store = <uint8_t>store
    c.stop = STOP_MEM_FAULT
    return STOP_MEM_FAULT


cdef inline uint32_t hops_between(Core* a, Core* b) noexcept nogil:
    cdef int dr = a.row - b.row
    cdef int dc = a.col - b.col
    if dr < 0:
        dr = -dr
    if dc < 0:
        dc = -dc
    return <uint32_t>(dr + dc)


cdef inline uint64_t rd_le(const uint8_t* p, int lsz) noexcept nogil:
    """Little-endian load of 1 << lsz bytes (constant-size copies compile to single moves)."""
    cdef uint8_t b
    cdef uint16_t h
    cdef uint32_t w
    cdef uint64_t d
    if lsz == 2:
        memcpy(&w, p, 4)
        return w
    if lsz == 0:
        return p[0]
    if lsz == 1:
        memcpy(&h, p, 2)
        return h
    memcpy(&d, p, 8)
    return d


cdef inline void wr_le(uint8_t* p, int lsz, uint64_t v) noexcept nogil:
    cdef uint16_t h
    cdef uint32_t w
    if lsz == 2:
        w = <uint32_t>v
        memcpy(p, &w, 4)
    elif lsz == 0:
        p[0] = <uint8_t>v
    elif lsz == 1:
        h = <uint16_t>v
        memcpy(p, &h, 2)
    else:
        memcpy(p, &v, 8)


# ---- predecode invalidation -------------------------------------------------------------------

cdef void sram_code_written(Core* t, uint32_t off, uint32_t n) noexcept nogil:
    """Bytes [off, off+n) of core t's SRAM changed: forget decoded instructions covering them
    (an instruction starting up to 2 bytes before off may span into the range)."""
    cdef uint32_t lo = off - 2 if off >= 2 else 0
    cdef uint32_t hi = off + n
    cdef uint32_t blk, a, b
    if hi > t.sram_size:
        hi = t.sram_size
    if lo >= hi:
        return
    blk = lo >> 8
    while (blk << 8) < hi:
        if t.code_blk[blk] & BLK_CODE:
            a = blk << 8
            b = a + 256
            if a < lo:
                a = lo
            if b > hi:
                b = hi
            a >>= 1
            while a < (b + 1) >> 1:
                if t.pd[a].size:
                    t.pd[a].size = 0
                    t.code_gen += 1          # timed blocks holding it are stale
                a += 1
        blk += 1


cdef inline void ext_code_written(Chip* ch, ExtRegion* r, uint32_t off, uint32_t n) noexcept nogil:
    cdef uint32_t lo = off - 2 if off >= 2 else 0
    cdef uint32_t hi = off + n
    cdef uint32_t a = lo
    cdef Insn* page
    while a < hi:
        page = r.pages[a >> 12]
        if page != NULL and page[(a & 0xFFF) >> 1].size:
            page[(a & 0xFFF) >> 1].size = 0
            code_changed(ch)                 # timed blocks holding it are stale
        a += 2


# ---- loads ------------------------------------------------------------------------------------

cdef inline bint chip_shared(Chip* ch) noexcept nogil:
    """More than one core can observe memory: writes travel and become visible on arrival.
    With a single running core they are applied at once (nobody else could tell)."""
    return ch.nlive > 1


cdef uint64_t remote_read_rtt(Core* c, Core* t, uint32_t n, uint64_t t0) noexcept nogil:
    """A blocking read of n bytes by core c from core t, issued at cycle t0: the request on the
    rMesh, t's node serving it (one read at a time), the answer back on the cMesh (MAN §3),
    with link contention.  Returns the cycles the reader waits."""
    cdef Chip* ch = c.chip
    cdef uint32_t h
    cdef uint64_t arr, back
    if not ch.tm.timed:
        return cyc_of(ch.tm.read_fixed_q + ch.tm.read_service_q
                      + 2 * ch.tm.hop_q * hops_between(c, t))
    arr = mesh_route(ch, ch.rlinks, core_pos_row(c), core_pos_col(c), core_pos_row(t),
                     core_pos_col(t), q_of(t0), 8, &h)
    back = mesh_route(ch, ch.clinks, core_pos_row(t), core_pos_col(t), core_pos_row(c),
                      core_pos_col(c), read_serve(t, arr), n, &h)
    return cyc_of(back + ch.tm.read_fixed_q) - t0


cdef uint64_t ext_read_rtt(Core* c, ExtRegion* r, uint32_t n, uint64_t t0) noexcept nogil:
    """A blocking read of n bytes from off-chip memory issued at cycle t0: the request to the
    chip's east edge on the rMesh, through the eLink (request packet, the off-chip side, the
    answer packet: elink_read), the answer back on the cMesh.  Returns the cycles the reader
    waits."""
    cdef Chip* ch = c.chip
    cdef uint32_t h
    cdef int row = core_pos_row(c)
    cdef uint64_t arr, ans, back
    if not ch.tm.timed:
        return r.load_latency
    arr = mesh_route(ch, ch.rlinks, row, core_pos_col(c), row, ch.cols, q_of(t0), 8, &h)
    elink_read(ch, cyc_of(arr), n, &ans)
    back = mesh_route(ch, ch.clinks, row, ch.cols - 1, row, core_pos_col(c), q_of(ans), n, &h)
    return cyc_of(back + ch.tm.read_fixed_q) - t0


cdef uint64_t ext_write_issue(Core* c, uint32_t addr, uint32_t n, uint64_t* arrival) noexcept nogil:
    """A posted write of n bytes to off-chip address addr by core c: it leaves through the
    mesh interface, crosses the xMesh to the east edge and goes out on the eLink
    (elink_write); the core waits once more than ext_write_buffer cycles of writes are queued
    ahead of it.  Returns the stall; *arrival is when the write is visible in DRAM."""
    cdef Chip* ch = c.chip
    cdef uint32_t h
    cdef int row = core_pos_row(c)
    cdef uint64_t t0 = c.now
    cdef uint64_t dep = q_of(t0) + ch.tm.store_depart_q
    cdef uint64_t inj = ni_send(c, dep, route_hops(c, row, ch.cols))
    cdef uint64_t arr = mesh_route(ch, ch.xlinks, row, core_pos_col(c), row, ch.cols, inj, n, &h)
    cdef uint64_t start = elink_write(ch, cyc_of(arr), addr, n, arrival)
    if start > t0 + ch.tm.ext_write_buffer:
        return start - t0 - ch.tm.ext_write_buffer
    return 0


cdef uint64_t remote_write_issue(Core* c, Core* t, uint32_t n, uint64_t* arrival) noexcept nogil:
    """A posted write of n bytes by core c to core t: it leaves in E1 through the mesh
    interface (which paces the node's writes: ni_send) and crosses the cMesh; it is visible to
    t's loads from *arrival.  The core waits only when the interface holds more than
    mesh_write_buffer cycles of writes.  Returns the stall."""
    cdef Chip* ch = c.chip
    cdef uint32_t h
    cdef int tr = core_pos_row(t), tc = core_pos_col(t)
    cdef uint64_t dep = q_of(c.now) + ch.tm.store_depart_q
    cdef uint64_t inj = ni_send(c, dep, route_hops(c, tr, tc))
    arrival[0] = visible_at(ch, mesh_route(ch, ch.clinks, core_pos_row(c), core_pos_col(c),
                                           tr, tc, inj, n, &h))
    if inj > dep + q_of(ch.tm.mesh_write_buffer):
        return cyc_of(inj - dep) - ch.tm.mesh_write_buffer
    return 0


cdef int mem_load_slow(Core* c, uint32_t addr, int lsz, uint64_t* out) noexcept nogil:
    cdef Chip* ch = c.chip
    cdef Core* t
    cdef uint32_t n = 1 << lsz
    cdef uint64_t stall
    cdef Loc w
    cdef ExtRegion* r
    addr_decode(ch, c, addr, n, &w)
    if ch.observe and w.kind != MK_NONE:
        rwatch_check(c, addr if addr >= LOCAL_SPACE else (c.coreid << 20) | addr, n)
    if w.kind == MK_EXT:
        r = &ch.ext[w.region]
        out[0] = rd_le(w.p, lsz)
        c.cnt.n_ext_reads += 1
        c.cnt.bytes_ext_reads += n
        if ch.observe:
            prof_data(r.dhist, w.off, 0)
        if not r.direct:
            if ch.profiling:
                prof_access(c, 1)
            if ch.npend:
                pending_forward(ch, c.index, PW_EXT, w.region, w.off, lsz, out)
            stall = ext_read_rtt(c, r, n, c.now)
            c.cnt.ext_stall_cycles += stall
            c.stall_acc += stall
            if chip_shared(ch):
                note_comm(c, c.now)     # (a lone core's off-chip traffic concerns nobody)
        return 0
    if w.kind == MK_NONE:
        return mem_fault(c, addr, lsz, 0)
    t = w.core
    if w.kind == MK_SRAM:
        out[0] = rd_le(w.p, lsz)
        if ch.observe:
            prof_data(t.dhist, w.off, 0)
        if t == c:
            c.cnt.n_loads_local += 1
            c.cnt.bytes_loads_local += n
            return 0
        if ch.npend:
            pending_forward(ch, c.index, PW_SRAM, t.index, w.off, lsz, out)
    else:
        if t.tmr_blk and (w.off == MMR_CTIMER0 or w.off == MMR_CTIMER1):
            c.tmr_yield = 1             # (run_blocks_timers: the timers counted up to it)
            return MEM_YIELD
        if t != c:
            core_touched(t)             # (a parked core's registers: as they are now)
        out[0] = mmr_read(t, w.off)
        if t == c:
            return 0
    if ch.profiling:
        prof_access(c, 0)
    c.cnt.n_loads_remote += 1
    c.cnt.bytes_loads_remote += n
    stall = remote_read_rtt(c, t, n, c.now)
    c.cnt.remote_stall_cycles += stall
    c.stall_acc += stall
    note_comm(c, c.now)
    return 0


cdef inline int mem_load(Core* c, uint32_t addr, int lsz, uint64_t* out) noexcept nogil:
    """Load 1 << lsz bytes (little-endian, zero-extended).  The address is already aligned."""
    if addr < c.sram_size:
        out[0] = rd_le(c.sram + addr, lsz)
        c.lbank = 0x80 | ((addr >> 13) & 3)
        c.cnt.n_loads_local += 1
        c.cnt.bytes_loads_local += (1 << lsz)
        if c.chip.observe:
            prof_data(c.dhist, addr, 0)
            rwatch_check(c, (c.coreid << 20) | addr, 1 << lsz)
        return 0
    if c.p1:
        return MEM_YIELD                # (not the core's own SRAM: shared)
    cdef ExtRegion* e = &c.chip.ext[0]
    cdef uint32_t off = addr - e.base
    if e.direct and off < e.size and off + (1 << lsz) <= e.size:
        out[0] = rd_le(e.mem + off, lsz)
        c.cnt.n_ext_reads += 1
        c.cnt.bytes_ext_reads += (1 << lsz)
        if c.chip.observe:
            prof_data(e.dhist, off, 0)
            rwatch_check(c, addr, 1 << lsz)
        return 0
    return mem_load_slow(c, addr, lsz, out)


# ---- stores -----------------------------------------------------------------------------------

cdef int mem_store_slow(Core* c, uint32_t addr, int lsz, uint64_t v) noexcept nogil:
    cdef Chip* ch = c.chip
    cdef Core* t
    cdef uint32_t n = 1 << lsz
    cdef uint64_t stall, arrival
    cdef Loc w
    cdef ExtRegion* r
    addr_decode(ch, c, addr, n, &w)
    if ch.nwatch and w.kind != MK_NONE:
        watch_check(c, addr if addr >= LOCAL_SPACE else (c.coreid << 20) | addr, n)
    if w.kind == MK_EXT:
        r = &ch.ext[w.region]
        c.cnt.n_ext_writes += 1
        c.cnt.bytes_ext_writes += n
        if ch.observe:
            prof_data(r.dhist, w.off, 1)
            trace_store(c, addr, lsz, v)
        if r.direct:
            wr_le(w.p, lsz, v)
            ext_code_written(ch, r, w.off, n)
            return 0
        if ch.tm.timed:
            stall = ext_write_issue(c, addr, n, &arrival)
        else:
            stall = r.store_cost
            arrival = c.now + stall
        if ch.profiling:
            prof_access(c, 1)
        if stall:
            c.stall_acc += stall
            c.cnt.ext_stall_cycles += stall
        if chip_shared(ch):
            note_comm(c, c.now)
            return 0 if pending_push(ch, arrival, PW_EXT, w.region, c.index, w.off, lsz, v) == 0 \
                else mem_fault(c, addr, lsz, 1)
        wr_le(w.p, lsz, v)
        ext_code_written(ch, r, w.off, n)
        return 0
    if w.kind == MK_NONE:
        return mem_fault(c, addr, lsz, 1)
    t = w.core
    if ch.observe:
        if w.kind == MK_SRAM:
            prof_data(t.dhist, w.off, 1)
        trace_store(c, addr, lsz, v)
    if t == c:
        if w.kind == MK_SRAM:
            wr_le(w.p, lsz, v)
            sram_code_written(t, w.off, n)
            c.cnt.n_stores_local += 1
            c.cnt.bytes_stores_local += n
            return 0
        if t.tmr_blk and (timer_write(t, w.off, <uint32_t>v) or w.off == MMR_LC
                          or w.off == MMR_LS or w.off == MMR_LE):
            # (run_blocks_timers: the timers counted up to it; a hardware loop's registers:
            # the blocks ended at the old LE.  The per-instruction loop writes it)
            c.tmr_yield = 1
            return MEM_YIELD
        return mmr_write(t, w.off, <uint32_t>v, c)
    # a posted write through the cMesh (MAN §3): it arrives after the hops and any
    # queueing on the links; the core only waits when its mesh interface is backed up
    core_touched(t)                     # (a parked target: as it is now, _park.pxi)
    c.cnt.n_stores_remote += 1
    c.cnt.bytes_stores_remote += n
    if ch.profiling:
        prof_access(c, 0)
    note_comm(c, c.now)
    if ch.tm.timed:
        stall = remote_write_issue(c, t, n, &arrival)
        if stall:
            c.stall_acc += stall
            c.cnt.remote_stall_cycles += stall
    else:
        arrival = c.now + cyc_of(ch.tm.hop_q * hops_between(c, t))
    if chip_shared(ch):
        if pending_push(ch, arrival, PW_SRAM if w.kind == MK_SRAM else PW_MMR,
                        t.index, c.index, w.off, lsz, v) != 0:
            return mem_fault(c, addr, lsz, 1)
        return 0
    if w.kind == MK_SRAM:
        wr_le(w.p, lsz, v)
        sram_code_written(t, w.off, n)
        return 0
    return mmr_write_at(t, w.off, <uint32_t>v, c, arrival)


cdef int mem_testset(Core* c, uint32_t ea, int lsz, uint32_t value, uint64_t* old) noexcept nogil:
    """TESTSET at a global address, atomically at the destination: old = mem; if old == 0:
    mem = value.  The core waits for the round trip like a read.  (Registers cannot be
    test-and-set: an MMR address faults.)"""
    cdef Chip* ch = c.chip
    cdef Core* t
    cdef uint32_t n = 1 << lsz
    cdef ExtRegion* r = NULL
    cdef uint64_t stall = 0
    cdef Loc w
    cdef uint32_t gaddr = ea if ea >= LOCAL_SPACE else (c.coreid << 20) | ea
    addr_decode(ch, c, ea, n, &w)
    if ch.observe and (w.kind == MK_EXT or w.kind == MK_SRAM):
        rwatch_check(c, gaddr, n)
    if w.kind == MK_EXT:
        r = &ch.ext[w.region]
        if not r.direct:
            stall = ext_read_rtt(c, r, n, c.now)
            c.cnt.ext_stall_cycles += stall
            c.cnt.n_ext_reads += 1
            c.cnt.bytes_ext_reads += n
            if ch.profiling:
                prof_access(c, 1)
        if ch.observe:
            prof_data(r.dhist, w.off, 0)
    elif w.kind == MK_SRAM:
        t = w.core
        if ch.observe:
            prof_data(t.dhist, w.off, 0)
        if t != c:
            core_touched(t)             # (it may write there: a parked t as it is now)
            stall = remote_read_rtt(c, t, n, c.now)
            c.cnt.remote_stall_cycles += stall
            c.cnt.n_loads_remote += 1
            c.cnt.bytes_loads_remote += n
            if ch.profiling:
                prof_access(c, 0)
        else:
            c.cnt.n_loads_local += 1
            c.cnt.bytes_loads_local += n
    else:
        return mem_fault(c, ea, lsz, 0)
    old[0] = rd_le(w.p, lsz)
    if old[0] == 0:
        wr_le(w.p, lsz, value)
        if ch.nwatch:
            watch_check(c, gaddr, n)
        if ch.observe:
            trace_store(c, ea, lsz, value)
        if r != NULL:
            ext_code_written(ch, r, w.off, n)
        else:
            sram_code_written(w.core, w.off, n)
    c.stall_acc += stall
    if r == NULL or chip_shared(ch):
        note_comm(c, c.now)
    return 0


cdef inline int mem_store(Core* c, uint32_t addr, int lsz, uint64_t v) noexcept nogil:
    """Store the low 1 << lsz bytes of v.  The address is already aligned."""
    if addr < c.sram_size:
        wr_le(c.sram + addr, lsz, v)
        c.lbank = 0x80 | ((addr >> 13) & 3)
        if c.code_blk[addr >> 8]:
            sram_code_written(c, addr, 1 << lsz)
            if c.code_blk[addr >> 8] & BLK_WATCH:
                watch_check(c, (c.coreid << 20) | addr, 1 << lsz)
        elif addr >= 2 and c.code_blk[(addr - 2) >> 8]:
            sram_code_written(c, addr, 1 << lsz)
        c.cnt.n_stores_local += 1
        c.cnt.bytes_stores_local += (1 << lsz)
        if c.chip.observe:
            prof_data(c.dhist, addr, 1)
            trace_store(c, addr, lsz, v)
        return 0
    if c.p1:
        return MEM_YIELD                # (not the core's own SRAM: shared)
    cdef ExtRegion* e = &c.chip.ext[0]
    cdef uint32_t off = addr - e.base
    if e.direct and off < e.size and off + (1 << lsz) <= e.size:
        wr_le(e.mem + off, lsz, v)
        if e.pages[off >> 12] != NULL or (off >= 2 and e.pages[(off - 2) >> 12] != NULL):
            ext_code_written(c.chip, e, off, 1 << lsz)
        c.cnt.n_ext_writes += 1
        c.cnt.bytes_ext_writes += (1 << lsz)
        if c.chip.observe:
            prof_data(e.dhist, off, 1)
            trace_store(c, addr, lsz, v)
            if c.chip.nwatch:          # (a watch here turns observation on: _mark_watched)
                watch_check(c, addr, 1 << lsz)
        return 0
    return mem_store_slow(c, addr, lsz, v)


# ---- instruction fetch ------------------------------------------------------------------------

cdef enum:
    PD_ALL_PAGES = 1024     # pages of a plain region in its one fetch window (ExtRegion.pd_all)


cdef Insn* insn_array(size_t n) noexcept nogil:
    """Zeroed predecode records (48 bytes each: the fields an instruction's semantics read
    come first, and never straddle a cache line), lazily
    zeroed (lazy_zalloc: untouched pages cost nothing; free with insn_array_free)."""
    return <Insn*>lazy_zalloc(n * sizeof(Insn))


cdef void insn_array_free(Insn* p) noexcept nogil:
    lazy_free(p)


cdef inline int fetch_fault(Core* c, uint32_t pc) noexcept nogil:
    c.fault_addr = pc
    c.fault_size = 1
    c.stop = STOP_FETCH_FAULT
    return STOP_FETCH_FAULT


cdef int set_fetch_window(Core* c, uint32_t pc) noexcept nogil:
    """Point the fetch window at the memory holding pc (local SRAM or a page of external
    memory).  Fetching from another core's SRAM uses that core's predecode cache."""
    cdef Chip* ch = c.chip
    cdef Core* t
    cdef uint32_t page
    cdef ExtRegion* r
    cdef Loc w
    if pc & 1 or addr_decode(ch, c, pc, 2, &w) == MK_NONE or w.kind == MK_MMR:
        return fetch_fault(c, pc)
    if c.p1 and (w.kind != MK_SRAM or w.core != c):
        c.stop = STOP_YIELD             # (code outside the core's SRAM: fetched over the mesh)
        return STOP_YIELD
    if w.kind == MK_EXT:
        r = &ch.ext[w.region]
        page = w.off >> 12
        if r.direct and not r.pd_tried and (r.size & 0xFFF) == 0:
            # a plain region (the flat layout's): one fetch window for its first PD_ALL_PAGES
            # pages (where the default link puts the code), so that blocks and traces go on
            # across them (the records of each page are still listed in r.pages once
            # decoded: predecode); 24 bytes of address space per byte, mapped lazily
            r.pd_tried = 1
            r.pd_pages = min(r.size >> 12, PD_ALL_PAGES)
            r.pd_all = insn_array((<size_t>r.pd_pages) * 2048)
        if r.pages[page] == NULL:
            r.pages[page] = (r.pd_all + (<size_t>page << 11)
                             if r.pd_all != NULL and page < r.pd_pages else insn_array(2048))
            if r.pages[page] == NULL:
                return fetch_fault(c, pc)
        if r.pd_all != NULL and page < r.pd_pages and not ch.profiling:
            # (profiled, the windows stay pages: the profile's entries are per page)
            c.win_base = r.base
            c.win_size = r.pd_pages << 12
            c.win_mem = r.mem
            c.win_pd = r.pd_all
            c.win_blk = NULL
            c.win_prof = NULL
            c.win_ext = r
            c.win_region = r
            fetch_window_far(c, 0)
            return 0
        c.win_ext = NULL
        c.win_region = r
        c.win_base = r.base + (page << 12)
        c.win_size = 4096
        if r.size - (page << 12) < 4096:
            c.win_size = r.size - (page << 12)
        c.win_mem = r.mem + (page << 12)
        c.win_pd = r.pages[page]
        c.win_blk = NULL
        c.win_prof = prof_window(c, NULL, r, page) if ch.profiling else NULL
        fetch_window_far(c, not r.direct)
        return 0
    t = w.core
    c.win_ext = NULL
    c.win_region = NULL
    c.win_base = pc - w.off         # 0 for local addresses, coreid << 20 for global ones
    c.win_size = t.sram_size
    c.win_mem = t.sram
    c.win_pd = t.pd
    c.win_blk = t.code_blk
    c.win_prof = prof_window(c, t, NULL, 0) if ch.profiling else NULL
    fetch_window_far(c, t != c)
    return 0


cdef inline void fetch_window_far(Core* c, bint far) noexcept nogil:
    """The fetch window is (not) outside the core's own SRAM: instructions from there cost
    fetch_far's reads (and the run loop takes its slow path, which charges them)."""
    c.win_far = far
    c.fetch_line = 0
    attn_update(c)


cdef uint64_t fetch_far(Core* c, uint32_t pc, uint32_t size, uint64_t t) noexcept nogil:
    """The cycles core c waits at cycle t to fetch the instruction at pc (size bytes) from
    another core's SRAM or off-chip memory.  The fetch unit reads 8-byte lines (MAN §4: 8
    bytes per fetch into the alignment buffer); from outside the core each line is a blocking
    read over the mesh (or the mesh and the eLink), as a load's (MAN §4 table 10: "fetch
    external 10+"); the buffer holds the last line fetched, and nothing is fetched ahead
    (our assumption: no prefetch is documented)."""
    cdef Chip* ch = c.chip
    cdef uint32_t first = (pc >> 3) + 1
    cdef uint32_t last = ((pc + size - 1) >> 3) + 1
    cdef uint32_t line
    cdef uint64_t t0 = t
    cdef Loc w
    for line in range(first, last + 1):
        if line == c.fetch_line:
            continue
        c.fetch_line = line
        if c.win_region != NULL and ((line - 1) << 3) - c.win_base < c.win_size:
            # (a line of the window's off-chip region: what addr_decode would find)
            t += ext_read_rtt(c, c.win_region, 8, t)
            c.cnt.n_fetch_ext += 1
            continue
        addr_decode(ch, c, (line - 1) << 3, 8, &w)
        if w.kind == MK_EXT:
            t += ext_read_rtt(c, &ch.ext[w.region], 8, t)
            c.cnt.n_fetch_ext += 1
        elif w.kind == MK_SRAM and w.core != c:
            t += remote_read_rtt(c, w.core, 8, t)
            c.cnt.n_fetch_remote += 1
    c.cnt.fetch_stall_cycles += t - t0
    return t - t0


cdef enum:
    TF_FPU = 4           # issues in the FPU/IALU2 unit
    TF_LONG = 8          # its result is not ready for the very next instruction
    TF_FAST = 16         # a load whose post-modified base (rn) is ready at once (tm_dst_mask)


cdef uint64_t FLAGS_BIT = (<uint64_t>1) << 63   # the FPU flags' bit in the timing masks


cdef inline uint64_t reg_bit(uint8_t r) noexcept nogil:
    """A register's bit in the timing masks: the GPRs, and the FPU flags sharing bit 63."""
    if r < 64:
        return (<uint64_t>1) << r
    return FLAGS_BIT if r == REG_BFLAGS else 0


cdef inline void insn_timing(Insn* ins, const uint32_t* lat_i,
                             const uint32_t* lat_f) noexcept nogil:
    """The timing-model fields of an instruction: the registers it reads and writes as bit
    sets, its scoreboard entries, its issue unit."""
    cdef uint64_t fast = 0
    cdef uint16_t from_load = ins.lat == LAT_LDW or ins.lat == LAT_LDB
    ins.w1 = ins.d1
    if from_load:
        # the post-modified base of a load is an address-unit result, ready at once
        if ins.d1 == ins.rn and ins.d0 != ins.rn:
            fast = reg_bit(ins.d1)
            ins.w1 = REG_SINK
        elif ins.d2 == ins.rn and ins.d0 != ins.rn and ins.d1 != ins.rn:
            fast = reg_bit(ins.d2)
    ins.wr_mask = reg_bit(ins.d0) | reg_bit(ins.d1) | reg_bit(ins.d2)
    ins.dep_mask = reg_bit(ins.s0) | reg_bit(ins.s1) | reg_bit(ins.s2) | ins.wr_mask
    # the scoreboard reads s0..s2: the result register joins them (WAW) in a free slot
    if ins.d0 < 64 and ins.d0 != ins.s0 and ins.d0 != ins.s1 and ins.d0 != ins.s2:
        if ins.s1 == REG_NONE:
            ins.s1 = ins.d0
        elif ins.s2 == REG_NONE:
            ins.s2 = ins.d0
    ins.tflags = TF_FAST if fast else 0
    ins.rsel = 0
    if ins.unit == UNIT_FPU:
        ins.tflags |= TF_FPU
        ins.rsel = RDY_F
    if ins.lat != LAT_IALU:
        ins.tflags |= TF_LONG
    ins.wr_i = <uint16_t>(2 * lat_i[ins.lat] + from_load)
    ins.wr_f = <uint16_t>(2 * lat_f[ins.lat] + from_load)


cdef bint brk_at(Core* c, uint32_t off) noexcept nogil:
    """A host breakpoint at window offset off.  A breakpoint below LOCAL_SPACE matches that
    offset in any core's SRAM (however the code is fetched: a core's predecode cache serves
    local and global fetches alike); a global one matches that core's SRAM or that external
    address only."""
    cdef Chip* ch = c.chip
    cdef uint32_t here = c.win_base + off, b, owner_base
    cdef int j
    owner_base = c.win_base if c.win_base != 0 else (<uint32_t>c.coreid << 20)
    for j in range(ch.nbrk):
        b = ch.brks[j]
        if b == here:
            return 1
        if c.win_blk != NULL and (b == off or b == owner_base + off):
            return 1
    return 0


cdef enum:
    PD_TEMP = -1         # predecode: a host breakpoint being stepped over, decoded in c.brk_tmp


cdef int predecode(Core* c, Insn* ins, uint32_t off) noexcept nogil:
    """Fill the predecode entry for the instruction at window offset off.  Returns 0, a stop
    (fetch fault; STOP_BRK at a host breakpoint: the entry stays empty so that every
    execution comes here), or PD_TEMP when a core resumes at its breakpoint (the instruction
    is decoded in c.brk_tmp, once).  In the parallel phase of a slice, code in the flat
    layout's external memory (the fetch window of a plain region: not far, so the core runs
    there) is decoded only in the serial phase: its predecode records are shared by the cores,
    which may be running on other host threads (STOP_YIELD)."""
    if c.p1 and c.win_blk == NULL:
        c.stop = STOP_YIELD
        return STOP_YIELD
    if c.chip.nbrk and brk_at(c, off):
        if c.brk_armed and c.brk_skip == c.win_base + off:
            c.brk_armed = 0
            ins = &c.brk_tmp
        else:
            c.fault_addr = c.win_base + off
            c.stop = STOP_BRK
            return STOP_BRK
    cdef uint32_t lo = c.win_mem[off] | (<uint32_t>c.win_mem[off + 1] << 8)
    cdef uint32_t hi
    cdef uint32_t nib = lo & 0xF
    if (LEN32_MASK >> nib) & 1:
        if off + 4 > c.win_size and (c.win_blk != NULL or not ext_has_bytes(c, off + 4)):
            c.fault_addr = c.win_base + off
            c.fault_size = 2
            c.stop = STOP_FETCH_FAULT
            return STOP_FETCH_FAULT
        hi = c.win_mem[off + 2] | (<uint32_t>c.win_mem[off + 3] << 8)
        decode32((hi << 16) | lo, ins)
    else:
        decode16(lo, ins)
    ins.cost = <uint8_t>c.chip.tm.tc_cost[ins.tclass]
    insn_timing(ins, c.chip.tm.lat_i, c.chip.tm.lat_f)
    ins.pairs = c.chip.tm.pairs[ins.unit]
    ins.blk = 0
    if ins == &c.brk_tmp:
        return PD_TEMP
    if c.win_blk != NULL:
        c.win_blk[off >> 8] |= BLK_CODE
    elif c.win_ext != NULL and c.win_ext.pages[off >> 12] == NULL:
        c.win_ext.pages[off >> 12] = c.win_pd + ((off >> 12) << 11)    # (its page has code)
    return 0


cdef inline bint ext_has_bytes(Core* c, uint32_t win_end) noexcept nogil:
    """True when the external region holding the window extends to window offset win_end."""
    cdef int k = ext_find(c.chip, c.win_base)
    if k < 0:
        return 0
    return (c.win_base - c.chip.ext[k].base) + win_end <= c.chip.ext[k].size
