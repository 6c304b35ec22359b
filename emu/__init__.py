"""epiphany-emu: a cycle-approximate emulator of the Adapteva Epiphany (E16G301) chip."""
import os as _os

# numpy's OpenBLAS starts worker threads that spin; the emulator never uses BLAS, and on a
# small machine those threads steal cycles from the run loop.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_v, "1")

__version__ = "0.1.0"
