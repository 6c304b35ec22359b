# The eMesh and the eLink: XY routing over directional links with occupancy, posted writes
# that become visible at their modelled arrival cycle, blocking reads as round trips, and the
# off-chip link's latency and bandwidth.  Included by _core.pyx.
#
# Sources (parameters are set from emu/timing.py): MAN §3 (XY routing, 8 bytes/cycle per
# link and direction, ~1.5 cycles per hop, posted writes on the cMesh, reads on the rMesh),
# fact sheet §5.2 (Parallella measurements used for calibration).

cdef enum:
    DIR_N = 0
    DIR_E = 1
    DIR_S = 2
    DIR_W = 3

cdef enum:
    PW_SRAM = 0
    PW_MMR = 1
    PW_EXT = 2


cdef inline uint64_t link_use(Link* L, uint64_t t, uint32_t nbytes) noexcept nogil:
    """A packet of nbytes enters link L at t; returns the cycle it starts crossing."""
    cdef uint64_t start = t if t > L.busy_until else L.busy_until
    cdef uint32_t occ = (nbytes + 7) >> 3
    L.busy_until = start + occ
    L.busy_cycles += occ
    L.bytes += nbytes
    L.packets += 1
    return start


cdef uint64_t mesh_route(Chip* ch, Link* links, int row, int col, int drow, int dcol,
                         uint64_t t, uint32_t nbytes, uint64_t* first_start) noexcept nogil:
    """Send a packet from chip position (row, col) to (drow, dcol) by XY routing (first along
    the row, then along the column), through `links` (4 per core: N E S W).  dcol may be
    ch.cols for the chip's east edge (off-chip traffic leaves through the edge core's east
    link).  Returns the arrival cycle; *first_start is when the first link accepted it."""
    cdef int d
    cdef uint64_t start
    cdef bint first = 1
    first_start[0] = t
    while row != drow or col != dcol:
        if col != dcol:
            d = DIR_E if dcol > col else DIR_W
        else:
            d = DIR_S if drow > row else DIR_N
        start = link_use(&links[(row * ch.cols + (col if col < ch.cols else ch.cols - 1)) * 4 + d],
                         t, nbytes)
        if first:
            first_start[0] = start
            first = 0
        t = start + ch.tm.hop_cycles
        if d == DIR_E:
            col += 1
            if col >= ch.cols:        # left the chip on the east edge
                break
        elif d == DIR_W:
            col -= 1
        elif d == DIR_S:
            row += 1
        else:
            row -= 1
    return t


cdef inline int core_pos_row(Core* c) noexcept nogil:
    return c.row - c.chip.first_row


cdef inline int core_pos_col(Core* c) noexcept nogil:
    return c.col - c.chip.first_col


# ---- pending (in-flight) writes ------------------------------------------------------------

cdef inline bint pw_less(PendingWrite* a, PendingWrite* b) noexcept nogil:
    return a.arrival < b.arrival or (a.arrival == b.arrival and a.seq < b.seq)


cdef int pending_push(Chip* ch, uint64_t arrival, int kind, int dst, int src, uint32_t off,
                      int lsz, uint64_t value) noexcept nogil:
    """Queue a write that becomes visible at `arrival` (binary heap on (arrival, seq))."""
    cdef PendingWrite* p
    cdef uint32_t i, parent
    cdef PendingWrite tmp
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


cdef void pw_apply(Chip* ch, PendingWrite* p) noexcept nogil:
    """Perform an arrived write."""
    cdef Core* t
    cdef ExtRegion* r
    if p.kind == PW_SRAM:
        t = &ch.cores[p.dst]
        wr_le(t.sram + p.off, p.lsz, p.value)
        sram_code_written(t, p.off, 1u << p.lsz)
    elif p.kind == PW_MMR:
        t = &ch.cores[p.dst]
        mmr_write_at(t, p.off, <uint32_t>p.value, &ch.cores[p.src], p.arrival)
    else:
        r = &ch.ext[p.dst]
        wr_le(r.mem + p.off, p.lsz, p.value)
        ext_code_written(ch, r, p.off, 1u << p.lsz)


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
