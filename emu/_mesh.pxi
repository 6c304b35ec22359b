# The eMesh and the eLink: XY routing over directional links with occupancy (cMesh for
# on-chip writes and read answers, rMesh for read requests, xMesh for off-chip writes), the
# mesh interface that paces a node's writes, the node that serves reads one at a time, posted
# writes that become visible at their modelled arrival, and the eLink's packets, bursts and
# off-chip read path.  Included by _core.pyx.  docs/timing.md explains the model and the
# measurements behind it; the parameters come from emu/timing.py with their sources.

cdef enum:
    DIR_N = 0
    DIR_E = 1
    DIR_S = 2
    DIR_W = 3

cdef enum:
    PW_SRAM = 0
    PW_MMR = 1
    PW_EXT = 2

cdef enum:
    MESH_TICK = 4        # mesh times are in quarter cycles (a hop takes 0.75 cycles)
    # eLink packet sizes in bytes (the parallella/oh elink protocol: a header byte, 4 address
    # bytes and control, then the data; a read request carries the return address where a
    # 64-bit write carries its upper data word; a 64-bit write right behind one to the
    # previous double word continues the burst with its 8 data bytes only)
    ELINK_PKT_WRITE64 = 14
    ELINK_PKT_WRITE32 = 10
    ELINK_PKT_READ = 14
    ELINK_PKT_BURST = 8
    # calendars (Cal): CAL_BUCKETS buckets of CAL_BUCKET cycles, a window of 256 K cycles
    CAL_BUCKET = 32
    CAL_BUCKETS = 8192


cdef inline uint64_t q_of(uint64_t cycles) noexcept nogil:
    return cycles * MESH_TICK


cdef inline uint64_t cyc_of(uint64_t q) noexcept nogil:
    """Quarter-cycle ticks as cycles, rounded up."""
    return (q + MESH_TICK - 1) // MESH_TICK


cdef enum:
    LINK_BUCKET = 32     # cycles per bucket of a link's recent load (Link.used: <= 255)
    LINK_BUCKETS = 16    # ... buckets: a window of 512 cycles (Link.tag, Link.used)


cdef inline uint64_t link_book(Link* L, uint64_t tq) noexcept nogil:
    """Book link L for one transaction (a cycle) ready at tick tq; returns the tick it goes.

    Cores run out of step by up to a scheduling slice, so transactions do not reach a link in
    time order.  One at or after the latest booking queues behind it (first come, first
    served: a link carries one transaction per cycle).  One from the past -- a core that lags
    behind the ones that booked the link before it -- does not wait behind traffic of its own
    future (a receiver's answers booked hundreds of cycles ahead held up the sender's writes
    and bunched them): it takes a free cycle in its bucket of the link's recent load, as the
    eLink's calendars do (cal_book).  Either way a bucket already full waits for the next:
    streams booked in either order share the link."""
    cdef uint64_t s, b, base
    cdef uint32_t i, n
    cdef bint in_order = tq >= L.last_start
    if in_order:
        # (the common case at once: its bucket fresh or not full)
        s = tq if tq > L.busy_until else L.busy_until
        b = s // (MESH_TICK * LINK_BUCKET)
        i = <uint32_t>(b % LINK_BUCKETS)
        if L.tag[i] != <uint32_t>(b + 1):
            L.tag[i] = <uint32_t>(b + 1)
            L.used[i] = 1
            L.last_start = s
            L.busy_until = s + MESH_TICK
            return s
        if L.used[i] < LINK_BUCKET:
            L.used[i] += 1
            L.last_start = s
            L.busy_until = s + MESH_TICK
            return s
    if in_order:
        s = tq if tq > L.busy_until else L.busy_until
    else:
        s = tq
    # the first bucket from s on with a free cycle (transactions from the past take the
    # first free cycle of theirs; in order, a bucket filled by them is full too)
    b = s // (MESH_TICK * LINK_BUCKET)
    for n in range(LINK_BUCKETS):
        i = <uint32_t>(b % LINK_BUCKETS)
        if L.tag[i] != <uint32_t>(b + 1):
            break                                   # nothing booked there: free
        if L.used[i] < LINK_BUCKET:
            if not in_order:
                base = (b * LINK_BUCKET + L.used[i]) * MESH_TICK
                if base > s:
                    s = base
            break
        b += 1
        s = b * LINK_BUCKET * MESH_TICK
    if in_order:
        L.last_start = s
        L.busy_until = s + MESH_TICK
    b = s // (MESH_TICK * LINK_BUCKET)
    i = <uint32_t>(b % LINK_BUCKETS)
    if L.tag[i] != <uint32_t>(b + 1):
        L.tag[i] = <uint32_t>(b + 1)
        L.used[i] = 0
    if L.used[i] < LINK_BUCKET:
        L.used[i] += 1
    return s


cdef uint64_t mesh_route(Chip* ch, Link* links, int row, int col, int drow, int dcol,
                         uint64_t tq, uint32_t nbytes, uint32_t* hops) noexcept nogil:
    """Send a transaction from chip position (row, col) to (drow, dcol) by XY routing (first
    along the row, then along the column; MAN §3 table 3.1), through `links` (4 per core:
    N E S W), starting at tick tq.  dcol may be ch.cols for the chip's east edge (off-chip
    traffic leaves through the edge core's east link).  Returns the tick it arrives; *hops
    receives the number of routers it crossed.  A link carries one transaction per cycle in
    each direction, whatever its size (MAN §3: 8 bytes per cycle; a byte costs a transaction
    as a double word does)."""
    cdef Link* L = &links[(row * ch.cols + (col if col < ch.cols else ch.cols - 1)) * 4]
    cdef uint32_t hq = ch.tm.hop_q
    cdef int n = 0, step
    cdef uint64_t s
    if dcol != col:
        step = 1 if dcol > col else -1
        L += DIR_E if step > 0 else DIR_W
        while col != dcol:
            s = link_book(L, tq)                               # (waits for the link)
            L.packets += 1
            L.bytes += nbytes
            tq = s + hq
            n += 1
            col += step
            if col >= ch.cols:                 # left the chip on the east edge
                hops[0] = n
                return tq
            L += 4 * step
        L -= DIR_E if step > 0 else DIR_W
    if drow != row:
        step = 1 if drow > row else -1
        L += DIR_S if step > 0 else DIR_N
        while row != drow:
            s = link_book(L, tq)
            L.packets += 1
            L.bytes += nbytes
            tq = s + hq
            n += 1
            row += step
            L += 4 * ch.cols * step
    hops[0] = n
    return tq


cdef inline int core_pos_row(Core* c) noexcept nogil:
    return c.row - c.chip.first_row


cdef inline int core_pos_col(Core* c) noexcept nogil:
    return c.col - c.chip.first_col


cdef inline uint32_t route_hops(Core* a, int drow, int dcol) noexcept nogil:
    """Routers between core a and chip position (drow, dcol) (XY routing: Manhattan)."""
    cdef int dr = core_pos_row(a) - drow
    cdef int dc = core_pos_col(a) - dcol
    return <uint32_t>((dr if dr >= 0 else -dr) + (dc if dc >= 0 else -dc))


cdef inline void note_comm(Core* c, uint64_t when) noexcept nogil:
    """Core c (or its DMA engine) touched another core or, with others running, off-chip
    memory at cycle `when`: slices become fine (chip_run) so that others see its traffic when
    it arrives.  When this happens inside a coarse slice, the slice ends here: the core stops
    after this instruction and the cores after it in the slice stop at this cycle."""
    cdef Chip* ch = c.chip
    ch.last_comm = when
    if ch.slice_end > when + ch.tm.fine_quantum:
        ch.slice_end = when + 1 if when + 1 > ch.now else ch.now + 1
        c.cut = 1
        c.attn = 1
        c.attn_blk = 1


cdef inline uint64_t ni_send(Core* c, uint64_t tq, uint32_t hops) noexcept nogil:
    """The mesh interface of core c takes a write at tick tq toward a destination `hops`
    routers away: returns the tick it leaves (the interface sends one write per ni_near_q,
    or per ni_far_q beyond the first router)."""
    cdef uint64_t s = tq if tq > c.ni_free_q else c.ni_free_q
    c.ni_free_q = s + (c.chip.tm.ni_near_q if hops <= 1 else c.chip.tm.ni_far_q)
    return s


cdef inline uint64_t visible_at(Chip* ch, uint64_t arrival_q) noexcept nogil:
    """The cycle from which loads issued on the destination see a write arriving at tick
    arrival_q (they sample memory load_sample_q after they issue)."""
    if arrival_q <= ch.tm.load_sample_q:
        return 0
    return cyc_of(arrival_q - ch.tm.load_sample_q)


cdef inline uint64_t read_serve(Core* t, uint64_t arr_q) noexcept nogil:
    """Core t's node serves a read request arriving at tick arr_q: returns the tick its
    answer leaves (one read per read_service_q, in arrival order)."""
    cdef uint64_t s = arr_q if arr_q > t.rd_free_q else t.rd_free_q
    t.rd_free_q = s + t.chip.tm.read_service_q
    return t.rd_free_q


# ---- calendars: servers shared by cores that run out of step -------------------------------

cdef int cal_init(Cal* k) noexcept nogil:
    k.used = <uint32_t*>calloc(CAL_BUCKETS, sizeof(uint32_t))
    k.tag = <uint64_t*>calloc(CAL_BUCKETS, sizeof(uint64_t))
    k.last_start = 0
    k.busy_until = 0
    return -1 if k.used == NULL or k.tag == NULL else 0


cdef void cal_free(Cal* k) noexcept nogil:
    free(k.used)
    free(k.tag)
    k.used = NULL
    k.tag = NULL


cdef inline uint32_t* cal_bucket(Cal* k, uint64_t b) noexcept nogil:
    cdef uint32_t i = <uint32_t>(b % CAL_BUCKETS)
    if k.tag[i] != b + 1:
        k.tag[i] = b + 1
        k.used[i] = 0
    return &k.used[i]


cdef void cal_fill(Cal* k, uint64_t s, uint64_t occ) noexcept nogil:
    """Mark [s, s + occ) busy in the buckets (spilling into later ones when one is full)."""
    cdef uint64_t b = s // CAL_BUCKET
    cdef uint32_t* u
    cdef uint64_t take
    while occ:
        u = cal_bucket(k, b)
        take = CAL_BUCKET - u[0] if u[0] < CAL_BUCKET else 0
        if take > occ:
            take = occ
        u[0] += <uint32_t>take
        occ -= take
        b += 1


cdef uint64_t cal_book(Cal* k, uint64_t t, uint64_t occ) noexcept nogil:
    """Book `occ` cycles of server k for a request ready at cycle t; returns the cycle it
    starts.  Requests in time order queue exactly (first come, first served); one earlier
    than the latest booked (a core that lags behind in its slice) starts when its bucket has
    room: the load of the buckets around it, not the bookings of the cores ahead of it."""
    cdef uint64_t s, b
    cdef uint32_t* u
    if t >= k.last_start:
        s = t if t > k.busy_until else k.busy_until
        k.last_start = s
        k.busy_until = s + occ
    else:
        b = t // CAL_BUCKET
        while True:
            u = cal_bucket(k, b)
            s = b * CAL_BUCKET + u[0]
            if s < t:
                s = t
            if s < (b + 1) * CAL_BUCKET:
                break
            b += 1
    cal_fill(k, s, occ)
    return s


# ---- the eLink ------------------------------------------------------------------------------

cdef inline uint64_t elink_packet_cycles(Chip* ch, uint32_t nbytes, bint burst) noexcept nogil:
    cdef uint64_t n = <uint64_t>nbytes * ch.tm.elink_byte_cycles + ch.tm.elink_packet_cycles
    if not burst:
        n += ch.tm.elink_frame_cycles
    return n


cdef uint64_t elink_write(Chip* ch, uint64_t t, uint64_t addr, uint32_t n,
                          uint64_t* done) noexcept nogil:
    """An off-chip write of n bytes at address addr reaches the eLink at cycle t: it goes out
    as a packet (a burst continuation when it is the double word after the previous 64-bit
    write and queued right behind it); returns the cycle the packet starts, *done when the
    write is visible in DRAM."""
    cdef bint burst = n == 8 and addr == ch.tx_burst_addr + 8 and t <= ch.tx_burst_end
    cdef uint32_t nb = ELINK_PKT_BURST if burst else (ELINK_PKT_WRITE64 if n == 8
                                                      else ELINK_PKT_WRITE32)
    cdef uint64_t occ = elink_packet_cycles(ch, nb, burst)
    cdef uint64_t s = cal_book(&ch.tx_cal, t, occ)
    if n == 8:
        ch.tx_burst_addr = addr
        ch.tx_burst_end = s + occ
    else:
        ch.tx_burst_end = 0
    ch.elink_tx.busy_cycles += occ
    ch.elink_tx.bytes += n
    ch.elink_tx.packets += 1
    done[0] = s + occ + ch.tm.ext_write_latency
    return s


cdef uint64_t elink_read(Chip* ch, uint64_t t, uint32_t n, uint64_t* answer) noexcept nogil:
    """An off-chip read of n bytes whose request reaches the eLink at cycle t: the request
    packet, the off-chip side (ext_read_cycles, one read per ext_read_interval), the answer
    packet.  Returns how long the request waits (for the wires and behind earlier reads);
    *answer is when the answer has crossed the eLink back."""
    cdef uint64_t occ = elink_packet_cycles(ch, ELINK_PKT_READ, 0)
    cdef uint64_t s = cal_book(&ch.tx_cal, t, occ)
    cdef uint64_t ans = elink_packet_cycles(ch, ELINK_PKT_WRITE64 if n == 8
                                            else ELINK_PKT_WRITE32, 0)
    cdef uint64_t ready = s + occ + ch.tm.ext_read_cycles
    cdef uint64_t r = cal_book(&ch.rd_cal, ready,
                               ch.tm.ext_read_interval if ch.tm.ext_read_interval > ans
                               else ans)
    ch.tx_burst_end = 0
    ch.elink_tx.busy_cycles += occ
    ch.elink_rx.busy_cycles += ans
    ch.elink_rx.bytes += n
    ch.elink_rx.packets += 1
    ch.elink_rx_reads += 1
    answer[0] = r + ans
    return (s - t) + (r - ready)


# ---- pending (in-flight) writes ------------------------------------------------------------

cdef inline bint pw_less(PendingWrite* a, PendingWrite* b) noexcept nogil:
    return a.arrival < b.arrival or (a.arrival == b.arrival and a.seq < b.seq)


cdef void pw_apply(Chip* ch, PendingWrite* p) noexcept nogil:
    """Perform an arrived write."""
    cdef Core* t
    cdef ExtRegion* r
    if p.kind == PW_SRAM:
        t = &ch.cores[p.dst]
        core_touched(t)
        wr_le(t.sram + p.off, p.lsz, p.value)
        sram_code_written(t, p.off, 1u << p.lsz)
    elif p.kind == PW_MMR:
        t = &ch.cores[p.dst]
        core_touched(t)
        mmr_write_at(t, p.off, <uint32_t>p.value, &ch.cores[p.src], p.arrival)
    else:
        r = &ch.ext[p.dst]
        wr_le(r.mem + p.off, p.lsz, p.value)
        ext_code_written(ch, r, p.off, 1u << p.lsz)


cdef uint64_t causal_arrival(Chip* ch, int src, int dst, uint64_t arrival) noexcept nogil:
    """When a write from core src (src < 0: a DMA engine) into core dst's memory or registers
    becomes visible, given its modelled arrival.

    The cores run one after the other through a slice of time: a core earlier in the order may
    have run past the modelled arrival of a write that a later one issues into it, and loaded
    from its memory after that.  The write is then made visible just after the target's last
    instruction -- causally the same as a sender that was late by as much -- so that no core
    sees a write after it has read the memory as it would be after the write's arrival.
    The writes that follow from the same sender, as long as the target has not run into them,
    keep their spacing (they are late by as much): a receiver that copies a message byte by
    byte while it lands (ePython's postboxes: six bytes, the sequence byte last) sees the bytes
    arrive one by one as on the chip, never all at once in the middle of its copy.  Writes from
    one core to another stay in order."""
    cdef Core* d = &ch.cores[dst]
    cdef uint64_t t = d.now + 1          # the target's loads so far issued before this cycle
    cdef uint64_t a = arrival
    cdef PairTime* p
    if src >= 0:
        if ch.pair_time == NULL:
            ch.pair_time = <PairTime*>lazy_zalloc(<size_t>ch.ncores * ch.ncores * sizeof(PairTime))
        if ch.pair_time != NULL:
            p = &ch.pair_time[src * ch.ncores + dst]
            if p.arrival > p.modelled and p.arrival >= t and arrival > p.modelled:
                a = arrival + (p.arrival - p.modelled)     # the previous one is still ahead
            if a < p.arrival:
                a = p.arrival
            if a < t:
                a = t
            p.modelled = arrival
            p.arrival = a
            return a
    return a if a >= t else t


cdef int pending_push(Chip* ch, uint64_t arrival, int kind, int dst, int src, uint32_t off,
                      int lsz, uint64_t value) noexcept nogil:
    """Queue a write that becomes visible at `arrival` (binary heap on (arrival, seq)); into a
    core, no earlier than causal_arrival allows.  When it arrives inside the current slice,
    the slice ends there for the cores that have not run yet, so that they see it from its
    arrival on (chip_run applies it at the next slice)."""
    cdef PendingWrite* p
    cdef uint32_t i, parent
    cdef PendingWrite tmp
    cdef PendingWrite now_w
    if kind != PW_EXT:
        core_touched(&ch.cores[dst])    # (a parked target: as it is now, _park.pxi)
        arrival = causal_arrival(ch, src, dst, arrival)
    if arrival <= ch.now:
        # already there for every core (none is behind the slice's start): visible at once
        now_w.arrival = arrival
        now_w.seq = 0
        now_w.value = value
        now_w.off = off
        now_w.dst = <int16_t>dst
        now_w.src = <int16_t>src
        now_w.lsz = <uint8_t>lsz
        now_w.kind = <uint8_t>kind
        pw_apply(ch, &now_w)
        return 0
    if arrival < ch.slice_end:
        ch.slice_end = arrival
    if ch.npend >= ch.pend_cap:
        p = <PendingWrite*>realloc(ch.pend, (ch.pend_cap * 2 + 64) * sizeof(PendingWrite))
        if p == NULL:
            return -1
        ch.pend = p
        ch.pend_cap = ch.pend_cap * 2 + 64
    i = ch.npend
    ch.npend += 1
    p = &ch.pend[i]
    p.arrival = arrival
    p.seq = ch.pend_seq
    ch.pend_seq += 1
    p.value = value
    p.off = off
    p.dst = <int16_t>dst
    p.src = <int16_t>src
    p.lsz = <uint8_t>lsz
    p.kind = <uint8_t>kind
    while i > 0:
        parent = (i - 1) >> 1
        if not pw_less(&ch.pend[i], &ch.pend[parent]):
            break
        tmp = ch.pend[i]
        ch.pend[i] = ch.pend[parent]
        ch.pend[parent] = tmp
        i = parent
    return 0


cdef void pending_pop(Chip* ch) noexcept nogil:
    cdef uint32_t i = 0, l, r, m
    cdef PendingWrite tmp
    ch.npend -= 1
    if ch.npend == 0:
        return
    ch.pend[0] = ch.pend[ch.npend]
    while True:
        l = 2 * i + 1
        r = l + 1
        m = i
        if l < ch.npend and pw_less(&ch.pend[l], &ch.pend[m]):
            m = l
        if r < ch.npend and pw_less(&ch.pend[r], &ch.pend[m]):
            m = r
        if m == i:
            break
        tmp = ch.pend[i]
        ch.pend[i] = ch.pend[m]
        ch.pend[m] = tmp
        i = m


cdef void pending_apply_until(Chip* ch, uint64_t t) noexcept nogil:
    """Make every write that has arrived by cycle t visible, in arrival order."""
    cdef PendingWrite w
    while ch.npend and ch.pend[0].arrival <= t:
        w = ch.pend[0]
        pending_pop(ch)
        pw_apply(ch, &w)


cdef void pending_forward(Chip* ch, int src, int kind, int dst, uint32_t off, int lsz,
                          uint64_t* value) noexcept nogil:
    """A core reads memory it has written itself and whose write is still in flight: it sees
    its own stores (MAN §2: loads see earlier stores of the same core).  Patch `value` with
    those bytes, oldest first."""
    cdef uint32_t i, j, n = 1u << lsz, pn
    cdef PendingWrite* p
    cdef uint8_t buf[8]
    cdef uint64_t best_seq
    cdef bint any = 0
    memcpy(buf, value, 8)
    # apply matching entries in sequence order (the heap is not sorted by seq): repeated
    # passes are fine, such overlaps are rare and short
    best_seq = 0
    while True:
        p = NULL
        for i in range(ch.npend):
            if ch.pend[i].src == src and ch.pend[i].kind == kind and ch.pend[i].dst == dst \
                    and ch.pend[i].seq >= best_seq:
                pn = 1u << ch.pend[i].lsz
                if ch.pend[i].off < off + n and off < ch.pend[i].off + pn:
                    if p == NULL or ch.pend[i].seq < p.seq:
                        p = &ch.pend[i]
        if p == NULL:
            break
        pn = 1u << p.lsz
        for j in range(pn):
            if p.off + j >= off and p.off + j < off + n:
                buf[p.off + j - off] = <uint8_t>(p.value >> (8 * j))
        best_seq = p.seq + 1
        any = 1
    if any:
        memcpy(value, buf, 8)
        if n < 8:
            value[0] &= ((<uint64_t>1) << (8 * n)) - 1
