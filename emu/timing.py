"""Timing parameters: every latency of the model, named, with its source.

The *class* of each instruction is in ``isa/spec.py``; its *cost* is here.  Changing the model
never touches the ISA or the semantics.  Sources are the tags of
``shared/spec/epiphany-arch.md`` §0 (MAN = Architecture Reference, BENCH = Parallella
measurements).  Every parameter is marked *documented* (the architecture reference, the eLink's
published protocol), *measured* (calibrated on a published Parallella measurement, named;
``python bench/timing_table.py`` reproduces each one, docs/timing.md explains the model) or
*assumed* (our estimate, said why); the scheduling parameters at the end are not the chip's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple

from isa.spec import TCLASSES


@dataclass(frozen=True)
class TimingModel:
    #: Issue cost per timing class, in cycles (documented: MAN §4 pipeline, one instruction
    #: per cycle).
    tclass_cost: Dict[str, int] = field(default_factory=lambda: {t: 1 for t in TCLASSES})
    #: Extra cycles of a taken branch, B, BL, JR, JALR, RTI (documented: MAN §4 table "taken
    #: branch: 3").
    branch_penalty: int = 3
    #: Only with the mesh model off (pipeline=False) or for a region given no timing of its
    #: own: a blocking load from external DRAM (measured: e-bandwidth-test, newlib memcpy of
    #: 8 KiB from DRAM in 1 119 132 cycles with 4-byte loads ≈ 546 cycles per load).
    dram_load_latency: int = 546
    #: ... a posted store to external DRAM (measured: e-bandwidth-test, newlib memcpy of 8 KiB
    #: to DRAM in 32 782 cycles ≈ 16 cycles per 4-byte store).
    dram_store_cost: int = 16
    #: Clock of the Parallella E16G301 (documented: Parallella fact sheet, 600 MHz): converts
    #: cycles to seconds for reports and for the guest's gettimeofday.
    clock_hz: int = 600_000_000

    # -- pipeline (MAN §4 "Pipeline", tables 7-10; fact sheet §5.1) --------------------------
    #: Model register dependencies, dual issue and fetch-line penalties.  Off: every
    #: instruction costs its class cost (plus branch penalty and memory stalls).
    pipeline: bool = True
    #: Result latency per producer class (documented: MAN §4 tables 8-9), as "issue-to-issue"
    #: cycles for a dependent IALU or load/store consumer: separation + 1.  IALU→IALU 0 (forwarding) → 1; LDR→IALU/STR/LDR
    #: 1 → 2; LDRB/LDRH→any 2 → 3; FPU/IALU2→IALU 3+ROUNDING → 5 (round-to-nearest).
    lat_ialu_consumer: Tuple[int, int, int, int] = (1, 5, 2, 3)   # (ialu, fpu, ldw, ldb)
    #: ... for an FPU/IALU2 consumer: IALU→FPU 1 → 2; FPU→FPU 3+ROUNDING → 5; LDR→FPU 2 → 3;
    #: LDRB/LDRH→any 2 → 3.  Simplification: the IALU→FPU separation is enforced against
    #: the immediately preceding instruction only, so an FPU consumer that pairs with an
    #: intervening instruction, or follows an IALU+FPU pair, may issue a cycle early (measured
    #: on our C fixtures: at most 1.6 %, mostly under 0.3 % of the cycles; tracking the IALU
    #: results of the last two issue cycles cost about 15 % of the timed loop's speed).
    lat_fpu_consumer: Tuple[int, int, int, int] = (2, 5, 3, 3)
    #: Dual issue (documented: MAN §4): IALU with FPU/IALU2, FPU/IALU2 with LOAD/STORE; nothing pairs with
    #: control instructions, two of the same group never pair.
    dual_issue: bool = True

    # -- mesh (MAN §3; docs/timing.md) -----------------------------------------------------
    # Each parameter is marked: documented (the architecture reference or the eLink's
    # published protocol), measured (calibrated on a published Parallella measurement,
    # named; tools/timing_calibration.py reproduces each one), or assumed (our estimate).
    #: Cycles per router hop, on every mesh (measured: fabigB/myParallella latency, a write
    #: answered by a write, grows by 1.45 cycles per unit of distance between the cores, i.e.
    #: 0.72 cycles per hop each way; MAN §3 says 1.5 "per hop" (for a round trip, our reading)).
    #: A multiple of 0.25: the mesh keeps time in quarter cycles.
    hop_cycles: float = 0.75
    #: A store's transaction leaves the core in E1, this long after the store issues
    #: (documented: MAN §4 table 7, E1 "register read for store instructions").
    store_depart_cycles: float = 1.0
    #: A load samples memory in E2, this long after it issues (documented: MAN §4 table 7, E2
    #: "load instruction data returned from memory"): a write that arrives at cycle A is seen
    #: by loads issued from A - 2 on.  With the E1 departure this makes a write to the
    #: neighbour visible to a load issued in the store's own cycle, and the fabigB round trips
    #: come out (14.5 to 21.7 cycles on the board).
    load_sample_cycles: float = 2.0
    #: The mesh interface of a node sends one write every so many cycles when the write ends
    #: at the first router (the east/west/north/south neighbour) (measured: e-bandwidth-test,
    #: DMA of 8 KiB to the east neighbour in 2 404 cycles = 1 950 MiB/s: 1 024 double words
    #: plus the ~90 cycles of the e-lib-style call around them; the architecture reference's
    #: "one transaction per cycle" is not reached).  Core stores and DMA share it.
    ni_write_cycles: float = 2.25
    #: ... and when it goes further, through other routers (measured: fabigB DMA of 4-12 KB to
    #: core F (6 hops) and core 3 (3 hops), the same 3.3 cycles per double word for both).
    #: Links themselves carry one transaction per cycle (documented: MAN §3, 8 bytes/cycle),
    #: which is why one competing stream on the same links costs nothing and three cost a
    #: quarter (fabigB).
    ni_write_far_cycles: float = 3.25
    #: A node serves one read request from the mesh per so many cycles: it reads its bank and
    #: sends the answer as a write (measured: e-bandwidth-test, DMA of 8 KiB from the east
    #: neighbour in 9 749 cycles = 481 MiB/s, one double word per 9.5 cycles).
    read_service_cycles: float = 9.25
    #: The rest of a remote read's round trip, beyond the hops and the service: the request
    #: leaving, the answer entering the register file (measured: e-bandwidth-test, newlib
    #: memcpy of 8 KiB from the east neighbour, one blocking word load per 19.8 cycles of the
    #: loop, 40 531 cycles).
    read_fixed_cycles: float = 5.0
    #: Cycles of writes the mesh interface holds before a core's store waits for it: none, a
    #: store waits in E1 until the interface takes it (measured: e-bandwidth-test, newlib
    #: memcpy of 8 KiB to the east neighbour in 9 299 cycles: its four back-to-back stores
    #: per 16 bytes wait for the interface's 2-cycle pace; with room for two writes the copy
    #: would take 7 738).
    mesh_write_buffer: int = 0

    # -- eLink and off-chip memory (docs/timing.md) -----------------------------------------
    #: Cycles per byte on the eLink wires (documented: 8 data lines at double data rate,
    #: "600 MB/s theoretical" off-chip for the Parallella's Epiphany-III at 600 MHz, spec
    #: epython.md SCIPY20).  A packet is 14 bytes for a 64-bit write or a read request, 10
    #: for a write of up to 32 bits, 8 for a 64-bit write that continues a burst (the next
    #: double word, queued right behind) (documented: parallella/oh elink protocol).
    elink_byte_cycles: int = 1
    #: Cycles every packet costs beyond its bytes (measured: e-bandwidth-test, DMA of 8 KiB
    #: to DRAM in 9 504 cycles, 9 cycles per double word in a burst: 8 bytes + 1).
    elink_packet_cycles: int = 1
    #: Cycles a packet that starts a new frame costs on top (measured: newlib memcpy of 8 KiB
    #: to DRAM in 32 782 cycles, 16 cycles per word store: 10 bytes + 1 + 5).
    elink_frame_cycles: int = 5
    #: Off-chip read: cycles from the request leaving the eLink until the answer starts back
    #: (the FPGA, the AXI bus, DDR) (measured: e-bandwidth-test, newlib memcpy of 8 KiB from
    #: DRAM in 1 119 132 cycles, one blocking word load per ~546 cycles).
    ext_read_cycles: int = 500
    #: The off-chip side answers one read per so many cycles (measured: e-bandwidth-test, DMA
    #: of 8 KiB from DRAM in 30 336 cycles, 29.6 cycles per double word).
    ext_read_interval: int = 29
    #: Cycles from a write leaving the eLink until it is visible in DRAM (assumed: the
    #: eLink's "<1 µs" latency, about half a read round trip).
    ext_write_latency: int = 270
    #: Cycles of writes that may queue ahead of a core before its posted write blocks it
    #: (assumed: a few transactions of buffering on the path to the eLink).
    ext_write_buffer: int = 32
    #: Scheduling (emu/_core.pyx chip_run), not the chip (assumed: chosen for how exactly
    #: cores that run out of step see each other's writes, and for the host's speed): slice
    #: length while cores
    #: communicate, and how long a remote access keeps slices fine.  A write becomes visible
    #: at its arrival to the cores that have not run past it; a core that runs before the
    #: writer in a slice may have run up to a slice ahead.  Right after a remote access
    #: (tight_window cycles) slices are tight_quantum long, so that a write answered by a
    #: write (the fabigB round trip, 15-22 cycles) is seen when it arrives.
    fine_quantum: int = 8
    hot_window: int = 2000
    tight_quantum: int = 1
    tight_window: int = 32

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
            hop_q=_q(self.hop_cycles), store_depart_q=_q(self.store_depart_cycles),
            load_sample_q=_q(self.load_sample_cycles), ni_near_q=_q(self.ni_write_cycles),
            ni_far_q=_q(self.ni_write_far_cycles), read_service_q=_q(self.read_service_cycles),
            read_fixed_q=_q(self.read_fixed_cycles), mesh_write_buffer=self.mesh_write_buffer,
            elink_byte_cycles=self.elink_byte_cycles,
            elink_packet_cycles=self.elink_packet_cycles,
            elink_frame_cycles=self.elink_frame_cycles, ext_read_cycles=self.ext_read_cycles,
            ext_read_interval=self.ext_read_interval, ext_write_latency=self.ext_write_latency,
            ext_write_buffer=self.ext_write_buffer, fine_quantum=self.fine_quantum,
            hot_window=self.hot_window, tight_quantum=self.tight_quantum,
            tight_window=self.tight_window)

    def seconds(self, cycles: int) -> float:
        """Emulated time of `cycles` at the chip's clock."""
        return cycles / self.clock_hz


def _q(cycles: float) -> int:
    """Cycles as the mesh's quarter-cycle ticks (the value must be a multiple of 0.25)."""
    q = cycles * 4
    if q != int(q) or q < 0:
        raise ValueError(f"mesh times are multiples of 0.25 cycles, not {cycles}")
    return int(q)


DEFAULT = TimingModel()
