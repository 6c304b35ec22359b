"""Bit helpers: the only place (besides generated decoders) that shifts raw instruction bits.

A *field* is described by a tuple of bit positions, most significant first.  Its value is the
concatenation of those bits in that order (this covers Epiphany's split register numbers,
``rd6 = bits[31:29] ++ bits[15:13]``, and split immediates such as
``disp11 = bits[23:16] ++ bits[9:7]``).
"""
from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple


def sign_extend(value: int, bits: int) -> int:
    """Interpret the low ``bits`` bits of ``value`` as a two's complement number."""
    value &= (1 << bits) - 1
    if value & (1 << (bits - 1)):
        value -= 1 << bits
    return value


def extract(word: int, positions: Sequence[int]) -> int:
    """Concatenate the bits of ``word`` at ``positions`` (MSB first)."""
    v = 0
    for p in positions:
        v = (v << 1) | ((word >> p) & 1)
    return v


def insert(word: int, positions: Sequence[int], value: int) -> int:
    """Return ``word`` with ``value`` scattered into ``positions`` (MSB first)."""
    n = len(positions)
    for i, p in enumerate(positions):
        bit = (value >> (n - 1 - i)) & 1
        word = (word & ~(1 << p)) | (bit << p)
    return word


def runs(positions: Sequence[int]) -> List[Tuple[int, int, int]]:
    """Group MSB-first positions into contiguous runs.

    Returns ``[(lsb, width, shift), ...]`` such that
    ``value = sum(((word >> lsb) & ((1 << width) - 1)) << shift)``.
    Used by the code generator to emit shift/mask expressions.
    """
    out: List[Tuple[int, int, int]] = []
    n = len(positions)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and positions[j + 1] == positions[j] - 1:
            j += 1
        lsb = positions[j]
        width = j - i + 1
        shift = n - 1 - j
        out.append((lsb, width, shift))
        i = j + 1
    return out


def mask_of(positions: Iterable[int]) -> int:
    m = 0
    for p in positions:
        m |= 1 << p
    return m


def halfwords_to_word(lo: int, hi: int) -> int:
    """A 32-bit Epiphany instruction is two little-endian halfwords, the first holding bits 15:0."""
    return (hi << 16) | lo


#: Bits 3:0 of the first halfword that mark a 32-bit instruction (CGEN ``decode-assist``; the
#: ISA checks verify every 32-bit row of the spec has one of these and no 16-bit row does).
LEN32_NIBBLES = frozenset((0x8, 0x9, 0xB, 0xC, 0xD, 0xF))
#: the same as a bit set over the nibble value (bit n set: nibble n is 32-bit)
LEN32_MASK = sum(1 << n for n in LEN32_NIBBLES)


def insn_length(first_halfword: int) -> int:
    """Instruction length in bytes, decided by bits 3:0 of the first halfword."""
    return 4 if (LEN32_MASK >> (first_halfword & 0xF)) & 1 else 2
