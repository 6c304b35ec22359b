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


cdef inline void dma_reg_write(Core* t, uint32_t idx, uint32_t v) noexcept nogil:
    """Write DMA register idx (0-7 channel 0, 8-15 channel 1)."""
    cdef int ch = idx >> 3
    cdef uint32_t reg = idx & 7
    t.dma[idx] = v
    if reg == DMA_CONFIG:
        if not (t.dma_active & (1 << ch)):
            t.dma_clock = t.cnt.cycles if t.dma_active == 0 else t.dma_clock
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


cdef int dma_channel_step(Core* t, int ch, uint64_t budget) noexcept nogil:
    """Move up to `budget` elements on channel ch of core t.  Returns the number moved, or -1
    on a fault (t.stop/t.fault_* set for the report)."""
    cdef uint32_t* d = &t.dma[8 * ch]
    cdef uint32_t cfg, lsz, n = 0, inner, outer
    cdef uint64_t v = 0
    cdef int32_t sstr, dstr
    while n < budget:
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
                    return n
                continue
            d[DMA_STATUS] &= 0xFFFF0000u
            t.dma_active &= ~(1 << ch)
            if cfg & DMACFG_IRQEN:
                latch_irq(t, 1u << (6 + ch))
            return n
        if (d[DMA_SRC] | d[DMA_DST]) & ((1u << lsz) - 1):
            t.fault_addr = d[DMA_SRC] if d[DMA_SRC] & ((1u << lsz) - 1) else d[DMA_DST]
            t.fault_size = <uint8_t>lsz
            t.fault_store = 0
            t.fault_word = 0x10000 | ch
            t.stop = STOP_DMA_FAULT
            return -1
        if dma_read(t, d[DMA_SRC], lsz, &v) or dma_write(t, d[DMA_DST], lsz, v):
            t.fault_word = 0x10000 | ch
            t.stop = STOP_DMA_FAULT
            return -1
        t.cnt.dma_bytes += 1u << lsz
        n += 1
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
    return n


cdef int dma_advance(Core* t, uint64_t cycles) noexcept nogil:
    """Let core t's DMA channels run for `cycles` cycles (channel 0 has priority)."""
    cdef int moved
    cdef uint64_t left = cycles
    if t.dma_active & 1:
        moved = dma_channel_step(t, 0, left)
        if moved < 0:
            return t.stop
        left -= <uint64_t>moved if <uint64_t>moved < left else left
    if t.dma_active & 2 and left:
        moved = dma_channel_step(t, 1, left)
        if moved < 0:
            return t.stop
    return 0


cdef int dma_read(Core* t, uint32_t addr, int lsz, uint64_t* out) noexcept nogil:
    """A DMA read: like a load by core t, but counted as DMA traffic."""
    cdef Chip* ch = t.chip
    cdef Core* o
    cdef uint32_t off, n = 1 << lsz
    cdef int k, idx
    if addr >= 0x100000:
        k = ext_find(ch, addr)
        if k >= 0:
            off = addr - ch.ext[k].base
            if off + n > ch.ext[k].size:
                return mem_fault(t, addr, lsz, 0)
            out[0] = rd_le(ch.ext[k].mem + off, lsz)
            return 0
        idx = ch.core_of_id[addr >> 20]
        if idx < 0:
            return mem_fault(t, addr, lsz, 0)
        o = &ch.cores[idx]
        off = addr & 0xFFFFF
    else:
        o = t
        off = addr
    if off + n <= o.sram_size:
        out[0] = rd_le(o.sram + off, lsz)
        return 0
    if off >= 0xF0000 and off < 0xF0800 and lsz == 2:
        out[0] = mmr_read(o, off)
        return 0
    return mem_fault(t, addr, lsz, 0)


cdef int dma_write(Core* t, uint32_t addr, int lsz, uint64_t v) noexcept nogil:
    cdef Chip* ch = t.chip
    cdef Core* o
    cdef uint32_t off, n = 1 << lsz
    cdef int k, idx
    if addr >= 0x100000:
        k = ext_find(ch, addr)
        if k >= 0:
            off = addr - ch.ext[k].base
            if off + n > ch.ext[k].size:
                return mem_fault(t, addr, lsz, 1)
            wr_le(ch.ext[k].mem + off, lsz, v)
            ext_code_written(&ch.ext[k], off, n)
            return 0
        idx = ch.core_of_id[addr >> 20]
        if idx < 0:
            return mem_fault(t, addr, lsz, 1)
        o = &ch.cores[idx]
        off = addr & 0xFFFFF
    else:
        o = t
        off = addr
    if off + n <= o.sram_size:
        wr_le(o.sram + off, lsz, v)
        sram_code_written(o, off, n)
        return 0
    if off >= 0xF0000 and off < 0xF0800 and lsz == 2:
        return mmr_write(o, off, <uint32_t>v, t)
    return mem_fault(t, addr, lsz, 1)
