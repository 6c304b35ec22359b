# Semantics: loads, stores, TESTSET.  Alignment faults are detected here (every H/W/D access
# with a misaligned effective address) and handled by the chip's unaligned policy.

cdef inline int unaligned(Core* c, uint32_t ea, int lsz, int store) noexcept nogil:
    """A misaligned access.  Returns 0 when the access should go ahead (at the address with
    its low bits cleared, as the hardware does), or an EXEC_* status."""
    cdef Chip* ch = c.chip
    cdef UnalignedRec* rec
    if c.p1:
        return EXEC_YIELD               # (the policies log and count chip-wide)
    c.cnt.n_unaligned += 1
    c.fault_addr = ea
    c.fault_size = <uint8_t>lsz
    c.fault_store = <uint8_t>store
    if ch.unaligned_policy == POLICY_STOP:
        c.stop = STOP_UNALIGNED
        return EXEC_STOP
    if ch.unaligned_policy == POLICY_REPORT:
        if ch.unaligned_log_len < ch.unaligned_log_cap:
            rec = &ch.unaligned_log[ch.unaligned_log_len]
            rec.pc = c.pc
            rec.addr = ea
            rec.size = <uint8_t>lsz
            rec.is_store = <uint8_t>store
        ch.unaligned_log_len += 1
        return 0
    raise_exception(c, EXC_UNALIGNED)
    return 0


cdef inline int ldst_fault(Core* c, int st) noexcept nogil:
    return EXEC_STOP if st else EXEC_OK


cdef inline int sem_load(Core* c, const Insn* i, int lsz, int mode) noexcept nogil:
    cdef uint32_t base = c.r[i.rn]
    cdef uint32_t ea, delta = 0
    cdef uint64_t v = 0
    cdef int st
    if mode == AM_IDX:
        ea = base - c.r[i.rm] if i.sub else base + c.r[i.rm]
    elif mode == AM_PM:
        ea = base
        delta = (0u - c.r[i.rm]) if i.sub else c.r[i.rm]
    elif mode == AM_DISP:
        ea = base + <uint32_t>i.imm
    else:
        ea = base
        delta = <uint32_t>i.imm
    if lsz == 3 and (i.rd & 1):
        # odd register pair: the GNU simulator raises the unaligned exception, writes nothing,
        # but still updates a post-modified base (esim-corner-cases row 6a)
        st = unaligned(c, ea, lsz, 0)
        if st:
            return st
        if mode == AM_PM or mode == AM_DPM:
            c.r[i.rn] = c.r[i.rn] + delta
        return EXEC_OK
    if ea & ((1u << lsz) - 1):
        st = unaligned(c, ea, lsz, 0)
        if st:
            return st
        ea &= ~((1u << lsz) - 1)
    st = mem_load(c, ea, lsz, &v)
    if st:
        return EXEC_YIELD if st < 0 else EXEC_STOP
    if lsz == 3:
        c.r[i.rd] = <uint32_t>v
        c.r[i.rd + 1] = <uint32_t>(v >> 32)
    else:
        c.r[i.rd] = <uint32_t>v
    if mode == AM_PM or mode == AM_DPM:
        # the base update uses the register after the load (rd == rn: loaded value + offset,
        # esim-corner-cases row 6b)
        c.r[i.rn] = c.r[i.rn] + delta
    return EXEC_OK


cdef inline int sem_store(Core* c, const Insn* i, int lsz, int mode) noexcept nogil:
    cdef uint32_t base = c.r[i.rn]
    cdef uint32_t ea, delta = 0
    cdef uint64_t v
    cdef int st
    if mode == AM_IDX:
        ea = base - c.r[i.rm] if i.sub else base + c.r[i.rm]
    elif mode == AM_PM:
        ea = base
        delta = (0u - c.r[i.rm]) if i.sub else c.r[i.rm]
    elif mode == AM_DISP:
        ea = base + <uint32_t>i.imm
    else:
        ea = base
        delta = <uint32_t>i.imm
    if lsz == 3 and (i.rd & 1):
        st = unaligned(c, ea, lsz, 1)
        if st:
            return st
        if mode == AM_PM or mode == AM_DPM:
            c.r[i.rn] = base + delta
        return EXEC_OK
    if lsz == 3:
        v = c.r[i.rd] | (<uint64_t>c.r[i.rd + 1] << 32)
    else:
        v = c.r[i.rd]
    if ea & ((1u << lsz) - 1):
        st = unaligned(c, ea, lsz, 1)
        if st:
            return st
        ea &= ~((1u << lsz) - 1)
    st = mem_store(c, ea, lsz, v)
    if st:
        return EXEC_YIELD if st < 0 else EXEC_STOP
    if mode == AM_PM or mode == AM_DPM:
        c.r[i.rn] = base + delta
    return EXEC_OK


cdef bint ext_code_at(ExtRegion* r, uint32_t off, uint32_t n) noexcept nogil:
    """A decoded instruction in r overlaps the n bytes at off (what ext_code_written would
    invalidate)."""
    cdef uint32_t a = off - 2 if off >= 2 else 0
    cdef Insn* page
    while a < off + n:
        page = r.pages[a >> 12]
        if page != NULL and page[(a & 0xFFF) >> 1].size:
            return 1
        a += 2
    return 0


cdef inline bint ext_code_near(ExtRegion* r, uint32_t off, uint32_t n) noexcept nogil:
    """ext_code_at, without a call for an access within one page of predecode records (the
    entries of off - 2 up to off + n - 1: (n + 3) / 2 of them)."""
    cdef Insn* page
    cdef uint32_t j
    if off < 2 or ((off - 2) >> 12) != ((off + n - 1) >> 12):
        return ext_code_at(r, off, n)
    page = r.pages[off >> 12]
    if page == NULL:
        return 0
    page += ((off - 2) & 0xFFF) >> 1
    for j in range((n + 3) >> 1):
        if page[j].size:
            return 1
    return 0


cdef inline bint local_conflict(Core* c, const Insn* i) noexcept nogil:
    """A load or store in its _L variant (i: a block's copy) meets the fetch of the next line
    in its bank (tm_retire's bank conflict): 1 when the block takes it as a one-cycle stall
    at instruction k, as block_stalled would (shift_ok at k: i.cond is 0x80 | k; Core.blk_cap
    more allowed), counted and noted in Core.blk_conf for the block loop; else 0
    (Core.blk_cap -1 when it was only the cap: the block loop keeps its variant)."""
    if not (i.cond & 0x80):
        return 0
    if c.blk_cap <= 0:
        c.blk_cap = -1
        return 0
    c.blk_cap -= 1
    c.blk_conf |= 1u << (i.cond & 31)
    c.cnt.bank_conflict_cycles += 1
    return 1


cdef inline bint sem_load_local(Core* c, const Insn* i, int lsz, int mode) noexcept nogil:
    """A timed block's load in its _L variant (no odd register pair): when its access
    is the plain case -- aligned, and in the core's own SRAM (in the bank of the fetch it
    delays, i.blk: the block's BlkMeta.cbank, only as local_conflict allows), or in the flat
    layout's directly mapped external memory outside the parallel phase; blocks built while
    observing have no such variant (observe_on) -- run it as sem_load and mem_load would and
    return 1; else return 0 having done nothing (the block loop runs it through
    execute_ldst, and from then on as the op it is: run_blocks)."""
    cdef uint32_t base = c.r[i.rn]
    cdef uint32_t ea, delta = 0
    cdef uint64_t v
    cdef ExtRegion* e
    cdef uint32_t off
    if mode == AM_IDX:
        ea = base - c.r[i.rm] if i.sub else base + c.r[i.rm]
    elif mode == AM_PM:
        ea = base
        delta = (0u - c.r[i.rm]) if i.sub else c.r[i.rm]
    elif mode == AM_DISP:
        ea = base + <uint32_t>i.imm
    else:
        ea = base
        delta = <uint32_t>i.imm
    if ea & ((1u << lsz) - 1):
        return 0
    if ea < c.sram_size:
        if (0x80 | ((ea >> 13) & 3)) == i.blk and not local_conflict(c, i):
            return 0
        v = rd_le(c.sram + ea, lsz)
        c.cnt.n_loads_local += 1
        c.cnt.bytes_loads_local += (1 << lsz)
    else:
        # the directly mapped external memory of the flat layout (mem_load): no latency
        e = &c.chip.ext[0]
        off = ea - e.base
        if not e.direct or off >= e.size or e.size - off < (1u << lsz) or c.p1:
            return 0
        v = rd_le(e.mem + off, lsz)
        c.cnt.n_ext_reads += 1
        c.cnt.bytes_ext_reads += (1 << lsz)
    c.r[i.rd] = <uint32_t>v
    if lsz == 3:
        c.r[i.rd + 1] = <uint32_t>(v >> 32)
    if mode == AM_PM or mode == AM_DPM:
        c.r[i.rn] = c.r[i.rn] + delta       # (after the load, as sem_load)
    return 1


cdef inline bint sem_store_local(Core* c, const Insn* i, int lsz, int mode) noexcept nogil:
    """A timed block's store in its _L variant: sem_load_local's plain case, and no
    decoded code (nor watch) in the 256 bytes it writes to or just before (mem_store), or
    off-chip over the bytes it writes (ext_code_near)."""
    cdef uint32_t base = c.r[i.rn]
    cdef uint32_t ea, delta = 0
    cdef uint64_t v
    cdef ExtRegion* e
    cdef uint32_t off
    if mode == AM_IDX:
        ea = base - c.r[i.rm] if i.sub else base + c.r[i.rm]
    elif mode == AM_PM:
        ea = base
        delta = (0u - c.r[i.rm]) if i.sub else c.r[i.rm]
    elif mode == AM_DISP:
        ea = base + <uint32_t>i.imm
    else:
        ea = base
        delta = <uint32_t>i.imm
    if ea & ((1u << lsz) - 1):
        return 0
    if lsz == 3:
        v = c.r[i.rd] | (<uint64_t>c.r[i.rd + 1] << 32)
    else:
        v = c.r[i.rd]
    if ea < c.sram_size:
        if c.code_blk[ea >> 8] or (ea >= 2 and c.code_blk[(ea - 2) >> 8]):
            return 0
        if (0x80 | ((ea >> 13) & 3)) == i.blk and not local_conflict(c, i):
            return 0
        wr_le(c.sram + ea, lsz, v)
        c.cnt.n_stores_local += 1
        c.cnt.bytes_stores_local += (1 << lsz)
    else:
        # the flat layout's external memory (mem_store), not over decoded code
        e = &c.chip.ext[0]
        off = ea - e.base
        if (not e.direct or off >= e.size or e.size - off < (1u << lsz) or c.p1
                or ext_code_near(e, off, 1u << lsz)):
            return 0
        wr_le(e.mem + off, lsz, v)
        c.cnt.n_ext_writes += 1
        c.cnt.bytes_ext_writes += (1 << lsz)
    if mode == AM_PM or mode == AM_DPM:
        c.r[i.rn] = base + delta
    return 1


cdef inline int sem_testset(Core* c, const Insn* i, int lsz) noexcept nogil:
    """Atomically: old = mem[ea]; if old == 0: mem[ea] = rd; rd = old.  ea must be global."""
    cdef uint32_t ea = c.r[i.rn] - c.r[i.rm] if i.sub else c.r[i.rn] + c.r[i.rm]
    cdef uint64_t old = 0
    cdef int st
    if c.p1:
        return EXEC_YIELD               # (always a global address: shared)
    if ea < LOCAL_SPACE:
        c.fault_word = 1    # report: TESTSET needs a global address
        mem_fault(c, ea, lsz, 0)
        return EXEC_STOP
    if ea & ((1u << lsz) - 1):
        st = unaligned(c, ea, lsz, 0)
        if st:
            return st
        ea &= ~((1u << lsz) - 1)
    st = mem_testset(c, ea, lsz, c.r[i.rd], &old)
    if st:
        return EXEC_YIELD if st < 0 else EXEC_STOP
    c.r[i.rd] = <uint32_t>old
    return EXEC_OK
