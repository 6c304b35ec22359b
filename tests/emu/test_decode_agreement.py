"""The core's generated decoder agrees with the reference Python decoder (both come from
isa/spec.py): exhaustively on 16-bit words, on a structured sample of 32-bit words."""
import random

from emu import _core
from isa import spec
from isa.decoder import OP_OF, decode_word


def _same(word, width):
    d = decode_word(word, width)
    c = _core.decode_word_core(word, width)
    if d is None:
        return c["op"] == 0
    f = d.fields
    return (c["op"] == OP_OF[d.insn.name] and c["size"] == d.size
            and c["rd"] == f.get("rd", 0) and c["rn"] == f.get("rn", 0)
            and c["rm"] == f.get("rm", 0) and c["cond"] == f.get("cond", 0)
            and c["sub"] == f.get("sub", 0) and c["imm"] == d.imm
            and c["tclass"] == spec.TCLASSES.index(d.insn.tclass))


def test_all_16bit_words_agree():
    bad = [hex(w) for w in range(65536) if (w & 0xF) not in (8, 9, 0xB, 0xC, 0xD, 0xF)
           and not _same(w, 16)]
    assert bad == []


def test_32bit_sample_agrees():
    rnd = random.Random(7)
    words = [(rnd.getrandbits(32) & ~0xF) | rnd.choice([8, 9, 0xB, 0xC, 0xD, 0xF])
             for _ in range(20000)]
    for ins in spec.INSNS:
        if ins.width == 32:
            words += [(rnd.getrandbits(32) & ~ins.mask) | ins.match for _ in range(200)]
    bad = [hex(w) for w in words if not _same(w, 32)]
    assert bad == []


def test_generated_files_are_fresh():
    from isa.gen import outputs
    for path, text in outputs().items():
        with open(path) as f:
            assert f.read() == text, f"{path} is stale: run `python -m isa gen`"
