"""Device firmware built with the Epiphany toolchain (ePython VM, test runtimes)."""
