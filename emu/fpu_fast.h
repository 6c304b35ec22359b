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
static inline int epi_fast_fpu(int op, uint32_t acc, uint32_t a, uint32_t b, int rmode,
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
#endif
