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
