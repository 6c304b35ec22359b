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
    #: LDRB/LDRH→any 2 → 3.  Simplification: the IALU→FPU separation is enforced against
    #: the immediately preceding instruction only, so an FPU consumer that pairs with an
    #: intervening instruction, or follows an IALU+FPU pair, may issue a cycle early (measured
    #: on our C fixtures: at most 1.6 %, mostly under 0.3 % of the cycles; tracking the IALU
    #: results of the last two issue cycles cost about 15 % of the timed loop's speed).
    lat_fpu_consumer: Tuple[int, int, int, int] = (2, 5, 3, 3)
    #: Dual issue (MAN §4): IALU with FPU/IALU2, FPU/IALU2 with LOAD/STORE; nothing pairs with
    #: control instructions, two of the same group never pair.
    dual_issue: bool = True

    # -- mesh and eLink (MAN §3; fact sheet §5.2) ---------------------------------------------
    #: Cycles a packet spends per router hop (MAN §3: 1.5 ns per hop at 1 GHz = 1.5 cycles;
    #: we charge 2, the next whole cycle).  Links carry 8 bytes/cycle per direction.
    hop_cycles: int = 2
    #: Cycles the destination takes to serve a read once the request arrived (SRAM access).
    remote_access_cycles: int = 2
    #: Fixed overhead of a remote read beyond the hops (request/response injection and
    #: ejection).  Calibrated: BENCH reads 8 KiB from a neighbour with a C loop of 4-byte loads
    #: at 40 531 cycles (≈ 19.8 cycles per word including the loop).
    remote_read_overhead: int = 8
    #: Off-chip read: cycles between the request reaching the eLink and the data coming back.
    #: Calibrated: BENCH reads 8 KiB from external DRAM in 1 119 132 cycles (≈ 546 cycles per
    #: 4-byte load).
    ext_read_cycles: int = 530
    #: DMA engines (MAN §4 DMA; emu/_dma.pxi) use no parameters of their own: one element
    #: per cycle at best (8 bytes/cycle in doublewords); their remote/off-chip reads are
    #: pipelined requests and their writes posted, through the same links and eLink as the
    #: cores' accesses.  Our assumptions: off-chip DMA reads flow at the eLink's write
    #: bandwidth (below); DMA loses every other cycle of the bank the core fetches from.
    #: Off-chip write bandwidth: cycles per byte on the eLink (BENCH: 143 MiB/s = 0.25 B/cycle
    #: at 600 MHz -> 4 cycles per byte, shared by all cores).
    ext_write_cycles_per_byte: int = 4
    #: Cycles from a write leaving the eLink until it is visible in DRAM (our assumption:
    #: the eLink's "<1 µs" latency, about half a read round trip).
    ext_write_latency: int = 270
    #: Cycles of writes that may queue ahead of a core before its posted write blocks it
    #: (our assumption: a few transactions of buffering on the path to the eLink).
    ext_write_buffer: int = 32
    #: Same for the core's first mesh link (MAN §3: one buffer stage per router).
    mesh_write_buffer: int = 4
    #: Slice length while cores communicate, and how long a remote access keeps slices fine:
    #: a write becomes visible within fine_quantum cycles of its arrival.
    fine_quantum: int = 8
    hot_window: int = 2000

    def pair_table(self):
        """Per issue unit (none, ialu, fpu, ldst): bit mask of the units it pairs with."""
        if not self.dual_issue:
            return (0, 0, 0, 0)
        NONE, IALU, FPU, LDST = 1, 2, 4, 8
        return (0, FPU, IALU | LDST, FPU)

    def c_params(self) -> Dict[str, object]:
        """The parameters the core uses, by the field names of its C struct ``Timing``
        (emu/_core.pxd); ``Engine.set_timing`` takes this dict."""
        costs = [self.tclass_cost.get(t, 1) for t in TCLASSES]
        return dict(
            tc_cost=costs + [1] * (8 - len(costs)), branch_penalty=self.branch_penalty,
            timed=int(self.pipeline), lat_i=list(self.lat_ialu_consumer),
            lat_f=list(self.lat_fpu_consumer), pairs=list(self.pair_table()),
            hop_cycles=self.hop_cycles, remote_access_cycles=self.remote_access_cycles,
            remote_read_overhead=self.remote_read_overhead,
            ext_read_cycles=self.ext_read_cycles,
            ext_write_cycles_per_byte=self.ext_write_cycles_per_byte,
            ext_write_latency=self.ext_write_latency, ext_write_buffer=self.ext_write_buffer,
            mesh_write_buffer=self.mesh_write_buffer, fine_quantum=self.fine_quantum,
            hot_window=self.hot_window)

    def seconds(self, cycles: int) -> float:
        """Emulated time of `cycles` at the chip's clock."""
        return cycles / self.clock_hz


DEFAULT = TimingModel()
