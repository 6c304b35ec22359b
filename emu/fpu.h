/*
 * fpu.h - the Epiphany (E16G301) floating-point unit and its integer mode, as pure C99.
 *
 * Self-contained: static inline functions, only <stdint.h>.  No host floating point is used
 * anywhere (no float/double variables, no <fenv.h>, no rounding-mode tricks): every result is
 * computed with integer operations, so it is bit-identical on any host and any compiler flags
 * (x87, SSE, ARM, -ffast-math ...).
 *
 * The semantics, and where each choice comes from, are described in docs/fpu.md.  Short form
 * (row numbers refer to shared/spec/esim-corner-cases.md, "FS" to shared/spec/epiphany-arch.md):
 *
 *   - Denormal inputs are read as zeros of the same sign; no flag (FS 2.3, esim 3a).
 *   - The exact result is rounded as IEEE 754 binary32 would round it (with subnormals), in
 *     the CONFIG.RMODE mode: 0 = nearest-even, 1 (any nonzero) = toward zero (FS 1.4).  A
 *     subnormal (or zero) rounded result is replaced by a zero of the sign of the exact
 *     result: BZ, and BN if negative (esim 3b).
 *   - Underflow (BUS) is the x86 underflow flag: the result is tiny after rounding (24-bit
 *     significand, unbounded exponent, |r| < 2^-126) AND inexact with respect to the IEEE
 *     (subnormal) result.  So an exact tiny result flushes without BUS (esim 3b, measured).
 *   - Overflow: +-inf in nearest, +-FLT_MAX in truncate; BV (esim 3c).
 *   - Invalid (inf-inf, 0*inf, inf-inf inside FMADD/FMSUB): 0x7FC00000, BIS (esim 3d).
 *   - A NaN operand is returned quieted (bit 22 set), payload and sign kept; operand priority
 *     RN > RM > RD(accumulator); BIS for any NaN operand, quiet ones too; BN = NaN sign bit
 *     (esim 3e).  NOT the manual's "sign = XOR of the input signs".
 *   - Exact zero results: +0 unless both addends are zeros of the same sign (esim 3f, = IEEE).
 *   - FMADD/FMSUB: one rounding of the exact acc +- a*b (FS 2.3).  esim's near-tie quirk
 *     (row 4) is available as epi_fmadd_esim/epi_fmsub_esim, and replaces the default when
 *     compiled with -DEPI_FMA_ESIM=1.
 *   - FIX: nearest mode rounds ties AWAY from zero (esim 1a; C round()); truncate toward zero
 *     (1b); out of range and +-inf saturate to 0x7FFFFFFF/0x80000000 without BV/BIS (1d); NaN
 *     saturates by its sign bit without BIS (1c); flags BN/BZ of the integer result (1e).
 *     +2^31 saturates to 0x7FFFFFFF; esim's 0x80000000+BIS artifact (1d) is epi_fix_esim,
 *     and the default with -DEPI_FIX_ESIM=1.
 *   - FLOAT: RMODE rounding (ties to even), flags BN/BZ (esim 2a).
 *   - FABS: clears the sign bit; denormal -> +0; NaN payload kept, sNaN stays signalling, no
 *     BIS (esim 2b).  esim's stale-flag artifact (2c) is NOT modelled.
 *   - Integer mode (CONFIG.ARITHMODE=100): two's complement, low 32 bits; BZ tests all 32
 *     bits, BN = bit 31, BV cleared (esim 5a-5c).
 *
 * Flags.  Every function OVERWRITES *flags with the complete set of flags of this operation.
 * The flag constants are the STATUS register bit masks (FS 1.3), so a caller can write
 *
 *     status = epi_fpu_status(status, flags, EPI_FPU_UPDATE_ARITH);
 *
 * which replaces the per-op bits named in the update mask, ORs BIS/BUS into STATUS (those
 * bits are themselves the sticky bits) and ORs BV into the sticky BVS.  Update masks:
 *     FADD FSUB FMUL FMADD FMSUB   EPI_FPU_UPDATE_ARITH  (BZ BN BV)
 *     FLOAT FIX FABS               EPI_FPU_UPDATE_CONV   (BZ BN; BV untouched, esim 1e/2a)
 *     IADD ISUB IMUL IMADD IMSUB   EPI_FPU_UPDATE_INT    (BZ BN BV; BV always 0, esim 5c)
 * Raising the FPU exception (CONFIG IEN/OEN/UEN against the sticky bits) is the caller's job.
 */
#ifndef EPI_FPU_H
#define EPI_FPU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- flag bits: identical to the STATUS register bits (FS 1.3) ------------------------- */
#define EPI_FPU_BZ  ((uint32_t)1 << 8)   /* result is +-0                                   */
#define EPI_FPU_BN  ((uint32_t)1 << 9)   /* result sign bit is 1 (also for -0 and -NaN)     */
#define EPI_FPU_BV  ((uint32_t)1 << 10)  /* overflow in this operation                      */
#define EPI_FPU_BIS ((uint32_t)1 << 13)  /* invalid (sticky bit in STATUS: OR it in)        */
#define EPI_FPU_BVS ((uint32_t)1 << 14)  /* sticky overflow (never returned; see status())  */
#define EPI_FPU_BUS ((uint32_t)1 << 15)  /* underflow (sticky bit in STATUS: OR it in)      */

#define EPI_FPU_UPDATE_ARITH (EPI_FPU_BZ | EPI_FPU_BN | EPI_FPU_BV)
#define EPI_FPU_UPDATE_CONV  (EPI_FPU_BZ | EPI_FPU_BN)
#define EPI_FPU_UPDATE_INT   (EPI_FPU_BZ | EPI_FPU_BN | EPI_FPU_BV)

#define EPI_F32_DEFAULT_NAN ((uint32_t)0x7FC00000u)  /* result of an invalid op (esim 3d) */
#define EPI_F32_INF         ((uint32_t)0x7F800000u)
#define EPI_F32_MAX         ((uint32_t)0x7F7FFFFFu)
#define EPI_F32_SIGN        ((uint32_t)0x80000000u)

#define EPI_FPU_RMODE_NEAREST  0
#define EPI_FPU_RMODE_TRUNCATE 1

/* Merge an operation's flags into STATUS (see the header comment). */
static inline uint32_t epi_fpu_status(uint32_t status, uint32_t flags, uint32_t update_mask)
{
    status = (status & ~update_mask) | (flags & update_mask);
    status |= flags & (EPI_FPU_BIS | EPI_FPU_BUS);
    if (flags & EPI_FPU_BV)
        status |= EPI_FPU_BVS;
    return status;
}

/* ======================================================================================= */
/* Internal helpers (names start with epi__).                                               */
/* ======================================================================================= */

static inline uint32_t epi__exp(uint32_t x) { return (x >> 23) & 0xFFu; }
static inline int epi__is_nan(uint32_t x) { return (x & 0x7FFFFFFFu) > EPI_F32_INF; }
static inline int epi__is_inf(uint32_t x) { return (x & 0x7FFFFFFFu) == EPI_F32_INF; }
/* after epi__ftz: zero means +-0 */
static inline int epi__is_zero(uint32_t x) { return (x & 0x7FFFFFFFu) == 0; }
/* Denormal inputs read as zero of the same sign (FS 2.3; esim 3a). */
static inline uint32_t epi__ftz(uint32_t x) { return epi__exp(x) == 0 ? (x & EPI_F32_SIGN) : x; }
/* BN/BZ of a float result bit pattern. */
static inline uint32_t epi__bnbz(uint32_t r)
{
    return ((r >> 31) ? EPI_FPU_BN : 0) | (((r & 0x7FFFFFFFu) == 0) ? EPI_FPU_BZ : 0);
}
/* 24-bit significand with the hidden bit, of a normal number. */
static inline uint64_t epi__sig(uint32_t x) { return (uint64_t)((x & 0x7FFFFFu) | 0x800000u); }
/* Exponent of the significand's least significant bit: value = sig * 2^lsbexp. */
static inline int32_t epi__lsbexp(uint32_t x) { return (int32_t)epi__exp(x) - 150; }

/* A NaN operand comes back quieted, sign and payload kept; BIS (esim 3e). */
static inline uint32_t epi__nan_out(uint32_t n, uint32_t *flags)
{
    uint32_t r = n | 0x00400000u;
    *flags = EPI_FPU_BIS | ((r >> 31) ? EPI_FPU_BN : 0);
    return r;
}
/* Invalid operation: positive default NaN; BIS (esim 3d). */
static inline uint32_t epi__invalid(uint32_t *flags)
{
    *flags = EPI_FPU_BIS;
    return EPI_F32_DEFAULT_NAN;
}

/* Index of the most significant set bit; x != 0. */
static inline int epi__msb64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return 63 - __builtin_clzll((unsigned long long)x);
#else
    int n = 0;
    if (x >> 32) { x >>= 32; n += 32; }
    if (x >> 16) { x >>= 16; n += 16; }
    if (x >> 8)  { x >>= 8;  n += 8; }
    if (x >> 4)  { x >>= 4;  n += 4; }
    if (x >> 2)  { x >>= 2;  n += 2; }
    if (x >> 1)  { n += 1; }
    return n;
#endif
}

/*
 * An exact, nonzero real number in "extended" form:
 *     |value| = (sig + frac) * 2^(e - 63),  2^63 <= sig < 2^64,  0 <= frac < 1,
 *     sticky = (frac != 0).
 * So e is the exponent of the leading bit: 2^e <= |value| < 2^(e+1).
 */
typedef struct {
    uint32_t sign;    /* 0 or 1 */
    int32_t e;
    uint64_t sig;
    int sticky;
} epi__ext;

/* m * 2^lsb with m != 0 and at most 64 bits, exactly. */
static inline epi__ext epi__ext_from(uint32_t sign, int32_t lsb, uint64_t m)
{
    epi__ext x;
    int p = epi__msb64(m);
    x.sign = sign;
    x.e = lsb + p;
    x.sig = m << (63 - p);
    x.sticky = 0;
    return x;
}

/*
 * Exact sum of two nonzero terms (-1)^s1 * m1 * 2^l1 + (-1)^s2 * m2 * 2^l2, with m1, m2 of at
 * most 48 bits (a binary32 significand or a product of two).  Returns 0 for an exact zero sum,
 * 1 otherwise (result in *out).
 *
 * Method: each term is placed in a 128-bit integer (hi:lo) with its leading bit at bit 125,
 * the term with the smaller leading exponent is shifted right by the exponent difference d,
 * "jamming" shifted-out bits into bit 0.  Since a term has at most 48 significant bits, the
 * shift is exact for d <= 77.  For d > 77 the bigger term is >= 2^125 and the other < 2^48, so
 * the sum has its leading bit at 124 or above and the jam bit at 0 only decides the sticky
 * bit, far below any rounding position used here (24, 53 or 64 bits): the standard argument
 * that jamming is exact for rounding when >= 2 guard bits separate it from the rounding point.
 */
typedef struct { uint64_t hi, lo; } epi__u128;

static inline int epi__add_terms(uint32_t s1, int32_t l1, uint64_t m1,
                                 uint32_t s2, int32_t l2, uint64_t m2, epi__ext *out)
{
    int p1 = epi__msb64(m1), p2 = epi__msb64(m2);
    int32_t e1 = l1 + p1, e2 = l2 + p2;        /* leading-bit exponents */
    uint64_t h1 = m1 << (61 - p1);             /* leading bit at 64 + 61 = 125, lo = 0 */
    uint64_t h2 = m2 << (61 - p2);
    epi__u128 a, b, r;
    uint32_t sign;
    int32_t d;
    int p;

    /* order so that term 1 has the larger magnitude */
    if (e1 < e2 || (e1 == e2 && h1 < h2)) {
        uint64_t th = h1; int32_t te = e1; uint32_t ts = s1;
        h1 = h2; e1 = e2; s1 = s2;
        h2 = th; e2 = te; s2 = ts;
    }
    sign = s1;
    a.hi = h1; a.lo = 0;
    d = e1 - e2;
    if (d == 0) {
        b.hi = h2; b.lo = 0;
    } else if (d < 64) {
        b.hi = h2 >> d; b.lo = h2 << (64 - d);
    } else if (d < 128) {
        int k = (int)(d - 64);
        b.hi = 0;
        b.lo = k ? (h2 >> k) : h2;
        if (k && (h2 & (((uint64_t)1 << k) - 1)))
            b.lo |= 1;                         /* jam */
    } else {
        b.hi = 0; b.lo = 1;                    /* h2 != 0: only the jam bit survives */
    }

    if (s1 == s2) {
        r.lo = a.lo + b.lo;
        r.hi = a.hi + b.hi + (r.lo < a.lo);
    } else {
        r.lo = a.lo - b.lo;
        r.hi = a.hi - b.hi - (a.lo < b.lo);
        if (r.hi == 0 && r.lo == 0)
            return 0;                          /* exact cancellation (only possible if d == 0) */
    }

    /* r = |sum| * 2^(125 - e1); normalise its leading bit to bit 127 */
    p = r.hi ? 64 + epi__msb64(r.hi) : epi__msb64(r.lo);
    out->sign = sign;
    out->e = e1 - 125 + p;
    {
        int sh = 127 - p;                      /* 0 .. 127 */
        uint64_t hi, lo;
        if (sh == 0) { hi = r.hi; lo = r.lo; }
        else if (sh < 64) { hi = (r.hi << sh) | (r.lo >> (64 - sh)); lo = r.lo << sh; }
        else { hi = r.lo << (sh - 64); lo = 0; }
        out->sig = hi;
        out->sticky = lo != 0;
    }
    return 1;
}

/*
 * Round an exact nonzero value to binary32 with the Epiphany rules:
 *   1. overflow: if rounding to 24 bits with unbounded exponent gives >= 2^128:
 *      nearest -> +-inf, truncate -> +-FLT_MAX; BV (esim 3c; IEEE overflow definition);
 *   2. the IEEE 754 binary32 result (subnormals included) is computed; if it is subnormal (or
 *      zero) the result is a zero with the value's sign, BZ (+BN) (esim 3b);
 *   3. BUS = tiny after rounding (24-bit, unbounded exponent: |r| < 2^-126) and inexact with
 *      respect to the IEEE result - the x86 underflow flag, which esim reports (3b).
 *      (Corner: a value just below 2^-126 whose IEEE result rounds up to 2^-126 but whose
 *      24-bit unbounded rounding stays below 2^-126 returns 2^-126 WITH BUS, as x86 does.)
 */
static inline uint32_t epi__round_pack(const epi__ext *x, int rmode, uint32_t *flags)
{
    const uint32_t s = x->sign << 31;
    const uint32_t bn = x->sign ? EPI_FPU_BN : 0;
    const uint64_t half40 = (uint64_t)1 << 39;
    uint64_t kept = x->sig >> 40;              /* 24 bits, leading bit at bit 23 */
    uint64_t rem = x->sig & (((uint64_t)1 << 40) - 1);
    int32_t e = x->e;
    int inexact;
    int k;

    if (rmode == 0 && (rem > half40 || (rem == half40 && (x->sticky || (kept & 1)))))
        kept++;
    if (kept >> 24) { kept >>= 1; e++; }       /* carried to 2^24 */

    if (e > 127) {                             /* overflow */
        *flags = EPI_FPU_BV | bn;
        return s | (rmode == 0 ? EPI_F32_INF : EPI_F32_MAX);
    }
    if (e >= -126) {                           /* normal (then the IEEE result is the same) */
        *flags = bn;
        return s | ((uint32_t)(e + 127) << 23) | ((uint32_t)kept & 0x7FFFFFu);
    }

    /* Tiny after rounding.  IEEE subnormal rounding keeps k = e + 150 bits (grid 2^-149). */
    e = x->e;
    k = (int)(e + 150);
    if (k <= 0) {
        inexact = 1;                           /* 0 < |value| < 2^-149: never representable */
    } else {
        int d = 64 - k;                        /* 41 .. 63 */
        uint64_t half = (uint64_t)1 << (d - 1);
        uint64_t r = x->sig & ((((uint64_t)1) << d) - 1);
        uint64_t q = x->sig >> d;
        inexact = r != 0 || x->sticky;
        if (rmode == 0 && (r > half || (r == half && (x->sticky || (q & 1)))))
            q++;
        if (q >> 23) {                         /* rounded up to 2^-126: a normal result */
            *flags = bn | (inexact ? EPI_FPU_BUS : 0);
            return s | 0x00800000u;
        }
    }
    *flags = EPI_FPU_BZ | bn | (inexact ? EPI_FPU_BUS : 0);
    return s;                                  /* flushed to zero, sign kept */
}

/* ======================================================================================= */
/* FADD / FSUB                                                                              */
/* ======================================================================================= */

static inline uint32_t epi__addsub(uint32_t a, uint32_t b, uint32_t negb, int rmode,
                                   uint32_t *flags)
{
    epi__ext x;
    /* NaN operands first, RN before RM, sign kept (esim 3e). */
    if (epi__is_nan(a)) return epi__nan_out(a, flags);
    if (epi__is_nan(b)) return epi__nan_out(b, flags);
    a = epi__ftz(a);
    b = epi__ftz(b) ^ (negb << 31);
    if (epi__is_inf(a)) {
        if (epi__is_inf(b) && ((a ^ b) >> 31))
            return epi__invalid(flags);        /* inf - inf (esim 3d) */
        *flags = epi__bnbz(a);
        return a;
    }
    if (epi__is_inf(b)) { *flags = epi__bnbz(b); return b; }
    if (epi__is_zero(a)) {
        if (epi__is_zero(b)) {
            uint32_t r = a & b;                /* -0 only for -0 + -0 (esim 3f) */
            *flags = epi__bnbz(r);
            return r;
        }
        *flags = epi__bnbz(b);
        return b;                              /* exact */
    }
    if (epi__is_zero(b)) { *flags = epi__bnbz(a); return a; }
    if (!epi__add_terms(a >> 31, epi__lsbexp(a), epi__sig(a),
                        b >> 31, epi__lsbexp(b), epi__sig(b), &x)) {
        *flags = EPI_FPU_BZ;                   /* x + (-x) = +0 in both modes (esim 3f) */
        return 0;
    }
    return epi__round_pack(&x, rmode, flags);
}

/* RD = RN + RM */
static inline uint32_t epi_fadd(uint32_t a, uint32_t b, int rmode, uint32_t *flags)
{
    return epi__addsub(a, b, 0, rmode, flags);
}

/* RD = RN - RM */
static inline uint32_t epi_fsub(uint32_t a, uint32_t b, int rmode, uint32_t *flags)
{
    return epi__addsub(a, b, 1, rmode, flags);
}

/* ======================================================================================= */
/* FMUL                                                                                     */
/* ======================================================================================= */

/* RD = RN * RM */
static inline uint32_t epi_fmul(uint32_t a, uint32_t b, int rmode, uint32_t *flags)
{
    uint32_t sign;
    epi__ext x;
    if (epi__is_nan(a)) return epi__nan_out(a, flags);
    if (epi__is_nan(b)) return epi__nan_out(b, flags);
    a = epi__ftz(a);
    b = epi__ftz(b);
    sign = (a ^ b) & EPI_F32_SIGN;
    if (epi__is_inf(a) || epi__is_inf(b)) {
        if (epi__is_zero(a) || epi__is_zero(b))
            return epi__invalid(flags);        /* 0 * inf, also denormal * inf (esim 3d) */
        *flags = epi__bnbz(sign | EPI_F32_INF);
        return sign | EPI_F32_INF;
    }
    if (epi__is_zero(a) || epi__is_zero(b)) {
        *flags = epi__bnbz(sign);
        return sign;                           /* -1 * 0 = -0 (esim 3f) */
    }
    x = epi__ext_from(sign >> 31, epi__lsbexp(a) + epi__lsbexp(b), epi__sig(a) * epi__sig(b));
    return epi__round_pack(&x, rmode, flags);
}

/* ======================================================================================= */
/* FMADD / FMSUB                                                                            */
/* ======================================================================================= */

/*
 * esim's FMADD/FMSUB in nearest mode (esim row 4, model verified there on 16 000 cases):
 * the exact value is rounded to a 64-bit significand (x87 long double), then to 53 bits
 * (double), both in a directed mode - away from zero when the accumulator and the added
 * product have the same sign, toward zero otherwise - and then to binary32 nearest-even with
 * the usual flush/flag rules.  In truncate mode esim is exactly fused (row 4).
 */
static inline uint32_t epi__round_pack_esim(epi__ext x, int away, uint32_t *flags)
{
    if (x.sticky && away) {                    /* -> 64 bits */
        x.sig++;
        if (x.sig == 0) { x.sig = (uint64_t)1 << 63; x.e++; }
    }
    x.sticky = 0;
    if (x.sig & 0x7FFu) {                      /* -> 53 bits */
        x.sig &= ~(uint64_t)0x7FF;
        if (away) {
            x.sig += 0x800u;
            if (x.sig == 0) { x.sig = (uint64_t)1 << 63; x.e++; }
        }
    }
    return epi__round_pack(&x, 0, flags);
}

/* acc + (-1)^negp * a * b, rounded once (or the esim way when esim != 0). */
static inline uint32_t epi__fma(uint32_t acc, uint32_t a, uint32_t b, uint32_t negp,
                                int rmode, int esim, uint32_t *flags)
{
    uint32_t ps;
    int pinf, pzero;
    int32_t pl;
    uint64_t pm;
    epi__ext x;
    /* NaN priority RN > RM > RD (esim 3e); sign and payload of the NaN kept. */
    if (epi__is_nan(a)) return epi__nan_out(a, flags);
    if (epi__is_nan(b)) return epi__nan_out(b, flags);
    if (epi__is_nan(acc)) return epi__nan_out(acc, flags);
    acc = epi__ftz(acc);
    a = epi__ftz(a);
    b = epi__ftz(b);
    ps = ((a ^ b) & EPI_F32_SIGN) ^ (negp << 31);   /* sign of the added product */
    pinf = epi__is_inf(a) || epi__is_inf(b);
    pzero = epi__is_zero(a) || epi__is_zero(b);
    if (pinf) {
        if (pzero)
            return epi__invalid(flags);        /* 0 * inf */
        if (epi__is_inf(acc) && ((acc ^ ps) >> 31))
            return epi__invalid(flags);        /* inf - inf */
        *flags = epi__bnbz(ps | EPI_F32_INF);
        return ps | EPI_F32_INF;
    }
    if (epi__is_inf(acc)) { *flags = epi__bnbz(acc); return acc; }
    if (pzero) {
        if (epi__is_zero(acc)) {
            uint32_t r = acc & ps;             /* -0 only if both zeros are -0 (IEEE, 3f) */
            *flags = epi__bnbz(r);
            return r;
        }
        *flags = epi__bnbz(acc);
        return acc;                            /* exact */
    }
    pl = epi__lsbexp(a) + epi__lsbexp(b);
    pm = epi__sig(a) * epi__sig(b);
    if (epi__is_zero(acc)) {
        x = epi__ext_from(ps >> 31, pl, pm);   /* at most 48 bits: exact */
        return epi__round_pack(&x, rmode, flags);
    }
    if (!epi__add_terms(acc >> 31, epi__lsbexp(acc), epi__sig(acc), ps >> 31, pl, pm, &x)) {
        *flags = EPI_FPU_BZ;                   /* exact cancellation: +0 in both modes */
        return 0;
    }
    if (esim && rmode == 0)
        return epi__round_pack_esim(x, (acc >> 31) == (ps >> 31), flags);
    return epi__round_pack(&x, rmode, flags);
}

#ifndef EPI_FMA_ESIM
#define EPI_FMA_ESIM 0
#endif

/* RD = RD + RN * RM, one rounding (FS 2.3).  acc = RD, a = RN, b = RM. */
static inline uint32_t epi_fmadd(uint32_t acc, uint32_t a, uint32_t b, int rmode, uint32_t *flags)
{
    return epi__fma(acc, a, b, 0, rmode, EPI_FMA_ESIM, flags);
}

/* RD = RD - RN * RM, one rounding. */
static inline uint32_t epi_fmsub(uint32_t acc, uint32_t a, uint32_t b, int rmode, uint32_t *flags)
{
    return epi__fma(acc, a, b, 1, rmode, EPI_FMA_ESIM, flags);
}

/* The same with esim's near-tie rounding (esim row 4), whatever EPI_FMA_ESIM says. */
static inline uint32_t epi_fmadd_esim(uint32_t acc, uint32_t a, uint32_t b, int rmode,
                                      uint32_t *flags)
{
    return epi__fma(acc, a, b, 0, rmode, 1, flags);
}

static inline uint32_t epi_fmsub_esim(uint32_t acc, uint32_t a, uint32_t b, int rmode,
                                      uint32_t *flags)
{
    return epi__fma(acc, a, b, 1, rmode, 1, flags);
}

/* ======================================================================================= */
/* FLOAT / FIX / FABS                                                                       */
/* ======================================================================================= */

/* RD = (float)(int32_t)RN, rounded per RMODE (nearest = ties to even, esim 2a).  Never
 * overflows or underflows: flags are BN/BZ only (update mask EPI_FPU_UPDATE_CONV). */
static inline uint32_t epi_float(uint32_t a, int rmode, uint32_t *flags)
{
    uint32_t neg = a >> 31;
    uint32_t mag = neg ? (uint32_t)(0u - a) : a;   /* INT_MIN -> 2^31 */
    epi__ext x;
    if (mag == 0) { *flags = EPI_FPU_BZ; return 0; }
    x = epi__ext_from(neg, 0, (uint64_t)mag);
    return epi__round_pack(&x, rmode, flags);
}

/* BN/BZ of an integer result (FIX; integer mode).  BZ tests all 32 bits (esim 5b). */
static inline uint32_t epi__int_flags(uint32_t r)
{
    return ((r >> 31) ? EPI_FPU_BN : 0) | (r == 0 ? EPI_FPU_BZ : 0);
}

/* FIX with a switch for esim's +2^31 artifact (esim 1d). */
static inline uint32_t epi__fix(uint32_t a, int rmode, int esim, uint32_t *flags)
{
    uint32_t neg = a >> 31;
    uint32_t ex = epi__exp(a);
    uint32_t r;
    if (ex == 0xFFu) {
        /* +-inf saturate (1d); a NaN saturates by its sign bit, no BIS (1c) */
        r = neg ? 0x80000000u : 0x7FFFFFFFu;
    } else if (ex == 0) {
        r = 0;                                 /* zero and denormals: 0 (BZ), no BUS (1e) */
    } else {
        int32_t e = (int32_t)ex - 127;         /* 2^e <= |a| < 2^(e+1) */
        uint32_t m = (a & 0x7FFFFFu) | 0x800000u;   /* |a| = m * 2^(e-23) */
        uint32_t mag;
        if (e >= 31) {
            if (esim && a == 0x4F000000u) {
                /* esim: exactly +2^31 -> 0x80000000 with BN+BIS (1d, host artifact) */
                *flags = EPI_FPU_BN | EPI_FPU_BIS;
                return 0x80000000u;
            }
            /* out of range: saturate, no BV/BIS (1d); -2^31 itself is exact */
            r = neg ? 0x80000000u : 0x7FFFFFFFu;
            *flags = epi__int_flags(r);
            return r;
        }
        if (e >= 23) {
            mag = m << (e - 23);               /* exact, < 2^31 */
        } else if (e >= -1) {
            int sh = 23 - (int)e;              /* 1 .. 24 */
            mag = m >> sh;
            /* nearest: ties AWAY from zero, i.e. round half up on the magnitude (1a);
               truncate: toward zero (1b) */
            if (rmode == 0 && ((m >> (sh - 1)) & 1u))
                mag++;
        } else {
            mag = 0;                           /* |a| < 0.5 */
        }
        r = neg ? (uint32_t)(0u - mag) : mag;
    }
    *flags = epi__int_flags(r);
    return r;
}

#ifndef EPI_FIX_ESIM
#define EPI_FIX_ESIM 0
#endif

/* RD = (int32_t)RN, rounded per RMODE, saturating (esim 1a-1e).  Flags BN/BZ of the integer
 * result (update mask EPI_FPU_UPDATE_CONV); never BV, BIS or BUS (unless EPI_FIX_ESIM). */
static inline uint32_t epi_fix(uint32_t a, int rmode, uint32_t *flags)
{
    return epi__fix(a, rmode, EPI_FIX_ESIM, flags);
}

/* FIX with esim's +2^31 -> 0x80000000/BN+BIS artifact, whatever EPI_FIX_ESIM says. */
static inline uint32_t epi_fix_esim(uint32_t a, int rmode, uint32_t *flags)
{
    return epi__fix(a, rmode, 1, flags);
}

/* RD = |RN|: the sign bit cleared; denormals -> +0; NaN payload kept, an sNaN stays
 * signalling, no BIS (esim 2b).  Flags BZ only (BN is always 0), update mask
 * EPI_FPU_UPDATE_CONV.  esim also copies stale BV/BIS/BUS of the previous arithmetic op into
 * STATUS (2c); that simulator artifact is not modelled. */
static inline uint32_t epi_fabs(uint32_t a, uint32_t *flags)
{
    uint32_t r = epi__ftz(a & 0x7FFFFFFFu);
    *flags = epi__bnbz(r);
    return r;
}

/* ======================================================================================= */
/* Integer mode (CONFIG.ARITHMODE = 100): IADD ISUB IMUL IMADD IMSUB                        */
/* Two's complement, low 32 bits (esim 5a); BZ tests all 32 bits, BN = bit 31 (5b); BV      */
/* cleared, nothing else (5c): use update mask EPI_FPU_UPDATE_INT.                          */
/* ======================================================================================= */

static inline uint32_t epi__mul32(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)a * (uint64_t)b);   /* no int promotion pitfalls */
}

static inline uint32_t epi_iadd(uint32_t a, uint32_t b, uint32_t *flags)
{
    uint32_t r = (uint32_t)(a + b);
    *flags = epi__int_flags(r);
    return r;
}

static inline uint32_t epi_isub(uint32_t a, uint32_t b, uint32_t *flags)
{
    uint32_t r = (uint32_t)(a - b);
    *flags = epi__int_flags(r);
    return r;
}

static inline uint32_t epi_imul(uint32_t a, uint32_t b, uint32_t *flags)
{
    uint32_t r = epi__mul32(a, b);
    *flags = epi__int_flags(r);
    return r;
}

/* RD = RD + RN * RM */
static inline uint32_t epi_imadd(uint32_t acc, uint32_t a, uint32_t b, uint32_t *flags)
{
    uint32_t r = (uint32_t)(acc + epi__mul32(a, b));
    *flags = epi__int_flags(r);
    return r;
}

/* RD = RD - RN * RM */
static inline uint32_t epi_imsub(uint32_t acc, uint32_t a, uint32_t b, uint32_t *flags)
{
    uint32_t r = (uint32_t)(acc - epi__mul32(a, b));
    *flags = epi__int_flags(r);
    return r;
}

#ifdef __cplusplus
}
#endif

#endif /* EPI_FPU_H */
