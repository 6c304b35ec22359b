"""Read and access watches of the core (Engine.watch_add(..., read=True)), the engine hook of
GDB's Z3/Z4 and the debugger's rwatch/awatch: a load touching the range stops the run after
the loading instruction; loads are checked only while a read watch exists."""
from dataclasses import replace

import pytest

from emu.stops import Stop
from emu.timing import DEFAULT
from tests.emu.conftest import Harness

DRAM = 0x8E000000


def _load_loop(h, addr, repeat=True, store=False):
    """r0 = addr; ldr r1,[r0] (or str); branch back to the access (repeat) or to itself."""
    op = "str_d16" if store else "ldr_d16"
    pcs = h.asm(("mov_i32", dict(rd=0, imm=addr & 0xFFFF)),
                ("movt32", dict(rd=0, imm=addr >> 16)),
                (op, dict(rd=1, rn=0, imm=0)),
                ("bcond16", dict(cond=14, imm=-1 if repeat else 0)))
    h.start(r1=0x5A5A5A5A)
    return pcs


@pytest.mark.parametrize("timed", [True, False])
@pytest.mark.parametrize("where", ["dram", "local", "global-own"])
def test_load_from_read_watched_range_stops_after_the_load(timed, where):
    h = Harness(timing=replace(DEFAULT, pipeline=timed))
    cid = h.e.coreid(0)
    addr = {"dram": DRAM + 0x1000, "local": 0x4000, "global-own": (cid << 20) | 0x4000}[where]
    gaddr = addr if addr >= 0x100000 else (cid << 20) | addr
    pcs = _load_loop(h, addr)
    h.chip.mem_write(gaddr, (0x11223344).to_bytes(4, "little"))
    wid = h.e.watch_add(gaddr, gaddr + 4, write=False, read=True)
    st, k = h.e.run(100000)
    assert (Stop(st), k) == (Stop.WATCH, 0)
    info = h.e.stop_info(0)
    assert (info["pc"], info["addr"], info["size"], info["store"]) == (pcs[2], gaddr, 4, False)
    assert h.e.get_pc(0) == pcs[3] and h.get("r1") == 0x11223344     # the load completed
    h.e.watch_remove(wid)
    st, _ = h.e.run(20000)
    assert Stop(st) == Stop.MAX_CYCLES


def test_read_watch_ignores_stores_and_write_watch_ignores_loads():
    h = Harness()
    _load_loop(h, DRAM + 0x1000, store=True)
    h.e.watch_add(DRAM + 0x1000, DRAM + 0x1004, write=False, read=True)
    assert Stop(h.e.run(20000)[0]) == Stop.MAX_CYCLES
    h = Harness()
    _load_loop(h, DRAM + 0x1000)
    h.e.watch_add(DRAM + 0x1000, DRAM + 0x1004)
    assert Stop(h.e.run(20000)[0]) == Stop.MAX_CYCLES


def test_access_watch_sees_both():
    for store in (False, True):
        h = Harness()
        _load_loop(h, DRAM + 0x1000, store=store)
        h.e.watch_add(DRAM + 0x1000, DRAM + 0x1004, write=True, read=True)
        assert Stop(h.e.run(20000)[0]) == Stop.WATCH
        assert h.e.stop_info(0)["store"] == store


def test_testset_is_a_read_and_a_write():
    """TESTSET reads (read watches) and, when it finds 0, writes (write watches)."""
    for kind in ("read", "write"):
        h = Harness()
        cid = h.e.coreid(0)
        g = (cid << 20) | 0x4000
        h.chip.mem_write(g, bytes(4))
        pcs = h.asm(("mov_i32", dict(rd=0, imm=g & 0xFFFF)),
                    ("movt32", dict(rd=0, imm=g >> 16)),
                    ("mov_i16", dict(rd=2, imm=0)),
                    ("testset32", dict(rd=1, rn=0, rm=2)),
                    ("bcond16", dict(cond=14, imm=0)))
        h.start(r1=7)
        h.e.watch_add(g, g + 4, write=kind == "write", read=kind == "read")
        assert Stop(h.e.run(20000)[0]) == Stop.WATCH
        info = h.e.stop_info(0)
        assert (info["pc"], info["store"]) == (pcs[3], kind == "write")
        assert h.chip.mem_read(g, 4) == (7).to_bytes(4, "little")


def test_read_watches_change_no_cycle():
    """A run with a read watch somewhere else (observed loops) ends with the cycles and
    counters of a plain run; so does one after the watch is removed."""
    def run(mode):
        h = Harness()
        pcs = h.asm(("mov_i16", dict(rd=1, imm=50)),
                    ("mov_i32", dict(rd=0, imm=0x4000)),
                    ("ldr_d16", dict(rd=3, rn=0, imm=0)),
                    ("addi16", dict(rd=2, rn=2, imm=3)),
                    ("subi16", dict(rd=1, rn=1, imm=1)),
                    ("bcond16", dict(cond=1, imm=-3)),
                    ("trap16", dict(imm=0)))
        h.start(r2=0)
        if mode != "plain":
            wid = h.e.watch_add(DRAM, DRAM + 4, write=False, read=True)
            if mode == "removed":
                h.e.watch_remove(wid)
        st, _ = h.e.run(0)
        assert Stop(st) == Stop.TRAP and h.e.get_pc(0) == pcs[-1] + 2
        return h.chip.counters(0)
    plain = run("plain")
    assert run("watched") == plain
    assert run("removed") == plain


def test_watch_needs_a_kind():
    h = Harness()
    with pytest.raises(ValueError):
        h.e.watch_add(DRAM, DRAM + 4, write=False, read=False)


@pytest.mark.parametrize("read", [False, True])
def test_watch_on_the_flat_direct_memory(read):
    """The flat layout's memory (a direct region: its own store/load fast path) is watched
    too: a watch there turns observation on, where that path checks watches."""
    from emu.chip import FLAT_BASE, FLAT_EXT
    h = Harness(ext=FLAT_EXT)
    addr = FLAT_BASE + 0x1000
    pcs = _load_loop(h, addr, store=not read)
    h.e.watch_add(addr, addr + 4, write=not read, read=read)
    assert Stop(h.e.run(20000)[0]) == Stop.WATCH
    info = h.e.stop_info(0)
    assert (info["pc"], info["addr"], info["store"]) == (pcs[2], addr, not read)
