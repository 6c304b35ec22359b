"""The textual import preprocessor (spec §1.2.1): import forms, splicing once, the search
order, ``-pp`` text and per-file line numbers in messages."""
import os

import pytest

from epython.compiler import (CompileError, compile_file, compile_source, preprocess_file,
                              preprocess_source)
from epython.compiler.preprocess import BUNDLED_MODULES, import_module_name


@pytest.mark.parametrize("line,module", [
    ("from parallel import *\n", "parallel"),
    ("from array import len, array\n", "array"),
    ("import taskfarm\n", "taskfarm"),
    ("import   util  \n", "util"),
    ("  from math import sqrt\n", "math"),
    ('print "important"\n', 'important"'),      # ePython's quirk: any "import" counts
    ("x=1 # import foo\n", "foo"),
    ("   # import bar\n", "bar"),                # only column 0 '#' protects a line
    ("# import bar\n", None),
    ("x=1\n", None),
    ("Import math\n", None),                     # the test is case-sensitive
])
def test_import_line_detection(line, module):
    assert import_module_name(line) == module


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "mm.py").write_text("def foo():\n    return 1\n")
    (tmp_path / "mods" / "nn.py").write_text("import mm\ndef bar():\n    return foo()\n")
    (tmp_path / "mods" / "bad.py").write_text("def baz():\n    x=1\n    y=-x\n")
    return tmp_path


def test_pp_text_has_markers_and_blank_comment_lines(tree):
    prog = tree / "p1.py"
    prog.write_text("# hello\nimport mm\n   # indented\nprint foo()\n")
    mm = os.path.join(str(tree / "mods"), "mm.py")
    text = preprocess_file(str(prog), [str(tree / "mods")])
    assert text == (f"<<<{prog}\n\n<<<{mm}\ndef foo():\n    return 1\n\n>>>\n\nprint foo()\n"
                    f"\n>>>\n")


def test_each_module_is_spliced_once(tree):
    src = "import mm\nimport nn\nfrom mm import foo\nprint bar()\n"
    text = preprocess_source(src, "t.py", [str(tree / "mods")])
    assert text.count("def foo():") == 1 and text.count("def bar():") == 1
    p = compile_source(src, "t.py", [str(tree / "mods")])
    assert set(p.functions) == {"foo", "bar"}


def test_error_in_a_module_names_the_module_file_and_its_line(tree):
    with pytest.raises(CompileError) as err:
        compile_source("a=1\nimport bad\nprint baz()\n", "t.py", [str(tree / "mods")])
    bad = os.path.join(str(tree / "mods"), "bad.py")
    assert str(err.value) == f"syntax error at line 3 of file {bad}"


def test_error_after_an_import_counts_the_program_lines(tree):
    with pytest.raises(CompileError) as err:
        compile_source("import mm\nimport nn\nx=1\nx=-x\n", "t.py", [str(tree / "mods")])
    assert str(err.value) == "syntax error at line 4 of file t.py"


def test_missing_module_names_the_importing_line(tree):
    (tree / "mods" / "imp.py").write_text("x=1\nimport nowhere\n")
    with pytest.raises(CompileError) as err:
        compile_source("import imp\n", "t.py", [str(tree / "mods")])
    assert str(err.value) == \
        "Opening of Python file 'nowhere.py' failed, are you sure this file exists?"
    assert err.value.line == 2


def test_search_order_program_dir_then_cwd_then_modules_then_epythonpath(tree, monkeypatch):
    (tree / "prog").mkdir()
    (tree / "prog" / "which.py").write_text("w=1\n")
    (tree / "cwd").mkdir()
    (tree / "cwd" / "which.py").write_text("w=2\n")
    (tree / "cwd" / "modules").mkdir()
    (tree / "cwd" / "modules" / "which.py").write_text("w=3\n")
    (tree / "cwd" / "modules" / "other.py").write_text("o=3\n")
    (tree / "epp").mkdir()
    (tree / "epp" / "which.py").write_text("w=4\n")
    (tree / "epp" / "third.py").write_text("t=4\n")
    prog = tree / "prog" / "main.py"
    prog.write_text("import which\nimport other\nimport third\n")
    monkeypatch.chdir(tree / "cwd")
    monkeypatch.setenv("EPYTHONPATH", f"/nonexistent:{tree / 'epp'}/")
    text = preprocess_file(str(prog))
    assert "w=1" in text and "o=3" in text and "t=4" in text
    assert "<<<modules/other.py\n" in text               # displayed as ePython does
    os.remove(tree / "prog" / "which.py")
    assert "w=2" in preprocess_file(str(prog))
    os.remove(tree / "cwd" / "which.py")
    assert "w=3" in preprocess_file(str(prog))
    os.remove(tree / "cwd" / "modules" / "which.py")
    assert "w=4" in preprocess_file(str(prog))


def test_bundled_modules_come_last(tree, monkeypatch):
    monkeypatch.delenv("EPYTHONPATH", raising=False)
    (tree / "math.py").write_text("def sqrt(a):\n    return 42\n")
    mine = compile_source("from math import sqrt\nprint sqrt(4)\n", "t.py", [str(tree)])
    ours = compile_source("from math import sqrt\nprint sqrt(4)\n", "t.py", [])
    assert mine.code != ours.code
    assert "<<<" + os.path.join(BUNDLED_MODULES, "math.py") in \
        preprocess_source("import math\n", "t.py", [])


def test_compile_file_uses_the_program_directory(tree):
    prog = tree / "mods" / "user.py"
    prog.write_text("from mm import foo\nprint foo()\n")
    assert compile_file(str(prog)).functions == {"foo": 10}


def test_a_program_named_like_a_module_gets_the_module(tmp_path):
    prog = tmp_path / "taskfarm.py"
    prog.write_text("from taskfarm import *\ninitTaskFarm(0)\n")
    assert "initTaskFarm" in compile_file(str(prog)).functions
