"""Every ePython run of these tests uses the default alignment policy, ``stop``: a misaligned
load or store ends the run with a fault, so no test can pass by tolerating one (the VM must
read bytecode bytewise, as ePython's does).  A test that exercises another policy on purpose
says so with ``@pytest.mark.unaligned_policy`` (the CLI test of ``--unaligned=report``, which
then asserts that nothing was reported)."""
import pytest


@pytest.fixture(autouse=True)
def _unaligned_stop_everywhere(request, monkeypatch):
    if request.node.get_closest_marker("unaligned_policy"):
        yield
        return
    from epython.monitor import Monitor
    load = Monitor.load

    def checked_load(self):
        policy = self.chip.config.unaligned
        if policy != "stop":
            raise AssertionError(f"an ePython run with unaligned={policy!r}: tests must run "
                                 "with the default 'stop' (mark the test unaligned_policy "
                                 "if the policy itself is under test)")
        return load(self)

    monkeypatch.setattr(Monitor, "load", checked_load)
    yield
