# Semantics: branches and jumps.  Offsets count from the branch's own address (fact sheet
# §2.3); BL/JALR link to the address after the instruction.

cdef inline int sem_bcond(Core* c, const Insn* i) noexcept nogil:
    if cond_true(c, i.cond):
        if i.cond == 15:
            c.r[14] = c.pc + i.size     # BL
        c.npc = c.pc + <uint32_t>i.imm
        return EXEC_TAKEN
    return EXEC_OK


cdef inline int sem_jr(Core* c, const Insn* i) noexcept nogil:
    c.npc = c.r[i.rn]
    if c.npc & 1:
        c.win_size = 0      # an odd target faults when it is fetched (set_fetch_window)
    return EXEC_TAKEN


cdef inline int sem_jalr(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t target = c.r[i.rn]
    c.r[14] = c.pc + i.size
    c.npc = target
    if target & 1:
        c.win_size = 0
    return EXEC_TAKEN


# A trace's branch that it goes on after (_blocks.pxi block_make), in its _TJ or _TF variant:
# plain (1) while it goes the way the trace does -- jumping, not back in the parallel phase
# (Insn.sub set in the trace's copy of a branch back: p1_spin_check looks there), or falling
# through -- else 0, and the block loop runs it (sem_bcond) and leaves the trace there.
cdef inline bint sem_trace_jump(Core* c, const Insn* i) noexcept nogil:
    return cond_true(c, i.cond) and not (i.sub and c.p1)


cdef inline bint sem_trace_fall(Core* c, const Insn* i) noexcept nogil:
    return not cond_true(c, i.cond)
