"""Stop reasons: one enum, every declared code produced somewhere; watched ranges (a store
into them stops the run after the storing instruction) and stops requested from another
thread."""
import os
import re
import threading

import pytest

from emu import _core
from emu.stops import Stop
from tests.emu.conftest import Harness

EMU = os.path.join(os.path.dirname(__file__), "..", "..", "..", "emu")
DRAM = 0x8E000000


def _sources():
    text = ""
    for f in sorted(os.listdir(EMU)):
        if f.endswith((".pyx", ".pxi")):
            text += open(os.path.join(EMU, f)).read()
    return text


def test_every_declared_stop_is_produced():
    """Each STOP_* code of the core (but NONE) is assigned or returned somewhere in the core:
    none is declared for show (self-consistency of the sources)."""
    src = _sources()
    missing = [s.name for s in Stop if s != Stop.NONE and
               not re.search(rf"(=|return)\s*STOP_{s.name}\b", src)]
    assert missing == []


def test_stop_compares_with_its_name():
    assert Stop.EXIT == "exit" and Stop.of("watch") is Stop.WATCH and str(Stop.USER) == "user"
    assert Stop.EXIT != "trap" and Stop(_core.STOP_CODES["deadlock"]) is Stop.DEADLOCK


def _store_loop(h, addr, repeat=False):
    """r0 = addr (mov/movt), str r1,[r0], then a branch back to the store (repeat) or to
    itself."""
    pcs = h.asm(("mov_i32", dict(rd=0, imm=addr & 0xFFFF)),
                ("movt32", dict(rd=0, imm=addr >> 16)),
                ("str_d16", dict(rd=1, rn=0, imm=0)),
                ("bcond16", dict(cond=14, imm=-1 if repeat else 0)))
    h.start(r1=0x12345678)
    return pcs


@pytest.mark.parametrize("timed", [True, False])
def test_store_to_watched_dram_stops_after_the_store(timed):
    from dataclasses import replace
    from emu.timing import DEFAULT
    h = Harness(timing=replace(DEFAULT, pipeline=timed))
    pcs = _store_loop(h, DRAM + 0x1000)
    wid = h.e.watch_add(DRAM + 0x1000, DRAM + 0x1004)
    st, k = h.e.run(100000)
    assert (Stop(st), k) == (Stop.WATCH, 0)
    info = h.e.stop_info(0)
    assert (info["pc"], info["addr"], info["size"], info["store"]) == (pcs[2], DRAM + 0x1000, 4,
                                                                       True)
    assert h.e.get_pc(0) == pcs[3]                  # the store completed; resume after it
    assert h.chip.mem_read(DRAM + 0x1000, 4) == (0x12345678).to_bytes(4, "little")
    # nothing else is stored: the core spins on its branch until that is found out
    st, _ = h.e.run(0)
    assert Stop(st) == Stop.DEADLOCK
    h.e.watch_remove(wid)
    assert h.e.watches() == []


def test_store_next_to_a_watched_range_does_not_stop():
    h = Harness()
    _store_loop(h, DRAM + 0x1004, repeat=True)
    h.e.watch_add(DRAM + 0x1000, DRAM + 0x1004)
    st, _ = h.e.run(50000)
    assert Stop(st) == Stop.MAX_CYCLES


def test_local_store_to_own_watched_sram_stops():
    """The fast local-store path sees watches on the core's SRAM by its global address."""
    h = Harness()
    cid = h.e.coreid(0)
    pcs = _store_loop(h, 0x4000)
    h.e.watch_add((cid << 20) | 0x4000, (cid << 20) | 0x4004)
    st, _ = h.e.run(100000)
    assert Stop(st) == Stop.WATCH
    info = h.e.stop_info(0)
    assert (info["pc"], info["addr"]) == (pcs[2], (cid << 20) | 0x4000)


def test_chip_run_calls_the_watch_handler():
    h = Harness()
    _store_loop(h, DRAM + 0x2000, repeat=True)
    h.e.watch_add(DRAM + 0x2000, DRAM + 0x2004)
    seen = []
    h.chip.watch_handler = lambda k, info: seen.append((k, info["addr"])) or len(seen) < 3
    h.chip.loaded_cores = [0]
    res = h.chip.run(10**6)
    assert res.stop == Stop.WATCH and seen == [(0, DRAM + 0x2000)] * 3


def test_request_stop_from_another_thread():
    h = Harness()
    pcs = _store_loop(h, 0x4000, repeat=True)
    threading.Timer(0.2, h.e.request_stop).start()
    st, k = h.e.run(0)                      # unbounded: only the request ends it
    assert (Stop(st), k) == (Stop.USER, -1)
    assert h.e.get_pc(0) in pcs[2:]
    assert h.chip.counters(0)["instructions"] > 1000


# ---- host breakpoints ---------------------------------------------------------------------------

def _counting_loop(h, n=10):
    """r1 counts down from n; r2 += 3 each pass; then TRAP 0."""
    pcs = h.asm(("mov_i16", dict(rd=1, imm=n)),
                ("addi16", dict(rd=2, rn=2, imm=3)),           # loop body
                ("subi16", dict(rd=1, rn=1, imm=1)),
                ("bcond16", dict(cond=1, imm=-2)),              # bne body
                ("trap16", dict(imm=0)))
    h.start(r2=0)
    return pcs


@pytest.mark.parametrize("blocks", [True, False])
def test_breakpoint_stops_before_the_instruction_and_continues_past_it(blocks):
    h = Harness()
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    pcs = _counting_loop(h)
    h.e.break_add(pcs[1])
    hits = []
    while True:
        st, k = h.e.run(0)
        if Stop(st) != Stop.BRK:
            break
        assert h.e.stop_info(0)["pc"] == pcs[1] and h.e.get_pc(0) == pcs[1]
        hits.append(h.get("r2"))              # the add has not run yet
    assert Stop(st) == Stop.TRAP
    assert hits == [3 * i for i in range(10)]
    assert h.get("r2") == 30


def test_breakpoints_change_no_cycle():
    """Self-consistency: a run stopped at a breakpoint ten times ends with the cycles and
    counters of a run without it."""
    def run(with_break):
        h = Harness()
        pcs = _counting_loop(h, 50)
        if with_break:
            h.e.break_add(pcs[2])
        while Stop(h.e.run(0)[0]) == Stop.BRK:
            pass
        return h.chip.counters(0)
    assert run(True) == run(False)


def test_local_breakpoint_applies_to_every_core_and_can_be_removed():
    h = Harness(rows=1, cols=2)
    code = [("mov_i16", dict(rd=1, imm=1)), ("trap16", dict(imm=0))]
    pcs = h.asm(*code)
    for k in (0, 1):
        h.e.mem_write(pcs[0], h.e.mem_read(pcs[0], 4, 0), k)
        h.e.set_pc(k, pcs[0])
        h.e.set_idle(k, False)
    h.e.break_add(pcs[1])
    seen = set()
    for _ in range(2):
        st, k = h.e.run(0)
        assert Stop(st) == Stop.BRK
        seen.add(k)
        h.e.set_pc(k, pcs[1] + 2)              # skip the TRAP: the core runs off into 0xAA..
        h.e.set_halted(k, True)
    assert seen == {0, 1}
    h.e.break_remove(pcs[1])
    assert h.e.breaks() == []
