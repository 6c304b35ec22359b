"""The monitor's seams that @offload uses (epython.monitor): HostVcores.idle (every core waits
for the host: the chip is not run), HostVcores.finished, Monitor.wake() and Monitor.stop()
from another thread, and requests that wait for a host vcore not being asked again at every
other core's request."""
import io
import threading

from emu.chip import Chip, ChipConfig
from epython.bytecode import VType
from epython.monitor import HostVcores, Monitor
from tests.epython.vm_harness import compile_text

LOOP = """from parallel import *
if coreid() == 1:
    i=0
    while i < 3000:
        i=i+1
    print "done"
else:
    print recv(2)
"""


class Vcore(HostVcores):
    """Host vcore 2 (cores 0 and 1 run): a receive is answered once ``value`` is set."""

    def __init__(self):
        self.value = None
        self.asked = 0
        self.idles = []
        self.done = []
        self.first_ask = threading.Event()

    def recv(self, core, pid):
        self.asked += 1
        self.first_ask.set()
        return None if self.value is None else (VType.INT, self.value)

    def finished(self, core, outcome):
        self.done.append((core, list(outcome.errors)))


def monitor(src, vc, **kw):
    out, err = io.StringIO(), io.StringIO()
    mon = Monitor(Chip(ChipConfig()), compile_text(src), [0, 1], stdout=out, stderr=err,
                  host_vcores=vc, **kw)
    mon.load()
    return mon, out, err


def test_idle_is_called_when_every_core_waits_for_the_host_and_time_stands_still():
    class Idle(Vcore):
        def idle(self, cores):
            self.idles.append((list(cores), mon.chip.engine.now))
            self.value = 42                       # the host answers while the chip waits

    vc = Idle()
    mon, out, _ = monitor("from parallel import *\nprint recv(2)\n", vc)
    res = mon.run()
    assert res.stop == "exit"
    assert sorted(out.getvalue().splitlines()) == ["[device 0] 42", "[device 1] 42"]
    assert [c for c, _ in vc.idles] == [[0, 1]]   # once, both cores waiting
    # a waiting request is asked again only after idle(), not at every other request
    assert vc.asked == 4
    assert sorted(vc.done) == [(0, []), (1, [])]


def test_finished_reports_a_run_time_error():
    vc = Vcore()
    mon, _, err = monitor("from array import *\nfrom parallel import *\na=array(3)\n"
                          "if coreid() == 1:\n"
                          "    a[5]=1\n", vc)
    assert mon.run().stop == "exit"
    assert dict(vc.done) == {0: [], 1: ["Array index in expression exceeds array size in that dimension"]}
    assert "Error from core 1: Array index in expression exceeds array size in that dimension" in err.getvalue()


def run_in_thread(mon):
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("res", mon.run()), daemon=True)
    t.start()
    return t, box


def test_wake_serves_a_waiting_request_before_the_next_poll():
    vc = Vcore()
    mon, out, _ = monitor(LOOP, vc, poll_cycles=1 << 40)
    t, box = run_in_thread(mon)
    assert vc.first_ask.wait(60)
    vc.value = 7
    mon.wake()
    t.join(120)
    assert box["res"].stop == "exit"
    lines = out.getvalue().splitlines()
    assert sorted(lines) == ["[device 0] 7", "[device 1] done"]
    # without wake() core 0 would be asked again only once core 1 has finished
    cyc = {c: o.cycles for c, o in box["res"].cores.items()}
    assert cyc[0] < cyc[1]


def test_without_wake_the_waiting_core_is_asked_again_when_the_others_stop():
    vc = Vcore()
    vc.value = None
    mon, out, _ = monitor(LOOP, vc, poll_cycles=1 << 40)

    def answer_later(core, pid, _recv=vc.recv):
        r = _recv(core, pid)
        vc.value = 7                  # answerable from the second time it is asked
        return r
    vc.recv = answer_later
    res = mon.run()
    assert res.stop == "exit"
    assert res.cores[0].cycles > res.cores[1].cycles
    assert vc.asked == 2


def test_stop_from_another_thread_ends_the_run_as_interrupted():
    vc = Vcore()
    mon, _, _ = monitor("i=0\nwhile i < 1:\n    i=0\n", vc)
    t, box = run_in_thread(mon)
    while mon.chip.engine.now < 10_000:
        t.join(0.01)
    mon.stop()
    t.join(60)
    assert box["res"].stop == "interrupted"


def test_stop_while_the_host_vcores_idle_ends_the_run():
    class Block(Vcore):
        def idle(self, cores):
            self.idles.append(cores)
            parked.set()
            while not mon._stop_asked:
                threading.Event().wait(0.01)

    parked = threading.Event()
    vc = Block()
    mon, _, _ = monitor("from parallel import *\nprint recv(2)\n", vc)
    t, box = run_in_thread(mon)
    assert parked.wait(60)
    mon.stop()
    t.join(60)
    assert box["res"].stop == "interrupted" and vc.idles == [[0, 1]]
