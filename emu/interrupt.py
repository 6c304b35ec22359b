"""Stop a run on SIGINT/SIGTERM: the one place where a signal becomes ``request_stop``.

    from emu.interrupt import run_interruptible
    res, sig = run_interruptible(lambda: chip.run(max_cycles), chip.request_stop)
    if sig is not None:                   # res.stop == Stop.USER; exit status 128 + sig
        ...

The engine's run loop runs without the GIL and does not come back to Python for a signal, so
a signal handler installed by the main thread would only run when the program next traps.
Here the run goes into a worker thread and the main thread waits for it; the main thread's
handler calls ``request_stop`` (safe from any thread), and the engine returns ``Stop.USER`` at
its next slice boundary (within a scheduling quantum of emulated time, well under 0.1 s of
host time with the CLI's quantum limit).  A second signal while the first is pending raises
``KeyboardInterrupt`` in the caller, for a run that is stuck somewhere the stop request cannot
reach (the worker is a daemon thread and ends with the process).

``epiphany-emu load`` uses this; so should every other front end that runs a chip (the
ePython CLI, the host API's blocking calls).  Called outside the main thread (where Python
cannot install signal handlers) it simply calls ``target`` there.  A signal the process was
started with ignored (a background job of a shell without job control ignores SIGINT) stays
ignored.
"""
from __future__ import annotations

import signal
import threading
from typing import Callable, Optional, Sequence, Tuple, TypeVar

T = TypeVar("T")

#: the signals that stop a run: Ctrl-C and a polite kill
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: how often the waiting main thread wakes up to let Python run signal handlers (seconds)
POLL = 0.02


def _catchable(signals: Sequence[int]) -> list:
    """Those of `signals` that are not ignored.  A process started with a signal ignored --
    in the background by a shell without job control (SIGINT), by a parent that wants it
    left alone -- keeps ignoring it, as Python does for SIGINT and shells do: Ctrl-C at the
    terminal is not for a background job."""
    return [s for s in signals if signal.getsignal(s) is not signal.SIG_IGN]


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class EarlySignals:
    """``with EarlySignals() as early:`` -- a stop signal that comes before the run starts
    (while the program is being loaded, the output files opened) is kept in ``early.got``;
    ``run_interruptible(..., early=early)`` then stops the run at once, so that the signal
    ends the command the same way whenever it comes.  Outside the main thread it does
    nothing."""

    def __init__(self, signals: Sequence[int] = STOP_SIGNALS):
        self.signals = signals
        self.got: list = []
        self._old: dict = {}

    def _handler(self, signum, frame):
        if self.got:
            raise KeyboardInterrupt
        self.got.append(signum)

    def __enter__(self) -> "EarlySignals":
        if threading.current_thread() is threading.main_thread():
            for s in _catchable(self.signals):
                self._old[s] = signal.signal(s, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for s, h in self._old.items():
            signal.signal(s, h)


def run_interruptible(target: Callable[[], T], request_stop: Callable[[], None],
                      signals: Sequence[int] = STOP_SIGNALS,
                      early: Optional[EarlySignals] = None) -> Tuple[T, Optional[int]]:
    """``target()`` run in a worker thread while the calling (main) thread turns any of
    ``signals`` into ``request_stop()``.  Returns (what ``target`` returned, the number of the
    first signal received or None).  An exception raised by ``target`` is raised here.
    ``early``: signals received before (see EarlySignals) stop the run at its start."""
    if threading.current_thread() is not threading.main_thread():
        return target(), None
    box: dict = {}

    def work():
        try:
            box["value"] = target()
        except BaseException as e:        # handed to the caller below
            box["error"] = e

    got: list = list(early.got) if early is not None else []
    if got:
        request_stop()

    def handler(signum, frame):
        if got:
            raise KeyboardInterrupt        # a second signal: give up waiting
        got.append(signum)
        request_stop()

    old = {}
    try:
        for s in _catchable(signals):
            old[s] = signal.signal(s, handler)
        worker = threading.Thread(target=work, name="epiphany-run", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(POLL)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    if "error" in box:
        raise box["error"]
    return box["value"], (got[0] if got else None)
