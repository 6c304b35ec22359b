# The two DMA channels of a core (MAN §4 ch. 6; fact sheet §1.8).  Included by _core.pyx.
#
# Registers per channel (index base 0 for channel 0, 8 for channel 1):
#   +0 CONFIG  [0] DMAEN [1] MASTER [2] CHAINMODE [3] STARTUP [4] IRQEN [6:5] DATASIZE
#              [10] MSGMODE [12..15] SHIFT_* [31:16] NEXT_PTR
#   +1 STRIDE  [15:0] src inner stride, [31:16] dst inner stride (signed bytes)
#   +2 COUNT   [15:0] inner count, [31:16] outer count
#   +3 SRCADDR +4 DSTADDR +5 AUTO0 +6 AUTO1 +7 STATUS ([3:0] 0 idle, 5 active; [31:16] desc)
# A descriptor in local memory (8-byte aligned) holds six words: config, inner stride, count,
# outer stride, src, dst.  Writing (desc << 16) | STARTUP to CONFIG fetches it and starts.
# The engine moves one element (1/2/4/8 bytes) per cycle when unobstructed; the scheduler
# steps it after each core's time slice (dma_advance), so transfers take modelled time.

cdef enum:
    DMA_CONFIG = 0
    DMA_STRIDE = 1
    DMA_COUNT = 2
    DMA_SRC = 3
    DMA_DST = 4
    DMA_AUTO0 = 5
    DMA_AUTO1 = 6
    DMA_STATUS = 7
    DMACFG_EN = 1
    DMACFG_MASTER = 2
    DMACFG_CHAIN = 4
    DMACFG_STARTUP = 8
    DMACFG_IRQEN = 16
    DMA_ST_IDLE = 0
    DMA_ST_ACTIVE = 5


cdef inline int dma_load_desc(Core* t, int ch, uint32_t desc) noexcept nogil:
    """Fetch a descriptor from core t's local memory into channel ch.  Returns 0 or -1."""
    cdef uint32_t* d = &t.dma[8 * ch]
    cdef uint32_t w[6]
    cdef int k
    if desc & 7 or desc + 24 > t.sram_size:
        return -1
    memcpy(w, t.sram + desc, 24)
    d[DMA_CONFIG] = w[0]
    d[DMA_STRIDE] = w[1]
    d[DMA_COUNT] = w[2]
    t.dma_outer_stride[ch] = w[3]
    d[DMA_SRC] = w[4]
    d[DMA_DST] = w[5]
    t.dma_inner_reload[ch] = w[2] & 0xFFFF
    d[DMA_STATUS] = (desc << 16) | DMA_ST_ACTIVE
    return 0


cdef inline void dma_reg_write(Core* t, uint32_t idx, uint32_t v, uint64_t when) noexcept nogil:
    """Write DMA register idx (0-7 channel 0, 8-15 channel 1) at cycle `when`."""
    cdef int ch = idx >> 3
    cdef uint32_t reg = idx & 7
    t.dma[idx] = v
    if reg == DMA_CONFIG:
        if not (t.dma_active & (1 << ch)):
            if t.dma_active == 0:
                t.dma_clock = when
        if v & DMACFG_STARTUP:
            if dma_load_desc(t, ch, v >> 16) != 0:
                t.dma[8 * ch + DMA_STATUS] = 0xD          # configuration error
                t.dma_error[ch] = 1
                return
            t.dma_active |= 1 << ch
        elif v & DMACFG_EN:
            t.dma_inner_reload[ch] = t.dma[8 * ch + DMA_COUNT] & 0xFFFF
            t.dma[8 * ch + DMA_STATUS] = (t.dma[8 * ch + DMA_STATUS] & 0xFFFF0000u) | DMA_ST_ACTIVE
            t.dma_active |= 1 << ch
        else:
            t.dma_active &= ~(1 << ch)
            t.dma[8 * ch + DMA_STATUS] &= 0xFFFF0000u
    elif reg == DMA_COUNT:
        t.dma_inner_reload[ch] = v & 0xFFFF


cdef inline uint64_t dma_local_bank(Core* t, uint32_t off, uint64_t tt) noexcept nogil:
    """Cycles a local access of the DMA engine at tt waits for its bank.  DMA has the lowest
    priority of the bank's masters (MAN §4); we model the core's instruction fetch, which
    reads the bank holding the PC about every other cycle while the core runs: an element
    whose local bank is the code bank loses every other cycle.  (Our assumption: the core's
    own loads/stores and incoming mesh traffic are not modelled against DMA.)"""
    if t.idle or t.halted or t.exited or ((off >> 13) & 3) != ((t.pc >> 13) & 3) \
            or t.cnt.cycles <= tt:
        return 0
    t.dma_bank_phase ^= 1
    return t.dma_bank_phase


cdef inline int dma_decode(Core* t, uint32_t addr, int lsz, int store, Core** where,
                           int* region, uint32_t* off) noexcept nogil:
    """addr_decode for core t's DMA engine: *where the core whose SRAM or registers it is
    (NULL for external region *region), *off the offset.  Returns 0, or a fault."""
    cdef Loc w
    if addr_decode(t.chip, t, addr, 1u << lsz, &w) == MK_NONE:
        return mem_fault(t, addr, lsz, store)
    where[0] = w.core
    region[0] = w.region
    off[0] = w.off
    return 0


cdef int dma_move(Core* t, uint32_t src, uint32_t dst, int lsz, uint64_t tt, uint64_t* next,
                  uint64_t* done) noexcept nogil:
    """Move one element of 1 << lsz bytes from src to dst for core t's DMA engine, issued at
    cycle tt.  *next is when the engine can issue the next element: 1 cycle later, or later
    when (mesh modelled) its node's mesh interface, the node it reads from, the eLink or the
    local bank holds it back; *done is when this element's data has landed.
    A read from another node or off-chip is a request whose answer is written straight to
    the destination (MAN §4 DMA table 1: the read's return address is the destination); the
    engine only waits for its requests to be accepted.  A write of local data goes out through
    the node's mesh interface like a core's store (ni_send) and, when other cores could observe
    it, becomes visible at its arrival.  Returns 0, or non-zero on a fault (t.fault_* set by
    mem_fault)."""
    cdef Chip* ch = t.chip
    cdef uint64_t v = 0, fq, s, w, ans, arr, inj, vis
    cdef uint32_t n = 1u << lsz, off, h
    cdef Core* o
    cdef int k, frow = -1, fcol = -1     # the answer's origin (-1: the data is in the engine)
    cdef bint timed = ch.tm.timed
    next[0] = tt + 1
    fq = q_of(tt)                        # when (ticks) the data is ready to go to the dst
    # ---- read ----
    if dma_decode(t, src, lsz, 0, &o, &k, &off):
        return 1
    if o == NULL:
        v = rd_le(ch.ext[k].mem + off, lsz)
        if ch.observe:
            prof_data(ch.ext[k].dhist, off, 0)
        if not ch.ext[k].direct:
            t.cnt.dma_ext_reads += 1
            t.cnt.dma_bytes_ext_read += n
            if chip_shared(ch):
                note_comm(t, tt)
            if timed:
                arr = mesh_route(ch, ch.rlinks, core_pos_row(t), core_pos_col(t),
                                 core_pos_row(t), ch.cols, q_of(tt), 8, &h)
                # the engine waits when its requests queue on the eLink or behind earlier
                # reads (the eLink's read wait signal)
                s = elink_read(ch, cyc_of(arr), n, &ans)
                if s > ch.tm.ext_write_buffer and \
                        tt + s - ch.tm.ext_write_buffer > next[0]:
                    next[0] = tt + s - ch.tm.ext_write_buffer
                frow = core_pos_row(t)
                fcol = ch.cols - 1
                fq = q_of(ans)
    else:
        if off < o.sram_size:
            v = rd_le(o.sram + off, lsz)
            if ch.observe:
                prof_data(o.dhist, off, 0)
        else:
            if o != t:
                core_touched(o)         # (a parked core's registers: as they are now)
            v = mmr_read(o, off)
        if o == t:
            if timed:
                w = dma_local_bank(t, off, tt)
                fq += q_of(w)
                next[0] += w
                t.cnt.dma_bank_conflict_cycles += w
        else:
            t.cnt.dma_remote_reads += 1
            t.cnt.dma_bytes_remote_read += n
            note_comm(t, tt)
            if timed:
                arr = mesh_route(ch, ch.rlinks, core_pos_row(t), core_pos_col(t),
                                 core_pos_row(o), core_pos_col(o), q_of(tt), 8, &h)
                fq = read_serve(o, arr)
                # the engine waits when its requests queue at the node serving them
                s = fq - ch.tm.read_service_q
                if s > q_of(tt + ch.tm.mesh_write_buffer) and \
                        cyc_of(s) - ch.tm.mesh_write_buffer > next[0]:
                    next[0] = cyc_of(s) - ch.tm.mesh_write_buffer
                frow = core_pos_row(o)
                fcol = core_pos_col(o)
    # ---- write ----
    if dma_decode(t, dst, lsz, 1, &o, &k, &off):
        return 1
    done[0] = cyc_of(fq)
    if o == NULL:
        if ch.observe:
            prof_data(ch.ext[k].dhist, off, 1)
        if ch.ext[k].direct:
            wr_le(ch.ext[k].mem + off, lsz, v)
            ext_code_written(ch, &ch.ext[k], off, n)
            return 0
        t.cnt.dma_ext_writes += 1
        t.cnt.dma_bytes_ext_written += n
        if chip_shared(ch):
            note_comm(t, tt)
        if timed:
            if frow < 0:                 # local data: through the mesh interface
                frow = core_pos_row(t)
                fcol = core_pos_col(t)
                fq = ni_send(t, fq, route_hops(t, frow, ch.cols))
                if t.ni_free_q // MESH_TICK > next[0]:
                    next[0] = t.ni_free_q // MESH_TICK   # (the interface's pace, unrounded)
            arr = mesh_route(ch, ch.xlinks, frow, fcol, frow, ch.cols, fq, n, &h)
            s = elink_write(ch, cyc_of(arr), ch.ext[k].base + off, n, done)
            if s > tt + ch.tm.ext_write_buffer and s - ch.tm.ext_write_buffer > next[0]:
                next[0] = s - ch.tm.ext_write_buffer
        if chip_shared(ch):
            # src -1: not one of the core's own stores (no store-to-load forwarding)
            return pending_push(ch, done[0], PW_EXT, k, -1, off, lsz, v)
        wr_le(ch.ext[k].mem + off, lsz, v)
        ext_code_written(ch, &ch.ext[k], off, n)
        return 0
    if ch.observe and off < o.sram_size:
        prof_data(o.dhist, off, 1)
    if o == t and frow < 0:
        if timed and off < o.sram_size:
            w = dma_local_bank(t, off, cyc_of(fq))
            done[0] += w
            if w and fq == q_of(tt):
                next[0] += w
                t.cnt.dma_bank_conflict_cycles += w
    else:
        if o != t:
            t.cnt.dma_remote_writes += 1
            t.cnt.dma_bytes_remote_written += n
            note_comm(t, tt)
        if timed:
            if frow < 0:                 # local data: through the mesh interface
                frow = core_pos_row(t)
                fcol = core_pos_col(t)
                fq = ni_send(t, fq, route_hops(t, core_pos_row(o), core_pos_col(o)))
                if t.ni_free_q // MESH_TICK > next[0]:
                    next[0] = t.ni_free_q // MESH_TICK   # (the interface's pace, unrounded)
            arr = mesh_route(ch, ch.clinks, frow, fcol, core_pos_row(o), core_pos_col(o), fq,
                             n, &h)
            done[0] = visible_at(ch, arr)
        if o != t and chip_shared(ch):
            if off < o.sram_size:
                return pending_push(ch, done[0], PW_SRAM, o.index, -1, off, lsz, v)
            return pending_push(ch, done[0], PW_MMR, o.index, t.index, off, lsz, v)
    if o != t:
        core_touched(o)                 # (a parked target: as it is now, _park.pxi)
    if off < o.sram_size:
        wr_le(o.sram + off, lsz, v)
        sram_code_written(o, off, n)
        return 0
    return mmr_write_at(o, off, <uint32_t>v, t, done[0])


cdef int dma_channel_step(Core* t, int ch, uint64_t* clk, uint64_t until) noexcept nogil:
    """Run channel ch of core t's DMA engine from cycle *clk until `until` (or until it
    finishes), advancing *clk.  Returns 0, 1 when it finished and latched its interrupt (at
    *clk), or -1 on a fault (t.stop/t.fault_* set)."""
    cdef uint32_t* d = &t.dma[8 * ch]
    cdef uint32_t cfg, lsz, inner, outer
    cdef uint64_t nxt, done
    cdef int32_t sstr, dstr
    while clk[0] < until:
        cfg = d[DMA_CONFIG]
        lsz = (cfg >> 5) & 3
        inner = d[DMA_COUNT] & 0xFFFF
        outer = d[DMA_COUNT] >> 16
        if inner == 0 or outer == 0:
            # descriptor finished
            if cfg & DMACFG_CHAIN and (cfg >> 16) != 0:
                if dma_load_desc(t, ch, cfg >> 16) != 0:
                    d[DMA_STATUS] = 0xD
                    t.dma_active &= ~(1 << ch)
                    return 0
                continue
            if t.dma_last_return[ch] > clk[0]:
                # MAN: "waiting for last return" until the last element has landed
                d[DMA_STATUS] = (d[DMA_STATUS] & 0xFFFF0000u) | 0xA
                if t.dma_last_return[ch] >= until:
                    clk[0] = until
                    return 0
                clk[0] = t.dma_last_return[ch]
            d[DMA_STATUS] &= 0xFFFF0000u
            t.dma_active &= ~(1 << ch)
            if cfg & DMACFG_IRQEN:
                latch_irq(t, 1u << (IRQ_DMA0 + ch))
                return 1
            return 0
        if (d[DMA_SRC] | d[DMA_DST]) & ((1u << lsz) - 1):
            t.fault_addr = d[DMA_SRC] if d[DMA_SRC] & ((1u << lsz) - 1) else d[DMA_DST]
            t.fault_size = <uint8_t>lsz
            t.fault_store = 0
            t.fault_word = 0x10000 | ch
            t.stop = STOP_DMA_FAULT
            return -1
        if dma_move(t, d[DMA_SRC], d[DMA_DST], lsz, clk[0], &nxt, &done):
            t.fault_word = 0x10000 | ch
            t.stop = STOP_DMA_FAULT
            return -1
        if done > t.dma_last_return[ch]:
            t.dma_last_return[ch] = done
        if nxt > clk[0] + 1:
            t.cnt.dma_stall_cycles += nxt - clk[0] - 1
        clk[0] = nxt
        t.cnt.dma_bytes += 1u << lsz
        inner -= 1
        if inner > 0:
            sstr = <int16_t>(d[DMA_STRIDE] & 0xFFFF)
            dstr = <int16_t>(d[DMA_STRIDE] >> 16)
            d[DMA_COUNT] = (outer << 16) | inner
        else:
            outer -= 1
            sstr = <int16_t>(t.dma_outer_stride[ch] & 0xFFFF)
            dstr = <int16_t>(t.dma_outer_stride[ch] >> 16)
            d[DMA_COUNT] = (outer << 16) | (t.dma_inner_reload[ch] if outer else 0)
        d[DMA_SRC] = d[DMA_SRC] + <uint32_t>sstr
        d[DMA_DST] = d[DMA_DST] + <uint32_t>dstr
    return 0


cdef int dma_advance(Core* t, uint64_t until, bint stop_at_irq) noexcept nogil:
    """Let core t's DMA engine run from t.dma_clock to `until` (channel 0 has priority; the
    engine issues one element per cycle at best).  With stop_at_irq it stops early when a
    channel finishes and latches its interrupt (t.dma_clock is then that cycle).  Returns 0
    or the stop reason."""
    cdef uint64_t clk = t.dma_clock
    cdef int r = 0
    if t.dma_active & 1:
        r = dma_channel_step(t, 0, &clk, until)
        if r < 0:
            return t.stop
    if t.dma_active & 2 and clk < until and not (r and stop_at_irq):
        r = dma_channel_step(t, 1, &clk, until)
        if r < 0:
            return t.stop
    t.dma_clock = clk if (clk > until or (r and stop_at_irq)) else until
    attn_update(t)
    return 0
