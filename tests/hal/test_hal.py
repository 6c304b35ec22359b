"""The Python host API (emu.hal): e-hal's verbs on the emulated chip.  The device program
(tests/hal/mailbox.s, assembled by our assembler) waits for the host's number at 0x4000 and
answers 2 * number + index at 0x4004 and in DRAM at 0x8F000000 + 4 * index (index = row * 4
+ col); e_signal's user interrupt counts at 0x4008.  Expected values follow from that."""
import os
import struct
import threading
import time

import pytest

import emu
from emu.hal import HalError, HalRangeError, HalStateError
from isa.assembler import assemble
from isa import regs

HERE = os.path.dirname(__file__)


@pytest.fixture(scope="module")
def mailbox_elf(tmp_path_factory):
    path = tmp_path_factory.mktemp("hal") / "mailbox.elf"
    with open(os.path.join(HERE, "mailbox.s")) as f:
        path.write_bytes(assemble(f.read(), 0, "mailbox.s"))
    return str(path)


def _u32(b):
    return struct.unpack("<I", b)[0]


def test_platform_info_and_workgroups():
    p = emu.Platform()
    i = p.info()
    assert (i["row"], i["col"], i["rows"], i["cols"]) == (32, 8, 4, 4)
    assert (i["emem_base"], i["emem_size"]) == (0x8E000000, 32 << 20)
    dev = p.open(1, 1, 2, 3)
    assert dev.coreid(0, 0) == (33 << 6) | 9 and dev.coreid(1, 2) == (34 << 6) | 11
    assert dev.global_address(0, 0, 0x100) == (((33 << 6) | 9) << 20) | 0x100
    with pytest.raises(HalRangeError):
        p.open(3, 3, 2, 2)
    with pytest.raises(HalRangeError):
        dev.core(2, 0)
    p.close()
    with pytest.raises(HalStateError):
        p.open()


def test_mailbox_round_trip_while_the_host_polls(mailbox_elf):
    p, dev = emu.open(0, 0, 2, 2)
    done = p.alloc(0x01000000, 64, "done")
    assert done.device_address == 0x8F000000
    dev.load(mailbox_elf)                          # start=False: loaded, waiting
    run = p.run_async()                            # nothing to do yet: the cores sleep
    assert run.wait(10).stop == "all_idle"
    for r in range(2):
        for c in range(2):
            dev.write(r, c, 0x4000, struct.pack("<I", 10 * (r * 2 + c) + 5))
    dev.start()
    run = p.run_async()
    deadline = time.time() + 20
    want = {0: 10, 1: 31, 4: 54, 5: 75}            # 2 * number + row * 4 + col
    while any(done.u32[i] != v for i, v in want.items()) and time.time() < deadline:
        time.sleep(0.001)                          # the host polls DRAM while the chip runs
    res = run.wait(20)
    assert {i: int(done.u32[i]) for i in want} == want
    assert [_u32(dev.read(r, c, 0x4004, 4)) for r in range(2) for c in range(2)] == \
        [10, 31, 54, 75]
    assert res.stop == "all_idle"                 # every core asleep in IDLE
    assert dev.mem(1, 1)[0x4004] == 75             # zero-copy view of core (1,1)'s memory


def test_signal_is_the_user_interrupt_and_hooks_see_it(mailbox_elf):
    p, dev = emu.open(0, 0, 1, 2)
    dev.load(mailbox_elf, start=True)
    seen = []
    h = p.on_interrupt(lambda core, irq: seen.append((core, irq)))
    p.run(until_cycle=3000)
    dev.signal(0, 1)
    dev.signal(0, 1)                               # latched once until taken
    p.run(until_cycle=6000)
    dev.signal(0, 1)
    p.run(until_cycle=9000)
    p.remove(h)
    assert _u32(dev.read(0, 1, 0x4008, 4)) == 2 and _u32(dev.read(0, 0, 0x4008, 4)) == 0
    user = regs.IRQ["USER"]
    assert [irq for core, irq in seen if core == dev.core(0, 1) and irq == user] == [user, user]
    assert (dev.core(0, 0), regs.IRQ["SYNC"]) in seen


def test_write_hook_calls_back_for_the_mailbox_word(mailbox_elf):
    p, dev = emu.open(0, 0, 2, 2)
    dev.load(mailbox_elf)
    calls = []
    p.on_write(0x8F000000, 0x8F000040, lambda core, addr, size: calls.append((core, addr, size)))
    for r in range(2):
        for c in range(2):
            dev.write(r, c, 0x4000, struct.pack("<I", 1))
    dev.start()
    res = p.run()
    assert res.stop == "all_idle"
    assert sorted(calls) == sorted((dev.core(r, c), 0x8F000000 + 4 * (r * 4 + c), 4)
                                   for r in range(2) for c in range(2))


def test_until_pc_code_hooks_and_stop_reasons(mailbox_elf):
    p, dev = emu.open(0, 0, 1, 1)
    img = dev.load(mailbox_elf, start=True)
    main, wait = img.symbol("main").addr, img.symbol("wait").addr
    res = p.run(until_pc=main)
    assert (res.stop, res.core, res.pc) == (emu.Stop.BRK, 0, main)
    assert dev.reg_read(0, 0, "pc") == main
    hits = []
    hook = p.on_code(wait, lambda core, pc: hits.append(pc))    # the loop: ldr r1,[r2]
    res = p.run(until_cycle=p.engine.now + 500)
    assert res.stop == emu.Stop.MAX_CYCLES and len(hits) > 5 and set(hits) == {wait}
    p.remove(hook)
    assert p.engine.breaks() == []


def test_registers_by_name_and_by_address():
    p, dev = emu.open(0, 0, 1, 1)
    dev.reg_write(0, 0, "r7", 0x1234)
    assert dev.reg_read(0, 0, "r7") == 0x1234
    dev.write(0, 0, regs.MMR_BASE + 4 * 7, struct.pack("<I", 99))
    assert dev.reg_read(0, 0, "r7") == 99
    assert _u32(dev.read(0, 0, regs.SREG_BY_NAME["COREID"].offset, 4)) == (32 << 6) | 8
    with pytest.raises(HalError):
        dev.reg_read(0, 0, "nosuch")
    with pytest.raises(HalRangeError):
        dev.read(0, 0, 0x9000, 4)                   # beyond the 32 KB of SRAM
    with pytest.raises(HalRangeError):
        p.alloc(32 << 20, 16)


def test_stop_from_another_thread_and_halt(tmp_path):
    spin = tmp_path / "spin.elf"
    spin.write_bytes(assemble("""
        b.l start
start:  mov r0, 0x4000
loop:   ldr r1, [r0]
        add r1, r1, 1
        str r1, [r0]
        b loop
""", 0, "spin.s"))
    p, dev = emu.open(0, 0, 1, 1)
    dev.load(str(spin), start=True)
    run = p.run_async()
    time.sleep(0.2)
    assert p.running
    with pytest.raises(HalStateError):
        dev.load(str(spin))                        # not while running
    res = run.stop(10)
    assert res.stop == emu.Stop.USER and not p.running
    n = _u32(dev.read(0, 0, 0x4000, 4))
    assert n > 1000
    dev.halt(0, 0)
    p.run(until_cycle=p.engine.now + 5000)
    assert _u32(dev.read(0, 0, 0x4000, 4)) == n     # halted: nothing runs
    dev.resume(0, 0)
    p.run(until_cycle=p.engine.now + 5000)
    assert _u32(dev.read(0, 0, 0x4000, 4)) > n


def test_memory_can_live_in_a_shared_mapping(tmp_path):
    """The engine runs on memory it is given (how `serve` shares SRAM and DRAM with host
    programs): a store by a core shows in the mapping, a write to the mapping in the core."""
    import mmap
    import numpy as np
    from emu.chip import Chip, ChipConfig
    cfg = ChipConfig(rows=1, cols=2)
    size = 2 * cfg.sram_size + (32 << 20)
    path = tmp_path / "mem"
    with open(path, "wb") as f:
        f.truncate(size)
    with open(path, "r+b") as f:
        m = mmap.mmap(f.fileno(), size)
    a = np.frombuffer(m, dtype=np.uint8)
    chip = Chip(cfg, memory=(a[:2 * cfg.sram_size].reshape(2, cfg.sram_size),
                             [a[2 * cfg.sram_size:]]))
    chip.mem_write(0x8E000100, b"from host")
    assert bytes(m[2 * cfg.sram_size + 0x100:][:9]) == b"from host"
    m[cfg.sram_size + 0x200:cfg.sram_size + 0x204] = b"\x01\x02\x03\x04"
    assert chip.mem_read(0x200, 4, core=1) == b"\x01\x02\x03\x04"
    with pytest.raises(ValueError):
        Chip(cfg, memory=(np.zeros((2, 10), np.uint8), [a[2 * cfg.sram_size:]]))
