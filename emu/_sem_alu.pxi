# Semantics: integer ALU, shifts, moves (one small function per instruction; state only —
# no timing, no counters, no I/O).  Flag rules: MAN §5 and fact sheet §2.3; esim rows 9a/9b.
# The instructions that write the arithmetic flags take `fl`, a compile-time constant: 1, or 0
# in a timed block where a later instruction overwrites them before anything reads them
# (their _NF variants, see _blocks.pxi): then only the sticky AVS is updated.

cdef enum:
    AF_Z = 1
    AF_N = 2
    AF_C = 4
    AF_V = 8


cdef inline void flags_logic(Core* c, uint32_t res) noexcept nogil:
    """AZ AN from the result; AC = AV = 0; AVS kept."""
    c.af = <uint8_t>((res == 0) | ((res >> 31) << 1))


cdef inline uint32_t alu_add(Core* c, uint32_t a, uint32_t b, bint fl) noexcept nogil:
    cdef uint32_t res = a + b
    cdef uint32_t v = ((a ^ res) & (b ^ res)) >> 31
    if fl:
        c.af = <uint8_t>((res == 0) | ((res >> 31) << 1) | ((res < a) << 2) | (v << 3))
    c.avs |= <uint8_t>v
    return res


cdef inline uint32_t alu_sub(Core* c, uint32_t a, uint32_t b, bint fl) noexcept nogil:
    cdef uint32_t res = a - b
    cdef uint32_t v = ((a ^ b) & (a ^ res)) >> 31
    # AC = 1 when there is no borrow (a >= b unsigned)
    if fl:
        c.af = <uint8_t>((res == 0) | ((res >> 31) << 1) | ((a >= b) << 2) | (v << 3))
    c.avs |= <uint8_t>v
    return res


cdef inline int sem_add(Core* c, const Insn* i, bint fl) noexcept nogil:
    c.r[i.rd] = alu_add(c, c.r[i.rn], c.r[i.rm], fl)
    return EXEC_OK


cdef inline int sem_sub(Core* c, const Insn* i, bint fl) noexcept nogil:
    c.r[i.rd] = alu_sub(c, c.r[i.rn], c.r[i.rm], fl)
    return EXEC_OK


cdef inline int sem_addi(Core* c, const Insn* i, bint fl) noexcept nogil:
    c.r[i.rd] = alu_add(c, c.r[i.rn], <uint32_t>i.imm, fl)
    return EXEC_OK


cdef inline int sem_subi(Core* c, const Insn* i, bint fl) noexcept nogil:
    c.r[i.rd] = alu_sub(c, c.r[i.rn], <uint32_t>i.imm, fl)
    return EXEC_OK


cdef inline int sem_and(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] & c.r[i.rm]
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_orr(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] | c.r[i.rm]
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_eor(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] ^ c.r[i.rm]
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsl(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] << (c.r[i.rm] & 31)
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsr(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] >> (c.r[i.rm] & 31)
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_asr(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = <uint32_t>((<int32_t>c.r[i.rn]) >> (c.r[i.rm] & 31))
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsli(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] << i.imm
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_lsri(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = c.r[i.rn] >> i.imm
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_asri(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t res = <uint32_t>((<int32_t>c.r[i.rn]) >> i.imm)
    c.r[i.rd] = res
    if fl:
        flags_logic(c, res)
    return EXEC_OK


cdef inline int sem_bitr(Core* c, const Insn* i, bint fl) noexcept nogil:
    cdef uint32_t v = c.r[i.rn]
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1)
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2)
    v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4)
    v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8)
    v = (v >> 16) | (v << 16)
    c.r[i.rd] = v
    if fl:
        flags_logic(c, v)
    return EXEC_OK


cdef inline int sem_movi(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = <uint32_t>i.imm
    return EXEC_OK


cdef inline int sem_movt(Core* c, const Insn* i) noexcept nogil:
    c.r[i.rd] = (c.r[i.rd] & 0xFFFFu) | <uint32_t>i.imm
    return EXEC_OK


# COND_MASK[cond] bit (bf << 4 | af) says whether the condition holds for those flags;
# filled at import from the condition table of MAN §4 (see _fill_cond_masks).
cdef uint64_t COND_MASK[16]


cdef inline bint cond_true(Core* c, int cond) noexcept nogil:
    return (COND_MASK[cond] >> ((c.bf << 4) | c.af)) & 1


cdef inline int sem_movcond(Core* c, const Insn* i) noexcept nogil:
    # (MOV rd,rn is the unconditional MOV<cond>: conditions 14 and 15 always hold)
    if i.cond >= 14 or cond_true(c, i.cond):
        c.r[i.rd] = c.r[i.rn]
    return EXEC_OK
