"""emu/fpu.h, the Epiphany FPU kernel, against independent references.

The header is compiled with the system C compiler into a small shared library (the package
already needs a C compiler for its Cython core) and called through ctypes.  References:

(a) measured rows of shared/spec/esim-corner-cases.md (the official GNU simulator), each
    cited by row number;
(b) an exact model written here with fractions.Fraction (exact value -> IEEE 754 binary32
    rounding in nearest-even / toward zero -> the project's flush/flag/NaN rules, as stated in
    docs/fpu.md), compared on random bit patterns and on structured "interesting" operands,
    both from seeded bulk generators and from hypothesis;
(c) numpy float32 arithmetic (the host's IEEE FPU) for round-to-nearest results that involve
    no denormal or NaN.
"""
import ctypes
import os
import random
import shutil
import struct
import subprocess
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HEADER_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "emu")
HEADER = os.path.abspath(os.path.join(HEADER_DIR, "fpu.h"))

# STATUS register bits (shared/spec/epiphany-arch.md §1.3).
BZ, BN, BV, BC, BIS, BVS, BUS = (1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 13, 1 << 14,
                                 1 << 15)
AZ, AN, AC, AV, AVS = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 12
RN, RZ = 0, 1  # CONFIG.RMODE (§1.4): 0 nearest-even, 1 truncate

OPS = ["fadd", "fsub", "fmul", "fmadd", "fmsub", "fmadd_esim", "fmsub_esim", "float", "fix",
       "fix_esim", "fabs", "iadd", "isub", "imul", "imadd", "imsub"]
OPNUM = {name: i for i, name in enumerate(OPS)}

WRAPPER = r"""
#include <stddef.h>
#include "fpu.h"

static uint32_t one(int op, int rm, uint32_t acc, uint32_t a, uint32_t b, uint32_t *f)
{
    switch (op) {
    case 0: return epi_fadd(a, b, rm, f);
    case 1: return epi_fsub(a, b, rm, f);
    case 2: return epi_fmul(a, b, rm, f);
    case 3: return epi_fmadd(acc, a, b, rm, f);
    case 4: return epi_fmsub(acc, a, b, rm, f);
    case 5: return epi_fmadd_esim(acc, a, b, rm, f);
    case 6: return epi_fmsub_esim(acc, a, b, rm, f);
    case 7: return epi_float(a, rm, f);
    case 8: return epi_fix(a, rm, f);
    case 9: return epi_fix_esim(a, rm, f);
    case 10: return epi_fabs(a, f);
    case 11: return epi_iadd(a, b, f);
    case 12: return epi_isub(a, b, f);
    case 13: return epi_imul(a, b, f);
    case 14: return epi_imadd(acc, a, b, f);
    case 15: return epi_imsub(acc, a, b, f);
    }
    *f = 0xDEADBEEFu;
    return 0xDEADBEEFu;
}

uint32_t w_one(int op, int rm, uint32_t acc, uint32_t a, uint32_t b, uint32_t *f)
{
    uint32_t dummy = 0xFFFFFFFFu;      /* functions must overwrite *flags */
    *f = dummy;
    return one(op, rm, acc, a, b, f);
}

void w_batch(int op, int rm, size_t n, const uint32_t *acc, const uint32_t *a,
             const uint32_t *b, uint32_t *out, uint32_t *fl)
{
    size_t i;
    for (i = 0; i < n; i++) {
        fl[i] = 0xFFFFFFFFu;
        out[i] = one(op, rm, acc[i], a[i], b[i], &fl[i]);
    }
}

uint32_t w_status(uint32_t status, uint32_t flags, uint32_t mask)
{
    return epi_fpu_status(status, flags, mask);
}

uint32_t w_const(int i)
{
    switch (i) {
    case 0: return EPI_FPU_BZ;
    case 1: return EPI_FPU_BN;
    case 2: return EPI_FPU_BV;
    case 3: return EPI_FPU_BIS;
    case 4: return EPI_FPU_BVS;
    case 5: return EPI_FPU_BUS;
    case 6: return EPI_FPU_UPDATE_ARITH;
    case 7: return EPI_FPU_UPDATE_CONV;
    case 8: return EPI_FPU_UPDATE_INT;
    }
    return 0;
}
"""


def _cc():
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        pytest.fail("no C compiler found (set CC or install cc): the FPU kernel tests compile "
                    "emu/fpu.h, and the package's Cython core needs one anyway")
    return cc


def _build(tmpdir, name, extra=()):
    src = os.path.join(tmpdir, name + ".c")
    lib = os.path.join(tmpdir, name + ".so")
    with open(src, "w") as f:
        f.write(WRAPPER)
    cmd = [_cc(), "-O2", "-shared", "-fPIC", "-std=c99", "-I", HEADER_DIR, *extra, src,
           "-o", lib]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail("compiling the fpu.h wrapper failed:\n%s\n%s" % (" ".join(cmd), proc.stderr))
    dll = ctypes.CDLL(lib)
    u32, p32 = ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32)
    dll.w_one.restype = u32
    dll.w_one.argtypes = [ctypes.c_int, ctypes.c_int, u32, u32, u32, p32]
    dll.w_batch.restype = None
    dll.w_batch.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t, p32, p32, p32, p32, p32]
    dll.w_status.restype = u32
    dll.w_status.argtypes = [u32, u32, u32]
    dll.w_const.restype = u32
    dll.w_const.argtypes = [ctypes.c_int]
    return dll


@pytest.fixture(scope="session")
def lib(tmp_path_factory):
    return _build(str(tmp_path_factory.mktemp("fpu")), "fpu_default")


@pytest.fixture(scope="session")
def lib_esim(tmp_path_factory):
    """The same header built with the esim-compatibility switches on."""
    return _build(str(tmp_path_factory.mktemp("fpu_esim")), "fpu_esim",
                  ["-DEPI_FMA_ESIM=1", "-DEPI_FIX_ESIM=1"])


def run1(dll, op, a=0, b=0, acc=0, rmode=RN):
    fl = ctypes.c_uint32(0)
    r = dll.w_one(OPNUM[op], rmode, acc, a, b, ctypes.byref(fl))
    return r, fl.value


def run_batch(dll, op, rmode, acc, a, b):
    acc = np.ascontiguousarray(acc, dtype=np.uint32)
    a = np.ascontiguousarray(a, dtype=np.uint32)
    b = np.ascontiguousarray(b, dtype=np.uint32)
    n = len(a)
    out = np.zeros(n, dtype=np.uint32)
    fl = np.zeros(n, dtype=np.uint32)
    p = lambda arr: arr.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32))  # noqa: E731
    dll.w_batch(OPNUM[op], rmode, n, p(acc), p(a), p(b), p(out), p(fl))
    return out, fl


# --------------------------------------------------------------------------------------------
# Helpers to write operands as numbers
# --------------------------------------------------------------------------------------------

def f32(x):
    """Bits of x, which must be exactly representable as a binary32 (denormals included)."""
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    assert struct.unpack("<f", struct.pack("<I", bits))[0] == x, x
    return bits


def f32r(x):
    """Bits of the binary32 nearest to x (as a C float literal like 1e10f)."""
    return struct.unpack("<I", struct.pack("<f", x))[0]


def neg(bits):
    return bits ^ 0x80000000


def u32(i):
    return i & 0xFFFFFFFF


# --------------------------------------------------------------------------------------------
# (b) The exact reference model, with fractions.Fraction
# --------------------------------------------------------------------------------------------

TWO = Fraction(2)


def classify(bits):
    """-> (kind, sign, value) with denormal inputs read as signed zeros (docs/fpu.md)."""
    s = bits >> 31
    e = (bits >> 23) & 0xFF
    f = bits & 0x7FFFFF
    if e == 0xFF:
        return ("nan" if f else "inf"), s, None
    if e == 0:
        return "zero", s, Fraction(0)
    mag = Fraction((f | 0x800000) * 2 ** max(e - 150, 0), 2 ** max(150 - e, 0))
    return "num", s, -mag if s else mag


def _floor_log2(a):
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while TWO ** e > a:
        e -= 1
    while TWO ** (e + 1) <= a:
        e += 1
    return e


def _to_grid(a, q, rmode):
    """a > 0: the integer k such that k * 2^q is a rounded to the grid 2^q; and exactness."""
    n, d = a.numerator, a.denominator
    if q >= 0:
        d <<= q
    else:
        n <<= -q
    k, r = divmod(n, d)
    if rmode == RN and (2 * r > d or (2 * r == d and k % 2 == 1)):
        k += 1
    return k, r == 0


def bnbz(bits):
    return (BN if bits >> 31 else 0) | (BZ if bits & 0x7FFFFFFF == 0 else 0)


def ref_round(x, rmode, zero_sign=0):
    """Exact x -> (bits, flags) with the project's rules (docs/fpu.md)."""
    if x == 0:
        r = zero_sign << 31
        return r, bnbz(r)
    s = 1 if x < 0 else 0
    a = abs(x)
    e = _floor_log2(a)
    # rounding to 24 bits with an unbounded exponent: overflow and tininess
    k, _ = _to_grid(a, e - 23, rmode)
    top = e - 23 + k.bit_length() - 1          # floor(log2(rounded))
    if top >= 128:
        r = (s << 31) | (0x7F800000 if rmode == RN else 0x7F7FFFFF)
        return r, BV | bnbz(r)
    tiny = top < -126
    # IEEE binary32 rounding with subnormals (grid 2^-149 below 2^-126)
    q = max(e, -126) - 23
    k2, exact = _to_grid(a, q, rmode)
    fl = BUS if (tiny and not exact) else 0
    if k2 == 0 or q + k2.bit_length() - 1 < -126:  # subnormal IEEE result: flush, sign kept
        r = s << 31
        return r, fl | bnbz(r)
    E = q + k2.bit_length() - 1
    sh = q - (E - 23)
    sig = k2 << sh if sh >= 0 else k2 >> -sh
    assert 0x800000 <= sig < 0x1000000 and -126 <= E <= 127
    r = (s << 31) | ((E + 127) << 23) | (sig - 0x800000)
    return r, fl | bnbz(r)


def ref_quiet(bits):
    r = bits | 0x00400000
    return r, BIS | (BN if r >> 31 else 0)


REF_INVALID = (0x7FC00000, BIS)


def ref_inf(sign):
    r = (sign << 31) | 0x7F800000
    return r, bnbz(r)


def ref_addsub(a, b, rmode, sub):
    ka, sa, va = classify(a)
    kb, sb, vb = classify(b)
    if ka == "nan":
        return ref_quiet(a)
    if kb == "nan":
        return ref_quiet(b)
    sb ^= sub
    if ka == "inf":
        if kb == "inf" and sa != sb:
            return REF_INVALID
        return ref_inf(sa)
    if kb == "inf":
        return ref_inf(sb)
    x = va + (-vb if sub else vb)
    zs = sa if (va == 0 and vb == 0 and sa == sb) else 0
    return ref_round(x, rmode, zs)


def ref_mul(a, b, rmode):
    ka, sa, va = classify(a)
    kb, sb, vb = classify(b)
    if ka == "nan":
        return ref_quiet(a)
    if kb == "nan":
        return ref_quiet(b)
    if "inf" in (ka, kb):
        if "zero" in (ka, kb):
            return REF_INVALID
        return ref_inf(sa ^ sb)
    return ref_round(va * vb, rmode, sa ^ sb)


def _directed(a, p, away):
    """a > 0 rounded to p significant bits, toward zero or away from zero."""
    q = _floor_log2(a) - (p - 1)
    k, exact = _to_grid(a, q, RZ)
    if away and not exact:
        k += 1
    return k * TWO ** q


def ref_fma(acc, a, b, rmode, sub, esim=False):
    kc, sc, vc = classify(acc)
    ka, sa, va = classify(a)
    kb, sb, vb = classify(b)
    for bits, kind in ((a, ka), (b, kb), (acc, kc)):   # RN > RM > RD (esim 3e)
        if kind == "nan":
            return ref_quiet(bits)
    ps = sa ^ sb ^ sub
    if "inf" in (ka, kb):
        if "zero" in (ka, kb):
            return REF_INVALID
        if kc == "inf" and sc != ps:
            return REF_INVALID
        return ref_inf(ps)
    if kc == "inf":
        return ref_inf(sc)
    p = va * vb
    if sub:
        p = -p
    x = vc + p
    zs = sc if (vc == 0 and p == 0 and sc == ps) else 0
    if esim and rmode == RN and vc != 0 and p != 0 and x != 0:
        # esim row 4 model: -> 64-bit long double -> double, directed (away from zero when
        # accumulator and product have the same sign, else toward zero), then nearest-even
        away = (vc > 0) == (p > 0)
        m = _directed(_directed(abs(x), 64, away), 53, away)
        x = m if x > 0 else -m
    return ref_round(x, rmode, zs)


def ref_float(a, rmode):
    i = a - (1 << 32) if a >> 31 else a
    return ref_round(Fraction(i), rmode, 0)


def ref_fix(a, rmode):
    kind, s, v = classify(a)
    if kind in ("nan", "inf"):
        r = 0x80000000 if s else 0x7FFFFFFF            # esim 1c, 1d
    else:
        if rmode == RZ:
            n = int(v)                                 # truncates toward zero
        else:
            m = abs(v) + Fraction(1, 2)                # ties away from zero (esim 1a)
            n = m.numerator // m.denominator
            n = -n if v < 0 else n
        n = max(-(1 << 31), min((1 << 31) - 1, n))
        r = u32(n)
    return r, (BZ if r == 0 else 0) | (BN if r >> 31 else 0)


def ref_fabs(a):
    r = a & 0x7FFFFFFF
    if (r >> 23) == 0:
        r = 0
    return r, bnbz(r)


def _iflags(r):
    return (BZ if r == 0 else 0) | (BN if r >> 31 else 0)


def ref_int(op, acc, a, b):
    r = {"iadd": a + b, "isub": a - b, "imul": a * b, "imadd": acc + a * b,
         "imsub": acc - a * b}[op]
    r = u32(r)
    return r, _iflags(r)


def reference(op, acc, a, b, rmode):
    if op in ("fadd", "fsub"):
        return ref_addsub(a, b, rmode, op == "fsub")
    if op == "fmul":
        return ref_mul(a, b, rmode)
    if op.startswith("fmadd") or op.startswith("fmsub"):
        return ref_fma(acc, a, b, rmode, op.startswith("fmsub"), op.endswith("_esim"))
    if op == "float":
        return ref_float(a, rmode)
    if op == "fix" or (op == "fix_esim" and a != 0x4F000000):
        return ref_fix(a, rmode)
    if op == "fabs":
        return ref_fabs(a)
    return ref_int(op, acc, a, b)


# --------------------------------------------------------------------------------------------
# (a) Measured rows of esim-corner-cases.md
# --------------------------------------------------------------------------------------------

QNAN, SNAN = 0x7FC00000, 0x7F800001
INF, FMAX = 0x7F800000, 0x7F7FFFFF
DENORM = 0x00000001
MINN = 0x00800000                       # 2^-126
MINN_ULP = 0x00800001                   # 2^-126 + ulp
ONE = f32(1.0)
INT_MAX, INT_MIN = 0x7FFFFFFF, 0x80000000

# (op, rmode or None for both, acc, a, b, expected result, expected flags, row)
# Expected flags are complete (the op's whole flag word).
ESIM_ROWS = [
    # 1a FIX nearest: ties away from zero
    *[("fix", RN, 0, f32(x), 0, u32(n), _iflags(u32(n)), "1a")
      for x, n in [(0.5, 1), (1.5, 2), (2.5, 3), (3.5, 4), (-0.5, -1), (-1.5, -2),
                   (-2.5, -3), (4194304.5, 4194305)]],
    # 1b FIX truncate: toward zero
    *[("fix", RZ, 0, f32(x), 0, u32(n), _iflags(u32(n)), "1b")
      for x, n in [(0.5, 0), (2.5, 2), (-0.5, 0), (-2.5, -2)]],
    # 1c FIX NaN: sign-based saturation, no BIS
    *[("fix", None, 0, x, 0, r, _iflags(r), "1c")
      for x, r in [(QNAN, INT_MAX), (SNAN, INT_MAX), (neg(QNAN), INT_MIN),
                   (neg(SNAN), INT_MIN)]],
    # 1d FIX +-inf / out of range saturate, no BV/BIS
    *[("fix", None, 0, x, 0, r, _iflags(r), "1d")
      for x, r in [(INF, INT_MAX), (f32(2.0 ** 31 + 256), INT_MAX), (f32r(1e10), INT_MAX),
                   (FMAX, INT_MAX), (neg(INF), INT_MIN), (f32(-2.0 ** 31 - 256), INT_MIN),
                   (f32r(-1e10), INT_MIN)]],
    # 1d exactly +2^31 under esim: 0x80000000 with BN+BIS (artifact, only in fix_esim)
    ("fix_esim", None, 0, 0x4F000000, 0, INT_MIN, BN | BIS, "1d"),
    # 1e FIX flags: BZ/BN from the integer result; denormals and 2^-126 -> 0 (BZ), no BUS
    ("fix", RZ, 0, f32(-0.5), 0, 0, BZ, "1e"),
    *[("fix", None, 0, x, 0, 0, BZ, "1e") for x in (DENORM, neg(DENORM), 0x007FFFFF, MINN)],
    # 2a FLOAT rounding
    *[("float", RN, 0, u32(i), 0, r, bnbz(r), "2a")
      for i, r in [(16777217, 0x4B800000), (16777219, 0x4B800002), (16777221, 0x4B800002),
                   (INT_MAX, 0x4F000000), (-(2 ** 31) + 1, 0xCF000000)]],
    *[("float", RZ, 0, u32(i), 0, r, bnbz(r), "2a")
      for i, r in [(16777219, 0x4B800001), (INT_MAX, 0x4EFFFFFF), (-(2 ** 31) + 1, 0xCEFFFFFF)]],
    # 2b FABS
    ("fabs", None, 0, 0x80000000, 0, 0, BZ, "2b"),
    ("fabs", None, 0, 0xFF800001, 0, 0x7F800001, 0, "2b"),      # sNaN stays signalling
    ("fabs", None, 0, neg(QNAN), 0, QNAN, 0, "2b"),
    ("fabs", None, 0, neg(DENORM), 0, 0, BZ, "2b"),
    # 3a denormal inputs flushed, no BUS
    ("fadd", None, 0, DENORM, 0, 0, BZ, "3a"),
    ("fadd", None, 0, f32(2.0 ** -127), f32(2.0 ** -127), 0, BZ, "3a"),
    ("fmul", None, 0, ONE, MINN, MINN, 0, "3a"),
    ("fmul", None, 0, neg(DENORM), ONE, 0x80000000, BZ | BN, "3a"),
    # 3b tiny results: flushed, sign kept; BUS only when inexact
    ("fmul", None, 0, MINN_ULP, f32(0.5), 0, BZ | BUS, "3b"),
    ("fmul", None, 0, f32r(1e-30), f32r(1e-30), 0, BZ | BUS, "3b"),
    ("fsub", None, 0, MINN_ULP, MINN, 0, BZ, "3b"),
    ("fmul", None, 0, MINN, f32(0.5), 0, BZ, "3b"),
    ("fmul", None, 0, neg(MINN_ULP), f32(0.5), 0x80000000, BZ | BN | BUS, "3b"),
    # 3c overflow: nearest -> inf, truncate -> FLT_MAX, BV; inf operands give no flags
    ("fadd", RN, 0, FMAX, FMAX, INF, BV, "3c"),
    ("fadd", RZ, 0, FMAX, FMAX, FMAX, BV, "3c"),
    ("fadd", RN, 0, neg(FMAX), neg(FMAX), neg(INF), BV | BN, "3c"),
    ("fadd", RZ, 0, neg(FMAX), neg(FMAX), neg(FMAX), BV | BN, "3c"),
    ("fmul", RN, 0, FMAX, f32(2.0), INF, BV, "3c"),
    ("fmul", RZ, 0, FMAX, f32(2.0), FMAX, BV, "3c"),
    ("fadd", RN, 0, FMAX, f32(2.0 ** 104), INF, BV, "3c"),
    ("fadd", None, 0, INF, ONE, INF, 0, "3c"),
    ("fadd", None, 0, INF, INF, INF, 0, "3c"),
    # 3d invalid operations -> positive default NaN, BIS
    ("fsub", None, 0, INF, INF, QNAN, BIS, "3d"),
    ("fmul", None, 0, 0, INF, QNAN, BIS, "3d"),
    ("fmul", None, 0, 0x80000000, INF, QNAN, BIS, "3d"),
    ("fmul", None, 0, DENORM, neg(INF), QNAN, BIS, "3d"),
    # 3e NaN operands: quieted, payload and sign kept, RN before RM, BIS even for quiet NaNs
    ("fadd", None, 0, SNAN, ONE, 0x7FC00001, BIS, "3e"),
    ("fadd", None, 0, 0x7FA00000, ONE, 0x7FE00000, BIS, "3e"),
    ("fadd", None, 0, 0x7FC00002, 0xFFC00003, 0x7FC00002, BIS, "3e"),
    ("fadd", None, 0, 0xFFC00003, 0x7FC00002, 0xFFC00003, BIS | BN, "3e"),
    ("fmul", None, 0, f32(-1.0), QNAN, QNAN, BIS, "3e"),
    ("fmadd", None, 0x7FC00003, 0x7FC00001, 0x7FC00002, 0x7FC00001, BIS, "3e"),
    ("fmadd", None, 0x7FC00003, ONE, 0x7FC00002, 0x7FC00002, BIS, "3e"),
    ("fmadd", None, 0x7FC00003, ONE, ONE, 0x7FC00003, BIS, "3e"),
    ("fmsub", None, 0x7FC00003, 0xFFC00001, 0x7FC00002, 0xFFC00001, BIS | BN, "3e"),
    # 3f signed zeros
    ("fadd", None, 0, ONE, f32(-1.0), 0, BZ, "3f"),
    ("fsub", None, 0, ONE, ONE, 0, BZ, "3f"),
    ("fadd", None, 0, 0x80000000, 0x80000000, 0x80000000, BZ | BN, "3f"),
    ("fadd", None, 0, 0x80000000, 0, 0, BZ, "3f"),
    ("fmul", None, 0, f32(-1.0), 0, 0x80000000, BZ | BN, "3f"),
    # 4 FMADD: fused, one rounding (double rounding would give 0)
    ("fmadd", None, f32(-(1 + 2.0 ** -11)), f32(1 + 2.0 ** -12), f32(1 + 2.0 ** -12),
     0x33800000, 0, "4"),
    ("fmadd_esim", None, f32(-(1 + 2.0 ** -11)), f32(1 + 2.0 ** -12), f32(1 + 2.0 ** -12),
     0x33800000, 0, "4"),
    # 4 near ties: the IEEE fma values the row quotes are our default, esim's are _esim
    ("fmsub", RN, 0x3F800001, 0x3F7FFFFE, 0x33800001, 0x3F800001, 0, "4"),
    ("fmadd", RN, 0x3F800001, 0x3F7FFFFE, 0x33800001, 0x3F800001, 0, "4"),
    ("fmsub_esim", RN, 0x3F800001, 0x3F7FFFFE, 0x33800001, 0x3F800000, 0, "4"),
    ("fmadd_esim", RN, 0x3F800001, 0x3F7FFFFE, 0x33800001, 0x3F800002, 0, "4"),
    # 5a integer mode
    ("imul", None, 0, 3, u32(-5), 0xFFFFFFF1, BN, "5a"),
    ("imul", None, 0, 1 << 16, 1 << 16, 0, BZ, "5a"),
    ("imul", None, 0, 46341, 46341, 0x80001219, BN, "5a"),
    ("imul", None, 0, INT_MIN, u32(-1), 0x80000000, BN, "5a"),
    ("imul", None, 0, 0x12345678, 0x9ABCDEF1, 0x366176F8, 0, "5a"),
    ("imadd", None, 5, 3, 4, 17, 0, "5a"),
    ("imsub", None, 5, 3, 4, u32(-7), BN, "5a"),
    # 5b integer-mode BZ tests all 32 bits
    ("iadd", None, 0, 0x7FFFFFFF, 1, 0x80000000, BN, "5b"),
]


@pytest.mark.parametrize("row", ESIM_ROWS, ids=lambda r: "%s-%s-%08x" % (r[7], r[0], r[3]))
def test_esim_measured_rows(lib, row):
    op, rmode, acc, a, b, want, want_flags, _ = row
    for rm in ((RN, RZ) if rmode is None else (rmode,)):
        got = run1(lib, op, a=a, b=b, acc=acc, rmode=rm)
        assert got == (want, want_flags), "row %s %s rmode=%d: got %08x/%04x want %08x/%04x" % (
            row[7], op, rm, got[0], got[1], want, want_flags)


@pytest.mark.parametrize("row", [r for r in ESIM_ROWS if r[0] != "fix_esim"],
                         ids=lambda r: "%s-%s-%08x" % (r[7], r[0], r[3]))
def test_reference_model_agrees_with_esim_rows(row):
    """The Fraction model used below reproduces the measured rows too (esim's FIX(+2^31)
    artifact is not part of the model)."""
    op, rmode, acc, a, b, want, want_flags, _ = row
    for rm in ((RN, RZ) if rmode is None else (rmode,)):
        assert reference(op, acc, a, b, rm) == (want, want_flags)


def test_fix_plus_2_31_default_saturates(lib):
    """Our default (docs/fpu.md): +2^31 saturates like every other out-of-range value; esim's
    0x80000000+BIS (row 1d) is a host int-conversion artifact."""
    for rm in (RN, RZ):
        assert run1(lib, "fix", a=0x4F000000, rmode=rm) == (INT_MAX, 0)
        assert run1(lib, "fix", a=0xCF000000, rmode=rm) == (INT_MIN, BN)      # -2^31 exact


# --------------------------------------------------------------------------------------------
# Flag constants and the STATUS merge helper
# --------------------------------------------------------------------------------------------

def test_flag_constants_are_status_bits(lib):
    got = [lib.w_const(i) for i in range(9)]
    assert got == [BZ, BN, BV, BIS, BVS, BUS, BZ | BN | BV, BZ | BN, BZ | BN | BV]


def test_status_merge(lib):
    others = 0x000F0000 | AZ | AN | AC | AV | AVS | BC | 0x7      # EXCAUSE, A flags, BC, low bits
    # arithmetic: BZ/BN/BV replaced; BV -> BVS; BIS/BUS accumulate (3c)
    st0 = others | BZ | BN | BV | BVS | BIS | BUS
    assert lib.w_status(st0, 0, BZ | BN | BV) == others | BVS | BIS | BUS
    assert lib.w_status(others, BV | BN, BZ | BN | BV) == others | BV | BN | BVS
    assert lib.w_status(others, BIS, BZ | BN | BV) == others | BIS
    assert lib.w_status(others, BUS | BZ, BZ | BN | BV) == others | BUS | BZ
    # FLOAT/FIX/FABS: only BZ/BN change (2a, 1e): BV kept
    assert lib.w_status(others | BV, BZ, BZ | BN) == others | BV | BZ
    # integer mode: BV cleared, sticky bits and A flags untouched (5c)
    assert lib.w_status(others | BV | BVS | BN, BZ, BZ | BN | BV) == others | BVS | BZ


# --------------------------------------------------------------------------------------------
# Operand generators
# --------------------------------------------------------------------------------------------

INTERESTING = sorted({
    0x00000000, 0x00000001, 0x00000002, 0x003FFFFF, 0x00400000, 0x007FFFFF,      # 0, denormals
    0x00800000, 0x00800001, 0x00FFFFFF, 0x01000000, 0x01000001, 0x0B800000,      # small normals
    0x1F800000, 0x20000000, 0x33000000, 0x337FFFFF, 0x33800000, 0x33800001,      # 2^-64.., 2^-24
    0x34000000, 0x3EFFFFFF, 0x3F000000, 0x3F000001, 0x3F7FFFFE, 0x3F7FFFFF,      # 0.5, 1-ulp
    0x3F800000, 0x3F800001, 0x3F800002, 0x3FC00000, 0x3FFFFFFF, 0x40000000,      # 1, 1.5, 2
    0x40400000, 0x4B000000, 0x4B000001, 0x4B7FFFFF, 0x4B800000, 0x4B800001,      # 2^23, 2^24
    0x4EFFFFFF, 0x4F000000, 0x4F000001, 0x5F000000, 0x7E800000, 0x7EFFFFFF,      # 2^31, big
    0x7F000000, 0x7F7FFFFE, 0x7F7FFFFF,                                          # FLT_MAX
    0x7F800000, 0x7F800001, 0x7F800002, 0x7FA00000, 0x7FBFFFFF, 0x7FC00000,      # inf, NaNs
    0x7FC00001, 0x7FFFFFFF,
})
INTERESTING += [neg(x) for x in INTERESTING]


def _normal(rng, lo=1, hi=254):
    return (rng.getrandbits(1) << 31) | (rng.randint(lo, hi) << 23) | rng.getrandbits(23)


def _sparse_mant(rng):
    """A mantissa with few set bits, or near all-ones: products/sums hit ties and exact
    results often."""
    m = 0
    for _ in range(rng.randint(0, 3)):
        m |= 1 << rng.randrange(23)
    return m ^ 0x7FFFFF if rng.random() < 0.3 else m


def gen_float(rng, lo=1, hi=254):
    r = rng.random()
    if r < 0.2:
        return rng.choice(INTERESTING)
    if r < 0.4:
        return rng.getrandbits(32)
    if r < 0.6:
        return (rng.getrandbits(1) << 31) | (rng.randint(lo, hi) << 23) | _sparse_mant(rng)
    return _normal(rng, lo, hi)


def _with_exp(rng, bits, e):
    """bits' sign and mantissa with biased exponent e clamped into [0, 255)."""
    e = max(0, min(254, e))
    m = bits & 0x7FFFFF if rng.random() < 0.5 else _sparse_mant(rng)
    return (rng.getrandbits(1) << 31) | (e << 23) | m


def gen_pair(rng, op):
    """Two operands, biased towards the interesting regions of op."""
    r = rng.random()
    if op in ("fadd", "fsub"):
        if r < 0.25:                                  # close exponents: rounding + cancellation
            a = _normal(rng)
            return a, _with_exp(rng, gen_float(rng), ((a >> 23) & 0xFF) - rng.randint(-2, 30))
        if r < 0.35:                                  # near min normal: flush / BUS region
            return _normal(rng, 1, 3), _normal(rng, 1, 3)
        if r < 0.45:                                  # near overflow
            return _normal(rng, 252, 254), _normal(rng, 252, 254)
    if op == "fmul":
        if r < 0.25:                                  # product near 2^-126: flush / BUS
            a = _normal(rng)
            return a, _with_exp(rng, gen_float(rng), 127 + 1 - ((a >> 23) & 0xFF)
                                + rng.randint(-3, 1))
        if r < 0.4:                                   # product near overflow
            a = _normal(rng)
            return a, _with_exp(rng, gen_float(rng), 127 + 254 - ((a >> 23) & 0xFF)
                                + rng.randint(-1, 1))
        if r < 0.55:
            return gen_float(rng, 100, 154), (rng.getrandbits(1) << 31) | (
                rng.randint(100, 154) << 23) | _sparse_mant(rng)
    return gen_float(rng), gen_float(rng)


# Significand pairs (j, ma, mb) with ma * mb = odd * 2^(47-j) + s, 0 < s < 2^(8-j), found by
# factoring such numbers.  With a = ma * 2^-23 and b = mb * 2^(j-71), acc + a*b lands within
# 2^-63 of a rounding tie of an acc in [1, 2): the cases where the 64-bit step of esim's FMA
# model (row 4) matters.
TAIL_PAIRS = [(0, 8392705, 16769026), (0, 9010893, 15618595), (1, 14200343, 14866277),
              (1, 13638965, 15478171), (2, 11213229, 15688778), (2, 8728187, 12093361),
              (3, 12189131, 15875951), (4, 9411841, 12149505), (5, 9705031, 12235639),
              (6, 9772227, 13726699), (7, 12753339, 16466803), (7, 15884057, 16682281)]


def gen_triple(rng):
    """(acc, a, b) for FMADD/FMSUB, biased so that acc and a*b overlap or nearly tie."""
    r = rng.random()
    if r < 0.05:
        j, ma, mb = rng.choice(TAIL_PAIRS)
        acc = (rng.getrandbits(1) << 31) | (127 << 23) | rng.getrandbits(23)
        a = (127 << 23) | (ma - 0x800000)
        b = (rng.getrandbits(1) << 31) | ((102 + j) << 23) | (mb - 0x800000)
        return (acc, a, b) if rng.random() < 0.5 else (acc, b, a)
    if r < 0.1:
        # esim row 4 near ties: acc in [1, 2), a*b = +-2^-24 * (1 - k^2 * 2^-46) sits just
        # below half an ulp of acc
        acc = (rng.getrandbits(1) << 31) | (127 << 23) | rng.getrandbits(23)
        k = rng.randrange(1, 256)
        a = 0x3F800000 - 2 * k
        b = (rng.getrandbits(1) << 31) | (rng.randint(102, 104) << 23) | k
        return acc, a, b
    if r < 0.15:                                      # esim row 4 style near-tie sweeps
        acc = (rng.getrandbits(1) << 31) | (127 << 23) | rng.getrandbits(23)
        a = rng.choice([0x3F7FFF00, 0x3F800000]) + rng.randrange(-64, 256)
        b = (rng.getrandbits(1) << 31) | (rng.randint(100, 104) << 23) | (
            rng.getrandbits(8) if rng.random() < 0.5 else 0x7FFF00 | rng.getrandbits(8))
        return acc, a, b
    a, b = gen_float(rng), gen_float(rng)
    if r < 0.65:                                      # acc exponent near the product's
        pe = ((a >> 23) & 0xFF) + ((b >> 23) & 0xFF) - 127
        acc = _with_exp(rng, gen_float(rng), pe + rng.randint(-30, 30))
    elif r < 0.75:                                    # tiny product and accumulator
        a = _normal(rng, 60, 70)
        b = _with_exp(rng, gen_float(rng), 127 + 2 - ((a >> 23) & 0xFF) + rng.randint(-3, 1))
        acc = _normal(rng, 1, 3)
    else:
        acc = gen_float(rng)
    return acc, a, b


def gen_int(rng):
    r = rng.random()
    if r < 0.3:
        return u32(rng.choice([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 24, 2 ** 24 + 1,
                               2 ** 24 + 3, -(2 ** 24) - 1, 2 ** 31 - 64, 2 ** 31 - 65]))
    if r < 0.6:                                       # near rounding positions
        return u32((rng.getrandbits(rng.randint(24, 31)) | 1) * rng.choice([1, -1]))
    return rng.getrandbits(32)


def gen_fix_input(rng):
    r = rng.random()
    if r < 0.4:                                       # exponents around the integer range
        return (rng.getrandbits(1) << 31) | (rng.randint(120, 160) << 23) | (
            rng.getrandbits(23) if rng.random() < 0.5 else _sparse_mant(rng))
    if r < 0.55:                                      # exact halves: n + 0.5
        n = rng.randrange(0, 1 << 23)
        return f32((n + 0.5) * rng.choice([1, -1]))
    return gen_float(rng)


def gen_case(rng, op):
    if op in ("fadd", "fsub", "fmul"):
        a, b = gen_pair(rng, op)
        return 0, a, b
    if op.startswith("fma") or op.startswith("fms"):
        return gen_triple(rng)
    if op == "float":
        return 0, gen_int(rng), 0
    if op in ("fix", "fabs"):
        return 0, gen_fix_input(rng), 0
    return gen_int(rng), gen_int(rng), gen_int(rng)


# --------------------------------------------------------------------------------------------
# (b) Bulk differential tests against the Fraction model
# --------------------------------------------------------------------------------------------

BULK = {"fadd": 2000, "fsub": 1500, "fmul": 2000, "fmadd": 2000, "fmsub": 1500,
        "fmadd_esim": 1200, "fmsub_esim": 1200, "float": 1500, "fix": 2000, "fabs": 300,
        "iadd": 200, "isub": 200, "imul": 200, "imadd": 200, "imsub": 200}


def _check_bulk(dll, op, rmode, cases):
    acc, a, b = (np.array(c, dtype=np.uint32) for c in zip(*cases))
    out, fl = run_batch(dll, op, rmode, acc, a, b)
    bad = []
    for i, (c, x, y, o, f) in enumerate(zip(acc.tolist(), a.tolist(), b.tolist(),
                                            out.tolist(), fl.tolist())):
        want = reference(op, c, x, y, rmode)
        if (o, f) != want:
            bad.append("%s rmode=%d acc=%08x a=%08x b=%08x: got %08x/%04x want %08x/%04x"
                       % (op, rmode, c, x, y, o, f, want[0], want[1]))
    assert not bad, "%d mismatches, first ones:\n" % len(bad) + "\n".join(bad[:10])


@pytest.mark.parametrize("rmode", [RN, RZ])
@pytest.mark.parametrize("op", list(BULK))
def test_bulk_vs_fraction_model(lib, op, rmode):
    rng = random.Random("%s/%d" % (op, rmode))
    cases = [gen_case(rng, op) for _ in range(BULK[op])]
    if op in ("fadd", "fsub", "fmul"):                # every pair of interesting values
        cases += [(0, x, y) for x in INTERESTING for y in INTERESTING[::7]]
    elif op == "fmadd":
        cases += [(z, x, y) for x in INTERESTING[::4] for y in INTERESTING[::5]
                  for z in INTERESTING[::13]]
    elif op in ("fix", "fabs", "float"):
        cases += [(0, x, 0) for x in INTERESTING]
    _check_bulk(lib, op, rmode, cases)


def test_fix_float_exhaustive_exponent_sweep(lib):
    """FIX over every exponent with edge mantissas, FLOAT over every power of two +-1."""
    fix_cases = [(0, (s << 31) | (e << 23) | m, 0) for s in (0, 1) for e in range(256)
                 for m in (0, 1, 0x3FFFFF, 0x400000, 0x400001, 0x7FFFFE, 0x7FFFFF)]
    ints = {u32(sg * ((1 << k) + d)) for k in range(32) for d in (-1, 0, 1, 2, 3)
            for sg in (1, -1)}
    float_cases = [(0, i, 0) for i in sorted(ints)]
    for rm in (RN, RZ):
        _check_bulk(lib, "fix", rm, fix_cases)
        _check_bulk(lib, "fix_esim", rm, [c for c in fix_cases if c[1] != 0x4F000000])
        _check_bulk(lib, "float", rm, float_cases)


# --------------------------------------------------------------------------------------------
# (b) hypothesis: shrinking differential tests
# --------------------------------------------------------------------------------------------

floats = st.one_of(
    st.sampled_from(INTERESTING),
    st.integers(0, 0xFFFFFFFF),
    st.builds(lambda s, e, m: (s << 31) | (e << 23) | m, st.integers(0, 1),
              st.integers(0, 255), st.sampled_from([0, 1, 0x400000, 0x7FFFFF, 0x7FFFFE]) |
              st.integers(0, 0x7FFFFF)),
)
HYP = settings(max_examples=60, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow])


@HYP
@given(op=st.sampled_from(["fadd", "fsub", "fmul"]), rmode=st.sampled_from([RN, RZ]),
       a=floats, b=floats)
def test_hypothesis_binary(lib, op, rmode, a, b):
    assert run1(lib, op, a=a, b=b, rmode=rmode) == reference(op, 0, a, b, rmode)


@HYP
@given(op=st.sampled_from(["fmadd", "fmsub", "fmadd_esim", "fmsub_esim"]),
       rmode=st.sampled_from([RN, RZ]), acc=floats, a=floats, b=floats)
def test_hypothesis_fma(lib, op, rmode, acc, a, b):
    assert run1(lib, op, a=a, b=b, acc=acc, rmode=rmode) == reference(op, acc, a, b, rmode)


@HYP
@given(rmode=st.sampled_from([RN, RZ]), a=floats, i=st.integers(0, 0xFFFFFFFF))
def test_hypothesis_conversions(lib, rmode, a, i):
    assert run1(lib, "fix", a=a, rmode=rmode) == reference("fix", 0, a, 0, rmode)
    assert run1(lib, "fabs", a=a, rmode=rmode) == reference("fabs", 0, a, 0, rmode)
    assert run1(lib, "float", a=i, rmode=rmode) == reference("float", 0, i, 0, rmode)


@HYP
@given(op=st.sampled_from(["iadd", "isub", "imul", "imadd", "imsub"]),
       acc=st.integers(0, 0xFFFFFFFF), a=st.integers(0, 0xFFFFFFFF),
       b=st.integers(0, 0xFFFFFFFF))
def test_hypothesis_int_mode(lib, op, acc, a, b):
    for rmode in (RN, RZ):                            # RMODE does not matter in integer mode
        assert run1(lib, op, a=a, b=b, acc=acc, rmode=rmode) == reference(op, acc, a, b, rmode)


# --------------------------------------------------------------------------------------------
# (c) numpy float32 (host IEEE arithmetic) for nearest mode without denormals or NaN
# --------------------------------------------------------------------------------------------

def _normal_or_zero(x):
    e = (x >> 23) & 0xFF
    return ((e != 0) & (e != 0xFF)) | ((x & 0x7FFFFFFF) == 0)


@pytest.mark.parametrize("op", ["fadd", "fsub", "fmul"])
def test_numpy_float32_agrees_in_nearest_mode(lib, op):
    rng = random.Random("numpy/" + op)
    n = 30000
    pairs = [gen_pair(rng, op) for _ in range(n // 2)]
    a = np.array([p[0] for p in pairs] + [rng.getrandbits(32) for _ in range(n // 2)],
                 dtype=np.uint32)
    b = np.array([p[1] for p in pairs] + [rng.getrandbits(32) for _ in range(n // 2)],
                 dtype=np.uint32)
    # cancellation-heavy: b = -a or a with a few low bits changed
    k = n // 8
    b[:k] = a[:k] ^ np.array([rng.getrandbits(1) << 31 | rng.getrandbits(3) for _ in range(k)],
                             dtype=np.uint32)

    keep = _normal_or_zero(a) & _normal_or_zero(b)
    a, b = a[keep], b[keep]
    fa, fb = a.view(np.float32), b.view(np.float32)
    with np.errstate(all="ignore"):
        want = {"fadd": fa + fb, "fsub": fa - fb, "fmul": fa * fb}[op].view(np.uint32)
    got, _ = run_batch(lib, op, RN, np.zeros_like(a), a, b)
    sub = ((want >> 23) & 0xFF == 0) & ((want & 0x7FFFFF) != 0)   # subnormal IEEE results
    assert len(a) > 10000 and sub.sum() > 50
    # normal, zero and inf results: bit-identical
    mism = np.nonzero((got != want) & ~sub)[0]
    assert mism.size == 0, ["%08x %s %08x: got %08x numpy %08x" % (a[i], op, b[i], got[i],
                                                                 want[i]) for i in mism[:10]]
    # subnormal IEEE results: flushed to a zero of the same sign
    assert np.array_equal(got[sub], want[sub] & 0x80000000)


def test_numpy_int_to_float32_agrees_in_nearest_mode(lib):
    rng = random.Random("numpy/float")
    ints = np.array([gen_int(rng) for _ in range(20000)], dtype=np.uint32)
    want = ints.view(np.int32).astype(np.float32).view(np.uint32)
    got, _ = run_batch(lib, "float", RN, np.zeros_like(ints), ints, np.zeros_like(ints))
    assert np.array_equal(got, want)


HOST_REF = r"""
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#pragma STDC FENV_ACCESS ON

int host_eval_method(void) { return FLT_EVAL_METHOD; }

/* The host's IEEE binary32 arithmetic under fesetround: op 0 add, 1 sub, 2 mul, 3 fmaf. */
void host_batch(int op, int rz, size_t n, const uint32_t *acc, const uint32_t *a,
                const uint32_t *b, uint32_t *out)
{
    size_t i;
    int old = fegetround();
    fesetround(rz ? FE_TOWARDZERO : FE_TONEAREST);
    for (i = 0; i < n; i++) {
        volatile float x, y, z, r;
        float t;
        memcpy(&t, &a[i], 4); x = t;
        memcpy(&t, &b[i], 4); y = t;
        memcpy(&t, &acc[i], 4); z = t;
        switch (op) {
        case 0: r = x + y; break;
        case 1: r = x - y; break;
        case 2: r = x * y; break;
        default: r = fmaf(x, y, z); break;
        }
        t = r;
        memcpy(&out[i], &t, 4);
    }
    fesetround(old);
}
"""


@pytest.fixture(scope="session")
def host(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("hostref"))
    src, so = os.path.join(d, "hostref.c"), os.path.join(d, "hostref.so")
    with open(src, "w") as f:
        f.write(HOST_REF)
    cmd = [_cc(), "-O0", "-frounding-math", "-shared", "-fPIC", "-std=c99", src, "-o", so,
           "-lm"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail("compiling the host reference failed:\n%s" % proc.stderr)
    dll = ctypes.CDLL(so)
    p32 = ctypes.POINTER(ctypes.c_uint32)
    dll.host_batch.restype = None
    dll.host_batch.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t, p32, p32, p32, p32]
    if dll.host_eval_method() != 0:
        pytest.skip("host float arithmetic is not plain binary32 (FLT_EVAL_METHOD != 0)")
    return dll


@pytest.mark.parametrize("rmode", [RN, RZ])
@pytest.mark.parametrize("op", ["fadd", "fsub", "fmul", "fmadd"])
def test_host_fenv_arithmetic_agrees(lib, host, op, rmode):
    """The host's IEEE single arithmetic (C float ops and libm fmaf under fesetround; used
    only here, never by fpu.h) agrees in both rounding modes, without denormals or NaN."""
    rng = random.Random("host/%s/%d" % (op, rmode))
    n = 8000
    cases = [gen_case(rng, op) for _ in range(n)]
    acc, a, b = (np.array(c, dtype=np.uint32) for c in zip(*cases))
    keep = _normal_or_zero(acc) & _normal_or_zero(a) & _normal_or_zero(b)
    acc, a, b = acc[keep], a[keep], b[keep]
    want = np.zeros_like(a)
    p = lambda arr: arr.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32))  # noqa: E731
    host.host_batch(["fadd", "fsub", "fmul", "fmadd"].index(op), rmode, len(a), p(acc), p(a),
                    p(b), p(want))
    got, _ = run_batch(lib, op, rmode, acc, a, b)
    sub = ((want >> 23) & 0xFF == 0) & ((want & 0x7FFFFF) != 0)
    isnan = ((want >> 23) & 0xFF == 0xFF) & ((want & 0x7FFFFF) != 0)
    assert isnan.sum() == 0 and len(a) > n // 3
    mism = np.nonzero((got != want) & ~sub)[0]
    assert mism.size == 0, ["acc=%08x a=%08x b=%08x: got %08x host %08x" % (
        acc[i], a[i], b[i], got[i], want[i]) for i in mism[:10]]
    assert np.array_equal(got[sub], want[sub] & 0x80000000)


# --------------------------------------------------------------------------------------------
# Compile-time switches and portability of the header
# --------------------------------------------------------------------------------------------

def test_esim_switches_change_the_default_entry_points(lib, lib_esim):
    rng = random.Random("switches")
    cases = [gen_triple(rng) for _ in range(3000)]
    acc, a, b = (np.array(c, dtype=np.uint32) for c in zip(*cases))
    for rm in (RN, RZ):
        for plain, esim in (("fmadd", "fmadd_esim"), ("fmsub", "fmsub_esim")):
            assert all(np.array_equal(x, y) for x, y in zip(
                run_batch(lib_esim, plain, rm, acc, a, b), run_batch(lib, esim, rm, acc, a, b)))
        diff = run_batch(lib, "fmadd", rm, acc, a, b)[0] != run_batch(lib, "fmadd_esim", rm,
                                                                      acc, a, b)[0]
        assert diff.any() == (rm == RN)               # esim differs only in nearest mode
    assert run1(lib_esim, "fix", a=0x4F000000) == (INT_MIN, BN | BIS)
    assert run1(lib_esim, "fix", a=f32(2.5)) == (3, 0)


def test_header_is_strict_portable_c99(tmp_path):
    """Compiles warning-free as pedantic C99; uses no host floating point and no header but
    <stdint.h>, so results cannot depend on the host FPU."""
    src = tmp_path / "strict.c"
    src.write_text('#include "fpu.h"\nuint32_t f(uint32_t a, uint32_t *fl) '
                   '{ return epi_fmadd(a, a, a, 0, fl) ^ epi_fix(a, 1, fl); }\n')
    cmd = [_cc(), "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Wconversion", "-Wshadow",
           "-Werror", "-c", str(src), "-I", HEADER_DIR, "-o", str(tmp_path / "strict.o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = open(HEADER).read()
    code = []
    i = 0
    while i < len(text):                               # strip /* */ comments
        j = text.find("/*", i)
        if j < 0:
            code.append(text[i:])
            break
        code.append(text[i:j])
        i = text.index("*/", j) + 2
    code = "".join(code)
    includes = [ln.strip() for ln in code.splitlines() if ln.strip().startswith("#include")]
    assert includes == ["#include <stdint.h>"]
    for word in ("float ", "double", "fenv", "long double"):
        assert word not in code, word
