"""ELF reading and placement onto the chip."""
