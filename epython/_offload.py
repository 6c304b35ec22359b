"""``@offload`` for CPython 3: ePython kernels on the emulated Epiphany, called from ordinary
Python, in this process (spec §3; docs/offload.md).

    from epython import offload, define_on_device, copy_to_device, copy_from_device

    @offload
    def hits(darts):
        ...                                # ePython dialect (spec §2), on every core
        return n

    print(sum(hits(1000)))                 # one result per core, ordered by core id
    h = hits(1000, async_=True, target=[1, 2])   # a KernelExecutionHandler
    h.wait()                               # [result of core 1, result of core 2]

How a call travels: the kernels of the whole process, the ``define_on_device`` globals and our
device module ``coprocessor`` (epython/modules/coprocessor.py) are compiled into one ePython
program, loaded once on every core of an emulated chip that runs in a background thread.  Each
core runs ``offloadWorker()``, a task-farm worker whose master is this host, ePython's host
virtual core ``numcores()-1`` (16 with 16 cores).  A call is a message to each chosen core: a
word giving the number of arguments and which are lists, the kernel's bytecode address as a
function value, then the arguments; the result comes back as one message.  Messages cross
through ePython's host-vcore commands 5 (core sends to host) and 6 (core receives from host),
served by the monitor (``epython.monitor``) through :class:`_Bridge`.  A list argument is
either sent element by element, one message each (ePython's way), or in bulk: the core makes
the list and sends ``id()`` of it, and the host writes the elements straight into its cells;
a list result comes back the same way.

While every core waits for the host the chip is not run (emulated time stands still), so the
cycles a call costs do not depend on how fast the host is.
"""
from __future__ import annotations

import ast
import atexit
import collections
import functools
import inspect
import linecache
import os
import re
import sys
import textwrap
import threading
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .bytecode import TYPE_REF_FLAG, VType

__all__ = ["offload", "offload_single", "offload_multiple", "define_on_device",
           "copy_to_device", "copy_from_device", "KernelExecutionHandler", "waitAll",
           "wait_all", "testKernelCompletion", "waitForKernelCompletion", "configure",
           "shutdown", "profile", "profiling", "stats", "DeviceError", "DeviceStopped",
           "Coprocessor", "ALL_DEVICES", "EPIPHANY_DEVICE"]

#: ePython's device selectors (accepted; there is one device, the emulated Epiphany)
ALL_DEVICES = 0
EPIPHANY_DEVICE = 1
#: arguments a kernel call may carry (the worker's dispatch)
MAX_ARGS = 8
#: the word that starts a call: nargs + 16 * list-mask + ELEMENT_RESULT
_LIST_SHIFT = 4
_ELEMENT_RESULT = 4096
#: the transfer modes of list arguments and results
TRANSFERS = ("bulk", "element")
#: the device module holding the worker
_MODULE = "coprocessor"
#: code_placement "auto" puts the program on the cores when this much local heap is left
#: (interpreting it from DRAM makes kernels ~30x slower: 16 cores fetch over the eLink)
MIN_LOCAL_HEAP = 1024

_I32_MIN, _I32_MAX = -(1 << 31), (1 << 31) - 1
_OPTION_NAMES = ("async_", "async", "target", "auto", "all", "device")


# ---- errors ------------------------------------------------------------------------------------
class DeviceError(RuntimeError):
    """A kernel failed on the device: ``core`` (None when no one core is to blame) and
    ``message`` (ePython's run-time message, or why the chip stopped)."""

    def __init__(self, core: Optional[int], message: str):
        self.core = core
        self.message = message
        super().__init__(f"Error from core {core}: {message}" if core is not None else message)


class DeviceStopped(DeviceError):
    """The chip stopped (KeyboardInterrupt, shutdown(), a fault) before the kernel finished."""


# ---- values to and from the device -----------------------------------------------------------
def _f32_bits(x: float) -> int:
    return int(np.array([x], dtype="<f4").view("<u4")[0])


def _i32(bits: int) -> int:
    bits &= 0xFFFFFFFF
    return bits - (1 << 32) if bits & 0x80000000 else bits


def _f32(bits: int) -> float:
    return float(np.array([bits & 0xFFFFFFFF], dtype="<u4").view("<f4")[0])


class _Scalar:
    __slots__ = ("type", "bits")

    def __init__(self, type_: int, bits: int):
        self.type, self.bits = type_, bits


class _List:
    """A list argument: element type tag (VType.INT/REAL/BOOLEAN) and the cells as bytes."""
    __slots__ = ("tag", "data", "n")

    def __init__(self, tag: int, data: bytes):
        self.tag, self.data, self.n = tag, data, len(data) // 4


def _what(where: str) -> str:
    return f"{where}: " if where else ""


def encode(x, where: str = ""):
    """A host value as the device will receive it; TypeError (OverflowError for an int outside
    32 bits) for what the device cannot hold."""
    with np.errstate(over="ignore"):
        if x is None:
            return _Scalar(VType.NONE, 0)
        if isinstance(x, (bool, np.bool_)):
            return _Scalar(VType.BOOLEAN, int(bool(x)))
        if isinstance(x, (int, np.integer)):
            v = int(x)
            if not _I32_MIN <= v <= _I32_MAX:
                raise OverflowError(f"{_what(where)}{v} does not fit the device's 32-bit int")
            return _Scalar(VType.INT, v & 0xFFFFFFFF)
        if isinstance(x, (float, np.floating)):
            return _Scalar(VType.REAL, _f32_bits(float(x)))
        if isinstance(x, np.ndarray):
            if x.ndim != 1:
                raise TypeError(f"{_what(where)}a {x.ndim}-D numpy array cannot be sent: the "
                                "device takes 1-D arrays (flatten it)")
            if x.dtype == np.int32:
                return _List(VType.INT, x.astype("<i4", copy=False).tobytes())
            if x.dtype == np.float32:
                return _List(VType.REAL, x.astype("<f4", copy=False).tobytes())
            if x.dtype == np.bool_:
                return _List(VType.BOOLEAN, x.astype("<i4").tobytes())
            raise TypeError(f"{_what(where)}a numpy array of {x.dtype} cannot be sent: the "
                            "device has 32-bit ints and reals (use .astype(numpy.int32) or "
                            ".astype(numpy.float32))")
        if isinstance(x, (list, tuple)):
            kinds = set()
            for item in x:
                if isinstance(item, (bool, np.bool_)):
                    kinds.add("bool")
                elif isinstance(item, (int, np.integer)):
                    kinds.add("int")
                elif isinstance(item, (float, np.floating)):
                    kinds.add("float")
                else:
                    raise TypeError(f"{_what(where)}a list element of type "
                                    f"{type(item).__name__} cannot be sent: device lists hold "
                                    "numbers (int, float, bool)")
            if "float" in kinds:
                return _List(VType.REAL, np.array(x, dtype="<f8").astype("<f4").tobytes())
            if kinds == {"bool"}:
                return _List(VType.BOOLEAN, np.array(x, dtype="<i4").tobytes())
            a = np.array([int(v) for v in x], dtype=object)
            if len(a) and (min(a) < _I32_MIN or max(a) > _I32_MAX):
                raise OverflowError(f"{_what(where)}a list element does not fit the device's "
                                    "32-bit int")
            return _List(VType.INT, np.array(x, dtype="<i8").astype("<i4").tobytes())
        raise TypeError(f"{_what(where)}{type(x).__name__} cannot be sent to the device: "
                        "it takes int, float, bool, None, a list of numbers or a 1-D numpy "
                        "array of int32 or float32")


def _scalar_value(t: int, bits: int):
    if t & TYPE_REF_FLAG:
        return bits & 0xFFFFFFFF                    # id(x): an address
    if t == VType.INT or t == VType.FN_ADDR:
        return _i32(bits)
    if t == VType.REAL:
        return _f32(bits)
    if t == VType.BOOLEAN:
        return _i32(bits) > 0
    return None                                     # NONE


def _cells_value(tag: int, raw: bytes) -> list:
    if tag == VType.REAL:
        return np.frombuffer(raw, dtype="<f4").tolist()
    if tag == VType.BOOLEAN:
        return (np.frombuffer(raw, dtype="<i4") > 0).tolist()
    if tag == VType.NONE:
        return [None] * (len(raw) // 4)
    return np.frombuffer(raw, dtype="<i4").tolist()


# ---- kernels: source to device code -----------------------------------------------------------
class Kernel:
    """An @offload function as device code: its name, where it comes from, its lines
    (``epython.compiler.preprocess.SourceLine``) and the imports hoisted out of it."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        try:
            self.signature = inspect.signature(func)
        except (TypeError, ValueError):
            self.signature = None
        self.filename, self.lines, self.imports = _kernel_source(func)

    def bind(self, args, kwargs) -> list:
        """The call's arguments in order (defaults filled in by CPython); TypeError as CPython
        would raise it for a wrong call."""
        if self.signature is None:
            if kwargs:
                raise TypeError(f"{self.name}() takes no keyword arguments")
            return list(args)
        b = self.signature.bind(*args, **kwargs)
        b.apply_defaults()
        out = []
        for name, p in self.signature.parameters.items():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"kernel {self.name}: *args/**kwargs do not exist on the device")
            out.append(b.arguments[name])
        return out


def _kernel_source(func) -> Tuple[str, list, list]:
    """(file, device lines, hoisted import lines) of an @offload function, from its source
    (``inspect``): decorators replaced by ``@exportable``, a docstring blanked, comment lines
    emptied and import lines moved to the program's top, every line keeping its number in the
    Python file (so compile messages point there)."""
    from .compiler.preprocess import SourceLine, import_module_name
    try:
        raw, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or inspect.getfile(func)
    except (OSError, TypeError):
        raise TypeError(f"@offload: the source of {func.__qualname__} cannot be found (a kernel "
                        "must be defined in a file, not typed at the prompt or built by exec)")\
            from None
    text = textwrap.dedent("".join(raw))
    lines = text.splitlines()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        raise TypeError(f"@offload: the source of {func.__qualname__} cannot be parsed") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        raise TypeError(f"@offload applies to a plain function (def), not {func.__qualname__}")
    def_at = node.lineno                                # 1-based in `lines`
    out = [SourceLine("@exportable", filename, first + def_at - 1)]
    blank = set(range(1, def_at))                       # the decorators
    doc = node.body[0]
    pass_at = None
    if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and \
            isinstance(doc.value.value, str):
        blank.update(range(doc.lineno, doc.end_lineno + 1))
        if len(node.body) == 1:
            pass_at = doc.lineno
    imports = []
    for i, line in enumerate(lines[:node.end_lineno], 1):
        if i < def_at:
            continue
        number = first + i - 1
        if i == pass_at:
            line = line[:len(line) - len(line.lstrip())] + "pass"
        elif i in blank or line.lstrip().startswith("#"):
            line = ""
        elif i > def_at and import_module_name(line) is not None:
            imports.append(SourceLine(line.strip(), filename, number))
            line = ""
        out.append(SourceLine(line, filename, number))
    return filename, out, imports


def _literal(value) -> Optional[str]:
    """A device global's initial value as ePython source (None: it is copied in after start)."""
    if value is None:
        return "none"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        encode(value)
        return str(int(value))
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        return repr(float(value))
    return None


class DeviceGlobal:
    """A ``define_on_device`` name: its initial value (encoded when defined), where defined."""

    def __init__(self, name: str, value, filename: str, line: int):
        self.name, self.value, self.filename, self.line = name, value, filename, line
        self.initial = None if _literal(value) is not None else encode(value, f"global {name}")


# ---- the program -----------------------------------------------------------------------------
def _search_path(files: Sequence[str]) -> List[str]:
    from .compiler.preprocess import default_search_path
    out: List[str] = []
    for f in files:
        for d in default_search_path(os.path.dirname(f) if f and not f.startswith("<") else ""):
            if d not in out:
                out.append(d)
    return out or default_search_path("")


def _module_functions(names=("coprocessor", "parallel", "array")) -> set:
    from .compiler.preprocess import BUNDLED_MODULES
    found = set()
    for n in names:
        with open(os.path.join(BUNDLED_MODULES, n + ".py")) as f:
            found.update(m.lower() for m in re.findall(r"^def (\w+)\(", f.read(), re.M))
    return found


def build_program(kernels: Sequence[Kernel], globals_: Sequence[DeviceGlobal]):
    """The device program: our ``coprocessor`` module (and what it imports), the imports hoisted
    out of the kernels, the device globals, the worker's start, an accessor pair per global
    (``_ACCESSORS``) and the kernels, all ``@exportable``.  Raises CompileError."""
    from .compiler.lexer import Lexer
    from .compiler.linker import link
    from .compiler.parser import Parser
    from .compiler.preprocess import BUNDLED_MODULES, SourceLine, _Splicer, read_source
    sp = _Splicer(_search_path([k.filename for k in kernels]))
    mod = os.path.join(BUNDLED_MODULES, _MODULE + ".py")
    sp.seen.add(os.path.realpath(mod))
    sp.splice(mod, read_source(mod))
    seen_imports = set()
    for k in kernels:
        for imp in k.imports:
            if imp.text not in seen_imports:
                seen_imports.add(imp.text)
                sp.splice(imp.filename, "\n" * (imp.line - 1) + imp.text + "\n")
    lines = list(sp.lines)
    gen = "<offload>"
    for g in globals_:
        lines.append(SourceLine(f"{g.name}={_literal(g.value) or 'none'}", g.filename, g.line))
    lines.append(SourceLine("offloadWorker()", gen, 1))
    for g in globals_:
        x = g.name
        lines += [SourceLine(text, gen, 1) for text in _ACCESSORS.format(x=x).splitlines()]
    for k in kernels:
        lines += k.lines
    return link(Parser(Lexer(lines)).parse())


#: per device global x: set it (_cpSet_x), read it (_cpGet_x), and make it a list of _n cells
#: tagged like _z -- the one it holds when the size fits, so a copy updates it in place as
#: ePython's copyToGlobal does -- whose id() goes to the host to fill (_cpPut_x)
_ACCESSORS = """@exportable
def _cpSet_{x}(_v):
    {x}=_v
@exportable
def _cpGet_{x}():
    return {x}
@exportable
def _cpPut_{x}(_n, _z):
    if native rtl_numdims({x}) != 1:
        {x}=[_z]*_n
    elif size({x}) != _n:
        {x}=[_z]*_n
    elif _n > 0:
        {x}[0]=_z
    native rtl_send(id({x}), numcores()-1)
"""


def _is_name_error(err) -> bool:
    """Compile errors that a kernel or global defined later may cure."""
    m = str(err)
    return m.startswith(("Can not find variable or function", "Can not find function",
                         "Can not find variable name"))


# ---- the chip side: one emulated chip running the workers ---------------------------------------
class _Stream:
    """sys.stdout / sys.stderr as they are when written to (so redirection works)."""

    def __init__(self, name: str):
        self.name = name

    def write(self, s: str):
        getattr(sys, self.name).write(s)

    def flush(self):
        getattr(sys, self.name).flush()


class _Null:
    def write(self, s):
        pass

    def flush(self):
        pass


class _Instance:
    """One kernel call on one core."""
    __slots__ = ("handle", "core", "value", "error", "done", "start_cycle", "end_cycle",
                 "elements", "expect", "collected")

    def __init__(self, handle, core: int, now: int, elements: bool):
        self.handle, self.core = handle, core
        self.value = None
        self.error: Optional[BaseException] = None
        self.done = False
        self.start_cycle, self.end_cycle = now, None
        self.elements = elements           #: the result comes back element by element
        self.expect = None                 #: element-wise result: what the next message is
        self.collected = False             #: returned by wait_any


class _Launch:
    """A call waiting for cores: ``cores`` (a list, in order) or ``count`` any cores."""
    __slots__ = ("handle", "addr", "args", "cores", "count", "elements", "bulk", "fill")

    def __init__(self, handle, addr, args, cores, count, bulk, elements, fill=None):
        self.handle, self.addr, self.args = handle, addr, args
        self.cores, self.count = cores, count
        self.bulk, self.elements = bulk, elements
        self.fill = fill                   #: a _List the called function asks to fill

    def wants(self, core: int) -> bool:
        return core in self.cores if self.cores is not None else self.count > 0

    def take(self, core: int) -> None:
        if self.cores is not None:
            self.cores.remove(core)
        else:
            self.count -= 1

    @property
    def remaining(self) -> int:
        return len(self.cores) if self.cores is not None else self.count

    @property
    def started(self) -> bool:
        return self.remaining == 0


class _Bridge:
    """Host virtual core ``ncores`` for the monitor (``epython.monitor.HostVcores``): what
    the workers receive (commands 6) is queued per core by the session; what they send
    (command 5) are array addresses to fill and results."""

    count = 1

    def __init__(self, session: "Session"):
        self.s = session

    def send(self, core, pid, t, v):
        return self.s._from_core(core, t, v)

    def recv(self, core, pid):
        return self.s._to_core(core)

    def sendrecv(self, core, pid, t, v):
        return None                        # kernels do not message the host themselves

    def sync(self, core):
        return True

    def idle(self, cores):
        self.s._idle(cores)

    def finished(self, core, outcome):
        self.s._finished(core, outcome)


class Session:
    """The chip, the monitor and the worker program of one run of the coprocessor."""

    def __init__(self, program, names: Dict[str, int], *, cores: int, seed: int,
                 timing: bool, code_placement: str, profile: bool, firmware: Optional[str]):
        from dataclasses import replace

        from emu.chip import Chip, ChipConfig
        from emu.timing import DEFAULT as DEFAULT_TIMING

        from . import layout as L
        from .monitor import Monitor
        if code_placement == "auto":
            a = L.core_area(0, 0, program.nsymbols, len(program.code), True)
            code_placement = "core" if L.LOCAL_CORE_MEMORY_MAP_TOP - a.heap_start >= \
                MIN_LOCAL_HEAP else "shared"
        self.program = program
        self.names = names                          #: lower-case function name -> address
        self.ncores = cores
        tm = DEFAULT_TIMING if timing else replace(DEFAULT_TIMING, pipeline=False)
        self.chip = Chip(ChipConfig(timing=tm), _hostio())
        self.engine = self.chip.engine
        self.cv = threading.Condition()
        self.out = [collections.deque() for _ in range(cores)]    #: messages to each core
        self.fills = [collections.deque() for _ in range(cores)]  #: bulk lists to write
        self.busy: List[Optional[_Instance]] = [None] * cores
        self.asking = [False] * cores              #: the core waits for a message from us
        self.dead_cores: Dict[int, str] = {}
        self.queue: List[_Launch] = []
        self.dead: Optional[str] = None             #: why the session ended
        self.broken = False                         #: a core died: restart before the next call
        self.in_idle = False
        self.ready = threading.Event()
        self.monitor = Monitor(self.chip, program, list(range(cores)), firmware,
                               stdout=_Stream("stdout"), stderr=_Stream("stderr"), seed=seed,
                               code_placement=code_placement, warn=_Null(),
                               host_vcores=_Bridge(self), poll_cycles=1 << 20)
        self.monitor.load()
        self.profiling = False
        if profile:
            self.enable_profiling()
        self.thread = threading.Thread(target=self._body, name="epython offload chip",
                                       daemon=True)
        self.thread.start()
        self.ready.wait()
        if self.dead is not None:
            raise DeviceStopped(None, f"the chip did not start: {self.dead}")

    # -- the chip's thread ------------------------------------------------------------------
    def _body(self):
        reason = "the chip stopped"
        try:
            r = self.monitor.run()
            reason = "the chip was stopped" if r.stop == "interrupted" else \
                f"the chip stopped: {r.message or r.stop}"
        except BaseException as e:            # noqa: BLE001 -- handed to every waiter
            reason = f"the chip stopped: {type(e).__name__}: {e}"
        finally:
            with self.cv:
                if self.dead is None:
                    self.dead = reason
                self._fail_all(DeviceStopped(None, self.dead))
                self.ready.set()
                self.cv.notify_all()

    def _fail_all(self, err):
        for k, inst in enumerate(self.busy):
            if inst is not None:
                self._complete(inst, error=err)
                self.busy[k] = None
        for launch in self.queue:
            launch.handle._unstarted_failed(err, launch.remaining)
        self.queue.clear()

    # called by the monitor (through _Bridge) in the chip's thread, the chip stopped ------------
    def _to_core(self, core: int):
        with self.cv:
            q = self.out[core]
            if q:
                self.asking[core] = False
                return q.popleft()
            self.asking[core] = True
            return None

    def _idle(self, cores):
        with self.cv:
            self.ready.set()
            self.in_idle = True
            self.cv.notify_all()
            try:
                while not any(self.out[c] for c in cores) and self.dead is None and \
                        not self.monitor._stop_asked:
                    self.cv.wait()
            finally:
                self.in_idle = False

    def _from_core(self, core: int, t: int, v: int) -> bool:
        with self.cv:
            inst = self.busy[core]
            if inst is None:
                # a kernel sent to the host itself: there is nobody to take it
                self._die_core(core, f"a message to the host (virtual core {self.ncores}) "
                                     "outside a call")
                return True
            if self.fills[core]:
                if not (t & TYPE_REF_FLAG and (t >> 5) & 1):
                    self._protocol(core, inst, "the core did not ask for a list")
                    return True
                tag, data = self.fills[core].popleft()
                self._write_cells(core, v, data)
                return True
            if inst.elements:
                return self._element_result(core, inst, t, v)
            if t & TYPE_REF_FLAG and (t >> 5) & 1:
                if t & 0x1F == VType.STRING:
                    self._result(core, inst, None, DeviceError(
                        core, f"{inst.handle.kernel} returned a list of strings: only numbers "
                        "come back to the host"))
                    return True
                value = self._read_cells(core, v, t & 0x1F)
            else:
                value = _scalar_value(t, v)
            self._result(core, inst, value)
            return True

    def _element_result(self, core, inst, t, v) -> bool:
        e = inst.expect
        if e is None:                        # the header: -1 scalar, n >= 0 elements
            n = _i32(v)
            if n < 0:
                inst.expect = "scalar"
            elif n == 0:
                self._result(core, inst, [])
            else:
                inst.expect = (n, [])
            return True
        if e == "scalar":
            self._result(core, inst, _scalar_value(t, v))
            return True
        n, got = e
        got.append(_scalar_value(t, v))
        if len(got) == n:
            self._result(core, inst, got)
        return True

    def _result(self, core, inst, value, error=None):
        self.busy[core] = None
        self._complete(inst, value=value, error=error)
        self._dispatch()
        self.cv.notify_all()

    def _complete(self, inst, value=None, error=None):
        inst.value, inst.error = value, error
        inst.end_cycle = int(self.engine.now)
        inst.done = True
        inst.handle._note_done(inst)

    def _protocol(self, core, inst, why):
        self._die_core(core, f"offload protocol: {why}")

    def _die_core(self, core, message):
        self.dead_cores[core] = message
        self.broken = True
        inst = self.busy[core]
        if inst is not None:
            self.busy[core] = None
            self._complete(inst, error=DeviceError(core, message))
        self._dispatch()
        self.cv.notify_all()

    def _finished(self, core, outcome):
        with self.cv:
            msg = outcome.errors[-1] if outcome.errors else "the worker ended"
            self._die_core(core, msg)

    def _cells(self, core, addr):
        """(address of the cells, number of cells) of the list at ``addr``."""
        e = self.engine
        hdr = int.from_bytes(e.mem_read(addr, 4, core), "little")
        nd = hdr & 15
        ext = np.frombuffer(e.mem_read(addr + 4, 4 * nd, core), dtype="<u4") if nd else []
        n = 1
        for x in ext:
            n *= int(x)
        return addr + 4 * (1 + nd), n if nd else 0

    def _read_cells(self, core, addr, tag):
        at, n = self._cells(core, addr)
        return _cells_value(tag, self.engine.mem_read(at, 4 * n, core) if n else b"")

    def _write_cells(self, core, addr, data: bytes):
        at, n = self._cells(core, addr)
        if n * 4 != len(data):
            self._die_core(core, "offload protocol: the list made has the wrong size")
            return
        if data:
            self.engine.mem_write(at, data, core)

    # -- scheduling (under self.cv) --------------------------------------------------------------
    def _dispatch(self):
        """Start queued calls on idle cores: each idle core takes the oldest call that wants
        it (calls for given cores queue per core in submission order; auto calls take any)."""
        if self.dead is not None:
            return
        for launch in self.queue:             # parts that can never start
            if launch.cores is not None:
                for c in [c for c in launch.cores if c in self.dead_cores]:
                    launch.take(c)
                    launch.handle._unstarted_failed(DeviceError(c, self.dead_cores[c]), 1)
        for c in range(self.ncores):
            if self.busy[c] is not None or c in self.dead_cores:
                continue
            for launch in self.queue:
                if launch.wants(c):
                    launch.take(c)
                    self._start(launch, c)
                    break
        self.queue = [q for q in self.queue if not q.started]

    def _start(self, launch: _Launch, core: int):
        inst = _Instance(launch.handle, core, int(self.engine.now), launch.elements)
        launch.handle._note_started(inst)
        self.busy[core] = inst
        mask = 0
        msgs = [None, (VType.FN_ADDR, launch.addr)]
        for i, a in enumerate(launch.args):
            if isinstance(a, _Scalar):
                msgs.append((a.type, a.bits))
                continue
            mask |= 1 << i
            if launch.bulk:
                msgs.append((VType.INT, (-(4 * a.n + a.tag) - 1) & 0xFFFFFFFF))
                self.fills[core].append((a.tag, a.data))
            else:
                msgs.append((VType.INT, a.n))
                msgs.extend((a.tag, int(w)) for w in np.frombuffer(a.data, dtype="<u4"))
        if launch.fill is not None:
            self.fills[core].append((launch.fill.tag, launch.fill.data))
        w = len(launch.args) | (mask << _LIST_SHIFT) | (_ELEMENT_RESULT if launch.elements
                                                        else 0)
        msgs[0] = (VType.INT, w)
        self.out[core].extend(msgs)
        if self.asking[core] and not self.in_idle:
            self.monitor.wake()

    def submit(self, launch: _Launch):
        with self.cv:
            if self.dead is not None:
                raise DeviceStopped(None, self.dead)
            self.queue.append(launch)
            self._dispatch()
            self.cv.notify_all()

    # -- the host's side --------------------------------------------------------------------
    def outstanding(self) -> int:
        with self.cv:
            return sum(1 for b in self.busy if b is not None) + len(self.queue)

    def settled(self) -> bool:
        """Under the lock: the chip is parked waiting for us, or has other work, or ended.
        Waiting for this before a blocking call returns makes a sequence of blocking calls
        take the same emulated cycles every time (the next call finds the chip parked)."""
        return self.in_idle or self.dead is not None or bool(self.queue) or \
            any(b is not None for b in self.busy)

    def drain(self):
        """Wait until no call is queued or running (KeyboardInterrupt stops the chip)."""
        self.wait_until(lambda: not self.queue and all(b is None for b in self.busy))

    def quiesce(self):
        """drain(), then wait until the chip is parked in idle (its state is consistent)."""
        self.drain()
        self.wait_until(lambda: self.in_idle or self.dead is not None)

    def wait_until(self, cond):
        try:
            with self.cv:
                while not cond():
                    if self.dead is not None:
                        return
                    self.cv.wait(0.25)
        except KeyboardInterrupt:
            self.stop("KeyboardInterrupt: the chip was stopped")
            raise

    def stop(self, why: str = "the chip was stopped", timeout: float = 30.0):
        """Stop the chip now (from any thread); every unfinished call fails with DeviceStopped."""
        with self.cv:
            if self.dead is None:
                self.dead = why
        self.monitor.stop()
        with self.cv:
            self.cv.notify_all()
        if threading.current_thread() is not self.thread:
            self.thread.join(timeout)
        with self.cv:
            self._fail_all(DeviceStopped(None, self.dead))
            self.cv.notify_all()

    def close(self):
        """Let what is queued finish, then stop the chip."""
        if self.dead is None:
            self.drain()
        if self.dead is None:
            self.stop("the coprocessor was shut down")

    # -- profile ------------------------------------------------------------------------------
    def enable_profiling(self):
        if not self.profiling:
            self.engine.enable_profiling()
            self.profiling = True

    def profile(self, wall_seconds=None):
        from emu.profile import Profile
        return Profile.from_chip(self.chip, result=self.monitor.chip_result,
                                 image=self.chip.image, wall_seconds=wall_seconds)


def _hostio():
    import io

    from emu.syscalls import HostIO
    return HostIO(stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=io.BytesIO())


# ---- the handle -------------------------------------------------------------------------------
class KernelExecutionHandler:
    """An asynchronous call (``async_=True``): its instances, one per core it runs on.

    ``wait()`` the results ordered by core id (once every instance finished); ``wait_any()``
    ``{core: result}`` of one instance not yet returned by wait_any; ``test()`` all finished?;
    ``number_running()`` instances running now; ``number_outstanding()`` not finished
    (running or queued).  A failed instance makes ``wait``/``wait_any`` raise DeviceError."""

    def __init__(self, session: Session, name: str, n: int):
        self._s = session
        self.kernel = name
        self._instances: List[_Instance] = []
        self._unstarted = n             #: instances not started yet
        self._errors: List[BaseException] = []

    def __repr__(self):
        return (f"<KernelExecutionHandler {self.kernel}: {self.number_running()} running, "
                f"{self.number_outstanding()} outstanding>")

    # called under the session's lock
    def _note_started(self, inst):
        self._instances.append(inst)
        self._unstarted -= 1

    def _note_done(self, inst):
        if inst.error is not None:
            self._errors.append(inst.error)

    def _unstarted_failed(self, err, n: int):
        self._unstarted -= n
        if n:
            self._errors.append(err)

    def _finished(self) -> bool:
        return self._unstarted == 0 and all(i.done for i in self._instances)

    def test(self) -> bool:
        """Has every instance finished (or failed)?"""
        with self._s.cv:
            return self._finished()

    def wait(self) -> list:
        """The results of every instance (those wait_any did not return), ordered by core id."""
        self._s.wait_until(lambda: self._finished() and self._s.settled())
        with self._s.cv:
            if self._errors:
                raise self._errors[0]
            if not self._finished():
                raise DeviceStopped(None, self._s.dead or "the chip stopped")
            done = sorted((i for i in self._instances if not i.collected),
                          key=lambda i: (i.core, i.start_cycle))
            return [i.value for i in done]

    def wait_any(self) -> dict:
        """``{core: result}`` of one finished instance not returned before (waiting for one);
        RuntimeError when none is left.  (ePython v2.0's loops on a TypeError.)"""
        def ready():
            return any(i.done and not i.collected for i in self._instances) or \
                self._finished()
        self._s.wait_until(ready)
        with self._s.cv:
            for i in sorted(self._instances, key=lambda i: i.end_cycle or 0):
                if i.done and not i.collected:
                    i.collected = True
                    if i.error is not None:
                        raise i.error
                    return {i.core: i.value}
            if self._errors:
                raise self._errors[0]
            if not self._finished():
                raise DeviceStopped(None, self._s.dead or "the chip stopped")
            raise RuntimeError(f"wait_any: every instance of {self.kernel} was already "
                               "returned")

    def number_running(self) -> int:
        with self._s.cv:
            return sum(1 for i in self._instances if not i.done)

    def number_outstanding(self) -> int:
        with self._s.cv:
            return self._unstarted + sum(1 for i in self._instances if not i.done)

    @property
    def cores(self) -> List[int]:
        """The cores the started instances ran or run on, in order."""
        with self._s.cv:
            return sorted(i.core for i in self._instances)

    @property
    def cycles(self) -> Optional[int]:
        """Emulated cycles from the first instance's start to the last one's end (None while
        unfinished)."""
        with self._s.cv:
            if not self._instances or not self._finished() or self._errors:
                return None
            return max(i.end_cycle for i in self._instances) - \
                min(i.start_cycle for i in self._instances)

    # ePython's camel-case names
    getRunningCoreIds = cores.fget


# ---- the coprocessor: kernels, globals, options, the session -----------------------------------
class Coprocessor:
    """The registry of kernels and device globals and the session running them.  The module's
    functions use one instance, ``epython._offload.default``."""

    def __init__(self):
        self.kernels: Dict[str, Kernel] = {}
        self.globals: Dict[str, DeviceGlobal] = {}
        self.options = dict(cores=16, seed=1, timing=True, code_placement="auto",
                            transfer="bulk", profile=True, firmware=None)
        self._version = 0
        self._session: Optional[Session] = None
        self._session_version = -1
        self._lock = threading.RLock()
        self._atexit = False
        self._session_globals: Dict[str, DeviceGlobal] = {}   #: those the session has
        self._restart_values: Optional[dict] = None

    # -- registration ----------------------------------------------------------------------------
    def add_kernel(self, func) -> Kernel:
        from .compiler import CompileError
        k = Kernel(func)
        if k.name.lower() in _reserved_names():
            raise ValueError(f"@offload: a kernel may not be called {k.name}: the device "
                             "worker uses a function of that name")
        with self._lock:
            old = self.kernels.get(k.name.lower())
            if old is not None and old.func is func:
                return old
            trial = dict(self.kernels)
            trial[k.name.lower()] = k
            try:
                build_program(list(trial.values()), list(self.globals.values()))
            except CompileError as e:
                if not _is_name_error(e):
                    raise CompileError(e.message, e.filename, e.line) from None
            self.kernels[k.name.lower()] = k
            self._version += 1
        return k

    def add_global(self, name: str, value, filename="<offload>", line=1):
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"define_on_device: {name!r} is not a name")
        g = DeviceGlobal(name, value, filename, line)
        with self._lock:
            self.globals[name.lower()] = g
            self._version += 1
        return g

    def configure(self, **options):
        bad = set(options) - set(self.options)
        if bad:
            raise TypeError(f"configure: no option {sorted(bad)[0]!r} (options: "
                            f"{', '.join(self.options)})")
        if "transfer" in options and options["transfer"] not in TRANSFERS:
            raise ValueError(f"configure: transfer must be one of {TRANSFERS}")
        if "cores" in options and not 1 <= int(options["cores"]) <= 16:
            raise ValueError("configure: cores must be 1..16")
        with self._lock:
            restart = any(options[k] != self.options[k] for k in options
                          if k not in ("transfer", "profile"))
            self.options.update(options)
            if restart:
                self.shutdown()
            elif options.get("profile") and self._session is not None:
                self._session.quiesce()
                self._session.enable_profiling()

    # -- the session ------------------------------------------------------------------------------
    def session(self) -> Session:
        """The running session, started (or restarted, keeping the device globals' values,
        when kernels or globals were added since) as needed."""
        with self._lock:
            s = self._session
            if s is not None and (s.dead is not None or s.broken or
                                  self._session_version != self._version):
                keep = {}
                if s.dead is None and not s.broken:
                    s.drain()
                    for name, g in self._session_globals.items():
                        if self.globals.get(name) is g:       # not defined again since
                            keep[name] = self._launch(s, f"_cpget_{name}", [], False, None,
                                                      None)
                s.close()
                self._session = None
                if keep:
                    self._restart_values = keep
            if self._session is None:
                self._session = self._start()
            return self._session

    def _start(self) -> Session:
        from .compiler import CompileError
        kernels = list(self.kernels.values())
        gl = list(self.globals.values())
        try:
            prog = build_program(kernels, gl)
        except CompileError as e:
            raise CompileError(e.message, e.filename, e.line) from None
        names = {n.lower(): a for n, a in prog.functions.items()}
        o = self.options
        s = Session(prog, names, cores=int(o["cores"]), seed=o["seed"], timing=o["timing"],
                    code_placement=o["code_placement"], profile=o["profile"],
                    firmware=o["firmware"])
        self._session_version = self._version
        self._session_globals = {g.name.lower(): g for g in gl}
        if not self._atexit:
            atexit.register(self.shutdown)
            self._atexit = True
        keep = self._restart_values or {}
        self._restart_values = None
        for g in gl:
            if g.name.lower() in keep:
                for core, v in enumerate(keep[g.name.lower()]):
                    if core < s.ncores and v is not None:
                        self._set_global(s, g, encode(v), [core], False)
            elif g.initial is not None:
                self._set_global(s, g, g.initial, None, False)
        return s

    def shutdown(self, wait: bool = True):
        """Stop the chip (after the calls queued, with ``wait``); the next call starts a new
        one (device globals start again from their define_on_device values)."""
        with self._lock:
            s = self._session
            self._session = None
            if s is not None:
                if wait:
                    s.close()
                else:
                    s.stop("the coprocessor was shut down")

    # -- calls ----------------------------------------------------------------------------------
    def call(self, name: str, args: list, *, async_=False, target=None, auto=None, all=True,
             device=ALL_DEVICES, where: str = ""):
        """Run device function ``name`` with ``args`` (already bound): placement precedence
        auto > target > all (ePython's)."""
        if device not in (ALL_DEVICES, EPIPHANY_DEVICE):
            raise ValueError(f"{where}device must be ALL_DEVICES (0) or EPIPHANY_DEVICE (1)")
        if len(args) > MAX_ARGS:
            raise TypeError(f"{where}a kernel takes at most {MAX_ARGS} arguments on the device "
                            f"({len(args)} given)")
        encoded = [encode(a, f"{where}argument {i + 1}") for i, a in enumerate(args)]
        ncores = int(self.options["cores"])
        cores, count = _placement(target, auto, all, ncores, where)
        s = self.session()
        return self._launch(s, name, encoded, bool(async_), cores, count)

    def _launch(self, s: Session, name, encoded, async_, cores, count, fill=None):
        addr = s.names.get(name.lower())
        if addr is None:
            raise NameError(f"no device function {name} (is it decorated with @offload?)")
        if cores is None and count is None:
            cores = list(range(s.ncores))
        n = len(cores) if cores is not None else count
        h = KernelExecutionHandler(s, name, n)
        bulk = self.options["transfer"] == "bulk"
        s.submit(_Launch(h, addr, encoded, list(cores) if cores is not None else None, count,
                         bulk, not bulk, fill))
        if async_:
            return h
        return h.wait()

    def copy_to_device(self, var: str, data, target=None, async_=False):
        g = self._global(var, "copy_to_device")
        enc = encode(data, f"copy_to_device({var!r})")
        cores, _ = _placement(target, None, target is None, int(self.options["cores"]),
                              "copy_to_device: ")
        return self._set_global(self.session(), g, enc, cores, async_)

    def _set_global(self, s, g, enc, cores, async_):
        """Launch the setter of device global ``g``: a list in bulk through _cpPut_x (into the
        list the core holds when the size fits), anything else through _cpSet_x."""
        x = g.name.lower()
        if isinstance(enc, _List) and self.options["transfer"] == "bulk":
            return self._launch(s, f"_cpput_{x}", [_Scalar(VType.INT, enc.n),
                                                   _Scalar(enc.tag, 0)], async_, cores, None,
                                enc)
        return self._launch(s, f"_cpset_{x}", [enc], async_, cores, None)

    def copy_from_device(self, var: str, target=None, async_=False):
        g = self._global(var, "copy_from_device")
        cores, _ = _placement(target, None, target is None, int(self.options["cores"]),
                              "copy_from_device: ")
        return self._launch(self.session(), f"_cpget_{g.name.lower()}", [], async_, cores,
                            None)

    def _global(self, var, what):
        if not isinstance(var, str):
            raise TypeError(f"{what}: name the device global as a string, e.g. {what}(\"x\", "
                            "...)")
        g = self.globals.get(var.lower())
        if g is None:
            raise NameError(f"{what}: {var!r} is not defined on the device (call "
                            f"define_on_device({var}) first)")
        return g


def _placement(target, auto, all_, ncores: int, where: str):
    """(cores, None) or (None, count), with ePython's precedence auto > target > all."""
    if auto is not None:
        if isinstance(auto, bool) or not isinstance(auto, (int, np.integer)):
            raise TypeError(f"{where}auto must be a number of cores")
        if not 1 <= int(auto) <= ncores:
            raise ValueError(f"{where}auto={auto}: there are {ncores} cores")
        return None, int(auto)
    if target is not None:
        items = list(target) if isinstance(target, (list, tuple, range)) else [target]
        out = []
        for t in items:
            if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
                raise TypeError(f"{where}target must be a core id or a list of core ids")
            if not 0 <= int(t) < ncores:
                raise ValueError(f"{where}target core {t} does not exist (cores 0.."
                                 f"{ncores - 1})")
            if int(t) not in out:
                out.append(int(t))
        if not out:
            raise ValueError(f"{where}target is empty")
        return sorted(out), None
    if all_:
        return list(range(ncores)), None
    raise ValueError(f"{where}nothing to run on: give target=, auto= or all=True")


@functools.lru_cache(maxsize=1)
def _reserved_names() -> frozenset:
    return frozenset(_module_functions())


def _call_options(defaults: dict, kwargs: dict, where: str) -> dict:
    """The decorator's options, overridden by those given at the call (``async`` or
    ``async_``)."""
    opts = dict(defaults)
    for k in list(kwargs):
        if k in _OPTION_NAMES:
            opts["async_" if k == "async" else k] = kwargs.pop(k)
    return opts


# ---- the module-level API on the default coprocessor -------------------------------------------
default = Coprocessor()


def offload(func=None, *, async_=False, target=None, auto=None, all=True,
            device=ALL_DEVICES, **extra):
    """Make ``func`` (ePython dialect) a kernel run on the device cores.  Options (also
    accepted per call, overriding these): ``async_`` (``async`` is a keyword in Python 3; it
    can still be passed as ``**{"async": True}``) returns a KernelExecutionHandler instead of
    the results; ``target`` a core id or list of ids; ``auto`` a number of any idle cores;
    ``all`` every core (the default); precedence auto > target > all; ``device``
    ALL_DEVICES or EPIPHANY_DEVICE.  A blocking call returns the list of per-core results
    ordered by core id."""
    if "async" in extra:
        async_ = extra.pop("async")
    if extra:
        raise TypeError(f"offload: unknown option {sorted(extra)[0]!r}")
    deco = dict(async_=async_, target=target, auto=auto, all=all, device=device)
    if func is None:
        return lambda f: offload(f, **deco)
    if not callable(func):
        raise TypeError("@offload applies to a function")
    kernel = default.add_kernel(func)

    @functools.wraps(func)
    def call(*args, **kwargs):
        where = f"{kernel.name}: "
        opts = _call_options(deco, kwargs, where)
        if default.kernels.get(kernel.name.lower()) is not kernel:
            default.add_kernel(func)                   # redefined meanwhile: ours again
        bound = kernel.bind(args, kwargs)
        return default.call(kernel.name, bound, where=where, **opts)

    call.kernel = kernel
    return call


def offload_single(func=None, device=ALL_DEVICES):
    """ePython's @offload_single: asynchronous, on any one idle core."""
    return offload(func, async_=True, auto=1, all=False, device=device)


def offload_multiple(func=None, cores=None, device=ALL_DEVICES):
    """ePython's @offload_multiple(cores=n): asynchronous, on any n idle cores."""
    if cores is None:
        raise TypeError("offload_multiple: give the number of cores (cores=n)")
    return offload(func, async_=True, auto=cores, all=False, device=device)


_UNSET = object()


def define_on_device(var, value=_UNSET):
    """Make a variable a device global: ``define_on_device(x)`` (the name is read from the
    call), ``define_on_device("x")`` or ``define_on_device("x", value)``.  Its value now (None,
    a number, a bool, a list or numpy array) is its initial value on every core; kernels read
    and assign it by name; copy_to_device/copy_from_device move it."""
    frame = sys._getframe(1)
    if isinstance(var, str):
        name = var
        if value is _UNSET:
            value = frame.f_locals.get(name, frame.f_globals.get(name))
    else:
        name = _argument_name(frame)
        value = var
    where = frame.f_code.co_filename, frame.f_lineno
    default.add_global(name, value, *where)


def _argument_name(frame) -> str:
    """The name written as the first argument of the call being made in ``frame``."""
    fail = TypeError("define_on_device: cannot tell which variable this is; name it as a "
                     "string: define_on_device(\"x\")")
    filename = frame.f_code.co_filename
    text = None
    pos = None
    try:
        pos = list(frame.f_code.co_positions())[frame.f_lasti // 2]
    except (AttributeError, IndexError):
        pass
    lines = linecache.getlines(filename, frame.f_globals)
    if not lines:
        raise fail
    if pos and pos[0] and pos[2] is not None:
        l0, l1, c0, c1 = pos
        seg = lines[l0 - 1:l1]
        if seg:
            seg = list(seg)
            seg[-1] = seg[-1][:c1] if len(seg) > 1 else seg[-1][:c1]
            seg[0] = seg[0][c0:]
            text = "".join(seg)
    calls = []
    for src in ([text] if text else []) + [lines[frame.f_lineno - 1]]:
        try:
            tree = ast.parse(textwrap.dedent(src).strip())
        except SyntaxError:
            continue
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and
                 ((isinstance(n.func, ast.Name) and n.func.id == "define_on_device") or
                  (isinstance(n.func, ast.Attribute) and n.func.attr == "define_on_device"))]
        if calls:
            break
    if len(calls) != 1 or not calls[0].args or not isinstance(calls[0].args[0], ast.Name):
        raise fail
    return calls[0].args[0].id


def copy_to_device(var: str, data, target=None, async_=False, **kw):
    """Set device global ``var`` to ``data`` on the target cores (default all; each core has
    its own copy).  Blocking: a list of None per core; ``async_``: a handle."""
    async_ = kw.pop("async", async_)
    if kw:
        raise TypeError(f"copy_to_device: unknown option {sorted(kw)[0]!r}")
    return default.copy_to_device(var, data, target, async_)


def copy_from_device(var: str, target=None, async_=False, **kw):
    """Device global ``var`` as each target core holds it: a list over the cores (by id)."""
    async_ = kw.pop("async", async_)
    if kw:
        raise TypeError(f"copy_from_device: unknown option {sorted(kw)[0]!r}")
    return default.copy_from_device(var, target, async_)


def waitAll(*handles) -> list:
    """ePython's waitAll: the results of each handle, in order."""
    return [h.wait() for h in handles]


wait_all = waitAll


def testKernelCompletion(handle) -> bool:
    return handle.test()


def waitForKernelCompletion(handle):
    return handle.wait()


def configure(**options):
    """Options of the default coprocessor: ``cores`` (1..16, default 16), ``seed`` (the host
    rand() behind random()), ``timing`` (the timing model, default on), ``code_placement``
    (core/shared, or auto: on the cores while MIN_LOCAL_HEAP bytes of local heap are left),
    ``firmware`` (a device ELF), ``transfer`` ("bulk", the default, or
    "element": how lists cross), ``profile`` (collect the per-address profile, on by default:
    it costs no measurable time).  Changing any but transfer/profile restarts the chip."""
    default.configure(**options)


def shutdown(wait: bool = True):
    """Stop the chip (runs at exit too); the next call starts a new one."""
    default.shutdown(wait)


def stats() -> dict:
    """The running session: emulated cycles so far, bytecode size, cores, placement."""
    s = default.session()
    s.quiesce()
    return dict(cycles=int(s.engine.now), cores=s.ncores, code_bytes=len(s.program.code),
                symbols=s.program.nsymbols, code_on_cores=s.monitor.code_on_cores,
                transfer=default.options["transfer"], profiling=s.profiling)


def profile(json_path: Optional[str] = None, heatmap: Optional[str] = None):
    """The emulator's profile of the session so far (``emu.profile.Profile``, the JSON of
    ``epiphany-emu load --profile``; docs/profile.md), after the calls queued finished;
    written to ``json_path`` and drawn to ``heatmap`` when given.  Per-address data (symbols,
    hot data) is collected from when profiling was switched on (``configure(profile=True)`` or
    ``profiling()``)."""
    s = default.session()
    s.quiesce()
    prof = s.profile()
    if json_path:
        prof.write_json(json_path)
    if heatmap:
        prof.heatmap(heatmap)
    return prof


class _Profiling:
    def __init__(self, json_path, heatmap):
        self.json_path, self.heatmap = json_path, heatmap
        self.profile = None
        self.doc = None

    def __enter__(self):
        s = default.session()
        s.quiesce()
        s.enable_profiling()
        self._t0 = time.perf_counter()
        self._c0 = int(s.engine.now)
        return self

    def __exit__(self, *exc):
        s = default.session()
        s.quiesce()
        self.cycles = int(s.engine.now) - self._c0
        self.profile = s.profile(wall_seconds=time.perf_counter() - self._t0)
        self.doc = self.profile.doc
        if self.json_path:
            self.profile.write_json(self.json_path)
        if self.heatmap:
            self.profile.heatmap(self.heatmap)
        return False


def profiling(json_path: Optional[str] = None, heatmap: Optional[str] = None):
    """Context manager: switch the per-address profile on (if it was not), run the block,
    then ``.profile`` / ``.doc`` hold the session's profile (written to ``json_path``, drawn
    to ``heatmap`` when given) and ``.cycles`` the emulated cycles the block took."""
    return _Profiling(json_path, heatmap)
