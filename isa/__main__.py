"""``python -m isa {check,gen,dis}``: check the spec, regenerate the core tables, disassemble hex."""
import sys


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("\n  check          run the spec consistency checks\n"
              "  gen [--check]  write (or verify) emu/_gen_isa.pxi, emu/_gen_regs.pxi\n"
              "  dis WORD...    disassemble hex instruction words, e.g. `python -m isa dis 920a051f`")
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd == "check":
        from .check import check
        from .spec import INSNS, OVERLAPS
        errs = check(INSNS, OVERLAPS)
        for e in errs:
            print(e)
        print(f"{len(INSNS)} rows, {len(errs)} problem(s)")
        return 1 if errs else 0
    if cmd == "gen":
        from .gen import main as gen_main
        return gen_main(rest)
    if cmd == "dis":
        from .disassembler import disasm_one
        for w in rest:
            v = int(w, 16)
            n = 4 if len(w) > 4 else 2
            print(f"{w}\t{disasm_one(v.to_bytes(n, 'little'))[1]}")
        return 0
    print(f"python -m isa: unknown command {cmd!r} (try --help)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
