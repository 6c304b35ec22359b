"""Special registers, interrupts, exceptions, hardware loops, timers, TRAP."""
import pytest

from isa import regs
from emu.stops import Stop
from tests.emu.conftest import CODE, Harness

SR = regs.SREG_BY_NAME


def test_movts_movfs_roundtrip_all_groups():
    h = Harness()
    names = ["IRET", "LC", "LS", "LE", "IMASK", "CTIMER0", "DMA0STRIDE", "DMA1DSTADDR",
             "MEMPROTECT", "MESHCONFIG"]
    code = []
    for k, n in enumerate(names):
        r = SR[n]
        code.append(("movts32", dict(rd=20, imm=r.index, group=r.group)))
        code.append(("movfs32", dict(rd=30 + k, imm=r.index, group=r.group)))
    h.asm(*code)
    h.start(r20=0x2A4)
    h.run_to_end()
    for k, n in enumerate(names):
        width = SR[n].width
        assert h.get(f"r{30 + k}") == 0x2A4 & ((1 << width) - 1), n


def test_movfs_pc_reads_its_own_address():
    """MOVFS rd,pc gives the address of the MOVFS itself: the GNU simulator's value, which
    Adapteva's testsuite for it expects (movfs.cgs, hwloops.s); docs/errata.md 14."""
    h = Harness()
    pc = SR["PC"]
    h.asm(("movfs32", dict(rd=20, imm=pc.index, group=pc.group)),
          ("movfs16", dict(rd=1, imm=pc.index)))
    h.start()
    h.run_to_end()
    assert h.get("r20") == CODE and h.get("r1") == CODE + 4


def test_imask_keeps_what_was_written_and_masks_only_interrupts():
    """As the GNU simulator (Adapteva's movts16.cgs writes 0xffff and reads it back)."""
    h = Harness()
    im = SR["IMASK"]
    h.asm(("movts32", dict(rd=0, imm=im.index, group=im.group)),
          ("movfs32", dict(rd=1, imm=im.index, group=im.group)))
    h.start(r0=0xFFFF)
    h.run_to_end()
    assert h.get("r1") == 0xFFFF


def test_mmr_reachable_by_load_store_local_and_self_global():
    h = Harness()
    gbase = h.e.coreid(0) << 20
    h.asm(("str_d32", dict(rd=20, rn=21, imm=0)),     # store IRET through 0xF0420
          ("ldr_d32", dict(rd=22, rn=23, imm=0)),     # load it back through coreid<<20
          ("ldr_d32", dict(rd=24, rn=25, imm=0)))     # COREID
    h.start(r20=0x1234, r21=SR["IRET"].offset, r23=gbase | SR["IRET"].offset,
            r25=gbase | SR["COREID"].offset)
    h.run_to_end()
    assert h.get("IRET") == 0x1234 and h.get("r22") == 0x1234
    assert h.get("r24") == h.e.coreid(0)


def test_status_write_keeps_low_bits_fstatus_writes_all():
    h = Harness()
    h.set("FSTATUS", 0b011)        # ACTIVE|GID
    h.asm(("movts16", dict(rd=0, imm=SR["STATUS"].index)))
    h.start(r0=0xF0 | 0b100)       # try to set KM and clear ACTIVE/GID, set AZ AN AC AV
    h.step()
    st = h.get("STATUS")
    assert st & 7 == 0b011 and (st >> 4) & 0xF == 0xF


def test_config_arithmode_selects_integer_multiply():
    h = Harness()
    h.asm(("fmul16", dict(rd=0, rn=1, rm=2)))
    h.start(r1=3, r2=(-5) & 0xFFFFFFFF)
    h.set("CONFIG", 4 << 17)
    h.step()
    assert h.get("r0") == 0xFFFFFFF1 and h.flag("BN") == 1   # esim-corner-cases 5a


def test_interrupt_priority_and_nesting():
    """ILAT bits are taken lowest-numbered first; a lower priority one waits for RTI."""
    h = Harness()
    # vectors: 3 (timer0) at 0xC, 9 (user) at 0x24 -> handlers that just RTI
    h.asm(("bcond32", dict(cond=14, imm=(0x400 - 0xC) // 2)), at=0xC)
    h.asm(("bcond32", dict(cond=14, imm=(0x500 - 0x24) // 2)), at=0x24)
    h.asm(("rti16", {}), at=0x400)
    h.asm(("rti16", {}), at=0x500)
    h.asm(("nop16", {}), ("nop16", {}), ("nop16", {}))
    h.start()
    h.set("IPEND", 0)
    h.set("FSTATUS", 1)
    h.set("ILAT", (1 << 9) | (1 << 3))
    h.step()                        # takes timer0 first, executes its branch
    assert h.get("IPEND") == 1 << 3 and h.get("IRET") == CODE
    assert h.e.get_pc(0) == 0x400
    h.step()                        # rti -> back to CODE; user interrupt pending
    assert h.get("IPEND") == 0
    h.step()                        # user interrupt entered
    assert h.get("IPEND") == 1 << 9 and h.e.get_pc(0) == 0x500
    h.step()
    assert h.e.get_pc(0) == CODE and h.get("ILAT") == 0


def test_masked_and_disabled_interrupts_wait():
    h = Harness()
    h.asm(("nop16", {}), ("nop16", {}), ("gie16", {}), ("nop16", {}), ("nop16", {}))
    h.start()
    h.set("IPEND", 0)
    h.set("FSTATUS", 0b11)          # GID set
    h.set("IMASK", 1 << 9)
    h.set("ILAT", 1 << 9)
    h.step(2)
    assert h.e.get_pc(0) == CODE + 4          # GID holds it off
    h.step(2)                                  # gie; one more instruction (delay)
    assert h.get("ILAT") == 1 << 9            # still masked by IMASK
    h.set("IMASK", 0)
    h.step()
    assert h.get("IPEND") == 1 << 9


def test_swi_sets_excause_and_enters_vector_1():
    h = Harness()
    h.asm(("swi16", dict(imm=0)), ("nop16", {}))
    h.start()
    h.set("IPEND", 0)
    h.set("FSTATUS", 1)
    h.step()
    assert (h.get("STATUS") >> 16) & 0xF == 1
    h.step()
    assert h.get("IPEND") == 2 and h.get("IRET") == CODE + 2


def test_rti_outside_interrupt_clears_gid_and_jumps_to_iret():
    h = Harness()
    h.asm(("rti16", {}))
    h.start()
    h.set("IPEND", 0)
    h.set("FSTATUS", 0b11)
    h.set("IRET", 0x700)
    h.step()
    assert h.e.get_pc(0) == 0x700 and h.get("STATUS") & 2 == 0


@pytest.mark.parametrize("lc,passes", [(1, 1), (2, 2), (5, 5), (0, 1)])
def test_hardware_loop_pass_count(lc, passes):
    """esim-corner-cases row 8: passes = LC for LC >= 1, one pass for LC = 0."""
    h = Harness()
    ls = 0x200
    body = [("addi32", dict(rd=20, rn=20, imm=1))] * 4
    addrs = h.asm(*body, ("nop16", {}), at=ls)
    le = addrs[-2]
    h.set("LS", ls)
    h.set("LE", le)
    h.set("LC", lc)
    h.start(pc=ls, r20=0)
    for _ in range(200):
        if h.e.get_pc(0) == addrs[-1]:
            break
        h.step()
    assert h.get("r20") == 4 * passes and h.get("LC") == 0


def test_timer0_counts_clock_cycles_and_interrupts():
    h = Harness()
    h.asm(("bcond32", dict(cond=14, imm=(0x400 - 0xC) // 2)), at=0xC)
    h.asm(("idle16", {}), at=0x400)
    h.asm(("bcond16", dict(cond=14, imm=0)))    # spin
    h.start()
    h.set("IPEND", 0)
    h.set("FSTATUS", 1)
    h.set("CTIMER0", 100)
    h.set("CONFIG", 1 << 4)          # CTIMER0 counts clock cycles
    c0 = h.e.counters(0)["cycles"]
    latched_at = None
    for _ in range(200):
        h.step()
        if h.e.get_pc(0) >= 0x400:
            break
        # the timer counts down the emulator's own cycles, to 0, then latches TIMER0
        elapsed = h.e.counters(0)["cycles"] - c0
        assert h.get("CTIMER0") == max(0, 100 - elapsed)
        if h.get("ILAT") == 1 << 3 and latched_at is None:
            latched_at = elapsed
    assert latched_at == 100 and h.get("ILAT") == 0       # the spin loop takes 4 per pass
    assert h.get("IPEND") == 1 << 3 and h.get("CTIMER0") == 0


def test_idle_wakes_on_interrupt_and_sleeps_otherwise():
    h = Harness()
    h.asm(("nop16", {}), ("rti16", {}), at=0x24)
    h.asm(("idle16", {}), ("nop16", {}))
    h.start()
    h.set("IPEND", 0)
    h.set("FSTATUS", 1)
    st, k = h.e.run(5000)
    assert h.chip.engine.core_flags(0)["idle"]
    h.set("ILATST", 1 << 9)
    h.step()
    assert h.get("IPEND") == 1 << 9 and h.get("IRET") == CODE + 2


def test_trap_write_goes_to_stdout():
    h = Harness()
    msg = b"hi from trap\n"
    h.poke(0x3000, msg)
    h.asm(("trap16", dict(imm=0)), ("trap16", dict(imm=3)))
    h.start(r0=1, r1=0x3000, r2=len(msg))
    h.chip.loaded_cores = [0]
    res = h.chip.run()
    assert h.out.getvalue() == msg and res.stop == "exit"
    # the write returned the byte count in r0, and trap 3 exits with r0
    assert h.get("r0") == len(msg) and res.cores[0].exit_code == len(msg)


def test_invalid_instruction_stops_by_default_and_traps_on_request():
    for policy, stops in (("stop", True), ("trap", False)):
        h = Harness(invalid=policy)
        h.asm(("unimpl32", {}), ("nop16", {}))
        h.start()
        h.set("IPEND", 0)
        h.set("FSTATUS", 1)
        st = h.step()
        assert bool(st) == stops
        if not stops:
            assert (h.get("STATUS") >> 16) & 0xF == 4 and h.get("ILAT") & 2


HWLOOP_READS_LC = """
    mov r0, %low(ls_)
    movts ls, r0
    mov r0, %low(le_)
    movts le, r0
    mov r23, 0x2000
    mov r0, {lc}
    movts lc, r0
ls_:
    movfs r21, lc
    str r21, [r23], +1
    add r20, r20, 1
le_:
    add r22, r22, r21
    movfs r24, lc
    trap 3
"""


@pytest.mark.parametrize("blocks", [False, True])
@pytest.mark.parametrize("lc,reads", [(5, [4, 3, 2, 1, 0]), (1, [0]), (0, [0]), (2, [1, 0])])
def test_hardware_loop_counts_down_on_arrival_at_ls(lc, reads, blocks):
    """esim-corner-cases row 8: LC counts down whenever the PC arrives at LS, the first
    entry included -- pass k reads LC - k (LC = 5: 4, 3, 2, 1, 0), LC = 0 makes one pass
    (no wrap) -- and is 0 after the loop; with the timed blocks as instruction by
    instruction."""
    from isa.assembler import assemble_text
    h = Harness()
    h.e.use_blocks = blocks
    h.e.block_hot = 1        # (blocks from the first arrival: code run once too)
    h.e.mem_write(0, assemble_text(HWLOOP_READS_LC.format(lc=lc), 0), 0)
    h.start(pc=0, r20=0, r22=0)
    st, _ = h.e.run(100_000)
    assert Stop(st) == "trap"
    got = [int.from_bytes(bytes(h.e.sram(0)[0x2000 + 4 * k:0x2004 + 4 * k]), "little")
           for k in range(len(reads))]
    assert h.get("r20") == len(reads) and got == reads and h.get("r24") == 0
