"""libe-hal's sources: our e-hal, the ESDK host library's API on the emulator (C).

``include/`` holds the headers an ESDK host program includes (e-hal.h, e-loader.h ...),
``src/`` the library.  ``epiphany-emu hal-config`` builds it on first use and prints the
compiler flags; docs/esdk-host.md.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.join(HERE, "include")
SRC = os.path.join(HERE, "src")
