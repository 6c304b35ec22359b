"""The Epiphany instruction set: one declarative table (``isa.spec``) and everything derived
from it — decoder, encoder, assembler, disassembler, and the generated tables of the core."""
from .spec import INSNS, INSN_BY_NAME, Insn
from .decoder import Decoded, decode, decode_word, OP_OF
from .encoder import encode, EncodeError
from .disassembler import disasm_one, format_insn

__all__ = ["INSNS", "INSN_BY_NAME", "Insn", "Decoded", "decode", "decode_word", "OP_OF",
           "encode", "EncodeError", "disasm_one", "format_insn"]
