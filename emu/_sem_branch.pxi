# Semantics: branches and jumps.  Offsets count from the branch's own address (fact sheet
# §2.3); BL/JALR link to the address after the instruction.

cdef inline int sem_bcond(Core* c, const Insn* i) noexcept nogil:
    cdef int cond = i.cond
    if cond == 14:
        c.npc = c.pc + <uint32_t>i.imm
        return EXEC_TAKEN
    if cond == 15:
        c.r[14] = c.npc
        c.npc = c.pc + <uint32_t>i.imm
        return EXEC_TAKEN
    if cond_true(c, cond):
        c.npc = c.pc + <uint32_t>i.imm
        return EXEC_TAKEN
    return EXEC_OK


cdef inline int sem_jr(Core* c, const Insn* i) noexcept nogil:
    c.npc = c.r[i.rn]
    return EXEC_TAKEN


cdef inline int sem_jalr(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t target = c.r[i.rn]
    c.r[14] = c.npc
    c.npc = target
    return EXEC_TAKEN
