"""Every bytecode operation of the VM firmware, from bytecode assembled here (vm_bcasm), with the
expected values derived from ePython's semantics (spec §1.3, §1.4, §2) -- never from an
earlier run of the VM.  All runs under the default alignment policy: a misaligned access
would stop the run."""
import re
import struct

import pytest

from epython.bytecode import Err, Native, error_message
from tests.epython import vm_bcasm as A
from tests.epython.vm_bcasm import (ADD, ALIAS, AND, ARRAY, BOOL, CALL, CALL_VAR, DIV, EQ,
                                    FN_ADDR, FOR, GEQ, GT, ID, IDX, IF, IFELSE, INT, IS, LEQ,
                                    LT, MOD, MUL, NAT, NEQ, NONE, NOT, OR, POW, REAL, REF, STOP,
                                    STR, SUB, SYMBOL, WHILE, WITH_LET, func, let, pr, program)
from tests.epython.vm_harness import ok, run


@pytest.fixture(autouse=True)
def _fresh_symbols():
    A.reset()


def lines(main, functions=(), **kw):
    return ok(run(program(main, functions), **kw)).lines(0)


def error_of(main, functions=(), **kw):
    r = run(program(main, functions), **kw)
    assert r.stop == "exit", (r.stop, r.res.message)
    return r.lines(0), r.errors(0)


def f32(x):
    """x rounded to single precision, printed like C's %f."""
    return "%f" % struct.unpack("<f", struct.pack("<f", x))[0]


# ---- literals and print ---------------------------------------------------------------------
def test_literals_print_like_the_host():
    assert lines([pr(INT(42)), pr(INT(-7)), pr(REAL(2.5)), pr(BOOL(True)), pr(BOOL(False)),
                  pr(NONE()), pr(STR("hello world"))]) == \
        ["42", "-7", "2.500000", "true", "false", "NONE", "hello world"]


def test_extreme_integers_and_reals():
    assert lines([pr(INT(2147483647)), pr(INT(-2147483648)), pr(REAL(1e-3)),
                  pr(REAL(-123456.75))]) == \
        ["2147483647", "-2147483648", f32(1e-3), "-123456.750000"]


def test_print_a_function_value_prints_nothing():
    # ePython's host has no format for type 5 (function): nothing is printed
    assert lines([pr(FN_ADDR("f")), pr(INT(1))], [func("f", [])]) == ["1"]


# ---- arithmetic ----------------------------------------------------------------------------------
@pytest.mark.parametrize("expr,want", [
    (ADD(INT(2), INT(3)), "5"),
    (SUB(INT(2), INT(3)), "-1"),
    (MUL(INT(-4), INT(6)), "-24"),
    (DIV(INT(7), INT(2)), "3"),             # C truncating division
    (DIV(INT(-7), INT(2)), "-3"),
    (MOD(INT(7), INT(3)), "1"),             # C remainder
    (MOD(INT(-7), INT(3)), "-1"),
    (POW(INT(2), INT(10)), "1024"),
    (POW(INT(5), INT(0)), "1"),
    (POW(INT(2), INT(-1)), "2"),            # a negative exponent gives the base
    (ADD(INT(2147483647), INT(1)), "-2147483648"),   # 32-bit wrap
    (MUL(INT(65536), INT(65536)), "0"),
])
def test_integer_arithmetic(expr, want):
    assert lines([pr(expr)]) == [want]


@pytest.mark.parametrize("expr,want", [
    (ADD(INT(1), REAL(2.5)), "3.500000"),
    (MUL(REAL(2.5), INT(2)), "5.000000"),
    (DIV(REAL(1.0), INT(4)), "0.250000"),
    (DIV(INT(1), REAL(3.0)), f32(1 / 3)),
    (SUB(REAL(0.1), REAL(0.3)), f32(struct.unpack("<f", struct.pack("<f", 0.1))[0]
                                    - struct.unpack("<f", struct.pack("<f", 0.3))[0])),
    (POW(REAL(2.5), INT(2)), "6.250000"),
    (POW(REAL(1.5), INT(0)), "1.000000"),
    # bool + number: the bool's bits taken as a (denormal, flushed) float
    (ADD(BOOL(True), INT(1)), "1.000000"),
    (ADD(REAL(1.5), BOOL(True)), "1.500000"),
])
def test_real_arithmetic_single_precision(expr, want):
    assert lines([pr(expr)]) == [want]


def test_integer_division_by_zero_gives_zero():
    # undefined in ePython (C division by zero); our VM defines it as 0 (docs/epython-vm.md)
    assert lines([pr(DIV(INT(5), INT(0))), pr(MOD(INT(5), INT(0)))]) == ["0", "0"]


# ---- strings --------------------------------------------------------------------------------------
@pytest.mark.parametrize("expr,want", [
    (ADD(STR("n="), INT(3)), "n=3"),
    (ADD(INT(3), STR("x")), "3x"),
    (ADD(STR("f="), REAL(2.5)), "f=2.500000"),
    (ADD(STR("b="), BOOL(True)), "b=true"),
    (ADD(BOOL(False), STR("!")), "false!"),
    (ADD(STR("n="), NONE()), "n=NONE"),
    (ADD(NONE(), STR("?")), "NONE?"),
    (ADD(STR("ab"), STR("cd")), "abcd"),
    (ADD(ADD(STR("a"), INT(1)), ADD(STR("b"), INT(2))), "a1b2"),
])
def test_string_concatenation_by_the_host(expr, want):
    assert lines([pr(expr)]) == [want]


def test_string_variables_and_equality():
    assert lines([let("s", ADD(STR("ab"), STR("c"))), pr(ID("s")),
                  pr(EQ(ID("s"), STR("abc"))), pr(NEQ(ID("s"), STR("abc"))),
                  pr(EQ(STR("x"), STR("xy"))), pr(NEQ(STR(""), STR("")))]) == \
        ["abc", "true", "false", "false", "false"]


def test_string_other_than_addition_is_an_error():
    out, errs = error_of([pr(STR("before")), pr(SUB(STR("a"), INT(1))), pr(STR("after"))])
    assert out == ["before"] and errs == [error_message(Err.ONLY_ADDITION_STR)]


def test_string_ordering_is_an_error():
    out, errs = error_of([pr(LT(STR("a"), STR("b"))), pr(STR("after"))])
    assert out == [] and errs == [error_message(Err.STR_ONLYTEST_EQ)]


# ---- comparisons and truth ----------------------------------------------------------------------
@pytest.mark.parametrize("expr,want", [
    (LT(INT(3), INT(4)), "true"),
    (GT(INT(3), INT(4)), "false"),
    (LEQ(INT(4), INT(4)), "true"),
    (GEQ(INT(3), INT(4)), "false"),
    (EQ(INT(3), REAL(3.0)), "true"),
    (GT(REAL(2.5), INT(2)), "true"),
    (NEQ(REAL(0.5), REAL(0.5)), "false"),
    (EQ(NONE(), NONE()), "true"),
    (NEQ(NONE(), NONE()), "false"),
    (IS(NONE(), NONE()), "true"),
    (IS(INT(1), NONE()), "false"),
    (EQ(INT(1), NONE()), "false"),
    (NEQ(INT(1), NONE()), "false"),     # no rule matches: false, as in ePython
    (EQ(BOOL(True), BOOL(True)), "false"),   # ePython compares bools with no rule either
    (IS(INT(5), INT(5)), "true"),       # `is` compares the data words
])
def test_comparisons(expr, want):
    assert lines([pr(expr)]) == [want]


def test_none_ordering_is_an_error():
    _, errs = error_of([pr(LT(NONE(), NONE()))])
    assert errs == [error_message(Err.NONE_ONLYTEST_EQ)]


def test_condition_truth_rules():
    yes, no = pr(STR("yes")), pr(STR("no"))
    main = [let("x", INT(5)), let("t", BOOL(True)), let("r", REAL(1.5)),
            IFELSE(ID("x"), yes, no),                 # a bare int variable is false
            IFELSE(ADD(ID("x"), INT(0)), yes, no),    # an int expression > 0 is true
            IFELSE(ID("t"), yes, no),                 # a bare bool variable
            IFELSE(ID("r"), yes, no),                 # a real variable: false
            IFELSE(ADD(ID("r"), INT(0)), yes, no),    # a real expression: false
            IFELSE(BOOL(True), yes, no),
            IFELSE(INT(-3), yes, no)]
    assert lines(main) == ["no", "yes", "yes", "no", "no", "yes", "no"]


def test_not_and_or():
    yes, no = pr(STR("yes")), pr(STR("no"))
    main = [IFELSE(NOT(LT(INT(3), INT(2))), yes, no),
            IFELSE(NOT(INT(5)), yes, no),
            IFELSE(NOT(INT(0)), yes, no),
            IFELSE(AND(LT(INT(1), INT(2)), GT(INT(1), INT(2))), yes, no),
            IFELSE(OR(LT(INT(1), INT(2)), GT(INT(1), INT(2))), yes, no),
            IFELSE(NOT(AND(BOOL(True), BOOL(True))), yes, no)]
    assert lines(main) == ["yes", "no", "yes", "no", "yes", "no"]


def test_and_or_evaluate_both_sides():
    # no short circuit: both calls print
    f = func("f", ["v"], pr(ID("v")), A.RETURN(BOOL(False)))
    main = [let("a", INT(1)), let("b", INT(2)),
            IF(AND(EQ(CALL("f", "a"), BOOL(True)), EQ(CALL("f", "b"), BOOL(True))),
               pr(STR("both")))]
    assert lines(main, [f]) == ["1", "2"]


def test_logical_operators_as_values():
    # ePython's VM cannot evaluate and/or/not outside a condition; ours gives the bool
    assert lines([let("c", AND(LT(INT(1), INT(2)), LT(INT(3), INT(4)))), pr(ID("c")),
                  pr(OR(BOOL(False), BOOL(False))), pr(NOT(BOOL(False)))]) == \
        ["true", "false", "true"]


# ---- variables -------------------------------------------------------------------------------------
def test_variables_change_type():
    assert lines([let("v", INT(1)), pr(ID("v")), let("v", REAL(2.5)), pr(ID("v")),
                  let("v", STR("s")), pr(ID("v")), let("v", INT(7)), pr(ID("v")),
                  let("v", BOOL(True)), pr(ID("v")), let("v", NONE()), pr(ID("v"))]) == \
        ["1", "2.500000", "s", "7", "true", "NONE"]


def test_unassigned_variable_reads_zero():
    assert lines([pr(ID("never"))]) == ["0"]


def test_symbol_and_reference():
    out = lines([let("x", INT(5)), pr(SYMBOL("x")), pr(REF("x")),
                 let("a", ARRAY([INT(1)])), pr(REF("a")), let("r", REAL(1.0)), pr(REF("r"))])
    assert out[0] == str(A.S("x"))
    assert re.fullmatch(r"0x[0-9a-f]+ points to integer scalar", out[1])
    assert re.fullmatch(r"0x[0-9a-f]+ points to integer array", out[2])
    assert re.fullmatch(r"0x[0-9a-f]+ points to floating point scalar", out[3])


def test_alias_statement():
    # alias(y, symbol(x)): y now names x (one level down: at level 0 the globals)
    assert lines([let("x", INT(3)), ALIAS("y", SYMBOL("x")), let("y", INT(9)),
                  pr(ID("x"))]) == ["9"]


# ---- control flow ----------------------------------------------------------------------------------
def test_while_loop_sum():
    main = [let("i", INT(0)), let("s", INT(0)),
            WHILE(LT(ID("i"), INT(100)), let("s", ADD(ID("s"), ID("i"))),
                  let("i", ADD(ID("i"), INT(1)))),
            pr(ID("s"))]
    assert lines(main) == ["4950"]


def test_nested_if_else():
    def classify(v):
        return IFELSE(LT(ID("n"), INT(0)), pr(STR("neg")),
                      IFELSE(EQ(ID("n"), INT(0)), pr(STR("zero")), pr(STR("pos"))))
    main = []
    for v in (-5, 0, 5):
        main += [let("n", INT(v)), classify(v)]
    assert lines(main) == ["neg", "zero", "pos"]


def test_for_over_list_and_reevaluated_iterable():
    # the iterable expression is evaluated again at every iteration (spec §1.3)
    it = func("it", [], pr(STR("eval")), A.RETURN(ARRAY([INT(10), INT(20)])))
    main = [FOR("v", ARRAY([INT(1), REAL(-2.5), BOOL(True)]), pr(ID("v"))),
            FOR("w", A.flat(A.Op.FNCALL, A.Ref("fn:it"), A.u16(0)), pr(ID("w"))),
            FOR("z", ARRAY([], INT(0)), pr(STR("never")))]
    # a list holds one type tag: the last item's (bool) retags all three cells; the bits of
    # -2.5 are a negative int: false
    assert lines(main, [it]) == ["true", "false", "true",
                                 "eval", "10", "eval", "20", "eval"]


def test_goto_and_stop():
    assert lines([pr(INT(1)), STOP(), pr(INT(2))]) == ["1"]


def test_unknown_statement_bytes_are_skipped():
    # a byte that starts no statement is stepped over, as ePython's loop does
    assert lines([b"\x12\x12", pr(INT(3))]) == ["3"]


# ---- lists and arrays ---------------------------------------------------------------------------
def test_list_literal_indexing_and_retagging():
    main = [let("b", ARRAY([INT(0)], INT(3))), let(IDX("b", INT(1)), REAL(2.5)),
            pr(IDX("b", INT(0))), pr(IDX("b", INT(1))), pr(IDX("b", INT(2)))]
    # one type tag per variable: storing a real retags the list, int 0 reads as 0.0
    assert lines(main) == ["0.000000", "2.500000", "0.000000"]


def test_list_repetition_of_several_items():
    main = [let("a", ARRAY([INT(1), INT(2)], INT(3))),
            FOR("v", ID("a"), pr(ID("v"))),
            pr(NAT(Native.DSIZE, ID("a"), INT(0)))]
    assert lines(main) == ["1", "2", "1", "2", "1", "2", "6"]


def test_growable_list_extends_on_store():
    main = [let("a", ARRAY([INT(1), INT(2)])), let(IDX("a", INT(3)), INT(7)),
            pr(IDX("a", INT(3))), pr(NAT(Native.DSIZE, ID("a"), INT(0))),
            pr(IDX("a", INT(0))), pr(IDX("a", INT(1))), pr(IDX("a", INT(2)))]
    # the new cell a[2] is zero in our VM (ePython leaves heap garbage there)
    assert lines(main) == ["7", "4", "1", "2", "0"]


def test_arrays_are_shared_by_assignment():
    main = [let("a", ARRAY([INT(1), INT(2)])), let("b", ID("a")),
            let(IDX("b", INT(0)), INT(9)), pr(IDX("a", INT(0))), pr(IS(ID("a"), ID("b")))]
    assert lines(main) == ["9", "true"]


def test_fixed_multi_dimensional_array():
    main = [let("m", NAT(Native.ALLOCARRAY, INT(2), INT(3), expected=7)),
            pr(NAT(Native.NUMDIMS, ID("m"))), pr(NAT(Native.DSIZE, ID("m"), INT(0))),
            pr(NAT(Native.DSIZE, ID("m"), INT(1))), pr(NAT(Native.DSIZE, ID("m"), INT(2))),
            let(IDX("m", INT(1), INT(2)), INT(5)), let(IDX("m", INT(0), INT(1)), INT(3)),
            pr(IDX("m", INT(1), INT(2))), pr(IDX("m", INT(0), INT(1))),
            pr(IDX("m", INT(1), INT(0))),
            # one index into a 2-D array: the first element of that row
            let(IDX("m", INT(1), INT(0)), INT(4)), pr(IDX("m", INT(1)))]
    assert lines(main) == ["2", "2", "3", "0", "5", "3", "0", "4"]


def test_for_over_a_2d_array_visits_every_element():
    main = [let("m", NAT(Native.ALLOCARRAY, INT(2), INT(2), expected=7)),
            let(IDX("m", INT(1), INT(1)), INT(8)),
            let("n", INT(0)), FOR("v", ID("m"), let("n", ADD(ID("n"), INT(1)))),
            pr(ID("n"))]
    assert lines(main) == ["4"]


@pytest.mark.parametrize("index,err", [
    ([INT(2), INT(0)], Err.ARR_INDEX_EXCEED_SIZE),
    ([INT(0), INT(3)], Err.ARR_INDEX_EXCEED_SIZE),
    ([INT(-1), INT(0)], Err.NEG_ARR_INDEX),
    ([INT(0), INT(0), INT(0)], Err.TOO_MANY_ARR_INDEX),
])
def test_array_index_errors(index, err):
    out, errs = error_of([let("m", NAT(Native.ALLOCARRAY, INT(2), INT(3), expected=7)),
                          pr(STR("before")), pr(IDX("m", *index)), pr(STR("after"))])
    assert out == ["before"] and errs == [error_message(err)]


def test_indexing_a_scalar_is_an_error():
    _, errs = error_of([let("x", INT(1)), pr(IDX("x", INT(0)))])
    assert errs == [error_message(Err.TOO_MANY_ARR_INDEX)]


def test_flatten_and_arraycopy():
    main = [let("m", NAT(Native.ALLOCARRAY, INT(2), INT(3), expected=7)),
            let(IDX("m", INT(1), INT(2)), INT(6)),
            NAT(Native.FLATTEN, ID("m"), INT(6)),
            pr(IDX("m", INT(5))), pr(NAT(Native.DSIZE, ID("m"), INT(0))),
            let("a", ARRAY([INT(1), INT(2), INT(3)])),
            let("b", ARRAY([INT(0)], INT(3))),
            NAT(Native.ARRAYCOPY, ID("b"), ID("a"), INT(1), INT(1), INT(3)),
            pr(IDX("b", INT(2)))]
    assert lines(main) == ["6", "6", "3"]


def test_shared_memory_array_lives_in_dram():
    main = [let("s", NAT(Native.ALLOCSHAREDARRAY, INT(4), expected=7)),
            let(IDX("s", INT(3)), INT(11)), pr(IDX("s", INT(3))), pr(REF("s"))]
    out = lines(main)
    assert out[0] == "11"
    assert int(out[1].split()[0], 16) >= 0x8F000000


# ---- functions -------------------------------------------------------------------------------------
def test_parameters_are_passed_by_reference():
    f = func("f", ["a"], let("a", INT(5)))
    assert lines([let("x", INT(2)), CALL("f", "x"), pr(ID("x"))], [f]) == ["5"]


def test_defaults_missing_and_surplus_arguments():
    f = func("f", ["a", "b"], pr(ADD(ID("a"), ID("b"))), defaults={"b": INT(10)})
    main = [let("x", INT(1)), let("y", INT(2)), let("z", INT(3)),
            CALL("f", "x"), CALL("f", "x", "y"), CALL("f", "x", "y", "z")]
    assert lines(main, [f]) == ["11", "3", "3"]


def test_default_does_not_overwrite_a_bound_parameter():
    f = func("f", ["a"], pr(ID("a")), defaults={"a": INT(99)})
    assert lines([let("x", INT(4)), CALL("f", "x"), CALL("f")], [f]) == ["4", "99"]


def test_return_values():
    f = func("f", ["a"], A.RETURN(MUL(ID("a"), INT(2))))
    g = func("g", [], A.RETURN())
    h = func("h", [], pr(STR("h")))
    assert lines([let("x", INT(21)), pr(CALL("f", "x")), pr(CALL("g")), pr(CALL("h"))],
                 [f, g, h]) == ["42", "NONE", "h", "NONE"]


def test_recursion_factorial_and_fibonacci():
    fact = func("fact", ["n"],
                IF(LEQ(ID("n"), INT(1)), A.RETURN(INT(1))),
                A.RETURN(MUL(ID("n"), WITH_LET("fact#0", SUB(ID("n"), INT(1)),
                                               CALL("fact", "fact#0")))))
    fib = func("fib", ["k"],
               IF(LT(ID("k"), INT(2)), A.RETURN(ID("k"))),
               A.RETURN(ADD(WITH_LET("fib#0", SUB(ID("k"), INT(1)), CALL("fib", "fib#0")),
                            WITH_LET("fib#1", SUB(ID("k"), INT(2)), CALL("fib", "fib#1")))))
    main = [let("t", INT(10)), pr(CALL("fact", "t")), let("u", INT(15)), pr(CALL("fib", "u"))]
    assert lines(main, [fact, fib]) == ["3628800", "610"]


def test_functions_are_values():
    f = func("f", ["a"], A.RETURN(ADD(ID("a"), INT(1))))
    g = func("g", ["a"], A.RETURN(MUL(ID("a"), INT(10))))
    main = [let("p", FN_ADDR("f")), let("x", INT(4)), pr(CALL_VAR("p", "x")),
            let("p", FN_ADDR("g")), pr(CALL_VAR("p", "x")), pr(IS(ID("p"), FN_ADDR("g")))]
    assert lines(main, [f, g]) == ["5", "40", "true"]


def test_calling_a_variable_without_a_function_is_an_error():
    _, errs = error_of([let("p", INT(3)), CALL_VAR("p")])
    assert errs == [error_message(Err.FNCALL_VAR_NOT_CONTAINING_FN_PTR)]


def test_stop_in_a_function_returns_from_it():
    # ePython's STOP (exit()) ends the code being interpreted: inside a function, that call
    f = func("f", [], pr(INT(1)), STOP(), pr(INT(2)))
    assert lines([CALL("f"), pr(INT(3))], [f]) == ["1", "3"]


def test_locals_are_freed_on_return():
    # a local's value does not survive into the next call (its entry is freed, a fresh one
    # starts at 0); globals assigned before the call are shared
    f = func("f", [], pr(ID("loc")), let("loc", INT(5)), let("g", ADD(ID("g"), INT(1))))
    assert lines([let("g", INT(0)), CALL("f"), CALL("f"), pr(ID("g"))], [f]) == \
        ["0", "0", "2"]


# ---- natives ---------------------------------------------------------------------------------------
def test_identity_natives():
    assert lines([pr(NAT(Native.ISHOST)), pr(NAT(Native.ISDEVICE)), pr(NAT(Native.COREID)),
                  pr(NAT(Native.NUMCORES))]) == ["false", "true", "0", "1"]


def test_wrong_native_argument_count():
    _, errs = error_of([pr(NAT(Native.NUMDIMS, INT(1), INT(2), expected=1))])
    assert errs == [error_message(Err.INCORRECT_NUM_NATIVE_PARAMS)]


def test_unknown_native():
    _, errs = error_of([A.flat(A.Op.NATIVE, 0x1F, A.u16(0))])
    assert errs == [error_message(Err.UNKNOWN_NATIVE_COMMAND)]


def test_free_and_gc():
    main = [let("a", ARRAY([INT(1)], INT(10))), NAT(Native.FREE, ID("a")),
            NAT(Native.GC), let("b", ARRAY([INT(2)], INT(10))), pr(IDX("b", INT(9)))]
    assert lines(main) == ["2"]


def test_free_of_something_not_on_the_heap():
    _, errs = error_of([let("x", INT(1)), NAT(Native.FREE, REF("x"))])
    assert errs == [error_message(Err.FREE_ON_NON_HEAP)]


@pytest.mark.parametrize("op,x,want", [
    (0, REAL(2.0), f32(2 ** 0.5)),
    (1, REAL(0.5), f32(0.479425538604203)),
    (2, INT(0), "1.000000"),
    (3, REAL(1.0), f32(1.5574077246549023)),
    (4, REAL(1.0), f32(1.5707963267948966)),
    (5, REAL(0.0), f32(1.5707963267948966)),
    (6, INT(1), f32(0.7853981633974483)),
    (7, REAL(1.0), f32(1.1752011936438014)),
    (8, REAL(1.0), f32(1.5430806348152437)),
    (9, REAL(1.0), f32(0.7615941559557649)),
    (10, REAL(-2.5), "-3.000000"),
    (11, REAL(2.1), "3.000000"),
    (12, REAL(1.0), "0.000000"),
    (13, INT(1000), "3.000000"),
])
def test_maths_on_the_host(op, x, want):
    assert lines([pr(NAT(Native.MATH, INT(op), x, expected=7))]) == [want]


def test_random_is_glibc_rand_with_the_seed():
    # srand(1): rand() = 1804289383, 846930886, ... (glibc)
    main = [pr(NAT(Native.MATH, INT(14), expected=7)), pr(NAT(Native.MATH, INT(14), expected=7))]
    assert lines(main) == ["1804289383", "846930886"]
    assert lines(main, seed=7) != ["1804289383", "846930886"]


def test_input_type_inference():
    main = [let("a", NAT(Native.INPUT)), pr(ADD(ID("a"), INT(1))),
            let("b", NAT(Native.INPUTPRINT, STR("r? "))), pr(ADD(ID("b"), INT(1))),
            let("c", NAT(Native.INPUT)), pr(ADD(ID("c"), STR("!")))]
    r = ok(run(program(main), stdin="41\n1.5\nhi there\n"))
    assert r.lines(0) == ["42", "2.500000", "hi there!"]
    assert r.out == ("device 0> [device 0] 42\n[device 0] r? [device 0] 2.500000\n"
                     "device 0> [device 0] hi there!\n")


def test_input_prompt_must_be_a_string():
    _, errs = error_of([NAT(Native.INPUTPRINT, INT(3))])
    assert errs == [error_message(Err.ONLY_DISPLAY_STR_WITH_INPUT)]
