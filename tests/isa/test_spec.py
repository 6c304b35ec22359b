"""The ISA table is consistent, and the checker catches bad tables."""
import pytest

from isa import spec
from isa.check import check
from isa.spec import Insn


def test_spec_is_consistent():
    assert check(spec.INSNS, spec.OVERLAPS) == []


def test_every_row_has_syntax_semantics_and_timing():
    for ins in spec.INSNS:
        assert ins.syntax and ins.sem and ins.tclass in spec.TCLASSES, ins.name


def _row(name, pattern, **kw):
    kw.setdefault("syntax", "x")
    kw.setdefault("sem", "nop")
    kw.setdefault("tclass", "ialu")
    return Insn(name, pattern, **kw)


BAD_SPECS = {
    "duplicate name": [_row("a16", "0000000000000010"), _row("a16", "0000000000010010")],
    "bits": [_row("short", "000000000010")],
    "unknown pattern characters": [_row("z16", "zzzzzzzzzzzz0010")],
    "imply a 4-byte": [_row("w16", "0000000000001000")],
    "overlap": [_row("a16", "ddd0000000000010"), _row("b16", "0000000000000010")],
    "unknown timing class": [_row("t16", "0000000000000010", tclass="warp")],
    "pattern has no rm field": [_row("p16", "ddd0000000000010", syntax="x {rd},{rm}")],
    "not a field of the row": [_row("e16", "iii0000000000010", imm="imm + rn")],
    "does not fit the field": [_row("f16", "ccc0000000000010", exclude=((("cond", 9),),))],
    "bits 3:0 must be fixed": [_row("g16", "000000000000ddd0")],
}


@pytest.mark.parametrize("problem", sorted(BAD_SPECS))
def test_checker_rejects_bad_spec(problem):
    errs = check(BAD_SPECS[problem])
    assert any(problem in e for e in errs), errs


def test_declared_overlap_is_accepted():
    rows = [_row("a16", "ddd0000000000010"), _row("b16", "0000000000000010")]
    assert check(rows, overlaps=[("b16", "a16")]) == []


def test_length_nibbles_match_hardware_rule():
    from isa.bits import insn_length
    for ins in spec.INSNS:
        assert insn_length(ins.match & 0xF) == ins.size, ins.name


def test_compiled_field_extractors_agree_with_the_bit_by_bit_definition():
    """isa.decoder reads fields through isa.bits.extractor; isa.bits.extract is the definition."""
    import random
    from isa.bits import extract, extractor, sign_extend
    rng = random.Random(7)
    for ins in spec.INSNS:
        for name, pos in ins.fields.items():
            signed = name == "imm" and ins.imm_signed
            get = extractor(pos, signed)
            for w in [0, (1 << ins.width) - 1] + [rng.getrandbits(ins.width) for _ in range(50)]:
                want = extract(w, pos)
                assert get(w) == (sign_extend(want, len(pos)) if signed else want), (ins.name, name)
