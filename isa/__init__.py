"""The Epiphany instruction set: one declarative table (``isa.spec``) and everything derived
from it — decoder, encoder, assembler, disassembler, and the generated tables of the core.

The names below are imported from their modules when first used (PEP 562): a program that
needs only one part (the loader needs ``isa.elfout``) does not build the others at start-up."""
import importlib

_WHERE = {"INSNS": "spec", "INSN_BY_NAME": "spec", "Insn": "spec",
          "Decoded": "decoder", "decode": "decoder", "decode_word": "decoder", "OP_OF": "decoder",
          "encode": "encoder", "EncodeError": "encoder",
          "disasm_one": "disassembler", "format_insn": "disassembler"}

__all__ = list(_WHERE)


def __getattr__(name):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("." + mod, __name__), name)
    globals()[name] = value
    return value
