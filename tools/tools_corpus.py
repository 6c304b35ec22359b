"""Assembler conformance corpus: generated sources + what the GNU toolchain makes of them.

Used by ``tools/gen_isa_golden.py corpus``.  The sources are generated from the assembler's
own form table (itself derived from ``isa/spec.py``), so every spelling and syntax of every row
is covered; the expected bytes come from epiphany-elf-as + epiphany-elf-ld only.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile

from isa import regs
from isa.assembler import form_table, imm_kind
from isa.encoder import field_range
from isa.spec import COND_NAMES

# ---------------------------------------------------------------------------------------------
# operand choices
# ---------------------------------------------------------------------------------------------
REG16 = ["r0", "r7", "r3", "a1", "v4", "R5", "a4", "v1", "r6"]
REG32 = ["r8", "r63", "fp", "sp", "lr", "ip", "sb", "sl", "v8", "r32", "r0", "r47", "v5"]


def _regs(width):
    return REG16 if width == 3 else REG32


def _imms(ins, kind):
    lo, hi = field_range(ins, "imm")
    if ins.asm_range:
        lo, hi = ins.asm_range
    if kind == "simm":
        n = len(ins.fields["imm"])
        return [str(lo), str(hi), "0", "-1", "#1", "#-2", "(1+2)*1", "0x3" if hi >= 3 else "0",
                str(-(1 << n) + 1) if ins.width == 32 else "2"]
    if kind == "disp":
        return ["0", str(hi), "#1", "0x2", str(hi // 2)]
    if kind == "imm8":
        return ["0", "255", "#0x7f", "$10", "'a'"]
    if kind == "imm16":
        return ["0", "0xffff", "#256", "%low(0x12345678)", "%high(0x12345678)", "-1", "0x1234"]
    if kind == "uimm":
        return [str(lo), str(hi), f"#{hi}", str((lo + hi) // 2)]
    return []


def _sregs(ins):
    if "group" in ins.fields:
        return [r.asm for r in regs.SREGS if r.asm]
    return [r.asm for r in regs.SREGS if r.asm and r.group == 0 and r.index <= 7]


def form_lines(mnem, form):
    ins = form.ins
    choices = []
    for t in form.tokens:
        if len(t) == 1:
            choices.append([t])
            continue
        key = t[1:-1]
        if key in ("rd", "rn", "rm"):
            choices.append(_regs(len(ins.fields[key])))
        elif key == "sign":
            choices.append(["+", "-", "", "#-", "#+"] if "imm" in form.tokens[-2:] or any(
                x == "{imm}" for x in form.tokens) else ["+", "-", ""])
        elif key == "sreg":
            choices.append(_sregs(ins))
        elif key == "imm":
            choices.append(_imms(ins, imm_kind(ins)))
        else:
            raise KeyError(key)
    if any(not c for c in choices):
        return []
    n = max([len(c) for c in choices] + [1])
    out = []
    for k in range(n):
        parts = [c[(k * (1 + j)) % len(c)] if len(c) > 1 else c[0] for j, c in enumerate(choices)]
        ops = "".join(parts)
        # avoid sign + '#-' combos that produce "--"
        ops = ops.replace("#-#", "#-").replace("+#", "+")
        out.append(f"{mnem} {ops}".rstrip())
    return out


def forms_lines():
    """Every spelling and syntax of every row (branches: see relax_source)."""
    lines = []
    table = form_table()
    for mnem in sorted(table):
        if mnem.startswith("b") and any(f.ins.imm_fmt == "addr" for f in table[mnem]):
            continue
        for form in table[mnem]:
            lines += form_lines(mnem, form)
    return lines


def pair_lines():
    """Every load/store form with destination registers of both parities, each with the base
    register equal to it, above it, below it and apart, and an index equal to it or apart.

    Which of these GNU takes is decided by its checks after parsing (even:odd pairs for double
    words, post-modified bases that are also destinations), form by form: the corpus asks it
    instead of assuming a rule, so that a form where we differ shows up as a failing line."""
    lines = []
    table = form_table()
    for mnem in sorted(table):
        for form in table[mnem]:
            ins = form.ins
            if not ins.sem.startswith(("load(", "store(")) or "rd" not in ins.fields:
                continue
            top = (1 << len(ins.fields["rd"])) - 1
            # 16-bit fields reach r0..r7; 32-bit rows spelled without .l need a high register
            rds = [2, 3, 5, 6] if top == 7 or mnem.endswith(".l") else [10, 11, 33, 62]
            for rd in rds:
                for rn in (rd, rd + 1, rd - 1, rd ^ 4):
                    for rm in ((rd, rd ^ 4) if "rm" in ins.fields else (None,)):
                        ops = []
                        for t in form.tokens:
                            key = t[1:-1] if len(t) > 1 else None
                            if key is None:
                                ops.append(t)
                            elif key in ("rd", "rn", "rm"):
                                ops.append(f"r{dict(rd=rd, rn=rn, rm=rm)[key]}")
                            elif key == "sign":
                                ops.append("-" if rd & 2 else "+")
                            elif key == "imm":
                                ops.append("1")
                        lines.append(f"{mnem} {''.join(ops)}")
    return list(dict.fromkeys(lines))


def gnu_split(lines, tmp):
    """(lines GNU assembles, [(line, GNU's message) for those it rejects]): one run of
    epiphany-elf-as, which reports every line it rejects."""
    s = os.path.join(tmp, "split.s")
    with open(s, "w") as f:
        f.write(".text\n" + "".join(f"\t{ln}\n" for ln in lines))
    r = subprocess.run(["epiphany-elf-as", s, "-o", os.path.join(tmp, "split.o")],
                       capture_output=True, text=True)
    bad = {}
    for m in re.finditer(r"split\.s:(\d+): Error: (.*)", r.stderr):
        bad[int(m.group(1)) - 2] = m.group(2)
    return ([ln for k, ln in enumerate(lines) if k not in bad],
            [(lines[k], msg) for k, msg in sorted(bad.items())])


def source_of(lines):
    return "\n".join([".text"] + ["\t" + ln for ln in lines]) + "\n"


def relax_source():
    """Branches around the 16/32-bit limits, every condition, .s/.l spellings."""
    L = [".text", ".global _start", "_start:"]
    conds = [c for c in COND_NAMES]
    # backward / forward branches at the exact limits (16-bit reach: -256..+254 bytes)
    for k, c in enumerate(conds):
        mn = "b" + c
        L.append(f"back{k}:")
        L.append("\t.skip 254")
        L.append(f"\t{mn} back{k}")          # -256: fits 16-bit
        L.append(f"\t{mn} back{k}")          # -258: 32-bit
        L.append(f"\t{mn} fwd{k}")
        L.append("\t.skip 250")
        L.append(f"\t{mn} fwd{k}")
        L.append(f"fwd{k}:")
        L.append(f"\t{mn}.s fwd{k}")
        L.append(f"\t{mn}.l fwd{k}")
        L.append(f"\t{mn} .+{254 if k % 2 else 256}")
        L.append(f"\t{mn} -{256 if k % 2 else 258}")
    L += ["\tb 1f", "\tnop", "1:\tb 1b", "2:", "\tbl 2b", "\tb.l 2b", "\tbl.s 2f", "2:\tnop",
          "\tb gfar", "\tbl gfar", "\tb dlab", "\tb.s 2b", "\tbgt.l dlab"]
    # add/sub with label operands (PC-relative quirk, 16/32 limits, GNU byte garbling)
    for d in range(-6, 10):
        L.append(f"\tadd r1,r2,.+{d}" if d >= 0 else f"\tadd r1,r2,.{d}")
        L.append(f"\tsub r3,r4,.+{d}" if d >= 0 else f"\tsub r3,r4,.{d}")
    for d in (1022, 1023, 1024, 1025, 1026, -1020, -1021, -1022, -1023, -1024):
        L.append(f"\tadd r1,r2,.{d:+d}")
    L += ["\tadd r0,r1,fwdlab", "\tsub r0,r1,fwdlab", "\tadd r7,r6,dlab", "\tsub r1,r1,gfar",
          "\tadd.l r0,r1,fwdlab-fwdlab", "\tadd.s r0,r1,K", "\tmov r0,K", "\tmov r0,K2",
          "\tmov r0,%low(dlab)", "\tmovt r0,%high(dlab)", "\tmov r8,%low(dlab+0x10000)",
          "\tmovt r8,%high(fwdlab)", "\tmov r0,fwdlab", "\tmovt r2,dlab",
          "\tmov r0,%high(dlab)", "\tmovt r0,%low(dlab)", "\tadd r8,r1,small",
          "\tldr r8,[r1,small]", "\tldr r8,[r1,#-small]", "\tadd r0,r1,small",
          "\tstr r9,[r2,small+1]",
          "\t.set K,3", "\t.equ K2, K*0x100 + 5"]
    L += ["\t.skip 700", "fwdlab:\tnop", "\tb fwdlab", "\tb.l fwdlab",
          "\t.balign 8", "gfar:\tnop", ".global gfar", "\t.word fwdlab, dlab, gfar+2, fwdlab-_start",
          "\t.short fwdlab-_start, small", "\t.byte small",
          ".data", "\t.byte 1", "dlab:\t.word dlab, 0", ".set small, 5"]
    return "\n".join(L) + "\n"


def directives_source():
    return r"""
; comments: semicolon, // C++, /* C */, # at line start
# a line comment
	.text
	.global _start, other
	.type _start, @function
_start:	mov r0, 1            // trailing comment
	add r0 , r1 , 2 * 2  ; spaces inside operands
	/* block */ nop ` nop
	push {r0,r1,r4}
	pop {r0,r1,r4}
	push {r5}
	pop {lr,r0}
	push {r0, r2 , r15}
1:	nop
	b 1b
	b 1f
1:	nop
	.byte 1
	.balign 8
	nop
	.byte 2
	.balign 16
	.p2align 2
	.align 3
	.balign 8,,3
	.byte 3
	.balign 8,0x55
	.p2align 4,0x77
	.hword 0x1234, -2
	.short 1+2&3, 7%3
	.word 'b, 0b101, 017, -1, 1<<4|1, ~0, !0, 2>1, (1+2)*3, $ff, 0x7fffffff
	.long 0x11223344
	.int 5
	.2byte 6
	.4byte 7
	.ascii "ab;c\n", "\x41\101"
	.asciz "x"
	.string "y\"z"
	.zero 3
	.space 2
	.skip 3, 9
	.fill 2, 3, 0x112233
	.fill 3
	.set S1, 0x40
	S2 = S1 + 4
	.equ S3, S2 << 1
	.word S1, S2, S3, end - _start, other
	.size _start, . - _start
other:	nop
	mov r0, #S1
	add r0, r1, #-S1/16
	ldr r0, [r1, #S1/32]
	ldr r0, [r1, #- 2]
	ldr r0, [r1, -#3]
	ldrd r2, [r5], +r4
	str r0, [r1], #-4
	str r0, [r1], #+4
	ldr r8, [r9]
	ldr.l r1, [r2]
	strb.l r1, [r2]
	mov r0, sym_in_bss
	fabs rd,rn
	fabs r0,r1
	swi
	rts
	.section .text.extra,"ax",@progbits
	nop
	.section .mycode,"ax"
	trap 3
	.data
	.byte 9
	.balign 4
dw:	.word dw, _start
	.section .rodata
	.byte 1, 2
	.section .rodata.str,"a"
	.asciz "hello"
	.section .mydata,"aw"
	.short 3
	.bss
	.space 12
sym_in_bss:
	.zero 4
	.section .sbss,"aw",@nobits
	.skip 3
	.text
end:	.byte 9
"""


NEGATIVE = [
    "ldrd r1,[r2]", "ldrd r1,[r2,r3]", "ldr r1,[r1],r2", "ldrd r0,[r1],r3",
    "ldr r2,[r2],#4", "ldr r9,[r9],+r1", "strd r9,[r0,#1]",
    "add r8,r1", "add.s r8,r1,r2", "add.s r0,r1,8", "mov.b r0,256", "mov.b r8,1",
    "lsl r0,r1,32", "jr.l r0", "jalr.l r1", "swi 3", "movts r0,config", "foo r0",
    "ldr r0,[r1,sym]\nsym:", "push {r16}", "trap 64", "movfs r0,bogus", "add r0,r1,r2,r3",
    "mov r0,status", "ldr r0,[r1,#2048]", "add r0,r1,#1024", "sub r0,r1,#-2048",
    "add.s r0,r1,r2", "mov r0,", "b.s far\n.skip 300\nfar:", "beq.s .+256", "ldr r0,[r1",
    "movts status,r0,r1", "nop r0", "fabs.l rd,rn", "lsl r0,r1,-1", "asr r0,r1,#40",
    ".word undefined_sym", "b nowhere", "add r0,r1,2,", "ldr.s r0,[r1]", "movgtu.s r0,r1",
    "x:\nnop\nx:", "bitr r0", "mov r0,r1,r2", "movl r0,r1", "blt.x 0", "testset r0,[r1]",
    "testset r0,[r1,#4]", ".foo 1", "movt r0", "str r0,[r1,r2,r3]", "mov ip,#%low(0xdeadbeef)",
    "movt r0,#%high(x)\nx:", "mov.l r1,dlab\ndlab:", "movt.l r1,%high(x)\nx:",
]


# ---------------------------------------------------------------------------------------------
# running the oracle
# ---------------------------------------------------------------------------------------------
_LINE = re.compile(r"\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$")


def run_gnu(src: str, base: int, tmp: str):
    s = os.path.join(tmp, "c.s")
    o = os.path.join(tmp, "c.o")
    e = os.path.join(tmp, "c.elf")
    with open(s, "w") as f:
        f.write(src)
    r = subprocess.run(["epiphany-elf-as", s, "-o", o], capture_output=True, text=True)
    if r.returncode:
        m = re.search(r"c\.s:(\d+): Error", r.stderr)
        return {"error": "as", "line": int(m.group(1)) if m else 0, "msg": r.stderr}
    r = subprocess.run(["epiphany-elf-ld", f"-Ttext={base:#x}", o, "-o", e],
                       capture_output=True, text=True)
    if r.returncode:
        return {"error": "ld", "line": 0, "msg": r.stderr}
    from elftools.elf.elffile import ELFFile
    with open(e, "rb") as f:
        elf = ELFFile(f)
        secs = {}
        for sec in elf.iter_sections():
            if sec["sh_flags"] & 2:
                data = b"" if sec["sh_type"] == "SHT_NOBITS" else sec.data()
                secs[sec.name] = {"addr": sec["sh_addr"], "size": sec["sh_size"],
                                  "hex": data.hex()}
        entry = elf.header["e_entry"]
    dis = subprocess.run(["epiphany-elf-objdump", "-d", "-j", ".text", e], capture_output=True,
                         text=True).stdout
    insns = []
    for line in dis.splitlines():
        m = _LINE.match(line)
        if m:
            insns.append([int(m.group(1), 16), m.group(2).strip(), m.group(3).rstrip()])
    return {"sections": secs, "entry": entry, "objdump": insns,
            "warnings": r.stderr.count("warning") - r.stderr.count("RWX")}


def gen_corpus(golden: str):
    out = os.path.join(golden, "asm")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # generated instruction lines: GNU decides which belong to the corpus and which are
        # negative cases (with its message, which ours must equal)
        forms, forms_neg = gnu_split(forms_lines(), tmp)
        pairs, pairs_neg = gnu_split(pair_lines(), tmp)
        cases = [("forms", source_of(forms), 0), ("forms_base", source_of(forms), 0x80000000),
                 ("pairs", source_of(pairs), 0),
                 ("relax", relax_source(), 0), ("directives", directives_source(), 0x100)]
        for name, src, base in cases:
            res = run_gnu(src, base, tmp)
            if "error" in res:
                raise SystemExit(f"{name}: GNU rejected the corpus: {res['msg']}")
            with open(os.path.join(out, name + ".s"), "w") as f:
                f.write(src)
            res["base"] = base
            res["source"] = name + ".s"
            with open(os.path.join(out, name + ".json"), "w") as f:
                json.dump(res, f, indent=0, sort_keys=True)
            print(f"wrote {name}: {len(src.splitlines())} lines, {len(res['objdump'])} insns")
        neg = []
        for src in NEGATIVE:
            res = run_gnu(src + "\n", 0, tmp)
            if "error" not in res:
                print(f"note: GNU accepts {src!r}; not a negative case")
                continue
            neg.append({"source": src + "\n", "stage": res["error"], "line": res["line"],
                        "gnu": res["msg"].strip().splitlines()[-1].replace(tmp + "/", "")})
        for line, msg in forms_neg + pairs_neg:
            neg.append({"source": line + "\n", "stage": "as", "line": 1,
                        "gnu": f"c.s:1: Error: {msg}", "message": msg})
        with open(os.path.join(out, "neg.json"), "w") as f:
            json.dump(neg, f, indent=1, sort_keys=True)
        print(f"wrote neg.json: {len(neg)} cases")
