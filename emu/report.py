"""Human-readable reports of faults: core, PC, instruction, address, symbol and source line."""
from __future__ import annotations

from typing import List, Optional

from isa.disassembler import disasm_one
from loader.elf import LoadImage
from loader.symbols import symbolizer

_WHAT = {
    "unaligned": "unaligned {acc} {dir} at 0x{addr:08x}",
    "mem_fault": "{dir} of unmapped memory at 0x{addr:08x}",
    "fetch_fault": "instruction fetch from invalid address 0x{addr:08x}",
    "invalid_insn": "invalid or unimplemented instruction",
    "breakpoint": "breakpoint (BKPT)",
}
_ACC = {1: "byte", 2: "halfword", 4: "word", 8: "doubleword"}


def fault_report(fault, chip, img: Optional[LoadImage]) -> List[str]:
    """Lines of the report (first line: one-sentence summary)."""
    size = fault.size
    acc = _ACC.get(size, f"{size}-byte")
    dir_ = "store" if fault.store else "load"
    head = _WHAT.get(fault.kind, fault.kind).format(acc=acc, dir=dir_, addr=fault.addr)
    if fault.kind == "unaligned":
        if size == 8 and fault.addr % 8 == 0:
            head = f"unaligned doubleword {dir_}: odd register pair (ldrd/strd need an even register)"
        else:
            head += f" ({size}-byte access, address mod {size} = {fault.addr % size})"
    sym = symbolizer(img)
    lines = [f"epiphany-emu: {head}"]
    lines.append(f"  core    {chip.core_name(fault.core)}")
    w = sym.where(fault.pc)
    lines.append(f"  pc      0x{fault.pc:08x}" + (f"  {w}" if w else ""))
    if fault.insn_bytes:
        n, text, _ = disasm_one(fault.insn_bytes, 0, fault.pc, sym.address_text)
        raw = fault.insn_bytes[:max(n, 2)]
        hexb = " ".join(f"{raw[j] | (raw[j + 1] << 8):04x}" for j in range(0, len(raw) - 1, 2))
        lines.append(f"  insn    {text}    ({hexb})")
    if fault.kind in ("unaligned", "mem_fault"):
        d = sym.describe(fault.addr)
        lines.append(f"  address 0x{fault.addr:08x} ({size} bytes, {dir_})" + (f"  {d}" if d else ""))
        regs = " ".join(f"r{n}=0x{chip.engine.reg_read(fault.core, n):08x}" for n in range(4))
        lines.append(f"  regs    {regs} sp=0x{chip.engine.reg_read(fault.core, 13):08x} "
                     f"lr=0x{chip.engine.reg_read(fault.core, 14):08x}")
        lr = chip.engine.reg_read(fault.core, 14)
        wl = sym.where(lr)
        if wl:
            lines.append(f"  caller  0x{lr:08x}  {wl}")
    if fault.kind == "invalid_insn" and fault.insn_bytes and \
            disasm_one(fault.insn_bytes, 0, fault.pc)[1].split()[0] in ("fext", "fdep", "lfsr"):
        lines.append("  hint    an Epiphany-V instruction: run with --arch ev to execute it")
    if fault.kind == "unaligned":
        lines.append("  hint    run with --unaligned=report to list every unaligned access and "
                     "continue, or --unaligned=trap to deliver the exception to the program")
    return lines


def unaligned_summary(records, total, chip, img: Optional[LoadImage]) -> List[str]:
    """Report of --unaligned=report: one line per distinct (pc, size, direction)."""
    if not total:
        return []
    agg = {}
    for pc, addr, size, store in records:
        key = (pc, size, store)
        n, first = agg.get(key, (0, addr))
        agg[key] = (n + 1, first)
    lines = [f"epiphany-emu: {total} unaligned access(es)"
             + (f" ({total - len(records)} not itemised)" if total > len(records) else "")]
    sym = symbolizer(img)
    for (pc, size, store), (n, first) in sorted(agg.items()):
        w = sym.where(pc)
        lines.append(f"  pc 0x{pc:08x} {'store' if store else 'load '} {size}B x{n}  "
                     f"first at 0x{first:08x}" + (f"  {w}" if w else ""))
    return lines


def core_lines(res, chip, img: Optional[LoadImage]) -> List[str]:
    """One line per loaded core that has not exited: its state, PC, symbol and source line
    (the deadlock, --max-cycles and interrupt reports)."""
    sym = symbolizer(img)
    lines = []
    for c in res.cores:
        if c.state in ("exited",) or c.index not in chip.loaded_cores:
            continue
        w = sym.where(c.pc)
        lines.append(f"  core {chip.core_name(c.index)}  {c.state:8s} pc 0x{c.pc:08x}"
                     + (f"  {w}" if w else ""))
    return lines


def stop_report(res, chip, img: Optional[LoadImage], head: str) -> List[str]:
    """``epiphany-emu: <head>`` and where every live core was (--max-cycles, Ctrl-C)."""
    return [f"epiphany-emu: {head}"] + core_lines(res, chip, img)


def deadlock_report(res, chip, img: Optional[LoadImage]) -> List[str]:
    """Every live core loops without writing memory: name each core and where it spins."""
    if all(c.state in ("idle", "exited") for c in res.cores if c.index in chip.loaded_cores):
        head = ("deadlock: every core sleeps in IDLE waiting for an interrupt no one will "
                "raise, and none has exited")
    else:
        head = ("deadlock: the cores loop forever without writing memory (each waits for "
                "something no one will do)")
    return stop_report(res, chip, img, head)
