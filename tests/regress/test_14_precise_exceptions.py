"""Issue 14.2: an exception is taken at the same instruction whatever runs it — timed blocks,
the per-instruction timed loop, the untimed loop.  The architecture's rule (fact sheet §1.5):
the excepting instruction completes and IRET is the next one; the handler's view (IRET,
EXCAUSE, the registers the instructions before it wrote) must not depend on the mode.

Each program jumps into a straight-line body (a timed block when blocks are on): two adds,
the excepting instruction, two more adds.  The handler saves IRET and STATUS and stops."""
import dataclasses
import io

import pytest

from emu.chip import Chip, ChipConfig
from emu.stops import Stop
from emu.syscalls import HostIO
from emu.timing import DEFAULT
from isa import regs
from isa.assembler import assemble_sections

INF = 0x7F800000
PROGRAM = """
        b.l start
        b.l handler
start:
        mov r0, %low({INF})
        movt r0, %high({INF})
        mov r5, 0x2002
        mov r22, %low(after)
        mov r4, 0
        movts config, r9
        b body
body:
        add r4, r4, 1
        add r4, r4, 2
        {insn}
after:
        add r4, r4, 4
        add r4, r4, 8
        trap 0
handler:
        movfs r20, iret
        movfs r21, status
        trap 1
"""

ARITH_INT = regs.ARITHMODE_INT << regs.CONFIG_ARITHMODE_SHIFT
CASES = {
    # name: (CONFIG, instruction, chip policies, expected EXCAUSE name)
    "fpu_invalid_enabled": (regs.CONFIG_IEN, "fsub r2, r0, r0", {}, "fpu"),
    "fix_in_integer_mode": (ARITH_INT, "fix r2, r0", {"invalid": "trap"}, "illegal"),
    "float_in_integer_mode": (ARITH_INT, "float r2, r0", {"invalid": "trap"}, "illegal"),
    "fabs_in_integer_mode": (ARITH_INT, "fabs r2, r0", {"invalid": "trap"}, "illegal"),
    "reserved_arithmode": (1 << regs.CONFIG_ARITHMODE_SHIFT, "fadd r2, r0, r0",
                           {"invalid": "trap"}, "illegal"),
    "unaligned_load": (0, "ldr r2, [r5]", {"unaligned": "trap"}, "unaligned"),
    "unaligned_store": (0, "str r2, [r5]", {"unaligned": "trap"}, "unaligned"),
}
MODES = {"blocks": (True, True), "timed_loop": (True, False), "untimed": (False, False)}


def _handler_view(config, insn, policies, timed, blocks):
    code = assemble_sections(PROGRAM.format(INF=INF, insn=insn), 0)[".text"][1]
    chip = Chip(ChipConfig(rows=1, cols=1, timing=dataclasses.replace(DEFAULT, pipeline=timed),
                           **policies),
                HostIO(stdout=io.BytesIO(), stderr=io.BytesIO()))
    e = chip.engine
    e.use_blocks = blocks
    e.block_hot = 1        # (blocks from the first arrival: code run once too)
    e.mem_write(0, code, 0)
    e.set_pc(0, 8)
    e.set_idle(0, False)
    e.reg_write(0, 9, config)
    st, _ = e.run(100000)
    assert Stop(st) == Stop.TRAP and e.stop_info(0)["trap"] == 1, "handler not reached"
    status = e.reg_read(0, 21)
    return dict(iret=e.reg_read(0, 20), after=e.reg_read(0, 22), r4=e.reg_read(0, 4),
                excause=(status & regs.EXCAUSE_MASK) >> regs.EXCAUSE_SHIFT)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("mode", sorted(MODES))
def test_exception_is_taken_after_the_excepting_instruction(case, mode):
    config, insn, policies, cause = CASES[case]
    v = _handler_view(config, insn, policies, *MODES[mode])
    assert v["iret"] == v["after"]                 # IRET = the instruction after it
    assert v["r4"] == 1 + 2                        # the adds before it ran, none after
    assert v["excause"] == regs.EXCAUSE_E3[cause]
