"""Branches and jumps: offsets from the branch's own address, links, penalties."""
import pytest

from emu.stops import Stop
from tests.emu.conftest import CODE, Harness


@pytest.mark.parametrize("name,imm", [("bcond16", 5), ("bcond16", -3), ("bcond32", 1000),
                                      ("bcond32", -7)])
def test_unconditional_branch_offset_in_halfwords(name, imm):
    h = Harness()
    h.asm((name, dict(cond=14, imm=imm)), at=0x2000)
    h.start(pc=0x2000)
    h.step()
    assert h.e.get_pc(0) == 0x2000 + 2 * imm


@pytest.mark.parametrize("name,size", [("bcond16", 2), ("bcond32", 4)])
def test_bl_links_to_next_instruction(name, size):
    h = Harness()
    h.asm((name, dict(cond=15, imm=16)), at=0x2000)
    h.start(pc=0x2000)
    h.step()
    assert h.e.get_pc(0) == 0x2020 and h.get("lr") == 0x2000 + size


def test_conditional_branch_taken_and_not_taken():
    h = Harness()
    h.asm(("bcond16", dict(cond=0, imm=8)))          # beq
    h.start()
    h.set_status(AZ=0)
    h.step()
    assert h.e.get_pc(0) == CODE + 2
    h.start()
    h.set_status(AZ=1)
    h.step()
    assert h.e.get_pc(0) == CODE + 16


def test_jr_jalr():
    h = Harness()
    h.asm(("jalr16", dict(rn=3)), at=0x300)
    h.asm(("jr32", dict(rn=40)), at=0x400)
    h.start(pc=0x300, r3=0x400, r40=0x500)
    h.step()
    assert h.e.get_pc(0) == 0x400 and h.get("lr") == 0x302
    h.step()
    assert h.e.get_pc(0) == 0x500


def test_jalr_through_lr_uses_old_value():
    h = Harness()
    h.asm(("jalr32", dict(rn=14)), at=0x300)
    h.start(pc=0x300, lr=0x600)
    h.step()
    assert h.e.get_pc(0) == 0x600 and h.get("lr") == 0x304


def test_taken_branch_costs_the_penalty():
    h = Harness()
    h.asm(("bcond16", dict(cond=0, imm=1)), ("nop16", {}))
    h.start()
    h.set_status(AZ=0)
    c0 = h.e.counters(0)["cycles"]
    h.step()
    c1 = h.e.counters(0)["cycles"]
    h.start()
    h.set_status(AZ=1)
    h.step()
    c2 = h.e.counters(0)["cycles"]
    taken, not_taken = c2 - c1, c1 - c0
    assert taken - not_taken == 3           # MAN §4 table: taken branch 3 cycles


def test_jump_to_odd_address_faults():
    h = Harness()
    h.asm(("jr16", dict(rn=1)))
    h.start(r1=0x301)
    h.step()
    assert Stop(h.step()) == "fetch_fault"
    assert h.e.stop_info(0)["addr"] == 0x301


def test_fetch_outside_memory_faults():
    """0x9000 is past the 32 KiB of local SRAM: the fetch itself faults, at that address."""
    h = Harness()
    h.start(pc=0x9000)
    assert Stop(h.step()) == "fetch_fault"
    info = h.e.stop_info(0)
    assert (info["pc"], info["addr"], info["store"]) == (0x9000, 0x9000, False)
    assert h.e.counters(0)["instructions"] == 0
