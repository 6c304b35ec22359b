"""encode → decode → encode is the identity for every row and every operand value."""
from hypothesis import given, settings
from hypothesis import strategies as st

from isa import spec
from isa.decoder import decode_word
from isa.encoder import EncodeError, encode_insn, field_range


@st.composite
def row_and_fields(draw):
    ins = draw(st.sampled_from(spec.INSNS))
    vals = {}
    for name in ins.fields:
        lo, hi = field_range(ins, name)
        vals[name] = draw(st.integers(lo, hi))
    return ins, vals


@settings(max_examples=3000, deadline=None)
@given(row_and_fields())
def test_encode_decode_encode(rf):
    ins, vals = rf
    try:
        word = encode_insn(ins, **vals)
    except EncodeError:
        # only the declared exclusions may refuse an in-range operand set
        assert any(all(vals.get(k) == v for k, v in c) for c in ins.exclude)
        return
    d = decode_word(word, ins.width)
    assert d is not None and d.insn.name == ins.name
    assert d.fields == vals
    assert encode_insn(d.insn, **d.fields) == word


def test_encoder_rejects_out_of_range():
    import pytest
    with pytest.raises(EncodeError):
        encode_insn(spec.INSN_BY_NAME["add16"], rd=8)
    with pytest.raises(EncodeError):
        encode_insn(spec.INSN_BY_NAME["addi16"], imm=4)
    with pytest.raises(EncodeError):
        encode_insn(spec.INSN_BY_NAME["mov_cc16"], cond=15)
