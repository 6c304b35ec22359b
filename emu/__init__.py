"""epiphany-emu: a cycle-approximate emulator of the Adapteva Epiphany (E16G301) chip."""
__version__ = "0.1.0"
