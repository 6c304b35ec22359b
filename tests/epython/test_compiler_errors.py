"""Compile-time messages (spec §5): ePython's exact texts, with our true file and line."""
import pytest

from epython.compiler import CompileError, compile_file, compile_source


def error_of(src, filename="t.py", **kw):
    with pytest.raises(CompileError) as err:
        compile_source(src, filename, **kw)
    return err.value


def test_syntax_error_names_file_and_line():
    e = error_of("a=1\nb=-a\n", "s1.py")
    assert str(e) == "syntax error at line 2 of file s1.py"
    assert (e.filename, e.line) == ("s1.py", 2)


def test_syntax_error_line_counts_blank_and_comment_lines():
    # deliberate difference: ePython v2.0's lexer did not count blank or comment-only lines
    e = error_of("a=1\n\n# comment\n/* c */\n\nb=-a\n")
    assert str(e) == "syntax error at line 6 of file t.py"


def test_syntax_error_at_end_of_line_is_on_that_line():
    assert str(error_of("a=1\nprint\nb=2\n")) == "syntax error at line 2 of file t.py"
    assert str(error_of("a=(1+2\n")) == "syntax error at line 1 of file t.py"


def test_syntax_error_at_end_of_file():
    assert str(error_of("def f():\n")) == "syntax error at line 1 of file t.py"


def test_unterminated_string():
    assert str(error_of('a=1\nprint "oops\n')) == "syntax error at line 2 of file t.py"


@pytest.mark.parametrize("src", ["a=1\n  b=2\n", "for i in [1]:\nprint i\n",
                                 "if 1==1:\n        a=1\n    b=2\n"])
def test_indentation_errors(src):
    assert str(error_of(src)).startswith("syntax error at line ")


def test_else_after_same_line_if_is_a_syntax_error():
    assert str(error_of("a=1\nif a==1: a=2\nelse: a=3\n")) == \
        "syntax error at line 3 of file t.py"


def test_unknown_name_in_id_symbol_alias():
    assert str(error_of("a=1\nprint id(zz)\n")) == \
        "Can not find variable name zz at line 2, you must declare this before use"
    assert str(error_of("print symbol(r)\n")) == \
        "Can not find variable name r at line 1, you must declare this before use"
    assert str(error_of("a=1\nalias(q, 1)\n")) == \
        "Can not find variable name q at line 2, you must declare this before use"


def test_unknown_value_name():
    e = error_of("a=1\nprint nothing\n")
    assert str(e) == "Can not find variable or function 'nothing' in assignment at line number 2"


def test_unknown_function():
    e = error_of("a=1\nnofn(a)\n")
    assert str(e) == "Can not find function 'nofn' in function call at line number 2"


def test_dotted_call_uses_the_last_part():
    assert str(error_of("x=mod.fn(1)\n")) == \
        "Can not find function 'fn' in function call at line number 1"


def test_function_names_are_case_insensitive():
    # deliberate difference: ePython v2.0 matched function names case-sensitively
    assert compile_source("def Foo():\n    return 1\nprint foo()\n", "t.py").functions == \
        {"Foo": 10}


def test_unresolved_names_in_an_unlinked_function_are_no_error():
    p = compile_source("def f():\n    return undefinedfn(1)+nothing\nprint 1\n", "t.py")
    assert p.functions == {}


def test_unknown_native():
    assert str(error_of("native rtl_bogus(1)\n")) == \
        "Native function call of 'rtl_bogus' is not found"


def test_missing_module():
    e = error_of("import notamodule\n", search_path=[])
    assert str(e) == \
        "Opening of Python file 'notamodule.py' failed, are you sure this file exists?"
    assert (e.filename, e.line) == ("t.py", 1)


def test_missing_program_file(tmp_path):
    path = str(tmp_path / "nope.py")
    with pytest.raises(CompileError) as err:
        compile_file(path)
    assert str(err.value) == \
        f"Opening of Python file '{path}' failed, are you sure this file exists?"


# --- block scoping --------------------------------------------------------------------------

def test_variable_first_assigned_in_a_block_is_unknown_after_it():
    e = error_of("a=1\nif a==1:\n    x=2\nprint x\n")
    assert str(e) == "Can not find variable or function 'x' in assignment at line number 4"


def test_variable_assigned_before_the_block_is_shared():
    compile_source("x=0\na=1\nif a==1:\n    x=2\nprint x\n", "t.py")


def test_for_variable_is_local_to_the_loop():
    e = error_of("for i in [1, 2]:\n    print i\nprint i\n")
    assert str(e) == "Can not find variable or function 'i' in assignment at line number 3"


def test_function_local_is_unknown_in_main():
    e = error_of("def f():\n    y=1\nf()\nprint y\n")
    assert str(e) == "Can not find variable or function 'y' in assignment at line number 4"


def test_global_assigned_after_the_def_is_unknown_in_the_function():
    e = error_of("def f():\n    return g\ng=5\nprint f()\n")
    assert str(e) == "Can not find variable or function 'g' in assignment at line number 2"


def test_global_assigned_before_the_def_is_shared():
    p = compile_source("g=5\ndef f():\n    g=6\n    return g\nprint f()\n", "t.py")
    assert p.nsymbols == 2                 # g is one symbol in main and in f


def test_parameter_is_local_even_with_a_global_of_that_name():
    p = compile_source("a=5\ndef f(a):\n    return a\nprint f(a)\n", "t.py")
    assert p.nsymbols == 3


def test_deep_nesting_compiles_or_is_memory_exhausted():
    """Regression: about 120 levels of parentheses raised Python's RecursionError (a
    traceback from ``epython``).  Now some 2,500 levels compile, and deeper ones are
    ePython's own message for a program its parser's stack cannot hold."""
    import sys
    limit = sys.getrecursionlimit()
    prog = compile_source("x=" + "(" * 1000 + "1" + ")" * 1000 + "\n", "d.py")
    assert prog.code[:2] == b"\x00\x0f"
    e = error_of("a=1\nx=" + "1+(" * 6000 + "1" + ")" * 6000 + "\n", "d.py")
    assert str(e) == "memory exhausted at line 2 of file d.py"
    assert sys.getrecursionlimit() == limit          # restored
