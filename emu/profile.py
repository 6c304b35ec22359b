"""The profiler: one document built from the chip's C counters after a run.

    chip.engine.enable_profiling()           # before the run: per-address and per-block data
    res = chip.run()
    prof = Profile.from_chip(chip, result=res, wall_seconds=dt)
    print("\\n".join(prof.text_summary()))
    prof.write_json("run.json")              # schema: docs/profile.md
    prof.heatmap("mesh.png")                 # needs matplotlib (pip install 'epiphany-emu[plot]')
    assert not prof.check()                  # the invariants (empty list = all hold)

Everything here is read-only arithmetic on what the engine exposes (``Engine.counters``,
``link_counters``, ``prof_entries``/``prof_ext_entries``, ``data_hist``/``data_hist_ext``);
the cycle counts are those of the timing model (emu/timing.py).  Without profiling (only
``--stats``) the per-core, link and eLink parts are complete and ``symbols``/``hot_data``
are empty.
"""
from __future__ import annotations

import bisect
import json
from typing import Dict, List, Optional, Tuple

from loader.symbols import symbolizer

SCHEMA = "epiphany-emu-profile/1"

#: scalar counters of Engine.counters(k), copied verbatim into each core entry and summed in
#: ``totals`` (by_tclass is not populated by the engine and is left out)
COUNTER_KEYS = (
    "instructions", "cycles", "stall_cycles", "idle_cycles", "branch_cycles",
    "dep_stall_cycles", "load_stall_cycles", "fetch_stall_cycles", "remote_stall_cycles",
    "ext_stall_cycles",
    "dual_issue",
    "loads_local", "stores_local", "loads_remote", "stores_remote", "ext_reads", "ext_writes",
    "bytes_loads_local", "bytes_stores_local", "bytes_loads_remote", "bytes_stores_remote",
    "bytes_ext_reads", "bytes_ext_writes",
    "dma_bytes", "traps", "interrupts", "unaligned",
    "dma_remote_reads", "dma_remote_writes", "dma_bytes_remote_read", "dma_bytes_remote_written",
    "dma_ext_reads", "dma_ext_writes", "dma_bytes_ext_read", "dma_bytes_ext_written",
    "dma_stall_cycles", "dma_bank_conflict_cycles",
    "fetch_remote", "fetch_ext",
)

#: stall causes of a core entry's ``stalls`` (cycles), in display order, and their source
STALL_KEYS = (
    ("dependency", "dep_stall_cycles"),       # RAW/WAW interlocks on FPU/IALU2 results etc.
    ("load", "load_stall_cycles"),            # waiting for a load's data (load-use)
    ("branch", "branch_cycles"),              # taken-branch penalty
    ("fetch", "fetch_stall_cycles"),          # fetch line penalty after a jump; code fetched
                                              # from another core or off-chip
    ("remote", "remote_stall_cycles"),        # remote reads (round trip) + blocked posted writes
    ("external", "ext_stall_cycles"),         # off-chip reads + eLink write buffer full
    ("bank_conflict", "bank_conflict_cycles"),  # fetch waiting behind a load/store, same bank
    ("idle", "idle_cycles"),                  # asleep in IDLE (or not started yet)
)

_STEP = {"N": (-1, 0), "E": (0, 1), "S": (1, 0), "W": (0, -1)}
#: data ranges kept in the JSON document (hottest first)
HOT_DATA_MAX = 64
#: symbols kept in the JSON document (by cycles); 0 = all
SYMBOLS_MAX = 0
UNKNOWN = "[unknown]"


def _hex(cid: int) -> str:
    return f"0x{cid:03x}"


class _DataSymbols:
    """Object symbols of an image, for naming data ranges by overlap."""

    def __init__(self, img):
        syms = []
        if img is not None:
            syms = sorted(((s.addr, s.addr + s.size, s.name) for s in img.symbols
                           if s.kind == "object" and s.size > 0 and s.name), key=lambda t: t[0])
        self.starts = [s[0] for s in syms]
        self.syms = syms
        self.maxend = []
        m = 0
        for _, e, _ in syms:
            m = max(m, e)
            self.maxend.append(m)
        self.sections = [] if img is None else sorted(
            (a, a + n, name) for name, (a, n) in img.sections.items() if n > 0)

    def overlapping(self, lo: int, hi: int) -> List[Tuple[int, int, str]]:
        """Symbols overlapping [lo, hi), by address."""
        out = []
        j = bisect.bisect_left(self.starts, hi) - 1
        while j >= 0 and self.maxend[j] > lo:
            s = self.syms[j]
            if s[1] > lo:
                out.append(s)
            j -= 1
        out.reverse()
        return out

    def primary(self, lo: int, hi: int) -> Optional[str]:
        best = None
        for a, e, name in self.overlapping(lo, hi):
            ov = min(e, hi) - max(a, lo)
            if best is None or ov > best[0]:
                best = (ov, name)
        return best[1] if best else None

    def sections_in(self, lo: int, hi: int) -> List[str]:
        return [name for a, e, name in self.sections if a < hi and lo < e]


class Profile:
    """A run's profile as a JSON-ready document (``self.doc``; schema in docs/profile.md)."""

    def __init__(self, doc: dict):
        self.doc = doc

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_chip(cls, chip, *, result=None, wall_seconds: Optional[float] = None,
                  image=None) -> "Profile":
        e = chip.engine
        cfg = chip.config
        img = image if image is not None else chip.image
        timing = cfg.timing
        ncores = chip.ncores
        loaded = set(getattr(chip, "loaded_cores", []) or [])
        raw = [e.counters(k) for k in range(ncores)]
        direct = [lat == 0 and cost == 0 for _, _, lat, cost in cfg.ext]
        mesh_on = bool(timing.pipeline)

        # per-address profile: SRAM code per owning core, external code per region
        sram_prof = [e.prof_entries(k) for k in range(ncores)]
        ext_prof = [e.prof_ext_entries(j) for j in range(len(cfg.ext))]
        n_prof = sum(int(p["n_exec"].sum()) for p in sram_prof + ext_prof)
        profiled = n_prof > 0

        # the run's length: the workgroup's latest core (others only slept, their clocks may
        # have run on to the end of the last time slice)
        elapsed = max((raw[k]["cycles"] for k in (loaded or range(ncores))), default=0)
        links, elink = cls._links(chip, e, elapsed)
        served = (cls._reads_served(chip, raw, links) if mesh_on and not any(direct)
                  else None)
        cores = []
        for k in range(ncores):
            n = raw[k]
            # cores outside the workgroup that only slept are left out (they count idle
            # cycles like any core that is not running)
            if k not in loaded and not n["instructions"] and n["cycles"] == n["idle_cycles"] \
                    and not any(n[key] for key in COUNTER_KEYS[COUNTER_KEYS.index("loads_local"):]) \
                    and not (served and served[k]):
                continue
            cid = chip.coreid(k)
            c = {"index": k, "coreid": cid, "core": _hex(cid), "row": cid >> 6, "col": cid & 63,
                 "loaded": k in loaded}
            if result is not None:
                cr = result.cores[k]
                c["state"] = cr.state
                c["exit_code"] = cr.exit_code
                c["pc"] = cr.pc
            for key in COUNTER_KEYS:
                c[key] = int(n[key])
            c["ipc"] = round(n["instructions"] / n["cycles"], 4) if n["cycles"] else 0.0
            stalls = {name: (int(n[src]) if src else 0) for name, src in STALL_KEYS}
            c["stalls"] = stalls
            c["issue_cycles"] = int(n["cycles"]) - sum(stalls.values())
            c["reads_served"] = served[k] if served is not None else None
            cores.append(c)

        totals = {key: sum(c[key] for c in cores) for key in COUNTER_KEYS}
        instructions = totals["instructions"]

        ext_regions = []
        for j, (base, size, lat, cost) in enumerate(cfg.ext):
            r = {"index": j, "base": base, "size": size, "direct": direct[j]}
            if profiled:
                _, h = e.data_hist_ext(j)
                r["reads"] = int(h[:, 0].sum())
                r["writes"] = int(h[:, 1].sum())
            ext_regions.append(r)
        elink["regions"] = ext_regions

        symbols = cls._symbols(chip, img, sram_prof, ext_prof, loaded, raw, result) \
            if profiled else []
        hot = cls._hot_data(chip, img, e, cfg) if profiled else []

        clock = timing.clock_hz
        doc = {
            "schema": SCHEMA,
            "elf": getattr(img, "path", None),
            # the name (a Stop member is an int, and JSON would write its number)
            "stop": None if getattr(result, "stop", None) is None else str(result.stop),
            "exit_code": getattr(result, "exit_code", None),
            "instructions": instructions,
            "cycles": elapsed,
            "seconds_emulated": elapsed / clock if clock else None,
            "wall_seconds": None if wall_seconds is None else round(wall_seconds, 6),
            "mips": (round(instructions / wall_seconds / 1e6, 3)
                     if wall_seconds else None),
            "profiled": profiled,
            "totals": totals,
            "cores": cores,
            "links": links,
            "elink": elink,
            "symbols": symbols,
            "hot_data": hot,
            "config": {
                "rows": cfg.rows, "cols": cfg.cols, "first_row": cfg.first_row,
                "first_col": cfg.first_col,
                "first_coreid": (cfg.first_row << 6) | cfg.first_col,
                "workgroup": [chip.coreid(k) for k in sorted(loaded)],
                "timing": "on" if timing.pipeline else "off",
                "mesh_modelled": mesh_on,
                "quantum": cfg.quantum, "clock_hz": clock, "sram_size": cfg.sram_size,
                "ext_regions": [{"base": b, "size": s, "direct": d}
                                for (b, s, _, _), d in zip(cfg.ext, direct)],
            },
            "notes": cls._notes(mesh_on, any(direct), symbols, loaded),
        }
        return cls(doc)

    @staticmethod
    def _notes(mesh_on, has_direct, symbols, loaded) -> List[str]:
        notes = ["bank conflicts model instruction fetch waiting behind a load/store to the "
                 "same 8 KB bank, and DMA (lowest priority) losing every other cycle of the "
                 "bank the core fetches from (MAN §4 priorities); incoming mesh traffic does "
                 "not contend for banks"]
        if not mesh_on:
            notes.append("timing off: the mesh and eLink are not modelled, links are empty")
        if has_direct:
            notes.append("the flat 0x80000000 memory is a simulator construct: its accesses "
                         "count as ext_reads/ext_writes but do not cross the eLink")
        if any(s.get("unattributed") for s in symbols):
            notes.append("code executed from external memory by several cores is profiled "
                         "per memory region, not per core: see symbols[].unattributed")
        return notes

    @staticmethod
    def _links(chip, e, elapsed):
        cfg = chip.config
        raw, el = e.link_counters()
        links = []
        for L in raw:
            k = L["core"]
            r, q = divmod(k, cfg.cols)
            dr, dq = _STEP[L["dir"]]
            r2, q2 = r + dr, q + dq
            to = None
            if 0 <= r2 < cfg.rows and 0 <= q2 < cfg.cols:
                to = ((cfg.first_row + r2) << 6) | (cfg.first_col + q2)
            links.append({
                "from": L["coreid"], "from_core": _hex(L["coreid"]),
                "to": to, "to_core": _hex(to) if to is not None else "off-chip",
                "dir": L["dir"], "mesh": L["mesh"], "bytes": int(L["bytes"]),
                "packets": int(L["packets"]), "busy_cycles": int(L["busy_cycles"]),
                "utilization": round(L["busy_cycles"] / elapsed, 6) if elapsed else 0.0,
            })
        links.sort(key=lambda x: (-x["busy_cycles"], x["from"], x["dir"], x["mesh"]))
        elink = {
            "bytes_written": int(el["tx_bytes"]), "writes": int(el["tx_writes"]),
            "write_busy_cycles": int(el["tx_busy_cycles"]),
            "bytes_read": int(el["rx_bytes"]), "reads": int(el["rx_reads"]),
            "read_busy_cycles": int(el["rx_busy_cycles"]),
            "write_utilization": round(el["tx_busy_cycles"] / elapsed, 6) if elapsed else 0.0,
            "read_utilization": round(el["rx_busy_cycles"] / elapsed, 6) if elapsed else 0.0,
        }
        return links, elink

    @staticmethod
    def _flows(chip, links, mesh):
        """Per core index: (bytes out over its links, bytes in from its neighbours) on a mesh."""
        cfg = chip.config
        out: Dict[int, int] = {}
        inn: Dict[int, int] = {}
        for L in links:
            if L["mesh"] != mesh:
                continue
            k = ((L["from"] >> 6) - cfg.first_row) * cfg.cols + ((L["from"] & 63) - cfg.first_col)
            out[k] = out.get(k, 0) + L["bytes"]
            if L["to"] is not None:
                t = ((L["to"] >> 6) - cfg.first_row) * cfg.cols + ((L["to"] & 63) - cfg.first_col)
                inn[t] = inn.get(t, 0) + L["bytes"]
        return out, inn

    @classmethod
    def _reads_served(cls, chip, raw, links) -> List[Optional[int]]:
        """Remote reads each core served, by flow conservation on the rMesh: every read
        request (8 bytes a hop) is injected by its reader and ejected by the core it reads;
        off-chip requests leave through the east edge.  served = requests sent - net outflow/8
        (None when the net outflow is not a whole number of requests)."""
        out, inn = cls._flows(chip, links, "r")
        res = []
        for k, n in enumerate(raw):
            net = out.get(k, 0) - inn.get(k, 0)
            sent = (n["loads_remote"] + n["ext_reads"] + n["dma_remote_reads"]
                    + n["dma_ext_reads"] + n["fetch_remote"] + n["fetch_ext"])
            res.append(sent - net // 8 if net % 8 == 0 else None)
        return res

    @staticmethod
    def _symbols(chip, img, sram_prof, ext_prof, loaded, raw, result) -> List[dict]:
        cache: Dict[int, Tuple[str, Optional[int], str, int]] = {}
        resolver = symbolizer(img)

        def sym_of(addr):
            s = cache.get(addr)
            if s is None:
                r = resolver.lookup(addr)
                if r is None:
                    s = (UNKNOWN, None, "", 0)
                else:
                    s = (r[0].name, r[0].addr, r[0].kind, r[0].size)
                cache[addr] = s
            return s

        table: Dict[Tuple[str, Optional[int]], dict] = {}

        def entry(s):
            key = (s[0], s[1])
            d = table.get(key)
            if d is None:
                d = table[key] = {"name": s[0], "addr": s[1], "kind": s[2], "size": s[3],
                                  "instructions": 0, "cycles": 0, "remote": 0, "ext": 0,
                                  "_cores": {}, "_un": [0, 0, 0, 0]}
            return d

        def add(d, cid, n, cyc, rem, ext):
            d["instructions"] += n
            d["cycles"] += cyc
            d["remote"] += rem
            d["ext"] += ext
            if cid is None:
                u = d["_un"]
            else:
                u = d["_cores"].setdefault(cid, [0, 0, 0, 0])
            u[0] += n
            u[1] += cyc
            u[2] += rem
            u[3] += ext

        for k, p in enumerate(sram_prof):
            cid = chip.coreid(k)
            for addr, n, cyc, rem, ext in p.tolist():
                add(entry(sym_of(addr)), cid, n, cyc, rem, ext)
        # code in external memory is profiled per region: it belongs to a core only when a
        # single core runs
        only = chip.coreid(next(iter(loaded))) if len(loaded) == 1 else None
        for p in ext_prof:
            for addr, n, cyc, rem, ext in p.tolist():
                add(entry(sym_of(addr)), only, n, cyc, rem, ext)
        # a run stopped by a fault: the core counted the faulting instruction, the C profile
        # did not (it is observed only once complete); attribute it to the faulting PC
        fault = getattr(result, "fault", None)
        if fault is not None:
            got_n = sum(int(p["n_exec"].sum()) for p in sram_prof + ext_prof)
            got_c = sum(int(p["cycles"].sum()) for p in sram_prof + ext_prof)
            want_n = sum(n["instructions"] for n in raw)
            want_c = sum(n["cycles"] - n["idle_cycles"] for n in raw)
            if want_n > got_n:
                d = entry(sym_of(fault.pc))
                add(d, fault.coreid, want_n - got_n, max(0, want_c - got_c), 0, 0)
                d["includes_fault"] = True

        out = []
        for d in table.values():
            d["cpi"] = round(d["cycles"] / d["instructions"], 4) if d["instructions"] else 0.0
            d["per_core"] = [{"coreid": cid, "core": _hex(cid), "instructions": v[0],
                              "cycles": v[1], "remote": v[2], "ext": v[3]}
                             for cid, v in sorted(d.pop("_cores").items())]
            u = d.pop("_un")
            d["unattributed"] = ({"instructions": u[0], "cycles": u[1], "remote": u[2],
                                  "ext": u[3]} if u[0] else None)
            out.append(d)
        out.sort(key=lambda d: (-d["cycles"], -d["instructions"], d["name"]))
        return out[:SYMBOLS_MAX] if SYMBOLS_MAX else out

    @staticmethod
    def _hot_data(chip, img, e, cfg) -> List[dict]:
        import numpy as np
        ds = _DataSymbols(img)
        ranges = []

        def scan(hist, sym_base, glob_base, what):
            tot = hist[:, 0].astype(np.uint64) + hist[:, 1]
            nz = np.nonzero(tot)[0]
            if not len(nz):
                return
            run = None
            for b in nz.tolist():
                lo = sym_base + 64 * b
                owner = ds.primary(lo, lo + 64)
                if run is not None and run["_end"] == b and run["_owner"] == owner:
                    run["_end"] = b + 1
                    run["reads"] += int(hist[b, 0])
                    run["writes"] += int(hist[b, 1])
                    continue
                if run is not None:
                    ranges.append(run)
                run = dict(what, _start=b, _end=b + 1, _owner=owner,
                           reads=int(hist[b, 0]), writes=int(hist[b, 1]))
                run["_sym_base"] = sym_base
                run["_glob_base"] = glob_base
            ranges.append(run)

        for k in range(chip.ncores):
            h = e.data_hist(k)
            cid = chip.coreid(k)
            scan(h, 0, cid << 20, {"memory": "sram", "coreid": cid, "core": _hex(cid)})
        for j in range(len(cfg.ext)):
            base, h = e.data_hist_ext(j)
            scan(h, base, base, {"memory": "ext", "region": j})

        ranges.sort(key=lambda r: -(r["reads"] + r["writes"]))
        ranges = ranges[:HOT_DATA_MAX]
        for r in ranges:
            lo = r["_sym_base"] + 64 * r.pop("_start")
            hi = r["_sym_base"] + 64 * r.pop("_end")
            r["addr"] = lo
            r["global_addr"] = r.pop("_glob_base") + (lo - r.pop("_sym_base"))
            r["size"] = hi - lo
            # symbols inside the range first (the likely hot ones), then those overlapping it
            ov = ds.overlapping(lo, hi)
            ov.sort(key=lambda x: (not (x[0] >= lo and x[1] <= hi), x[0]))
            r["symbols"] = [name for _, _, name in ov]
            r["sections"] = ds.sections_in(lo, hi)
            r.pop("_owner")
        return ranges

    # -- output -----------------------------------------------------------------------------
    def to_json(self, indent: Optional[int] = 1) -> str:
        return json.dumps(self.doc, indent=indent)

    def write_json(self, path) -> None:
        """To a path or an open text file."""
        if hasattr(path, "write"):
            path.write(self.to_json() + "\n")
            return
        with open(path, "w") as f:
            f.write(self.to_json())
            f.write("\n")

    def text_summary(self, top: int = 10) -> List[str]:
        return text_summary_lines(self.doc, top)

    def heatmap(self, path, metric: str = "cycles") -> None:
        """A PNG to a path or an open binary file."""
        write_heatmap(self.doc, path, metric)

    def check(self) -> List[str]:
        return check_invariants(self.doc)


# ---- text ----------------------------------------------------------------------------------

def _si(n: float) -> str:
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= 10 * div:
            return f"{n / div:.1f}{unit}"
    return f"{int(n)}"


def _pct(a, b) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def text_summary_lines(doc: dict, top: int = 10) -> List[str]:
    cfgd = doc["config"]
    cores = doc["cores"]
    active = [c for c in cores if c["instructions"] or c["loaded"]]
    lines = [f"epiphany-emu: profile of {doc.get('elf') or 'the run'}  ({cfgd['rows']}x"
             f"{cfgd['cols']} chip, {len(cfgd['workgroup'])} core(s) loaded, timing "
             f"{cfgd['timing']})"]
    t = doc["totals"]
    head = f"  {doc['instructions']} instructions, {doc['cycles']} cycles"
    if doc.get("seconds_emulated") is not None:
        head += f" ({doc['seconds_emulated'] * 1e6:.1f} us at {cfgd['clock_hz'] / 1e6:.0f} MHz)"
    if doc.get("wall_seconds") is not None:
        head += f", {doc['wall_seconds']:.3f} s wall"
        if doc.get("mips"):
            head += f", {doc['mips']:.2f} MIPS"
    lines.append(head)
    if doc.get("stop") is not None:
        lines.append(f"  stop: {doc['stop']}, exit code {doc['exit_code']}")

    lines.append("  core    instructions       cycles    IPC    stall cycles: dependency"
                 "      load    branch     fetch    remote  external      bank      idle")
    for c in active:
        s = c["stalls"]
        lines.append(f"  {c['core']} {c['instructions']:14d} {c['cycles']:12d} {c['ipc']:6.3f}"
                     f"                {s['dependency']:10d} {s['load']:9d} {s['branch']:9d} "
                     f"{s['fetch']:9d} {s['remote']:9d} {s['external']:9d} "
                     f"{s['bank_conflict']:9d} {s['idle']:9d}")
    if len(active) > 1:
        bank = sum(c["stalls"]["bank_conflict"] for c in active)
        lines.append(f"  total {t['instructions']:14d} {t['cycles']:12d}       "
                     f"                {t['dep_stall_cycles']:10d} {t['load_stall_cycles']:9d} "
                     f"{t['branch_cycles']:9d} "
                     f"{t['fetch_stall_cycles']:9d} {t['remote_stall_cycles']:9d} "
                     f"{t['ext_stall_cycles']:9d} {bank:9d} {t['idle_cycles']:9d}")
        lines.append("        (total cycles are core-cycles: the sum over the cores)")
    lines.append("  (load: waiting for a load's data; bank: instruction fetch behind a "
                 "load/store in the same bank)")

    lines.append("  core    loads: local  remote     ext   stores: local  remote     ext"
                 "   bytes read: remote    ext  written: remote    ext     dma  traps")
    for c in active:
        lines.append(
            f"  {c['core']} {c['loads_local']:13d} {c['loads_remote']:7d} {c['ext_reads']:7d}"
            f" {c['stores_local']:15d} {c['stores_remote']:7d} {c['ext_writes']:7d}"
            f" {_si(c['bytes_loads_remote']):>20s} {_si(c['bytes_ext_reads']):>6s}"
            f" {_si(c['bytes_stores_remote']):>16s} {_si(c['bytes_ext_writes']):>6s}"
            f" {_si(c['dma_bytes']):>7s} {c['traps']:6d}")

    dma = [c for c in active if c["dma_bytes"]]
    if dma:
        lines.append("  core    DMA bytes   read: remote     ext   written: remote     ext"
                     "   engine stall cycles (bank)")
        for c in dma:
            lines.append(
                f"  {c['core']} {_si(c['dma_bytes']):>12s} {_si(c['dma_bytes_remote_read']):>14s}"
                f" {_si(c['dma_bytes_ext_read']):>7s} {_si(c['dma_bytes_remote_written']):>17s}"
                f" {_si(c['dma_bytes_ext_written']):>7s} {c['dma_stall_cycles']:>20d}"
                f" ({c['dma_bank_conflict_cycles']})")

    el = doc["elink"]
    if cfgd["mesh_modelled"]:
        links = doc["links"]
        cm = sum(L["bytes"] for L in links if L["mesh"] == "c")
        rm = sum(L["bytes"] for L in links if L["mesh"] == "r")
        xm = sum(L["bytes"] for L in links if L["mesh"] == "x")
        lines.append(f"  mesh: {len(links)} link(s) used, cMesh {cm} bytes, rMesh {rm} bytes, "
                     f"xMesh {xm} bytes; "
                     f"eLink: {el['bytes_written']} bytes written ({el['writes']} writes, "
                     f"{_pct(el['write_busy_cycles'], doc['cycles']).strip()} busy), "
                     f"{el['bytes_read']} bytes read ({el['reads']} reads)")
        for L in links[:top]:
            lines.append(f"    {L['from_core']} -{L['dir']}-> {L['to_core']:8s} {L['mesh']}Mesh "
                         f"{L['bytes']:10d} bytes {L['packets']:8d} packets "
                         f"{L['busy_cycles']:10d} busy cycles ({_pct(L['busy_cycles'], doc['cycles']).strip()})")
    else:
        lines.append("  mesh/eLink: not modelled with --timing off")

    syms = doc["symbols"]
    if syms:
        tot_c = sum(s["cycles"] for s in syms)
        lines.append("  hottest functions        instructions       cycles   share    CPI  remote"
                     "     ext")
        for s in syms[:top]:
            name = s["name"] if len(s["name"]) <= 22 else s["name"][:21] + "~"
            lines.append(f"    {name:22s} {s['instructions']:12d} {s['cycles']:12d} "
                         f"{_pct(s['cycles'], tot_c)} {s['cpi']:6.2f} {s['remote']:7d} "
                         f"{s['ext']:7d}")
    hot = doc["hot_data"]
    if hot:
        # the same range of core-local memory on several cores (one program on a workgroup)
        # is one line
        agg: Dict[tuple, list] = {}
        for r in hot:
            key = (r["memory"], r.get("region"), r["addr"], r["size"])
            a = agg.setdefault(key, [0, 0, [], r])
            a[0] += r["reads"]
            a[1] += r["writes"]
            if r["memory"] == "sram":
                a[2].append(r["core"])
        rows = sorted(agg.values(), key=lambda a: -(a[0] + a[1]))
        lines.append("  hottest data (64-byte blocks)     size      reads     writes  symbols")
        for reads, writes, cs, r in rows[:top]:
            if r["memory"] == "sram":
                who = cs[0] if len(cs) == 1 else f"{len(cs)} cores"
                where = f"SRAM 0x{r['addr']:05x} ({who})"
            else:
                where = f"ext  0x{r['addr']:08x}"
            names = ", ".join(r["symbols"][:3]) + (" ..." if len(r["symbols"]) > 3 else "")
            if not names:
                names = f"({', '.join(r['sections'])})" if r["sections"] else "(no symbol)"
            lines.append(f"    {where:29s} {r['size']:6d} {reads:10d} {writes:10d}  {names}")
    elif not doc["profiled"]:
        lines.append("  (per-function and data profile: run with --profile)")
    return lines


# ---- invariants ----------------------------------------------------------------------------

def check_invariants(doc: dict) -> List[str]:
    """The profile's internal consistency; returns the violated invariants (empty: all hold).

    1. totals are the sums of the per-core counters; ``instructions`` is their sum and
       ``cycles`` the largest cycle count of the workgroup's cores (the run's length; cores
       outside the workgroup only slept, their clocks may have run to the end of the last
       time slice).
    2. every core's cycles split exactly into issue + stall causes (issue_cycles >= 0).
    3. with profiling: the symbols account for every executed instruction and every non-idle
       cycle, chip-wide and per core (per core when no code ran from shared external memory).
    4. with the mesh modelled: what left the chip's east edge on the cMesh is what the eLink
       wrote, on the rMesh 8 bytes per eLink read; with no flat (direct) region, those equal
       the off-chip writes/reads of the cores and their DMA engines; every core served a
       non-negative number of remote reads (rMesh flow conservation) and together they served
       exactly the remote reads the cores and DMA engines issued; a link carries at most 8
       bytes per busy cycle.
    """
    bad = []
    cores = doc["cores"]
    t = doc["totals"]
    for key in COUNTER_KEYS:
        s = sum(c[key] for c in cores)
        if s != t[key]:
            bad.append(f"totals.{key} {t[key]} != sum over cores {s}")
    if doc["instructions"] != t["instructions"]:
        bad.append("instructions != totals.instructions")
    group = set(doc["config"].get("workgroup") or [c["coreid"] for c in cores])
    mc = max((c["cycles"] for c in cores if c["coreid"] in group), default=0)
    if doc["cycles"] != mc:
        bad.append(f"cycles {doc['cycles']} != the largest workgroup core cycle count {mc}")
    for c in cores:
        if c["issue_cycles"] < 0 or c["issue_cycles"] + sum(c["stalls"].values()) != c["cycles"]:
            bad.append(f"core {c['core']}: stall causes {c['stalls']} exceed cycles {c['cycles']}")

    if doc["profiled"]:
        syms = doc["symbols"]
        si = sum(s["instructions"] for s in syms)
        sc = sum(s["cycles"] for s in syms)
        busy = t["cycles"] - t["idle_cycles"]
        if si != t["instructions"]:
            bad.append(f"symbols account for {si} instructions, cores executed "
                       f"{t['instructions']}")
        if sc != busy:
            bad.append(f"symbols account for {sc} cycles, cores were busy {busy}")
        shared = any(s["unattributed"] for s in syms)
        for c in cores:
            ci = cc = 0
            for s in syms:
                for pc in s["per_core"]:
                    if pc["coreid"] == c["coreid"]:
                        ci += pc["instructions"]
                        cc += pc["cycles"]
            want_c = c["cycles"] - c["idle_cycles"]
            if (ci, cc) != (c["instructions"], want_c) and not (
                    shared and ci <= c["instructions"] and cc <= want_c):
                bad.append(f"core {c['core']}: symbols account for {ci} instructions / {cc} "
                           f"cycles, the core has {c['instructions']} / {want_c}")

    if doc["config"]["mesh_modelled"]:
        links = doc["links"]
        el = doc["elink"]
        east_x = [L for L in links if L["to"] is None and L["mesh"] == "x"]
        east_r = [L for L in links if L["to"] is None and L["mesh"] == "r"]
        if any(L["to"] is None for L in links if L["mesh"] == "c"):
            bad.append("cMesh traffic leaves the chip (off-chip writes take the xMesh)")
        if any(L["dir"] != "E" for L in east_x + east_r):
            bad.append("traffic leaves the chip elsewhere than the east edge")
        if sum(L["bytes"] for L in east_x) != el["bytes_written"]:
            bad.append(f"east-edge xMesh bytes {sum(L['bytes'] for L in east_x)} != eLink "
                       f"bytes written {el['bytes_written']}")
        if sum(L["packets"] for L in east_x) != el["writes"]:
            bad.append("east-edge xMesh packets != eLink writes")
        if sum(L["bytes"] for L in east_r) != 8 * el["reads"] or \
                sum(L["packets"] for L in east_r) != el["reads"]:
            bad.append(f"east-edge rMesh traffic {sum(L['bytes'] for L in east_r)} bytes != "
                       f"8 x eLink reads {el['reads']}")
        direct = any(r["direct"] for r in doc["config"]["ext_regions"])
        # (instruction fetch from off-chip reads 8-byte lines)
        pairs = [("bytes_written", "bytes_ext_writes", "dma_bytes_ext_written", 0),
                 ("writes", "ext_writes", "dma_ext_writes", 0),
                 ("bytes_read", "bytes_ext_reads", "dma_bytes_ext_read", 8 * t["fetch_ext"]),
                 ("reads", "ext_reads", "dma_ext_reads", t["fetch_ext"])]
        for ek, ck, dk, fetched in pairs:
            want = t[ck] + t[dk] + fetched
            if (el[ek] != want) if not direct else (el[ek] > want):
                bad.append(f"eLink {ek} {el[ek]} vs cores' {ck} + {dk} {want}")
        for L in links:
            if L["bytes"] > 8 * L["busy_cycles"] or L["packets"] > L["busy_cycles"]:
                bad.append(f"link {L['from_core']}{L['dir']}{L['mesh']} carries more than "
                           f"8 bytes per busy cycle")
            if L["mesh"] == "r" and L["bytes"] != 8 * L["packets"]:
                bad.append(f"rMesh link {L['from_core']}{L['dir']}: requests are not 8 bytes")
        if not direct:
            served = [c.get("reads_served") for c in cores]
            if any(s is None or s < 0 for s in served):
                bad.append(f"rMesh flow conservation: reads served {served}")
            elif sum(served) != t["loads_remote"] + t["dma_remote_reads"] + t["fetch_remote"]:
                bad.append(f"cores served {sum(served)} remote reads, issued "
                           f"{t['loads_remote']} (+ {t['dma_remote_reads']} by DMA, "
                           f"{t['fetch_remote']} instruction fetches)")
    return bad


# ---- heatmap ---------------------------------------------------------------------------------

MATPLOTLIB_HINT = ("--heatmap needs matplotlib: pip install matplotlib "
                   "(or pip install 'epiphany-emu[plot]')")


def have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False


def write_heatmap(doc: dict, path: str, metric: str = "cycles") -> None:
    """A PNG of the mesh: one square per core coloured by `metric` (busy cycles =
    cycles - idle, or 'traffic' = remote + off-chip bytes), arrows per link whose width and
    colour show the bytes carried (cMesh and rMesh side by side), and the eLink on the east
    edge.  Raises ImportError without matplotlib."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import cm, colors

    cfgd = doc["config"]
    R, C = cfgd["rows"], cfgd["cols"]
    val = [[0.0] * C for _ in range(R)]
    label = "busy cycles (cycles - idle)" if metric == "cycles" else \
        "traffic bytes (remote + off-chip, loads + stores)"
    for c in doc["cores"]:
        r, q = c["row"] - cfgd["first_row"], c["col"] - cfgd["first_col"]
        if metric == "cycles":
            v = c["cycles"] - c["idle_cycles"]
        else:
            v = (c["bytes_loads_remote"] + c["bytes_stores_remote"] + c["bytes_ext_reads"]
                 + c["bytes_ext_writes"])
        val[r][q] = float(v)
    size = max(5.0, 1.1 * max(R, C) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    vmax = max(max(row) for row in val) or 1.0
    norm = colors.Normalize(0, vmax)
    cmap = plt.get_cmap("YlOrRd")
    loaded = set(cfgd["workgroup"])
    for r in range(R):
        for q in range(C):
            cid = ((cfgd["first_row"] + r) << 6) | (cfgd["first_col"] + q)
            ax.add_patch(plt.Rectangle((q - 0.25, r - 0.25), 0.5, 0.5,
                                       facecolor=cmap(norm(val[r][q])),
                                       edgecolor="black" if cid in loaded else "0.7",
                                       linewidth=1.5 if cid in loaded else 0.8))
            fs = 9 if max(R, C) <= 4 else 6
            tc = "white" if norm(val[r][q]) > 0.6 else "black"
            ax.text(q, r - 0.08, _hex(cid), ha="center", va="center", fontsize=fs, color=tc)
            ax.text(q, r + 0.12, _si(val[r][q]), ha="center", va="center", fontsize=fs - 1,
                    color=tc)
    links = doc["links"]
    lmax = max((L["bytes"] for L in links), default=0) or 1
    umax = max((L["utilization"] for L in links), default=0.0) or 1.0
    unorm = colors.Normalize(0, umax)
    lcmap = plt.get_cmap("viridis_r")
    for L in links:
        r, q = (L["from"] >> 6) - cfgd["first_row"], (L["from"] & 63) - cfgd["first_col"]
        dr, dq = _STEP[L["dir"]]
        # lanes per core pair: each direction on its own side, cMesh inside, then xMesh
        # (off-chip writes), rMesh out
        side = {"c": 0.05, "x": 0.095}.get(L["mesh"], 0.14) * (1 if L["dir"] in "EN" else -1)
        ox, oy = (0, -side) if dq else (side, 0)
        x0, y0 = q + 0.27 * dq + ox, r + 0.27 * dr + oy
        length = 0.46 if L["to"] is not None else 0.3
        w = 0.6 + 5.0 * L["bytes"] / lmax
        ax.annotate("", xy=(x0 + length * dq, y0 + length * dr), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", lw=w, color=lcmap(unorm(L["utilization"])),
                                    linestyle={"c": "-", "x": (0, (5, 1))}.get(
                                        L["mesh"], (0, (2, 1))),
                                    shrinkA=0, shrinkB=0, mutation_scale=8 + w))
    el = doc["elink"]
    if el["bytes_written"] or el["bytes_read"]:
        ax.text(C - 0.35, -0.7, f"eLink (east edge): written {_si(el['bytes_written'])} B, "
                f"read {_si(el['bytes_read'])} B", ha="right", fontsize=8)
    ax.set_xlim(-0.7, C - 0.3)
    ax.set_ylim(R - 0.3, -0.9)
    ax.set_aspect("equal")
    ax.set_xticks(range(C))
    ax.set_xticklabels([str(cfgd["first_col"] + q) for q in range(C)])
    ax.set_yticks(range(R))
    ax.set_yticklabels([str(cfgd["first_row"] + r) for r in range(R)])
    ax.set_xlabel("mesh column")
    ax.set_ylabel("mesh row")
    sm = cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, fraction=0.046, pad=0.04, label=label)
    if links:
        fig.colorbar(cm.ScalarMappable(norm=unorm, cmap=lcmap), ax=ax, fraction=0.04,
                     pad=0.08, orientation="horizontal",
                     label="link utilization (busy cycles / run cycles)")
    title = f"{doc.get('elf') or ''}  {doc['cycles']} cycles, timing {cfgd['timing']}"
    ax.set_title(title.strip() + "\narrows: width = bytes, colour = link utilization\n"
                 "solid: cMesh (writes, read replies); dashed: rMesh (read requests)",
                 fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
