"""Issue 14.3: differences from the GNU simulator, each decided and pinned (docs/errata.md):
an interrupt pending at RTI, reserved ARITHMODEs, FEXT on the E16G301 and the Epiphany-V,
what the CTIMER event modes count."""
import dataclasses
import io

import pytest

from emu.chip import Chip, ChipConfig
from emu.stops import Stop
from emu.syscalls import HostIO
from emu.timing import DEFAULT
from isa import regs
from isa.assembler import assemble_text

VECTORS = "\n".join(["        b.l start"] * 9) + "\n        b.l user_isr\n"


def _chip(**cfg):
    cfg.setdefault("rows", 1)
    cfg.setdefault("cols", 1)
    return Chip(ChipConfig(**cfg), HostIO(stdout=io.BytesIO(), stderr=io.BytesIO()))


def _run(source, stop_trap=0, **cfg):
    chip = _chip(**cfg)
    e = chip.engine
    e.mem_write(0, assemble_text(source, 0), 0)
    e.set_pc(0, 0)
    e.sreg_write(0, regs.SREG_BY_NAME["ILATST"].offset, 1)        # SYNC: vector 0
    st, _ = e.run(200000)
    return chip, Stop(st)


def test_interrupt_pending_at_rti_is_entered_before_the_next_instruction():
    """esim-corner-cases 10c: RTI with an unmasked interrupt pending enters it directly (IRET
    unchanged), which programs written against the simulator rely on (a handler that
    re-raises itself runs again before the interrupted code goes on)."""
    chip, st = _run(VECTORS + """
start:  mov r0, %low(main)
        movt r0, %high(main)
        movts iret, r0
        rti
main:   mov r20, 0
        mov r21, 0x4000
        mov r1, 0x200
        gid
        movts ilatst, r1        ; USER pending while interrupts are off
        gie
        add r20, r20, 1         ; main's progress, logged by each handler entry
        add r20, r20, 1
        add r20, r20, 1
        trap 0
user_isr:
        str r20, [r21], 1
        add r22, r22, 1
        sub r23, r22, 3
        bgte out
        mov r1, 0x200
        movts ilatst, r1        ; pending again (same priority) at the RTI below
out:    rti
""")
    assert st == Stop.TRAP
    log = [int.from_bytes(chip.mem_read(0x4000 + 4 * i, 4, 0), "little") for i in range(3)]
    # GIE lets one instruction through first (docs/errata.md #6), then the three entries
    # follow each other without main running in between
    assert log == [1, 1, 1] and chip.engine.reg_read(0, 20) == 3


@pytest.mark.parametrize("mode,e3,e4", [(1, 5, 0xC), (8, 5, 0xC), (2, 5, 0xC)])
def test_reserved_arithmodes_are_illegal_and_write_nothing(mode, e3, e4):
    """E16G301: ARITHMODE 000 float, 100 integer, the rest reserved (MAN CONFIG[19:17]).  The
    GNU simulator also runs 1 (double) and 8 (SIMD) of the Epiphany-V on register pairs; the
    E16G301 has neither: illegal (EXCAUSE illegal), the result register untouched."""
    for excause, code in (("e3", e3), ("e4", e4)):
        chip, st = _run(VECTORS.replace("b.l start\n", "b.l start\n", 1).replace(
            "        b.l start\n        b.l start\n", "        b.l start\n        b.l handler\n", 1)
            + f"""
start:  mov r0, %low(main)
        movt r0, %high(main)
        movts iret, r0
        rti
main:   mov r2, 0x1234
        mov r1, 0
        movt r1, {mode << 1}    ; ARITHMODE = mode (CONFIG bits 20:17)
        movts config, r1
        fadd r2, r3, r4
        trap 0
handler:
        movfs r20, status
        trap 1
user_isr:
        rti
""", invalid="trap", excause=excause)
        assert st == Stop.TRAP and chip.engine.stop_info(0)["trap"] == 1
        status = chip.engine.reg_read(0, 20)
        assert (status & regs.EXCAUSE_MASK) >> regs.EXCAUSE_SHIFT == code
        assert chip.engine.reg_read(0, 2) == 0x1234


@pytest.mark.parametrize("arch", ["e3", "ev"])
def test_fext_runs_on_the_epiphany_v_only(arch):
    chip, st = _run(VECTORS + """
start:  mov r5, 0
        mov r6, 7
        fext r5, r6, r6         ; AZ from r5 (= 0) on an E-V, r5 unchanged
        movfs r20, status
        trap 0
user_isr:
        rti
""", arch=arch)
    if arch == "e3":
        assert st == Stop.INVALID_INSN
    else:
        assert st == Stop.TRAP and chip.engine.reg_read(0, 5) == 0
        assert chip.engine.reg_read(0, 20) >> regs.STATUS_BITS["AZ"] & 1


def _timed(source, mode):
    """Run `source` with CTIMER0 counting event `mode` from 0xFFFFFFFF; the events counted."""
    chip = _chip(timing=dataclasses.replace(DEFAULT, pipeline=True))
    e = chip.engine
    cfg = mode << regs.CONFIG_CTIMER0_SHIFT
    e.mem_write(0x100, assemble_text(f"""
        mov r0, 0
        sub r0, r0, 1
        movts ctimer0, r0
        mov r1, %low({cfg})
        movt r1, %high({cfg})
        movts config, r1
{source}
        movfs r30, ctimer0
        trap 0
""", 0x100), 0)
    e.set_pc(0, 0x100)
    e.set_idle(0, False)
    st, _ = e.run(100000)
    assert Stop(st) == Stop.TRAP
    return 0xFFFFFFFF - e.reg_read(0, 30), chip


def test_ctimer_ialu_mode_counts_the_ialu_group():
    """MAN §4: the IALU group is ADD SUB ASR LSR LSL EOR AND ORR BITR MOVT MOV; loads,
    stores, FPU, NOP and MOVFS/MOVTS are not IALU instructions."""
    body = """
        add r2, r2, r2
        lsl r3, r3, 2
        nop
        fadd r4, r4, r4
        ldr r5, [r0]
        movt r6, 1
        mov r7, 3
"""
    n, _ = _timed(body.replace("ldr r5, [r0]", "ldr r5, [r8]"), regs.CTIMER_MODE["IALU"])
    # the body's add, lsl, movt, mov; the mov/movt that set CONFIG ran before counting
    assert n == 4


def test_ctimer_stall_modes_count_the_models_stalls():
    """Self-consistency: the dual-issue and dependency-stall events are the timing model's
    own counts over the same instructions."""
    body = "\n".join(["        fadd r10, r11, r12", "        add r13, r13, 1",
                      "        fmul r14, r10, r10", "        add r15, r14, 1"] * 4)
    n_dual, chip = _timed(body, regs.CTIMER_MODE["DUAL"])
    assert 0 < n_dual <= chip.counters(0)["dual_issue"]
    n_ra, chip = _timed(body, regs.CTIMER_MODE["RA_STALL"])
    assert 0 < n_ra <= chip.counters(0)["dep_stall_cycles"]
