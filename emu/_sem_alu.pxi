# Semantics: integer ALU, shifts, moves (one small function per instruction; state only —
# no timing, no counters, no I/O).  Flag rules: MAN §5 and fact sheet §2.3; esim rows 9a/9b.

cdef inline void flags_logic(Core* c, uint32_t res) noexcept nogil:
    c.az = res == 0
    c.an = res >> 31
    c.ac = 0
    c.av = 0


cdef inline uint32_t alu_add(Core* c, uint32_t a, uint32_t b) noexcept nogil:
    cdef uint32_t res = a + b
    c.az = res == 0
    c.an = res >> 31
    c.ac = res < a
    c.av = ((a ^ res) & (b ^ res)) >> 31
    c.avs |= c.av
    return res


cdef inline uint32_t alu_sub(Core* c, uint32_t a, uint32_t b) noexcept nogil:
    cdef uint32_t res = a - b
    c.az = res == 0
    c.an = res >> 31
    c.ac = a >= b          # 1 = no borrow
    c.av = ((a ^ b) & (a ^ res)) >> 31
    c.avs |= c.av
    return res


cdef inline int sem_add(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = alu_add(c, c.r[i.rn], c.r[i.rm])
    return EXEC_OK


cdef inline int sem_sub(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = alu_sub(c, c.r[i.rn], c.r[i.rm])
    return EXEC_OK


cdef inline int sem_addi(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = alu_add(c, c.r[i.rn], <uint32_t>i.imm)
    return EXEC_OK


cdef inline int sem_subi(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = alu_sub(c, c.r[i.rn], <uint32_t>i.imm)
    return EXEC_OK


cdef inline int sem_and(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] & c.r[i.rm]
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_orr(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] | c.r[i.rm]
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_eor(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] ^ c.r[i.rm]
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsl(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] << (c.r[i.rm] & 31)
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsr(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] >> (c.r[i.rm] & 31)
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_asr(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = <uint32_t>((<int32_t>c.r[i.rn]) >> (c.r[i.rm] & 31))
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsli(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] << i.imm
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsri(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] >> i.imm
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_asri(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t res = <uint32_t>((<int32_t>c.r[i.rn]) >> i.imm)
    c.r[i.rd] = res
    flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_bitr(Core* c, const Insn* i) noexcept nogil:
    cdef uint32_t v = c.r[i.rn]
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1)
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2)
    v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4)
    v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8)
    v = (v >> 16) | (v << 16)
    c.r[i.rd] = v
    flags_logic(c, v)
    return EXEC_OK


cdef inline int sem_movi(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = <uint32_t>i.imm
    return EXEC_OK


cdef inline int sem_movt(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = (c.r[i.rd] & 0xFFFFu) | <uint32_t>i.imm
    return EXEC_OK


cdef inline bint cond_true(Core* c, int cond) noexcept nogil:
    """Condition codes, MAN §4 table 4."""
    if cond == 0:
        return c.az
    elif cond == 1:
        return not c.az
    elif cond == 2:
        return (not c.az) and c.ac
    elif cond == 3:
        return c.ac
    elif cond == 4:
        return c.az or not c.ac
    elif cond == 5:
        return not c.ac
    elif cond == 6:
        return (not c.az) and (c.av == c.an)
    elif cond == 7:
        return c.av == c.an
    elif cond == 8:
        return c.av != c.an
    elif cond == 9:
        return c.az or (c.av != c.an)
    elif cond == 10:
        return c.bz
    elif cond == 11:
        return not c.bz
    elif cond == 12:
        return c.bn and not c.bz
    elif cond == 13:
        return c.bn or c.bz
    return 1


cdef inline int sem_movcond(Core* c, const Insn* i) noexcept nogil:
    if i.cond == 14 or cond_true(c, i.cond):
        c.r[i.rd] = c.r[i.rn]
    return EXEC_OK
