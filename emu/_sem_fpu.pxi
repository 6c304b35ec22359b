# Semantics: the FPU and its integer mode (IALU2).  CONFIG.ARITHMODE selects the meaning of
# FADD..FMSUB (`plain`, a compile-time constant: 1 in a timed block built for float mode with
# no FPU exception enabled, where neither needs looking at); the arithmetic itself (Epiphany's flush-to-zero, two rounding modes, NaN rules,
# saturating FIX) is in fpu.h, bit-exact and independent of the host FPU (see docs/fpu.md).

cdef extern from "fpu.h" nogil:
    uint32_t EPI_FPU_BN
    uint32_t EPI_FPU_BZ
    uint32_t EPI_FPU_BV
    uint32_t EPI_FPU_BIS
    uint32_t EPI_FPU_BUS
    uint32_t epi_fadd(uint32_t a, uint32_t b, int rmode, uint32_t* flags)
    uint32_t epi_fsub(uint32_t a, uint32_t b, int rmode, uint32_t* flags)
    uint32_t epi_fmul(uint32_t a, uint32_t b, int rmode, uint32_t* flags)
    uint32_t epi_fmadd(uint32_t acc, uint32_t a, uint32_t b, int rmode, uint32_t* flags)
    uint32_t epi_fmsub(uint32_t acc, uint32_t a, uint32_t b, int rmode, uint32_t* flags)
    uint32_t epi_float(uint32_t a, int rmode, uint32_t* flags)
    uint32_t epi_fix(uint32_t a, int rmode, uint32_t* flags)
    uint32_t epi_fabs(uint32_t a, uint32_t* flags)
    uint32_t epi_iadd(uint32_t a, uint32_t b, uint32_t* flags)
    uint32_t epi_isub(uint32_t a, uint32_t b, uint32_t* flags)
    uint32_t epi_imul(uint32_t a, uint32_t b, uint32_t* flags)
    uint32_t epi_imadd(uint32_t acc, uint32_t a, uint32_t b, uint32_t* flags)
    uint32_t epi_imsub(uint32_t acc, uint32_t a, uint32_t b, uint32_t* flags)


cdef extern from "fpu_fast.h" nogil:
    int epi_fast_op(int op, uint32_t acc, uint32_t a, uint32_t b, int rmode, uint32_t* res)
    uint32_t epi_ff_flags(uint32_t r)


# The general (slow) path of the arithmetic, one copy each: the semantic functions are
# inlined into every dispatch switch, which would otherwise each hold the whole of fpu.h.
cdef uint32_t soft_fadd(uint32_t a, uint32_t b, int rmode, uint32_t* fl) noexcept nogil:
    return epi_fadd(a, b, rmode, fl)


cdef uint32_t soft_fsub(uint32_t a, uint32_t b, int rmode, uint32_t* fl) noexcept nogil:
    return epi_fsub(a, b, rmode, fl)


cdef uint32_t soft_fmul(uint32_t a, uint32_t b, int rmode, uint32_t* fl) noexcept nogil:
    return epi_fmul(a, b, rmode, fl)


cdef uint32_t soft_fmadd(uint32_t acc, uint32_t a, uint32_t b, int rmode,
                         uint32_t* fl) noexcept nogil:
    return epi_fmadd(acc, a, b, rmode, fl)


cdef uint32_t soft_fmsub(uint32_t acc, uint32_t a, uint32_t b, int rmode,
                         uint32_t* fl) noexcept nogil:
    return epi_fmsub(acc, a, b, rmode, fl)


cdef uint32_t soft_float(uint32_t a, int rmode, uint32_t* fl) noexcept nogil:
    return epi_float(a, rmode, fl)


cdef uint32_t soft_fix(uint32_t a, int rmode, uint32_t* fl) noexcept nogil:
    return epi_fix(a, rmode, fl)


cdef inline int fpu_done(Core* c, uint32_t fl, bint arith, bint plain) noexcept nogil:
    """Apply an FPU operation's flags: BN BZ (and BV for arithmetic; FLOAT/FIX/FABS leave it,
    esim-corner-cases 1e/2a) describe it, BIS BVS BUS are sticky.  Raise the FPU exception
    when an enabled sticky condition is set (MAN: (IEN & BIS) | (OEN & BVS) | (UEN & BUS);
    esim-corner-cases 3g) -- `plain`: none is (a timed block's _P variant)."""
    c.bf = <uint8_t>(((fl & EPI_FPU_BZ) != 0) | (((fl & EPI_FPU_BN) != 0) << 1))
    if arith:
        c.bv = (fl & EPI_FPU_BV) != 0
        if c.bv:
            c.bvs = 1
    if fl & EPI_FPU_BIS:
        c.bis = 1
    if fl & EPI_FPU_BUS:
        c.bus = 1
    if plain:
        return EXEC_OK
    if (c.config & (CFG_IEN | CFG_OEN | CFG_UEN)) and (((c.config & CFG_IEN) and c.bis)
                                                    or ((c.config & CFG_OEN) and c.bvs)
                                                    or ((c.config & CFG_UEN) and c.bus)):
        raise_exception(c, EXC_FPU)
    return EXEC_OK


cdef inline int fpu_fast_done(Core* c, uint32_t res) noexcept nogil:
    """fpu_done(c, fl, 1, 1) for a result of epi_fast_op (normal, or an exact zero of an
    add): BZ BN from it, BV 0, no sticky flag set."""
    c.bf = <uint8_t>(((res & 0x7FFFFFFFu) == 0) | ((res >> 31) << 1))
    c.bv = 0
    return EXEC_OK


cdef inline int ialu2_done(Core* c, uint32_t fl) noexcept nogil:
    """Integer mode sets BN/BZ from the result and clears BV (esim-corner-cases row 5c)."""
    c.bf = <uint8_t>(((fl & EPI_FPU_BZ) != 0) | (((fl & EPI_FPU_BN) != 0) << 1))
    c.bv = 0
    return EXEC_OK


cdef inline int sem_fadd(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0, res = 0
    if plain or c.int_mode == 0:
        if epi_fast_op(0, 0, c.r[i.rn], c.r[i.rm], c.rmode, &res):
            c.r[i.rd] = res
            if plain:
                return fpu_fast_done(c, res)
            fl = epi_ff_flags(res)
        else:
            c.r[i.rd] = soft_fadd(c.r[i.rn], c.r[i.rm], c.rmode, &fl)
        return fpu_done(c, fl, 1, plain)
    if c.int_mode == 1:
        c.r[i.rd] = epi_iadd(c.r[i.rn], c.r[i.rm], &fl)
        return ialu2_done(c, fl)
    return invalid_insn(c, EXC_ILLEGAL)


cdef inline int sem_fsub(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0, res = 0
    if plain or c.int_mode == 0:
        if epi_fast_op(1, 0, c.r[i.rn], c.r[i.rm], c.rmode, &res):
            c.r[i.rd] = res
            if plain:
                return fpu_fast_done(c, res)
            fl = epi_ff_flags(res)
        else:
            c.r[i.rd] = soft_fsub(c.r[i.rn], c.r[i.rm], c.rmode, &fl)
        return fpu_done(c, fl, 1, plain)
    if c.int_mode == 1:
        c.r[i.rd] = epi_isub(c.r[i.rn], c.r[i.rm], &fl)
        return ialu2_done(c, fl)
    return invalid_insn(c, EXC_ILLEGAL)


cdef inline int sem_fmul(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0, res = 0
    if plain or c.int_mode == 0:
        if epi_fast_op(2, 0, c.r[i.rn], c.r[i.rm], c.rmode, &res):
            c.r[i.rd] = res
            if plain:
                return fpu_fast_done(c, res)
            fl = epi_ff_flags(res)
        else:
            c.r[i.rd] = soft_fmul(c.r[i.rn], c.r[i.rm], c.rmode, &fl)
        return fpu_done(c, fl, 1, plain)
    if c.int_mode == 1:
        c.r[i.rd] = epi_imul(c.r[i.rn], c.r[i.rm], &fl)
        return ialu2_done(c, fl)
    return invalid_insn(c, EXC_ILLEGAL)


cdef inline int sem_fmadd(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0, res = 0
    if plain or c.int_mode == 0:
        if epi_fast_op(3, c.r[i.rd], c.r[i.rn], c.r[i.rm], c.rmode, &res):
            c.r[i.rd] = res
            if plain:
                return fpu_fast_done(c, res)
            fl = epi_ff_flags(res)
        else:
            c.r[i.rd] = soft_fmadd(c.r[i.rd], c.r[i.rn], c.r[i.rm], c.rmode, &fl)
        return fpu_done(c, fl, 1, plain)
    if c.int_mode == 1:
        c.r[i.rd] = epi_imadd(c.r[i.rd], c.r[i.rn], c.r[i.rm], &fl)
        return ialu2_done(c, fl)
    return invalid_insn(c, EXC_ILLEGAL)


cdef inline int sem_fmsub(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0, res = 0
    if plain or c.int_mode == 0:
        if epi_fast_op(4, c.r[i.rd], c.r[i.rn], c.r[i.rm], c.rmode, &res):
            c.r[i.rd] = res
            if plain:
                return fpu_fast_done(c, res)
            fl = epi_ff_flags(res)
        else:
            c.r[i.rd] = soft_fmsub(c.r[i.rd], c.r[i.rn], c.r[i.rm], c.rmode, &fl)
        return fpu_done(c, fl, 1, plain)
    if c.int_mode == 1:
        c.r[i.rd] = epi_imsub(c.r[i.rd], c.r[i.rn], c.r[i.rm], &fl)
        return ialu2_done(c, fl)
    return invalid_insn(c, EXC_ILLEGAL)


cdef inline int sem_float(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0
    if not plain and c.int_mode != 0:
        return invalid_insn(c, EXC_ILLEGAL)
    c.r[i.rd] = soft_float(c.r[i.rn], c.rmode, &fl)
    return fpu_done(c, fl, 0, plain)


cdef inline int sem_fix(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0
    if not plain and c.int_mode != 0:
        return invalid_insn(c, EXC_ILLEGAL)
    c.r[i.rd] = soft_fix(c.r[i.rn], c.rmode, &fl)
    c.bv = 0            # FIX writes BV (never set: saturation is not an overflow, esim 1d);
    return fpu_done(c, fl, 0, plain)   # FLOAT and FABS leave it (CGEN epiphany.cpu; docs/errata.md)


cdef inline int sem_fabs(Core* c, const Insn* i, bint plain) noexcept nogil:
    cdef uint32_t fl = 0
    if not plain and c.int_mode != 0:
        return invalid_insn(c, EXC_ILLEGAL)
    c.r[i.rd] = epi_fabs(c.r[i.rn], &fl)
    return fpu_done(c, fl, 0, plain)
