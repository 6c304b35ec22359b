"""epiphany-emu: a cycle-approximate emulator of the Adapteva Epiphany (E16G301) chip."""
import os as _os

# numpy's OpenBLAS starts worker threads that spin; the emulator never uses BLAS, and on a
# small machine those threads steal cycles from the run loop.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_v, "1")

__version__ = "0.1.0"

#: what ``import emu`` offers (imported on first use, so that ``import emu`` stays cheap)
_API = {
    "Platform": "emu.hal", "Workgroup": "emu.hal", "Buffer": "emu.hal", "HalError": "emu.hal",
    "HalRangeError": "emu.hal", "HalStateError": "emu.hal", "HalLoadError": "emu.hal",
    "E_OK": "emu.hal", "E_ERR": "emu.hal", "E_WARN": "emu.hal",
    "Stop": "emu.stops", "Chip": "emu.chip", "ChipConfig": "emu.chip",
    "TimingModel": "emu.timing",
}
__all__ = sorted(_API) + ["__version__"]


def __getattr__(name):
    mod = _API.get(name)
    if mod is None:
        raise AttributeError(f"module 'emu' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(mod), name)


def open(row=0, col=0, rows=None, cols=None, **config):
    """A Platform (the Parallella's chip unless ChipConfig fields say otherwise) and its
    e_open'd workgroup: ``platform, dev = emu.open(0, 0, 4, 4)``."""
    from .chip import ChipConfig
    from .hal import Platform
    p = Platform(ChipConfig(**config))
    return p, p.open(row, col, rows, cols)
