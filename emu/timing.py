"""Timing parameters: every latency of the model, named, with its source.

The *class* of each instruction is in ``isa/spec.py``; its *cost* is here.  Changing the model
never touches the ISA or the semantics.  Sources are the tags of
``shared/spec/epiphany-arch.md`` §0 (MAN = Architecture Reference, BENCH = Parallella
measurements).  Where a value is our own estimate it says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple

from isa.spec import TCLASSES


@dataclass(frozen=True)
class TimingModel:
    #: Issue cost per timing class, in cycles (MAN §4 pipeline: one instruction per cycle).
    tclass_cost: Dict[str, int] = field(default_factory=lambda: {t: 1 for t in TCLASSES})
    #: Extra cycles of a taken branch, B, BL, JR, JALR, RTI (MAN §4 table "taken branch: 3").
    branch_penalty: int = 3
    #: Blocking load from another core: round trip on the rMesh.  Our estimate from BENCH
    #: (8 KiB read from a neighbour in 40 531 cycles with 4-byte loads ≈ 20 cycles/load).
    remote_load_base: int = 18
    #: Extra cycles per XY hop (MAN §3: 1.5 cycles per hop each way, rounded).
    remote_load_per_hop: int = 3
    #: Blocking load from external DRAM through the eLink: BENCH 8 KiB in 1 119 132 cycles
    #: with 4-byte loads ≈ 546 cycles per load.
    dram_load_latency: int = 546
    #: Posted store to external DRAM: BENCH 8 KiB in 32 782 cycles ≈ 4 cycles/byte sustained,
    #: i.e. 16 cycles per 4-byte store.
    dram_store_cost: int = 16
    #: Clock of the Parallella E16G301 (BENCH): converts cycles to seconds for reports and
    #: for the guest's gettimeofday.
    clock_hz: int = 600_000_000

    # -- pipeline (MAN §4 "Pipeline", tables 7-10; fact sheet §5.1) --------------------------
    #: Model register dependencies, dual issue and fetch-line penalties.  Off: every
    #: instruction costs its class cost (plus branch penalty and memory stalls).
    pipeline: bool = True
    #: Result latency per producer class, as "issue-to-issue" cycles for a dependent IALU or
    #: load/store consumer: separation + 1.  IALU→IALU 0 (forwarding) → 1; LDR→IALU/STR/LDR
    #: 1 → 2; LDRB/LDRH→any 2 → 3; FPU/IALU2→IALU 3+ROUNDING → 5 (round-to-nearest).
    lat_ialu_consumer: Tuple[int, int, int, int] = (1, 5, 2, 3)   # (ialu, fpu, ldw, ldb)
    #: ... for an FPU/IALU2 consumer: IALU→FPU 1 → 2; FPU→FPU 3+ROUNDING → 5; LDR→FPU 2 → 3;
    #: LDRB/LDRH→any 2 → 3.
    lat_fpu_consumer: Tuple[int, int, int, int] = (2, 5, 3, 3)
    #: Dual issue (MAN §4): IALU with FPU/IALU2, FPU/IALU2 with LOAD/STORE; nothing pairs with
    #: control instructions, two of the same group never pair.
    dual_issue: bool = True

    def tc_costs(self):
        return [self.tclass_cost.get(t, 1) for t in TCLASSES]

    def pair_table(self):
        """Per issue unit (none, ialu, fpu, ldst): bit mask of the units it pairs with."""
        if not self.dual_issue:
            return (0, 0, 0, 0)
        NONE, IALU, FPU, LDST = 1, 2, 4, 8
        return (0, FPU, IALU | LDST, FPU)


DEFAULT = TimingModel()
