#!/usr/bin/env python3
"""Host model of the multi-core fixture programs: expected stdout for every group geometry,
and the manifest of tests/fixtures/multicore.

Run by tools/build_multicore_fixtures.sh after it has built the ELFs:

    python3 tools/multicore_model.py --out tests/fixtures/multicore --programs ring:internal ...

Each model below recomputes, in plain Python, the numbers its C program computes and prints
(the program's header comment states the definitions), for one workgroup: rows x cols cores
at an origin on a chip.  Nothing here comes from running the Epiphany programs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import subprocess
from dataclasses import dataclass

M = 0xFFFFFFFF
FIXTURE_DIR = os.path.join("tests", "fixtures", "multicore")


def rotl(x: int, s: int) -> int:
    s &= 31
    x &= M
    return ((x << s) | (x >> (32 - s))) & M if s else x


# ------------------------------------------------------------------------------ geometry

@dataclass(frozen=True)
class Chip:
    rows: int
    cols: int
    first_row: int = 32
    first_col: int = 8
    chiptype: int = 0            # e-hal's e_chiptype_t: 0 E16G301, 1 E64G401

    def as_json(self):
        return {"rows": self.rows, "cols": self.cols, "first_row": self.first_row,
                "first_col": self.first_col, "chiptype": self.chiptype}


@dataclass(frozen=True)
class Group:
    chip: Chip
    row: int                     # origin, relative to the chip's first core
    col: int
    rows: int
    cols: int

    @property
    def n(self):
        return self.rows * self.cols

    def rc(self, k):
        return divmod(k, self.cols)

    def index(self, r, c):
        return r * self.cols + c

    def coreid(self, r, c):
        return ((self.chip.first_row + self.row + r) << 6) + self.chip.first_col + self.col + c

    def as_json(self):
        return {"row": self.row, "col": self.col, "rows": self.rows, "cols": self.cols}


E16 = Chip(4, 4, chiptype=0)
E64 = Chip(8, 8, chiptype=1)

#: run configurations: id -> workgroup (on a chip)
CONFIGS = {
    "1x1": Group(E16, 0, 0, 1, 1),
    "2x2": Group(E16, 0, 0, 2, 2),
    "4x4": Group(E16, 0, 0, 4, 4),
    "8x8": Group(E64, 0, 0, 8, 8),
    "2x4_at_1_0": Group(E16, 1, 0, 2, 4),
    # whole-chip groups of other sizes, for the WAND barrier (WAND ANDs every core of the chip)
    "chip1x1": Group(Chip(1, 1, chiptype=0), 0, 0, 1, 1),
    "chip2x2": Group(Chip(2, 2, chiptype=0), 0, 0, 2, 2),
}
STANDARD = ["1x1", "2x2", "4x4", "8x8", "2x4_at_1_0"]

# ------------------------------------------------------------------------------ models


def ring(g: Group):
    laps = 3
    n = g.n
    got = []
    for k in range(n):
        r, c = g.rc(k)
        west = (c - 1) % g.cols
        got.append(100 * (r + 1) + (west + 1))
    t = 0x12345678
    last, hops = [0] * n, [0] * n
    for h in range(laps * n):
        k = h % n
        t = (rotl(t, 5) + (got[k] ^ h)) & M
        last[k] = t
        hops[k] += 1
    out = [f"ring: {g.rows} x {g.cols} cores, {laps} laps"]
    for k in range(n):
        r, c = g.rc(k)
        out.append(f"core {k:2d} ({r},{c}) id 0x{g.coreid(r, c):03x}: from west {got[k]}, "
                   f"hops {hops[k]}, last token {last[k]:08x}")
    out.append(f"sum of received values {sum(got) & M}")
    out.append(f"final token {t:08x}")
    return out


def reduce(g: Group):
    chunk, parts = 256, 4
    n = g.n
    total = 0
    for i in range(n * chunk):
        total += ((i * i) & M) ^ i
    total &= M
    return [f"reduce: {n} cores x {parts} parts, values f(i) = (i*i)^i for i < {n * chunk}",
            f"total {total} (0x{total:08x}), additions {n * parts}",
            f"serial sum {total}: ok",
            "mutex word after the last unlock: 0"]


def postbox(g: Group):
    rounds = 12
    n = g.n

    def value(k, r):
        x = (((k + 1) * 0x9E3779B9) ^ ((r + 1) * 0x85EBCA6B)) & M
        x ^= x >> 15
        x = (x * 0x2C1B3C6D) & M
        x ^= x >> 12
        return x

    out = [f"postbox: {n} cores, {rounds} rounds, byte-wise 6-byte messages"]
    for k in range(n):
        cs = 0
        for r in range(rounds):
            for j in range(n):
                if j != k:
                    cs = rotl(cs, 3) ^ value(j, r)
        out.append(f"core {k:2d}: received {(n - 1) * rounds}, wrong 0, checksum {cs:08x}")
    out.append("wrong values in all: 0")
    return out


def phased(g: Group, phases: int):
    n = g.n
    x = [[((k + 1) * 0x9E3779B9) & M] for k in range(n)]
    for p in range(1, phases + 1):
        for k in range(n):
            a, b = (k + p) % n, (k + n - 1) % n
            x[k].append((((rotl(x[k][p - 1], p) ^ x[a][p - 1]) + x[b][p - 1] + p) & M))
    return [x[k][phases] for k in range(n)]


def barrier(g: Group):
    phases = 8
    xs = phased(g, phases)
    out = [f"barrier: {g.rows} x {g.cols} cores, {phases} phases"]
    out += [f"core {k:2d}: x {v:08x}" for k, v in enumerate(xs)]
    out.append(f"checksum {sum(xs) & M:08x}, ordering violations 0")
    return out


def wand(g: Group):
    phases = 4
    xs = phased(g, phases)
    out = [f"wand: {g.rows} x {g.cols} cores, {phases} phases"]
    out += [f"core {k:2d}: x {v:08x}" for k, v in enumerate(xs)]
    out.append(f"checksum {sum(xs) & M:08x}")
    return out


def fnv(words):
    cs = 0x811C9DC5
    for w in words:
        cs = ((cs ^ w) * 0x01000193) & M
    return cs


def le_words(bs):
    return list(struct.unpack(f"<{len(bs) // 4}I", bytes(bs)))


def dma(g: Group):
    n = g.n
    A = [[(((k + 1) << 20) + i * 0x01000193) & M for i in range(256)] for k in range(n)]
    T = [(i * 0x9E3779B1 + 0x7F4A7C15) & M for i in range(1024)]
    out = [f"dma: {g.rows} x {g.cols} cores",
           "core   B        C        D        E        F        H        G        P"]
    for k in range(n):
        r, c = g.rc(k)
        west = A[g.index(r, (c - 1) % g.cols)]
        south = A[g.index((r + 1) % g.rows, c)]
        B = west[:]
        o = (k * 37) % 768
        C = T[o:o + 256]
        r0, c0 = k % 24, (k * 5) % 20
        D = [T[(r0 + i) * 32 + c0 + j] for i in range(8) for j in range(12)]
        m = k % 4
        E = [south[i * 16 + 4 * m + j] if j < 4 else 0xEEEEEEEE
             for i in range(16) for j in range(8)]
        a = struct.pack("<256I", *A[k])
        F = [a[i + 2] if 1 <= i < 14 else 0xFF for i in range(32)]
        H = [a[i - 4] if 6 <= i < 16 else 0xFF for i in range(32)]
        o2 = (16 * k) % 1024
        G = T[o2:o2 + 16] + A[k][100:116]
        P = west[:32]
        sums = [fnv(B), fnv(C), fnv(D), fnv(E), fnv(le_words(F)), fnv(le_words(H)), fnv(G),
                fnv(P)]
        out.append(f"{k:2d}" + "".join(f" {s:08x}" for s in sums))
    out.append("mismatches 0")
    return out


def remote_read(g: Group):
    n = g.n
    R = [[((k + 1) << 24) ^ ((i * 0x00010203) & M) for i in range(64)] for k in range(n)]
    out = [f"remote_read: {g.rows} x {g.cols} cores"]
    for k in range(n):
        r, c = g.rc(k)
        s = R[g.index((r + 1) % g.rows, c)]
        far = R[(k + n // 2) % n]
        out.append(f"core {k:2d}: south {sum(s) & M:08x} far {sum(far) & M:08x} "
                   f"byte {(s[1] >> 8) & 0xFF:02x} half {s[1] >> 16:04x} "
                   f"dword {s[5]:08x}{s[4]:08x} ids {n} own 0x{g.coreid(r, c):03x}")
    return out


def timer_irq(g: Group):
    ticks = 5
    out = [f"timer_irq: {g.rows} x {g.cols} cores"]
    out += [f"core {k:2d}: timer0 interrupts {ticks}, counting down 1, woken by timer1 1, "
            f"ctimer1 0" for k in range(g.n)]
    out.append(f"interrupts in total {g.n * (ticks + 1)}")
    return out


def signal(g: Group):
    out = [f"signal: {g.rows} x {g.cols} cores"]
    out += [f"core {k:2d}: from the west neighbour 1, then from itself 2" for k in range(g.n)]
    return out


def deadlock(g: Group):
    return [f"deadlock: {g.n} cores, each waiting for a flag nobody sets"]


def deadlock_idle(g: Group):
    return [f"deadlock_idle: {g.n} cores, each sleeping until a signal nobody sends"]


def scripts_internal(g: Group):
    sizes = [100, 2000, 50, 5000]
    out = [f"scripts_internal: {g.n} cores, layout 0"]
    for k in range(g.n):
        hs = 0x8F800000 + k * 0x20000
        total = 100 * ((4 * k) & 0xFF) + sizes[2] * ((4 * k + 2) & 0xFF) \
            + sizes[3] * ((4 * k + 3) & 0xFF)
        out.append(f"core {k:2d}: heap 0x{hs:08x}-0x{hs + 0x20000:08x}, bytes {total}, "
                   f"in own heap yes")
    return out


def newlib_rand(seed, count):
    """newlib 3.3 rand(): 64-bit LCG in the reent structure, srand(seed) sets the state."""
    s, vals = seed, []
    for _ in range(count):
        s = (s * 6364136223846793005 + 1) & 0xFFFFFFFFFFFFFFFF
        vals.append((s >> 32) & 0x7FFFFFFF)
    return vals


def scripts_fast(g: Group):
    out = [f"scripts_fast: {g.n} cores, layout 1"]
    for k in range(g.n):
        r = newlib_rand(k + 1, 4)
        out.append(f"core {k:2d}: rand {r[0]} {r[1]} {r[2]} {r[3]}, "
                   f"{(k + 1) / 7.0:.4f} {(k + 1) * 12345.678:.3e}, heap ok")
    return out


def scripts_legacy(g: Group):
    v = sorted(((i * 7919) % 101) - 50 for i in range(20))
    acc = 0.0
    for x in v:
        acc += x / 7.0
    return [f"scripts_legacy: layout 2, {g.n} core(s), main at DRAM, stack at DRAM",
            "sorted: " + " ".join(str(x) for x in v),
            f"sum of v/7 = {acc:.9f}, heap in slot 0",
            "dma DRAM->SRAM: 64 words, 0 mismatches",
            "user interrupt taken 1 time(s)"]


# ------------------------------------------------------------------------------ manifest data

RUN_OK = {"expected_exit_code": 0, "expected_stop": "exit"}
RUN_DEADLOCK = {"expected_exit_code": 125, "accepted_exit_codes": [124, 125],
                "expected_stop": "deadlock"}

#: name -> (model, configurations, run kind, max_cycles, features, notes)
PROGRAMS = {
    "ring": (ring, STANDARD, RUN_OK, 20_000_000,
             ["remote stores", "global aliases (self too)", "token passing", "barrier"],
             "east-neighbour exchange, then a token around all cores in index order for 3 "
             "laps; data and its flag are stored to the same core, data first"),
    "reduce": (reduce, STANDARD, RUN_OK, 20_000_000,
               ["TESTSET mutex on a global address (core 0's SRAM, self-global for core 0)",
                "loads/stores to external DRAM (0x8F000000)", "barrier"],
               "4 locked additions per core into a DRAM counter; after each update the core "
               "reads the counter back until it sees its write, then unlocks"),
    "postbox": (postbox, STANDARD, RUN_OK, 100_000_000,
                ["byte stores through the mesh copied into another core's SRAM while it "
                 "copies them out byte by byte (ePython's postbox protocol)",
                 "remote byte loads", "uneven compute phases between rounds"],
                "a receiver that takes the sequence byte as new must also have taken the "
                "value bytes sent before it: the sender's byte stores land in order and "
                "spaced by its copy loop, never all at once"),
    "barrier": (barrier, STANDARD, RUN_OK, 20_000_000,
                ["eprt_barrier (remote writes, local spinning)", "remote loads"],
                "8 phases with uneven work; every core checks every other core's phase word "
                "after each barrier"),
    "dma": (dma, STANDARD, RUN_OK, 20_000_000,
            ["DMA 1D/2D, all element sizes", "DMA from external DRAM",
             "DMA with a global source (pull) and a global destination (push)",
             "chained descriptors (CHAINMODE + next pointer)", "MOVTS dmaXconfig, MOVFS "
             "dmaXstatus"],
            "descriptor layout and 2D walk of fact sheet §1.8; start = DMAxCONFIG "
            "(desc << 16) | STARTUP; completion = DMAxSTATUS & 0xF == 0"),
    "remote_read": (remote_read, STANDARD, RUN_OK, 20_000_000,
                    ["remote loads: ldrb, ldrh, ldr, ldrd", "COREID register of every core "
                     "through its global alias 0xF0704 (self included)"],
                    ""),
    "timer_irq": (timer_irq, STANDARD, RUN_OK, 20_000_000,
                  ["CTIMER0/1 counting clock cycles (CONFIG[7:4]/[11:8] = 1)",
                   "timer interrupts (IVT slots 3 and 4) with handlers attached at run time "
                   "by storing b.l into the IVT", "IDLE woken by an interrupt", "IMASK"],
                  "CTIMER must count down once per cycle of its core (also while it is in "
                  "IDLE), stop at 0 and latch ILAT[3]/ILAT[4] once"),
    "signal": (signal, STANDARD, RUN_OK, 20_000_000,
               ["ILATST written through another core's global alias (user interrupt, IVT "
                "slot 9)", "handler attached at run time"],
               ""),
    "wand": (wand, ["chip1x1", "chip2x2", "4x4", "8x8"], RUN_OK, 20_000_000,
             ["WAND instruction and WAND interrupt (IVT slot 8)"],
             "optional feature.  The group is always the whole chip (WAND ANDs every core). "
             "The emulator must raise ILAT[8] on every core once all have STATUS.WAND set, "
             "and clear STATUS.WAND on all of them at that moment (the handler also clears "
             "its own bit, harmless)"),
    "deadlock": (deadlock, ["1x1", "2x2", "4x4", "8x8"], RUN_DEADLOCK, 5_000_000,
                 ["deadlock detection / --max-cycles"],
                 "after its one line every core spins forever on a local flag nobody sets: "
                 "the run must stop with a deadlock report (exit 125) or at max_cycles "
                 "(exit 124), never hang or exit 0"),
    "deadlock_idle": (deadlock_idle, ["1x1", "2x2", "4x4", "8x8"], RUN_DEADLOCK, 5_000_000,
                      ["deadlock detection: every core in IDLE, nothing latched, no timer or "
                       "DMA active"],
                      "after its one line every core sleeps in IDLE waiting for a user "
                      "interrupt nobody raises and no core has exited: a deadlock, to be "
                      "reported with a non-zero exit (125; 124 if only --max-cycles catches "
                      "it), not as a normal end"),
    "scripts_internal": (scripts_internal, STANDARD, RUN_OK, 20_000_000,
                         ["internal.ld", "newlib siprintf/malloc/realloc/free/write on every "
                          "core", "per-core DRAM heap (run-time _sbrk)"],
                         ""),
    "scripts_fast": (scripts_fast, STANDARD, RUN_OK, 500_000_000,
                     ["fast.ld: newlib code in DRAM at 0x8E000000 (instruction fetch from "
                      "external memory), newlib data per core in SRAM",
                      "newlib printf/snprintf with floating point, rand, malloc on every "
                      "core"],
                     "rand() state and malloc bins are in each core's SRAM: the sequences "
                     "would collide if the cores shared them"),
    "scripts_legacy": (scripts_legacy, ["1x1"], RUN_OK, 500_000_000,
                       ["legacy.ld: code, data, bss and stack in DRAM at 0x8E000000 "
                        "(instruction fetch from external memory)",
                        "interrupt handler and DMA descriptor in SRAM (.eprt_sram*)",
                        "newlib printf with floating point, malloc, qsort"],
                       "single core only: the image's data and stack are one global copy in "
                       "DRAM"),
}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def gcc_version():
    try:
        r = subprocess.run(["epiphany-elf-gcc", "--version"], capture_output=True, text=True,
                           check=True)
        return r.stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError):
        return "epiphany-elf-gcc (unknown version)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=FIXTURE_DIR,
                    help="directory with the built ELFs; expected/ and manifest.json go there")
    ap.add_argument("--programs", nargs="+", required=True, metavar="NAME:SCRIPT",
                    help="the programs built, with their linker script (internal/fast/legacy)")
    args = ap.parse_args()

    exp_dir = os.path.join(args.out, "expected")
    os.makedirs(exp_dir, exist_ok=True)
    programs = []
    used_configs = set()
    for entry in args.programs:
        name, script = entry.split(":")
        model, configs, kind, max_cycles, features, notes = PROGRAMS[name]
        elf = f"{name}.elf"
        runs = []
        for cid in configs:
            g = CONFIGS[cid]
            used_configs.add(cid)
            text = "".join(line + "\n" for line in model(g))
            rel = f"expected/{name}.{cid}.stdout"
            with open(os.path.join(args.out, rel), "w") as f:
                f.write(text)
            run = {"config": cid, "cores": g.n, "expected_stdout": rel}
            run.update(kind)
            run["max_cycles"] = max_cycles
            runs.append(run)
        programs.append({
            "name": name,
            "source": f"{name}.c",
            "elf": elf,
            "sha256": sha256(os.path.join(args.out, elf)),
            "linker_script": f"firmware/ldscripts/{script}.ld",
            "features": features,
            "notes": notes,
            "runs": runs,
        })
    manifest = {
        "description": "Multi-core Epiphany programs built with the real toolchain against the "
                       "device run-time firmware/runtime (libeprt.a) and our linker scripts "
                       "firmware/ldscripts; expected stdout computed on the host by "
                       "tools/multicore_model.py.  Rebuild everything with "
                       "tools/build_multicore_fixtures.sh (--check verifies that the committed "
                       "files are reproduced byte for byte).  Paths are relative to this "
                       "manifest except linker_script (relative to the repository root).",
        "compiler": gcc_version(),
        "cflags": ["-O2", "-g", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                   "-ffp-contract=off", "-fdebug-prefix-map=...", "-I firmware/runtime",
                   "-T firmware/ldscripts/<script>.ld", "libeprt.a"],
        "ldflags": ["-Wl,--no-warn-rwx-segments", "-Wl,--fatal-warnings"],
        "how_to_run": [
            "Load the ELF into every core of the run's group (config.group: origin relative "
            "to the chip's first core, and size) on a chip of config.chip, the ESDK way "
            "(fact sheet §6.4): core-local segments (< 0x100000) into each core of the group, "
            "other segments once; write into each group core the 40-byte workgroup_cfg record "
            "at section workgroup_cfg (0x28): objtype 3, chiptype, group_id = coreid of the "
            "group's first core, group_row, group_col (absolute), group_rows, group_cols, "
            "core_row, core_col (relative), 0xDEADBEEF; ext_mem_cfg (0x50) = {5, 0x8E000000}; "
            "loader_cfg (0x58) = {1, 0, 0, 0}; start each core at vector 0 (SYNC) or at e_entry "
            "(= 0).  Cores outside the group stay idle.",
            "Only core (0,0) of the group writes to stdout (TRAP 0), so stdout must be compared "
            "without per-core line prefixes (epiphany-emu load --prefix never).",
            "expected_exit_code is the run's exit status: every core returns 0 from main; a "
            "program that detects a wrong result prints it and the compare fails.",
            "max_cycles is a generous limit for the run; an honest emulator finishes far below "
            "it (each core executes well under 1 million instructions of its own; code run "
            "from external DRAM -- scripts_fast, scripts_legacy -- is fetched over the eLink "
            "line by line, hundreds of cycles per line, while the other cores wait at a "
            "barrier).",
        ],
        "configurations": {cid: {"chip": CONFIGS[cid].chip.as_json(),
                                 "group": CONFIGS[cid].as_json(),
                                 "cores": CONFIGS[cid].n}
                           for cid in sorted(used_configs)},
        "programs": programs,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
