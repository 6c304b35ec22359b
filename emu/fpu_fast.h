/* Fast path for the common case of the Epiphany FPU, used by the core in front of fpu.h.
 *
 * In round-to-nearest mode, with both operands normal or zero and a result that is normal
 * (or an exact zero of an add), the Epiphany result is the IEEE-754 binary32 result: no
 * flush, no saturation, no NaN rule applies.  IEEE arithmetic on the host then gives the same
 * bits, provided the host evaluates float expressions in binary32 (FLT_EVAL_METHOD == 0, e.g.
 * SSE on x86-64, AArch64).  Every other case (truncate mode, denormals, infinities, NaNs,
 * underflow, overflow) returns 0 and the caller uses the exact integer model of fpu.h.
 * The fast path is checked against fpu.h by tests/emu/unit/test_fpu_core.py.
 */
#ifndef EPI_FPU_FAST_H
#define EPI_FPU_FAST_H
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define EPI_FAST_FPU 1
#else
#define EPI_FAST_FPU 0
#endif

static inline int epi_ff_plain(uint32_t x)   /* normal or zero */
{
    uint32_t e = (x >> 23) & 0xFFu;
    return e != 0xFFu && (e != 0 || (x & 0x7FFFFFu) == 0);
}

static inline int epi_ff_normal(uint32_t x)
{
    uint32_t e = (x >> 23) & 0xFFu;
    return e != 0 && e != 0xFFu;
}

static inline float epi_ff_f(uint32_t x) { float f; memcpy(&f, &x, 4); return f; }
static inline uint32_t epi_ff_u(float f) { uint32_t x; memcpy(&x, &f, 4); return x; }

/* BZ (bit 8) / BN (bit 9) of a normal or zero result, as fpu.h reports them */
static inline uint32_t epi_ff_flags(uint32_t r)
{
    return ((r & 0x7FFFFFFFu) == 0 ? (1u << 8) : 0) | ((r >> 31) << 9);
}

/* op: 0 add, 1 sub, 2 mul, 3 madd (acc + a*b), 4 msub (acc - a*b).  Returns 1 and sets
 * the result and flags when the fast path applies. */
#if defined(__GNUC__)
#define EPI_FF_INLINE static inline __attribute__((always_inline))
#define EPI_FF_OUTLINE static __attribute__((noinline))
#else
#define EPI_FF_INLINE static inline
#define EPI_FF_OUTLINE static
#endif

/* (a function of its own: epi_fast_op, inlined into every dispatch, falls back to it) */
EPI_FF_OUTLINE int epi_fast_fpu(int op, uint32_t acc, uint32_t a, uint32_t b, int rmode,
                                uint32_t *res, uint32_t *flags)
{
#if EPI_FAST_FPU
    float r;
    uint32_t u;
    if (rmode != 0 || !epi_ff_plain(a) || !epi_ff_plain(b))
        return 0;
    switch (op) {
    case 0: r = epi_ff_f(a) + epi_ff_f(b); break;
    case 1: r = epi_ff_f(a) - epi_ff_f(b); break;
    case 2:
        r = epi_ff_f(a) * epi_ff_f(b);
        u = epi_ff_u(r);
        if ((u & 0x7FFFFFFFu) == 0 && (a & 0x7FFFFFFFu) && (b & 0x7FFFFFFFu))
            return 0;                       /* underflowed to zero: needs the BUS flag */
        break;
    case 3:
    case 4:
        if (!epi_ff_plain(acc))
            return 0;
        r = fmaf(op == 3 ? epi_ff_f(a) : -epi_ff_f(a), epi_ff_f(b), epi_ff_f(acc));
        if ((epi_ff_u(r) & 0x7FFFFFFFu) == 0)
            return 0;                       /* zero: exact cancellation or underflow */
        break;
    default:
        return 0;
    }
    u = epi_ff_u(r);
    if ((u & 0x7FFFFFFFu) != 0 && (((u >> 23) & 0xFFu) < 2 || !epi_ff_normal(u)))
        return 0;   /* subnormal, infinite or NaN result, or one in the lowest binade, which
                       may have been rounded up from below 2^-126 (fpu.h flags that BUS) */
    *res = u;
    *flags = epi_ff_flags(u);
    return 1;
#else
    (void)op; (void)acc; (void)a; (void)b; (void)rmode; (void)res; (void)flags;
    return 0;
#endif
}

/* The fast path's common case first: every operand normal (exponent 1..254; a zero goes to
 * epi_fast_fpu), the result normal and not in the lowest binade (exponent 2..254; a zero
 * result of an add or sub goes to epi_fast_fpu too).  With x << 1 the exponent is the top
 * byte, and "e in [lo, 254]" is one unsigned compare.  op as for epi_fast_fpu; returns 1
 * and sets the result when the fast path applies (its flags: epi_ff_flags). */
#define EPI_FF_NORM(x) ((uint32_t)(((x) << 1) - 0x01000000u) < 0xFE000000u)
#define EPI_FF_RES_OK(u) ((uint32_t)(((u) << 1) - 0x02000000u) < 0xFD000000u)

EPI_FF_INLINE int epi_fast_op(int op, uint32_t acc, uint32_t a, uint32_t b, int rmode,
                              uint32_t *res)
{
#if EPI_FAST_FPU
    float r;
    uint32_t u, fl;
    if (rmode == 0 && (EPI_FF_NORM(a) & EPI_FF_NORM(b) & (op < 3 || EPI_FF_NORM(acc)))) {
        switch (op) {
        case 0: r = epi_ff_f(a) + epi_ff_f(b); break;
        case 1: r = epi_ff_f(a) - epi_ff_f(b); break;
        case 2: r = epi_ff_f(a) * epi_ff_f(b); break;
        case 3: r = fmaf(epi_ff_f(a), epi_ff_f(b), epi_ff_f(acc)); break;
        default: r = fmaf(-epi_ff_f(a), epi_ff_f(b), epi_ff_f(acc)); break;
        }
        u = epi_ff_u(r);
        if (EPI_FF_RES_OK(u)) {
            *res = u;
            return 1;
        }
    }
    return epi_fast_fpu(op, acc, a, b, rmode, res, &fl);
#else
    (void)op; (void)acc; (void)a; (void)b; (void)rmode; (void)res;
    return 0;
#endif
}
#endif
