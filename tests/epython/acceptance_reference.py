"""Plain-Python references of the programs in ``tests/epython/acceptance``: for a core count
``n``, what each program must print, computed from ePython's semantics (spec §1.4, §1.7, §2)
and never from a run of the emulator.

The semantics each reference relies on, written out once here:

* ``range(a, b[, c])`` includes ``b``;
* ``int / int`` is C's truncating division and ``%`` C's remainder; ``a // b`` is the host's
  ``floor`` of ``a / b``, so for integers the floor of the *truncated* quotient, a real;
* reals are float32: every operation is rounded to single precision, an int operand is
  converted first; the host prints them with C's ``%f``;
* integers are 32-bit and wrap around; ``^`` and ``**`` bind like ``*``, left to right;
* ``print`` of a bool is ``true``/``false``, of None ``NONE``; ``+`` with a string operand
  concatenates the other operand's printed form;
* a bare variable is a true condition only when it holds a true bool; an int expression
  is true when it is greater than 0;
* parameters are passed by reference; an expression argument is a copy;
* a list has one element type: storing a real into an int list reinterprets every cell
  as a float32 (the bits are unchanged);
* ``bcast(x, root)`` is root's value on every core; ``reduce(x, op)`` the fold of every
  core's value, on every core;
* ``random()`` is ``(rand() % 20000) / 20001.0`` of the host's C ``rand()``, one ``rand()``
  per call (our host seeds it with 1: ``srand(1)``);
* run-time errors: the host prints ``Error from core N: <ePython's message>`` and that core
  stops at once.

Output is a list of *phases* (``Out``): phases are printed one after the other (a ``sync()``
or a message separates them); inside a phase only each core's own order is defined.  Each
entry is (core, text): a ``[device N] text`` line, or the text after an input prompt.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
import struct
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple


# ---- the value semantics ------------------------------------------------------------------------
def f32(x: float) -> float:
    """``x`` rounded to single precision (what the FPU stores)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bits_as_f32(word: int) -> float:
    return struct.unpack("<f", struct.pack("<I", word & 0xFFFFFFFF))[0]


def i32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


def cdiv(a: int, b: int) -> int:
    """C's integer division (truncates towards zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def cmod(a: int, b: int) -> int:
    """C's remainder (the sign of the dividend)."""
    return a - b * cdiv(a, b)


def irange(a: int, b: Optional[int] = None, c: int = 1) -> List[int]:
    """ePython's ``range``: the upper bound is included."""
    if b is None:
        a, b = 0, a
    return list(range(a, b + 1, c))


def fmt(v) -> str:
    """How the host prints a value (and how ``+`` turns it into a string)."""
    if v is None:
        return "NONE"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "%f" % v
    return str(v)


def glibc_rand(count: int, seed: int = 1) -> Optional[List[int]]:
    """The first ``count`` numbers of C's ``rand()`` after ``srand(seed)``, from this
    machine's C library when it is glibc (the host of ePython runs on glibc); None otherwise."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version          # glibc only
    except (OSError, AttributeError):
        return None
    libc.srand(ctypes.c_uint(seed))
    return [libc.rand() for _ in range(count)]


# ---- what a program prints ------------------------------------------------------------------------
@dataclass
class Out:
    phases: List[List[Tuple[int, str]]] = field(default_factory=lambda: [[]])
    errors: List[str] = field(default_factory=list)
    stdin: List[str] = field(default_factory=list)

    def print(self, core: int, text: str) -> None:
        self.phases[-1].append((core, text))

    def sync(self) -> None:
        if self.phases[-1]:
            self.phases.append([])

    def error(self, core: int, message: str) -> None:
        self.errors.append(f"Error from core {core}: {message}")


#: ePython's run-time error messages (its host's texts)
ERR_INDEX_BEYOND = "Array index in expression exceeds array size in that dimension"
ERR_NEGATIVE_INDEX = "Not allowed negative array indexes"
ERR_STRING_TEST = "Can only test for equality with strings"
ERR_NOT_A_FUNCTION = ("Function called via a variable but this variable is not pointing to "
                      "any function")


# ---- the references ---------------------------------------------------------------------------------
def hello(n: int) -> Out:
    o = Out()
    for me in range(n):
        o.print(me, f"Hello world from core {me} of {n}")
    o.sync()
    o.print(0, f"All {n} cores said hello")
    return o


def arithmetic(n: int) -> Out:
    o = Out()
    for me in range(n):
        a, b = me * 7 + 3, me % 4 + 2
        p = lambda v: o.print(me, fmt(v))        # noqa: E731
        p(cdiv(a, b))
        p(cmod(a, b))
        p(cdiv(-a, b))
        p(cmod(-a, b))
        p(f32(math.floor(cdiv(a, b))))
        p(f32(math.floor(cdiv(-a, b))))
        p(2 ** me)
        p((me + 1) ** 3)
        p((2 * 3) ** 2 + me)
        p(a * b - me * 10)
        p(i32(me * 300000000))
        p(f32(f32(me + 1) / f32(3.0)))
        p(f32(a * f32(1.5)))
        p(f32(f32(0.1) * me))
        p(f32(f32(1.0e3) + me))
        p(f32(f32(a / f32(2.0)) - 1))
        x = me + 5
        x = x * 3
        x = x - 1
        x = cdiv(x, 2)
        x = cmod(x, 7)
        p(x)
        y = f32(me + 0.5)
        p(f32(y * y))
        p(a > b * 3)
        p(me == 0)
    return o


def strings(n: int) -> Out:
    o = Out()
    for me in range(n):
        s = "core " + fmt(me)
        o.print(me, s)
        o.print(me, s + " of " + fmt(n))
        o.print(me, "half is " + fmt(f32(me / f32(2.0))))
        o.print(me, "even: " + fmt(me % 2 == 0))
        o.print(me, "nothing: " + fmt(None))
        o.print(me, "digits " + "".join(fmt(i) for i in irange(0, me % 5)))
        o.print(me, "I am the first" if s == "core 0" else "I am not the first")
        o.print(me, fmt(me) + " apples")
    return o


def functions(n: int) -> Out:
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)

    def fib(k):
        return k if k < 2 else fib(k - 1) + fib(k - 2)

    o = Out()
    for me in range(n):
        for v in (fact(me % 8 + 1), fib(me % 10), me * 3, me * 2, me * 2 + 100,
                  me * 7 if me % 2 == 1 else me + 7, 2 ** (me % 11)):
            o.print(me, fmt(v))
        o.print(me, "nothing returned")
    return o


def byref(n: int) -> Out:
    o = Out()
    for me in range(n):
        o.print(me, fmt(me + 2))                         # inc(x) twice changes x
        o.print(me, f"{100 - me} {me}")                  # swap(p, q) swaps them
        size = me % 4 + 2
        cells = [me * 10 + i for i in range(size)]       # fill() writes the caller's list
        o.print(me, fmt(cells[0] + cells[size - 1]))
        o.print(me, "5")                                 # inc(k+me) changes a copy
    return o


def lists_arrays(n: int) -> Out:
    o = Out()
    for me in range(n):
        size = me % 4 + 3
        a = [i * me for i in range(size)]
        o.print(me, "sum " + fmt(sum(a)))
        o.print(me, "len " + fmt(len(a)))
        a += [0, 7]                                      # a[n+1]=7 grows it by two cells
        o.print(me, "grown to " + fmt(len(a)))
        o.print(me, fmt(a[size] + a[size + 1]))
        # b=[0, 0, 3]; b[0]=me*0.5 makes b a list of reals: the other cells keep their bits
        o.print(me, fmt(f32(me * f32(0.5))))
        o.print(me, fmt(bits_as_f32(0)))
        o.print(me, fmt(bits_as_f32(3)))
        cols = me % 3 + 2
        o.print(me, fmt(1 * 100 + (cols - 1) + me))
        o.print(me, f"2x{cols} = {2 * cols}")
        o.print(me, "2")
    return o


def loops(n: int) -> Out:
    o = Out()
    for me in range(n):
        o.print(me, fmt(sum(irange(me))))
        o.print(me, "".join(fmt(k) + " " for k in irange(1, 13, 3)))
        o.print(me, fmt(sum(x * y for x in irange(1, me % 3 + 1) for y in irange(1, 3))))
        count = steps = 0
        while count < 50 + me:
            count += 7
            steps += 1
        o.print(me, f"{count} after {steps}")
        t = 0.0
        for _ in range(10):
            t = f32(t + f32(0.1))
        o.print(me, fmt(t))
    return o


def controlflow(n: int) -> Out:
    o = Out()
    for me in range(n):
        if me == 0:
            o.print(me, f"first of {n}")
        elif me == n - 1:
            o.print(me, f"last of {n}")
        else:
            o.print(me, f"middle {me}")
        o.print(me, "even" if me % 2 == 0 else "odd")
        if 0 < me < 3:
            o.print(me, "one or two")
        if me < 2 or me > 13:
            o.print(me, "edge")
        if me != 5:
            o.print(me, "not five")
        if me % 3 == 0:                                  # flag holds a bool
            o.print(me, "multiple of three")
        # "if k:" with an int in k is never taken; "if k+0:" is taken when k > 0
        if me > 0:
            o.print(me, "positive")
    return o


INPUT_LINES = ["12", "2.5"]


def input_(n: int) -> Out:
    o = Out(stdin=list(INPUT_LINES))
    count = int(INPUT_LINES[0])                          # all digits: an int
    scale = f32(float(INPUT_LINES[1]))                   # digits and a point: a real
    o.print(0, "Count? ")                                # the prompt, no newline
    o.print(0, "")                                       # input() prints "device 0> "
    for me in range(n):
        o.print(me, f"count {count} scale {fmt(scale)}")
        o.print(me, fmt(f32(count * me + scale)))
    return o


def sendrecv(n: int) -> Out:
    o = Out()
    if n == 1:
        o.print(0, "alone, no messages")
        return o
    token = 0
    for me in range(1, n):
        token += me
        o.print(me, f"passed on {token}")
    o.print(0, f"token came back as {token}")
    o.print(n - 1, f"received {n} values, total {sum(i * i for i in range(n))}")
    o.print(0, "real from core 1: " + fmt(f32(f32(2.5) * n)))
    return o


def bcast(n: int) -> Out:
    o = Out()
    root = cdiv(n, 2)
    for me in range(n):
        o.print(me, f"from the last core: {40 + n}")
        o.print(me, "from core 0: " + fmt(f32(f32(0 * f32(1.5)) + f32(0.25))))
        o.print(me, f"from core {root}: {root * root}")
    return o


def _fold(values, op):
    acc = values[0]
    for v in values[1:]:
        acc = op(acc, v)
    return acc


def reduce_(n: int) -> Out:
    o = Out()
    cores = range(n)
    results = [
        "sum " + fmt(_fold([me for me in cores], lambda a, b: a + b)),
        "prod " + fmt(_fold([me % 3 + 1 for me in cores], lambda a, b: a * b)),
        "max " + fmt(_fold([(me * 7) % 5 for me in cores], max)),
        "min " + fmt(_fold([10 - me for me in cores], min)),
        "real sum " + fmt(_fold([f32(me * f32(0.25)) for me in cores],
                                lambda a, b: f32(a + b))),
        "real max " + fmt(_fold([f32(f32(0.5) - me) for me in cores], max)),
    ]
    for me in cores:
        for line in results:
            o.print(me, line)
    return o


def sync(n: int) -> Out:
    o = Out()
    for i in range(n):
        o.print(i, f"forward {i}")
        o.sync()
    for i in reversed(range(n)):
        o.print(i, f"backward {i}")
        o.sync()
    o.print(0, "done")
    return o


def haloswap(n: int) -> Out:
    o = Out()
    width = 4
    data = [[me * 100 + i for i in range(width + 2)] for me in range(n)]
    for me in range(n):
        left = data[me - 1][width] if me > 0 else -1
        right = data[me + 1][1] if me < n - 1 else -1
        o.print(me, f"core {me} halos {left} {right}")
        if n > 1:
            o.print(me, f"ring got {data[(me + 1) % n][1]}")
    return o


def jacobi(n: int) -> Out:
    points, iterations = 16, 12
    local = cdiv(points, n)
    # the whole line: a boundary cell at each end, the cores' points in between
    u = [f32(1.0)] + [f32(0.0)] * points + [f32(10.0)]
    o = Out()
    for its in range(1, iterations + 1):
        fresh = u[:]
        change = [f32(0.0)] * n
        for i in range(1, points + 1):
            fresh[i] = f32(f32(0.5) * f32(u[i - 1] + u[i + 1]))
            d = f32(fresh[i] - u[i])
            d = f32(0 - d) if d < 0 else d
            core = (i - 1) // local
            change[core] = max(change[core], d)
        u = fresh
        if its % 4 == 0:
            o.print(0, f"iteration {its}: largest change {fmt(_fold(change, max))}")
    sums = []
    for me in range(n):
        mine = u[1 + me * local:1 + (me + 1) * local]
        o.print(me, f"core {me}:" + "".join(" " + fmt(v) for v in mine))
        sums.append(_fold([f32(0.0)] + mine, lambda a, b: f32(a + b)))
    o.print(0, "sum " + fmt(_fold(sums, lambda a, b: f32(a + b))))
    return o


DARTS = 256


def _random_reals(count: int) -> Optional[List[float]]:
    r = glibc_rand(count)
    if r is None:
        return None
    return [f32(f32(v % 20000) / f32(20001.0)) for v in r]


def pi(n: int) -> Optional[Out]:
    """None when this machine's C library is not glibc (no reference for rand())."""
    reals = _random_reals(2 * DARTS)
    if reals is None:
        return None
    o = Out()
    mine = cdiv(DARTS, n)
    for me in range(n):
        o.print(me, f"core {me} threw {mine} darts")
    o.print(0, "numbers below one half: " + fmt(sum(1 for x in reals if x < 0.5)))
    if n == 1:
        hits = sum(1 for k in range(DARTS)
                   if f32(f32(reals[2 * k] ** 2) + f32(reals[2 * k + 1] ** 2)) <= 1.0)
        estimate = f32(f32(f32(4.0) * hits) / DARTS)
        close = 2.6 < estimate < 3.7
    else:
        # which core gets which numbers depends on how the cores' requests interleave, so
        # the estimate is only known to be close to pi: with 256 darts its standard
        # deviation is 0.1, and [2.6, 3.7] is more than five of them either side
        estimate, close = None, True
    o.print(0, "the estimate is close to pi" if close
            else f"the estimate {fmt(estimate)} is not close to pi")
    if n == 1:
        o.print(0, "estimate " + fmt(estimate))
    return o


def taskfarm_squares(n: int) -> Out:
    tasks = 6
    o = Out()
    results = [0] + [t * t for t in range(1, tasks + 1)]
    o.print(0, "squares:" + "".join(" " + fmt(v) for v in results[1:]))
    if n > 1:
        o.print(0, f"total on core {n - 1}: {sum(results)}")
    o.print(0, "farm closed")
    for w in range(1, n):
        o.print(w, f"worker {w} stopped")
    return o


def mergesort(n: int) -> Out:
    size = 32
    part = cdiv(size, n)
    data = []
    seed = 13
    for _ in range(size):
        seed = cmod(seed * 75 + 74, 65537)
        data.append(cmod(seed, 1000))
    o = Out()
    for me in range(n):
        o.print(me, f"core {me} sorted {part} numbers")
    o.print(0, "sorted:" + "".join(" " + fmt(v) for v in sorted(data)))
    return o


def oddeven_sort(n: int) -> Out:
    values = [(me * 37 + 11) % 50 for me in range(n)]
    o = Out()
    for me in range(n):
        o.print(me, f"core {me} starts with {values[me]}")
    for phase in range(n):                    # the transposition sort, phase by phase
        for left in range(n - 1):
            if (phase + left) % 2 == 0 and values[left] > values[left + 1]:
                values[left], values[left + 1] = values[left + 1], values[left]
    assert values == sorted(values)
    o.sync()
    for me in range(n):
        o.print(me, f"core {me} holds {values[me]}")
        o.sync()
    return o


def pipeline(n: int) -> Out:
    o = Out()
    for v in range(1, 6):
        for stage in range(1, n - 1):
            v = 2 * v + stage
        o.print(n - 1, f"result {v}")
    for stage in range(1, n - 1):
        o.print(stage, f"stage {stage} done")
    o.print(n - 1, "end of the pipeline")
    return o


def errors(n: int) -> Out:
    o = Out()
    messages = [ERR_INDEX_BEYOND, ERR_NOT_A_FUNCTION, ERR_STRING_TEST, ERR_NEGATIVE_INDEX]
    for me in range(n):
        o.print(me, f"core {me} makes mistake {me % 4}")
        o.error(me, messages[me % 4])
    return o


#: program name (tests/epython/acceptance/NAME.py) -> reference(n) -> Out (None: no reference
#: on this machine)
REFERENCES: Dict[str, Callable[[int], Optional[Out]]] = {
    "hello": hello, "arithmetic": arithmetic, "strings": strings, "functions": functions,
    "byref": byref, "lists_arrays": lists_arrays, "loops": loops, "controlflow": controlflow,
    "input": input_, "sendrecv": sendrecv, "bcast": bcast, "reduce": reduce_, "sync": sync,
    "haloswap": haloswap, "jacobi": jacobi, "pi": pi, "taskfarm_squares": taskfarm_squares,
    "mergesort": mergesort, "oddeven_sort": oddeven_sort, "pipeline": pipeline,
    "errors": errors,
}


def expected(name: str, n: int) -> Optional[Out]:
    return REFERENCES[name](n)


def core_counts() -> Sequence[int]:
    return (1, 4, 16)
