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
cannot install signal handlers) it simply calls ``target`` there.
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


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def run_interruptible(target: Callable[[], T], request_stop: Callable[[], None],
                      signals: Sequence[int] = STOP_SIGNALS) -> Tuple[T, Optional[int]]:
    """``target()`` run in a worker thread while the calling (main) thread turns any of
    ``signals`` into ``request_stop()``.  Returns (what ``target`` returned, the number of the
    first signal received or None).  An exception raised by ``target`` is raised here."""
    if threading.current_thread() is not threading.main_thread():
        return target(), None
    box: dict = {}

    def work():
        try:
            box["value"] = target()
        except BaseException as e:        # handed to the caller below
            box["error"] = e

    got: list = []

    def handler(signum, frame):
        if got:
            raise KeyboardInterrupt        # a second signal: give up waiting
        got.append(signum)
        request_stop()

    old = {}
    try:
        for s in signals:
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
