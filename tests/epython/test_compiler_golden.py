"""Golden bytecode: the worked examples of the spec (§1.3, §1.9) and each statement shape of
§1.3, with the expected bytes written out by hand from the spec (never taken from our own
compiler's output)."""
import struct

import pytest

from epython.bytecode import MAX_CODE_SIZE, Op, Program
from epython.compiler import CompileError, compile_source


# --- an independent little encoder for the expected bytes (spec §1.3) ----------------------

def u16(v):
    return struct.pack("<H", v)


def INT(v):
    return bytes([Op.INTEGER]) + struct.pack("<i", v)


def REAL(v):
    return bytes([Op.REAL]) + struct.pack("<f", v)


def BOOL(v):
    return bytes([Op.BOOLEAN]) + struct.pack("<i", v)


def STR(s):
    return bytes([Op.STRING]) + s.encode() + b"\0"


def V(sym):
    return bytes([Op.IDENTIFIER]) + u16(sym)


def AT(sym, *idx):
    return bytes([Op.ARRAYACCESS]) + u16(sym) + bytes([len(idx)]) + b"".join(idx)


def LET(target, value):
    return bytes([Op.LET]) + target + value


def B(op, a, b):
    return bytes([op]) + a + b


def NATIVE(byte, *args):
    return bytes([Op.NATIVE, byte]) + u16(len(args)) + b"".join(args)


def PRINT(e):
    return NATIVE(0x22, e)            # print: 1 argument expected, id 2


def FLOOR(e):
    return NATIVE(0xF4, INT(10), e)   # math (any number of arguments), op 10 = floor


def ARRAY(items, repeat=None):
    head = bytes([Op.ARRAY]) + struct.pack("<i", len(items)) + bytes([repeat is not None])
    return head + (repeat or b"") + b"".join(items)


def CALL(addr, *ids):
    return bytes([Op.FNCALL]) + u16(addr) + u16(len(ids)) + b"".join(u16(i) for i in ids)


STOP = bytes([Op.STOP])
RET = bytes([Op.RETURN])


def code(src):
    return compile_source(src, "t.py").code


# --- the worked examples ----------------------------------------------------------------------

def test_worked_example_section_1_3():
    p = compile_source('a=1\nb=a+2.5\nprint "x="+b\nif a==1: a=3\n', "t.py")
    expected = bytes.fromhex(
        "000f0100 1201000000"
        "000f0200 0a0f0100 1000002040"
        "23220100 0a11783d00 0f0200"
        "13040f0100 1201000000 0900"
        "000f0100 1203000000"
        "01".replace(" ", ""))
    assert p.code == expected
    assert len(p.code) == 56 and p.nsymbols == 3


def test_worked_example_section_1_9_saved_file():
    p = compile_source("a=1\nprint a+2\n", "t.py")
    assert p.to_bytes() == bytes.fromhex(
        "17000000 0200"
        "000f0100 1201000000 23220100 0a0f0100 1202000000 01".replace(" ", ""))


def test_save_load_round_trip(tmp_path):
    p = compile_source("x=[1,2]\nprint x[1]\n", "t.py")
    path = tmp_path / "prog.bin"
    p.save(str(path))
    data = path.read_bytes()
    assert data[:6] == struct.pack("<IH", len(p.code), p.nsymbols)
    q = Program.load(str(path))
    assert (q.code, q.nsymbols) == (p.code, p.nsymbols)


# --- statement shapes -------------------------------------------------------------------------

def test_while_shape_and_never_executed_byte():
    body = LET(V(1), B(Op.ADD, V(1), INT(1)))
    loop = bytes([Op.IF]) + B(Op.LT, V(1), INT(3)) + u16(len(body) + 4) + body
    loop += bytes([Op.GOTO]) + u16(9) + b"\0"
    assert code("i=0\nwhile i<3:\n    i=i+1\n") == LET(V(1), INT(0)) + loop + STOP


def test_if_same_line_body():
    then = LET(V(1), INT(3))
    assert code("a=1\nif a==1: a=3\n") == (
        LET(V(1), INT(1)) + bytes([Op.IF]) + B(Op.EQ, V(1), INT(1)) + u16(len(then)) + then
        + STOP)


def test_if_else_shape():
    then, other = LET(V(1), INT(2)), LET(V(1), INT(3))
    head = LET(V(1), INT(1))
    cond = B(Op.EQ, V(1), INT(1))
    end = len(head) + 1 + len(cond) + 2 + len(then) + 3 + len(other)
    expected = (head + bytes([Op.IFELSE]) + cond + u16(len(then) + 3) + then
                + bytes([Op.GOTO]) + u16(end) + other + STOP)
    assert code("a=1\nif a==1:\n    a=2\nelse:\n    a=3\n") == expected


def test_elif_chain_nests_ifelse():
    src = "a=1\nif a==1:\n    a=2\nelif a==2:\n    a=3\nelse:\n    a=4\n"
    head = LET(V(1), INT(1))
    c1, t1 = B(Op.EQ, V(1), INT(1)), LET(V(1), INT(2))
    c2, t2, e2 = B(Op.EQ, V(1), INT(2)), LET(V(1), INT(3)), LET(V(1), INT(4))
    inner_len = 1 + len(c2) + 2 + len(t2) + 3 + len(e2)
    end = len(head) + 1 + len(c1) + 2 + len(t1) + 3 + inner_len
    inner = (bytes([Op.IFELSE]) + c2 + u16(len(t2) + 3) + t2 + bytes([Op.GOTO]) + u16(end)
             + e2)
    outer = (bytes([Op.IFELSE]) + c1 + u16(len(t1) + 3) + t1 + bytes([Op.GOTO]) + u16(end)
             + inner)
    assert code(src) == head + outer + STOP


def test_elif_without_block_if_is_a_plain_if():
    # ePython's grammar: an elif after a same-line if is an if of its own
    src = "a=1\nif a==1: a=2\nelif a==2:\n    a=3\n"
    first = bytes([Op.IF]) + B(Op.EQ, V(1), INT(1)) + u16(9) + LET(V(1), INT(2))
    second = bytes([Op.IF]) + B(Op.EQ, V(1), INT(2)) + u16(9) + LET(V(1), INT(3))
    assert code(src) == LET(V(1), INT(1)) + first + second + STOP


def test_for_shape_counter_after_body():
    # v = 1 (declared first), the hidden counter epy_i_ctr = 2 (made after the body)
    body = PRINT(V(1))
    incr = LET(V(2), B(Op.ADD, V(2), INT(1)))
    expected = (LET(V(2), INT(0)) + LET(V(1), INT(0)) + bytes([Op.FOR]) + u16(2) + u16(1)
                + ARRAY([INT(1), INT(2)]) + u16(len(body) + len(incr)) + body + incr
                + bytes([Op.GOTO]) + u16(9) + STOP)
    p = compile_source("for i in [1,2]:\n    print i\n", "t.py")
    assert p.code == expected and p.nsymbols == 3


def test_function_definition_call_defaults_and_hidden_argument():
    # f: a = 1, b = 2; main: the hidden argument variable f#0 = 3
    src = "def f(a, b=2):\n    return a+b\nprint f(1)\n"
    main = PRINT(LET(V(3), INT(1)) + CALL(21, 3))
    fn = (u16(2) + u16(1) + u16(2) + bytes([Op.LETNOALIAS]) + V(2) + INT(2)
          + bytes([Op.RETURN_EXP]) + B(Op.ADD, V(1), V(2)) + RET)
    p = compile_source(src, "t.py")
    assert len(main) == 20
    assert p.code == main + STOP + fn
    assert p.nsymbols == 4 and p.functions == {"f": 21}


def test_identifier_arguments_are_passed_without_hidden_variables():
    src = "def f(a):\n    a=a+1\nx=1\nf(x)\n"
    p = compile_source(src, "t.py")
    main = LET(V(2), INT(1)) + CALL(17, 2)
    assert p.code[:17] == main + STOP
    assert p.nsymbols == 3


def test_hidden_argument_variable_is_reused_in_its_scope():
    src = "def f(a):\n    return a\nx=f(1)+f(2)\n"
    c = code(src)
    # both calls store into the same f#0 (id 3); x is 2, made before its value
    expected_main = LET(V(2), B(Op.ADD, LET(V(3), INT(1)) + CALL(38, 3),
                                LET(V(3), INT(2)) + CALL(38, 3)))
    assert c[:38] == expected_main + STOP


def test_function_value_and_call_through_a_variable():
    src = "def g():\n    return 1\nh=g\nprint h()\n"
    main = (LET(V(1), bytes([Op.FN_ADDR]) + u16(17))
            + PRINT(bytes([Op.FNCALL_BY_VAR]) + u16(1) + u16(0)))
    fn = u16(0) + bytes([Op.RETURN_EXP]) + INT(1) + RET
    assert code(src) == main + STOP + fn


def test_reference_symbol_alias():
    src = "x=1\ny=id(x)\nz=symbol(x)\nalias(x, 5)\n"
    expected = (LET(V(1), INT(1)) + LET(V(2), bytes([Op.REFERENCE]) + u16(1))
                + LET(V(3), bytes([Op.SYMBOL]) + u16(1)) + bytes([Op.ALIAS]) + u16(1) + INT(5)
                + STOP)
    assert code(src) == expected


def test_floor_division_is_divide_then_native_floor():
    src = "a=7\nb=a//2\na//=2\n"
    expected = (LET(V(1), INT(7)) + LET(V(2), FLOOR(B(Op.DIV, V(1), INT(2))))
                + LET(V(1), FLOOR(B(Op.DIV, V(1), INT(2)))) + STOP)
    assert code(src) == expected


@pytest.mark.parametrize("op,opcode", [("+=", Op.ADD), ("-=", Op.SUB), ("*=", Op.MUL),
                                       ("/=", Op.DIV), ("%=", Op.MOD), ("**=", Op.POW)])
def test_augmented_assignments(op, opcode):
    assert code(f"a=1\na{op}2\n") == (LET(V(1), INT(1)) + LET(V(1), B(opcode, V(1), INT(2)))
                                      + STOP)


def test_augmented_assignment_to_an_element_repeats_the_access():
    src = "a=[1]\na[0]+=2\n"
    assert code(src) == (LET(V(1), ARRAY([INT(1)]))
                         + LET(AT(1, INT(0)), B(Op.ADD, AT(1, INT(0)), INT(2))) + STOP)


def test_input_print_exit_quit_pass():
    src = 'a=input()\nb=input("p")\npass\nprint(a)\nexit()\nquit()\n'
    expected = (LET(V(1), NATIVE(0x05)) + LET(V(2), NATIVE(0x26, STR("p"))) + PRINT(V(1))
                + STOP + STOP + STOP)
    assert code(src) == expected


def test_lists_repeat_and_element_store():
    src = "a=[1,2]\nb=[0]*3\na[1]=b[0]\nm=[1]\nm[1][2]=3\n"
    expected = (LET(V(1), ARRAY([INT(1), INT(2)])) + LET(V(2), ARRAY([INT(0)], INT(3)))
                + LET(AT(1, INT(1)), AT(2, INT(0))) + LET(V(3), ARRAY([INT(1)]))
                + LET(AT(3, INT(1), INT(2)), INT(3)) + STOP)
    assert code(src) == expected


def test_constants():
    src = 'a=true\nb=false\nc=none\nd=-5\ne=+2.5\nf=-1.5e3\ng="s"\n'
    expected = (LET(V(1), BOOL(1)) + LET(V(2), BOOL(0)) + LET(V(3), bytes([Op.NONE]))
                + LET(V(4), INT(-5)) + LET(V(5), REAL(2.5)) + LET(V(6), REAL(-1500.0))
                + LET(V(7), STR("s")) + STOP)
    assert code(src) == expected


def test_number_forms():
    # C forms as ePython's lexer takes them: suffixes, leading-zero numbers read as decimal
    assert code("a=10L\n") == LET(V(1), INT(10)) + STOP
    assert code("a=017\n") == LET(V(1), INT(17)) + STOP
    assert code("a=.5\n") == LET(V(1), REAL(0.5)) + STOP
    assert code("a=5.\n") == LET(V(1), REAL(5.0)) + STOP
    assert code("a=1.5f\n") == LET(V(1), REAL(1.5)) + STOP
    assert code("a=4294967297\n") == LET(V(1), INT(1)) + STOP


def test_hex_literals_keep_their_value():
    # deliberate difference: ePython v2.0 reads hex with atoi (giving 0)
    assert code("a=0x1F\n") == LET(V(1), INT(31)) + STOP
    assert code("a=0xFFFFFFFF\n") == LET(V(1), INT(-1)) + STOP


def test_single_quoted_literal_is_a_string():
    # deliberate difference: ePython v2.0 made it the C character constant 0
    assert code("a='hi'\n") == LET(V(1), STR("hi")) + STOP


def test_str_is_a_no_op():
    assert code("a=str(5)\n") == LET(V(1), INT(5)) + STOP


@pytest.mark.parametrize("src,native_byte,nargs", [
    ("x=native rtl_coreid()\n", 0x0F, 0),
    ("x=native rtl_numcores()\n", 0x0E, 0),
    ("native rtl_sync()\n", 0x07, 0),
    ("x=native rtl_dsize(1, 0)\n", 0x44, 2),
    ("x=native rtl_allocatearray(3, 4)\n", 0xF2, 2),
    ("x=native rtl_arraycopy(1, 2, 3, 4, 5)\n", 0xBC, 5),
    ("x=native rtl_recv(1)\n", 0x2B, 1),
    ("native rtl_send(1, 2)\n", 0x4A, 2),
])
def test_native_bytes_carry_the_checked_argument_count(src, native_byte, nargs):
    c = code(src)
    at = c.index(bytes([Op.NATIVE]))
    assert c[at + 1] == native_byte
    assert c[at + 2:at + 4] == u16(nargs)


def test_case_insensitive_keywords_and_names():
    assert code("X=1\nPRINT x\nIf X==1: Print 2\n") == code("x=1\nprint x\nif x==1: print 2\n")


def test_statements_may_follow_each_other_on_a_line():
    assert code("a=1 b=2\n") == LET(V(1), INT(1)) + LET(V(2), INT(2)) + STOP


def test_block_comments_and_trailing_comments():
    src = "/* header\n comment */\nx=1 /* inline */ + 2\n# line\nprint x # trailing\n"
    assert code(src) == LET(V(1), B(Op.ADD, INT(1), INT(2))) + PRINT(V(1)) + STOP


def test_line_after_a_trailing_comment_keeps_its_indentation():
    # deliberate difference: ePython v2.0 glued `print i` into the loop body
    src = "i=0\nwhile i<3:\n    i=i+1 # c\nprint i\n"
    body = LET(V(1), B(Op.ADD, V(1), INT(1)))
    loop = (bytes([Op.IF]) + B(Op.LT, V(1), INT(3)) + u16(len(body) + 4) + body
            + bytes([Op.GOTO]) + u16(9) + b"\0")
    assert code(src) == LET(V(1), INT(0)) + loop + PRINT(V(1)) + STOP


def test_call_inside_not_gets_its_address_in_place():
    # deliberate difference: ePython v2.0 writes this address one byte early
    src = "def f():\n    return 1\nif not f()==2: print 2\n"
    cond = bytes([Op.NOT]) + B(Op.EQ, CALL(25), INT(2))
    then = PRINT(INT(2))
    main = bytes([Op.IF]) + cond + u16(len(then)) + then
    assert len(main) == 24
    assert code(src) == main + STOP + u16(0) + bytes([Op.RETURN_EXP]) + INT(1) + RET


def test_tabs_count_four_columns():
    assert code("a=1\nif a==1:\n\ta=2\n    \n\ta=3\n") == code("a=1\nif a==1:\n    a=2\n    a=3\n")


# --- precedence and associativity --------------------------------------------------------------

A, Bv, Cv = V(1), V(2), V(3)
PRE = "a=1\nb=2\nc=3\n"


@pytest.mark.parametrize("expr,tree", [
    ("a+b*c", B(Op.ADD, A, B(Op.MUL, Bv, Cv))),
    ("a-b-c", B(Op.SUB, B(Op.SUB, A, Bv), Cv)),
    ("a*b^c", B(Op.POW, B(Op.MUL, A, Bv), Cv)),          # power binds like *
    ("a^b^c", B(Op.POW, B(Op.POW, A, Bv), Cv)),          # left-associative
    ("a**b", B(Op.POW, A, Bv)),
    ("a/b%c", B(Op.MOD, B(Op.DIV, A, Bv), Cv)),
    ("a+b<c", B(Op.LT, B(Op.ADD, A, Bv), Cv)),
    ("a==b<c", B(Op.EQ, A, B(Op.LT, Bv, Cv))),
    ("a<>b", B(Op.NEQ, A, Bv)),
    ("a!=b", B(Op.NEQ, A, Bv)),
    ("a is none", B(Op.IS, A, bytes([Op.NONE]))),
    ("a or b and c", B(Op.OR, A, B(Op.AND, Bv, Cv))),
    ("a and b or c", B(Op.OR, B(Op.AND, A, Bv), Cv)),
    ("not a and b", bytes([Op.NOT]) + B(Op.AND, A, Bv)),  # not covers the whole expression
    ("!a==b", bytes([Op.NOT]) + B(Op.EQ, A, Bv)),
    ("(a+b)*c", B(Op.MUL, B(Op.ADD, A, Bv), Cv)),
    ("a<=b>=c", B(Op.GEQ, B(Op.LEQ, A, Bv), Cv)),
    ("a - -1", B(Op.SUB, A, INT(-1))),
    ("a*-2.5", B(Op.MUL, A, REAL(-2.5))),
    ("a//b*c", B(Op.MUL, FLOOR(B(Op.DIV, A, Bv)), Cv)),
])
def test_precedence(expr, tree):
    assert code(PRE + f"d={expr}\n")[27:] == LET(V(4), tree) + STOP


@pytest.mark.parametrize("src", ["b=-a\n", "x=not not a\n", "x=2*[1]\n", "x=[]\n",
                                 "x=a . b\n", "a=1;b=2\n", "print a, b\n", "x=2*str(1)\n",
                                 "next=1\n", "x=$\n"])
def test_dialect_rejects(src):
    with pytest.raises(CompileError) as err:
        compile_source("a=1\n" + src, "t.py")
    assert str(err.value) == "syntax error at line 2 of file t.py"


# --- linking ----------------------------------------------------------------------------------

def test_functions_are_linked_last_defined_first_and_only_when_reachable():
    src = ("def f3():\n    print 3\ndef f1():\n    print 1\ndef unused(a):\n    b=a\n"
           "def f2():\n    print 2\nf1()\nf2()\nf3()\n")
    p = compile_source(src, "t.py")
    body = lambda n: u16(0) + PRINT(INT(n)) + RET  # noqa: E731
    main_len = 3 * 5 + 1
    layout = body(2) + body(1) + body(3)
    assert p.code[main_len:] == layout
    assert p.functions == {"f2": 16, "f1": 28, "f3": 40}
    assert p.code[:main_len] == CALL(28) + CALL(16) + CALL(40) + STOP
    assert p.nsymbols == 1                 # a, b belong to the unlinked function


def test_exportable_forces_a_function_in():
    src = "def dropped(a):\n    b=a\n@exportable\ndef kept(q):\n    return q\nx=1\n"
    p = compile_source(src, "t.py")
    assert p.code == (LET(V(4), INT(1)) + STOP + u16(1) + u16(3)
                      + bytes([Op.RETURN_EXP]) + V(3) + RET)
    assert p.functions == {"kept": 10}
    assert p.nsymbols == 3


def test_functions_are_hoisted_and_reachable_through_calls():
    src = "print a()\ndef a():\n    return b()\ndef b():\n    return 2\n"
    p = compile_source(src, "t.py")
    assert set(p.functions) == {"a", "b"}


def test_recursive_function_gets_nine_more_copies_of_its_symbols():
    src = "def fact(n):\n    if n<=1: return 1\n    return n*fact(n-1)\nprint fact(5)\n"
    # fact: n = 1 and fact#0 = 2; main: fact#0 = 3 -> 4 ids + 9 x 2
    assert compile_source(src, "t.py").nsymbols == 22


def test_symbol_count_of_an_empty_program():
    p = compile_source("", "t.py")
    assert (p.code, p.nsymbols) == (STOP, 1)


def test_program_over_64k_is_an_error():
    src = "a=[" + ",".join(["1"] * 14000) + "]\n"
    with pytest.raises(CompileError) as err:
        compile_source(src, "t.py")
    assert "below 65536 bytes" in str(err.value)
    assert MAX_CODE_SIZE == 65536
