"""Loads, stores and TESTSET in every addressing mode; alignment faults and their policies."""
import pytest

from emu.stops import Stop
from tests.emu.conftest import CODE, Harness

D = 0x2000      # data area (core-local)
SIZES = {"b": 1, "h": 2, "": 4, "d": 8}


def fill(h, addr, data):
    h.poke(addr, bytes(data))


@pytest.mark.parametrize("sz", ["b", "h", "", "d"])
@pytest.mark.parametrize("form", ["x16", "p16", "d16", "x32", "p32", "d32", "dpm32"])
def test_load_every_mode(sz, form):
    h = Harness()
    n = SIZES[sz]
    pattern = bytes(range(0x81, 0x81 + 64))
    fill(h, D, pattern)
    big = form.endswith("32")
    rd, rn, rm = (20, 23, 24) if big else (0, 3, 4)
    idx = 2 * n                                        # byte offset of the element read
    f = dict(rd=rd, rn=rn)
    regs = {f"r{rn}": D}
    if form.startswith("x"):
        f["rm"] = rm
        regs[f"r{rm}"] = idx
        ea, base_after = D + idx, D
    elif form.startswith("p"):
        f["rm"] = rm
        regs[f"r{rm}"] = idx
        ea, base_after = D, D + idx
    elif form.startswith("d") and not form.startswith("dpm"):
        f["imm"] = 2
        ea, base_after = D + idx, D
    else:
        f["imm"] = 2
        ea, base_after = D, D + idx
    h.asm((f"ldr{sz}_{form}", f))
    h.start(**regs)
    assert h.step() == 0
    val = int.from_bytes(pattern[ea - D:ea - D + n], "little")
    assert h.get(f"r{rd}") == val & 0xFFFFFFFF          # zero-extended
    if n == 8:
        assert h.get(f"r{rd + 1}") == val >> 32
    assert h.get(f"r{rn}") == base_after


@pytest.mark.parametrize("sz", ["b", "h", "", "d"])
@pytest.mark.parametrize("form", ["x32", "d32", "dpm32", "p16"])
def test_store_every_size(sz, form):
    h = Harness()
    n = SIZES[sz]
    fill(h, D, [0] * 64)
    rd, rn, rm = (0, 3, 4) if form == "p16" else (20, 24, 26)
    regs = {f"r{rd}": 0x89ABCDEF, f"r{rn}": D + 16}
    if sz == "d":
        regs[f"r{rd + 1}"] = 0x01234567
    f = dict(rd=rd, rn=rn)
    if form == "p16":
        f["rm"] = rm
        regs[f"r{rm}"] = n
    elif form == "x32":
        f.update(rm=rm, sub=1)
        regs[f"r{rm}"] = n
    else:
        f.update(imm=1, sub=1)
    h.asm((f"str{sz}_{form}", f))
    h.start(**regs)
    assert h.step() == 0
    ea = D + 16 if form in ("p16", "dpm32") else D + 16 - n
    val = 0x89ABCDEF | (0x01234567 << 32 if sz == "d" else 0)
    expect = bytearray(64)
    expect[ea - D:ea - D + n] = (val & ((1 << (8 * n)) - 1)).to_bytes(n, "little")
    assert h.mem(D, 64) == bytes(expect)
    after = {"p16": D + 16 + n, "dpm32": D + 16 - n}.get(form, D + 16)
    assert h.get(f"r{rn}") == after


def test_postmodify_load_into_base_uses_loaded_value():
    # esim-corner-cases 6b: ldr r20,[r20],#1 -> r20 = mem + 4
    h = Harness()
    h.poke(D, (0x1000).to_bytes(4, "little"))
    h.asm(("ldr_dpm32", dict(rd=20, rn=20, imm=1)))
    h.start(r20=D)
    h.step()
    assert h.get("r20") == 0x1004


@pytest.mark.parametrize("sz,off", [("h", 1), ("", 1), ("", 2), ("", 3), ("d", 4), ("d", 1)])
def test_unaligned_stops_with_report_by_default(sz, off):
    h = Harness()
    h.asm((f"ldr{sz}_d32", dict(rd=20, rn=21, imm=0)))
    h.start(r21=D + off, r20=7)
    assert Stop(h.step()) == "unaligned"
    info = h.e.stop_info(0)
    assert info["addr"] == D + off and info["size"] == SIZES[sz] and not info["store"]
    assert h.get("r20") == 7 and h.e.get_pc(0) == 0x100        # not executed


def test_aligned_halfword_at_plus_two_is_fine():
    h = Harness()
    h.poke(D, b"\x11\x22\x33\x44")
    h.asm(("ldrh_d32", dict(rd=20, rn=21, imm=0)))
    h.start(r21=D + 2)
    assert h.step() == 0 and h.get("r20") == 0x4433


def test_unaligned_report_policy_continues_with_masked_address():
    h = Harness(unaligned="report")
    h.poke(D, b"\x11\x22\x33\x44\x55\x66\x77\x88")
    h.asm(("ldr_d32", dict(rd=20, rn=21, imm=0)), ("str_d32", dict(rd=22, rn=23, imm=0)))
    h.start(r21=D + 6, r22=0xCAFEBABE, r23=D + 1)
    assert h.step(2) == 0
    assert h.get("r20") == 0x88776655                  # address & ~3
    assert h.mem(D, 4) == (0xCAFEBABE).to_bytes(4, "little")
    recs, total = h.e.unaligned_log()
    assert total == 2 and recs[0][1] == D + 6 and recs[1][3] is True


def test_unaligned_trap_policy_raises_software_exception():
    h = Harness(unaligned="trap")
    # handler at vector 1 (address 4): a branch to a `trap 0`-free spin we can detect
    h.asm(("ldr_d32", dict(rd=20, rn=21, imm=0)), ("nop16", {}))
    h.start(r21=D + 2)
    h.set("IPEND", 0)
    h.set("FSTATUS", 0)
    h.step()
    assert h.get("ILAT") & 2
    assert (h.get("STATUS") >> 16) & 0xF == 2          # E16G301 EXCAUSE for unaligned
    h.step()                                           # the exception is taken now
    assert h.e.get_pc(0) == 4 + 2 or h.e.get_pc(0) == 4   # entered vector 1
    assert h.get("IRET") == 0x104 and h.get("IPEND") == 2


def test_odd_register_pair_is_an_alignment_fault():
    h = Harness()
    h.asm(("ldrd_d32", dict(rd=21, rn=22, imm=0)))
    h.start(r22=D)
    assert Stop(h.step()) == "unaligned"
    assert (h.e.stop_info(0)["addr"], h.e.stop_info(0)["size"]) == (D, 8)


def test_testset_acquires_only_when_zero():
    h = Harness()
    gbase = h.e.coreid(0) << 20
    h.poke(D, (0).to_bytes(4, "little"))
    h.asm(("testset32", dict(rd=20, rn=21, rm=22)), ("testset32", dict(rd=23, rn=21, rm=22)))
    h.start(r20=0x808, r21=gbase, r22=D, r23=0x999)
    h.step(2)
    assert h.get("r20") == 0                # acquired
    assert h.word(D) == 0x808
    assert h.get("r23") == 0x808            # second one sees the owner, memory unchanged
    assert h.word(D) == 0x808


def test_testset_needs_a_global_address():
    """TESTSET on a core-local address (rn + rm = 0x2000) is a memory fault at that address:
    nothing is written, rd keeps its value."""
    h = Harness()
    h.asm(("testset32", dict(rd=20, rn=21, rm=22)))
    h.poke(D, b"\0\0\0\0")
    h.start(r20=0x808, r21=0, r22=D)
    assert Stop(h.step()) == "mem_fault"
    info = h.e.stop_info(0)
    assert (info["pc"], info["addr"], info["size"]) == (CODE, D, 4)
    assert h.get("r20") == 0x808 and h.word(D) == 0


def test_self_modifying_code_is_seen():
    """A store over an already-executed instruction must be decoded afresh."""
    from isa.encoder import encode
    h = Harness()
    h.asm(("mov_i16", dict(rd=0, imm=1)), ("jr16", dict(rn=1)))
    h.start(r1=0x100)
    h.step(2)                                            # executed once: r0 = 1, back at 0x100
    new = encode("mov_i16", rd=0, imm=99)
    h.asm(("mov_i32", dict(rd=2, imm=new)), ("strh_d16", dict(rd=2, rn=3, imm=0)),
          ("jr16", dict(rn=1)), at=0x200)
    h.e.set_pc(0, 0x200)
    h.set("r3", 0x100)
    h.step(3)                                            # patch, jump back
    h.step()
    assert h.get("r0") == 99
