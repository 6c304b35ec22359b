# cython: language_level=3
"""The hot core of epiphany-emu (work in progress: structures only)."""

def core_version():
    return 0
