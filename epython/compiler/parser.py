"""Parser and code generator of the ePython dialect (spec §1.2.3, §1.3, §2).

A recursive-descent parser over the grammar of ePython v2.0 that emits bytecode as it goes,
with no tree in between, as ePython's own parser does.  Symbol ids are given out at the same
moments as ePython gives them (left to right; an assignment's target before its value; a
``for`` variable before its iterable and the loop counter after the body; a call's hidden
argument variables after its arguments), so the ids, the symbol count and the bytes come out
the same.

Grammar (``[x]`` optional, ``{x}`` repeated)::

    program    = {statement | NEWLINE}
    codeblock  = NEWLINE INDENT {statement | NEWLINE} DEDENT        (a new scope)
    statement  = FOR ident IN expr ':' codeblock
               | WHILE expr ':' codeblock
               | IF expr ':' (codeblock [ELSE ':' codeblock | elif] | statement {statement})
               | ELIF expr ':' codeblock                        (alone: just an if)
               | ident ['[' expr ']' {'[' expr ']'}] ('=' | op=) expr
               | ident '(' args ')' | NATIVE ident '(' args ')'
               | PRINT expr | EXIT '(' ')' | QUIT '(' ')' | RETURN [expr] | PASS
               | DEF ident '(' [param {',' param}] ')' ':' codeblock
               | '@' ident | ALIAS '(' ident ',' expr ')'
    elif       = ELIF expr ':' codeblock [ELSE ':' codeblock | elif]
    param      = ident ['=' expr]
    expr       = [NOT] or ;  or = and {OR and} ;  and = eq {AND eq}
    eq         = rel {('==' | '!=' | '<>' | IS) rel} ;  rel = add {('<' | '>' | '<=' | '>=') add}
    add        = mul {('+' | '-') mul}
    mul        = (value | STR '(' expr ')' | '[' expr {',' expr} ']' ['*' value]
                  | INPUT '(' [expr] ')') {('*' | '/' | '//' | '%' | '^' | '**') value}
    value      = constant | '(' expr ')' | ident ['[' expr ']' {...}] | ident '(' args ')'
               | NATIVE ident '(' args ')' | ID '(' ident ')' | SYMBOL '(' ident ')'
    constant   = INTEGER | REAL | ('+' | '-') (INTEGER | REAL) | STRING | TRUE | FALSE | NONE
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..bytecode import NATIVE_FUNCTIONS, Op
from . import code as C
from .code import Code
from .errors import CompileError, syntax_error, unknown_native, unknown_variable
from .lexer import (DEDENT, EOF, IDENT, INDENT, INTEGER, NEWLINE, REAL, STRING, Lexer, Token,
                    int32)

#: the hidden counter variable of every ``for`` loop
FOR_COUNTER = "epy_i_ctr"

_STATEMENT_START = frozenset(("FOR", "WHILE", "IF", "ELIF", IDENT, "PRINT", "EXIT", "QUIT",
                              "DEF", "RETURN", "NATIVE", "PASS", "AT", "ALIAS"))
_EXPRESSION_START = frozenset(("NOT", INTEGER, REAL, STRING, "TRUE", "FALSE", "NONE", "ADD",
                               "SUB", "LPAREN", IDENT, "NATIVE", "ID", "SYMBOL", "STR",
                               "LBRACKET", "INPUT"))
_EQUALITY = {"EQ": Op.EQ, "NEQ": Op.NEQ, "IS": Op.IS}
_RELATIONAL = {"GT": Op.GT, "LT": Op.LT, "LEQ": Op.LEQ, "GEQ": Op.GEQ}
_ADDITIVE = {"ADD": Op.ADD, "SUB": Op.SUB}
_MULTIPLICATIVE = {"MUL": Op.MUL, "DIV": Op.DIV, "FLOORDIV": None, "MOD": Op.MOD,
                   "POW": Op.POW}
#: augmented assignments: the operator they apply (None = divide then floor)
_AUGMENTED = {"ADDEQ": Op.ADD, "SUBEQ": Op.SUB, "MULEQ": Op.MUL, "DIVEQ": Op.DIV,
              "MODEQ": Op.MOD, "POWEQ": Op.POW, "FLOORDIVEQ": None}


@dataclass
class Function:
    """A parsed ``def``: its code (parameters header, default stores, body, RETURN)."""
    name: str
    code: Code
    #: symbol ids given out while it was parsed (dropped from the count when it is not linked)
    entries: int
    #: calls itself directly (its ids get 9 more copies: a recursion budget of 10 levels)
    recursive: bool
    #: names it calls or uses as values, lower case, in order
    calls: List[str]
    filename: str
    line: int
    called: bool = False


@dataclass
class _FunctionContext:
    name: str
    calls: List[str] = field(default_factory=list)
    entries: int = 0
    recursive: bool = False


@dataclass
class ParseResult:
    main: Code
    #: every ``def`` in the order its definition ended
    functions: List[Function]
    #: what the main program calls or uses as values (and the @exportable functions)
    main_calls: List[str]
    #: number of symbol ids given out (ids run from 1)
    ids: int


class Parser:
    def __init__(self, lexer: Lexer) -> None:
        self._tokens = iter(lexer)
        self.tok: Token = next(self._tokens)
        self._scopes: List[Dict[str, int]] = [{}]
        self._next_id = 1
        self._labels = 0
        self._fn_stack: List[_FunctionContext] = []
        self._main_calls: List[str] = []
        self._functions: List[Function] = []
        self._decorator: Optional[str] = None

    # ------------------------------------------------------------ tokens

    def _advance(self) -> Token:
        tok = self.tok
        self.tok = next(self._tokens)
        return tok

    def _error(self, tok: Optional[Token] = None):
        tok = tok or self.tok
        return syntax_error(tok.filename, tok.line)

    def _expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            raise self._error()
        return self._advance()

    # ------------------------------------------------------------ symbols and scopes

    def _enter_scope(self) -> None:
        self._scopes.append({})

    def _leave_scope(self) -> None:
        self._scopes.pop()

    def _find(self, name: str) -> Optional[int]:
        key = name.lower()
        for scope in reversed(self._scopes):
            sym = scope.get(key)
            if sym is not None:
                return sym
        return None

    def _add(self, name: str) -> int:
        sym = self._next_id
        if sym > 0xFFFF:
            raise CompileError("The program has more than 65535 variables; symbol ids are "
                               "16-bit", self.tok.filename, self.tok.line)
        self._next_id += 1
        self._scopes[-1][name.lower()] = sym
        if self._fn_stack:
            self._fn_stack[-1].entries += 1
        return sym

    def _lookup_or_add(self, name: str) -> int:
        sym = self._find(name)
        return sym if sym is not None else self._add(name)

    def _lookup(self, tok: Token, name: Optional[str] = None) -> int:
        name = name or tok.value
        sym = self._find(name)
        if sym is None:
            raise unknown_variable(name, tok.filename, tok.line)
        return sym

    def _new_label(self) -> int:
        self._labels += 1
        return self._labels

    def _record_call(self, name: str) -> None:
        calls = self._fn_stack[-1].calls if self._fn_stack else self._main_calls
        calls.append(name.lower())

    # ------------------------------------------------------------ program structure

    def parse(self) -> ParseResult:
        main = Code()
        while self.tok.kind != EOF:
            if self.tok.kind == NEWLINE:
                self._advance()
                continue
            main.add(self._statement())
        return ParseResult(main, self._functions, self._main_calls, self._next_id)

    def _codeblock(self) -> Code:
        self._expect(NEWLINE)
        self._expect(INDENT)
        self._enter_scope()
        block = Code()
        while self.tok.kind != DEDENT:
            if self.tok.kind == NEWLINE:
                self._advance()
                continue
            block.add(self._statement())
        self._advance()
        self._leave_scope()
        return block

    def _statement(self) -> Code:
        kind = self.tok.kind
        handler = getattr(self, "_st_" + kind.lower(), None)
        if handler is None:
            raise self._error()
        return handler()

    # ------------------------------------------------------------ statements

    def _st_for(self) -> Code:
        self._advance()
        var_tok = self._expect(IDENT)
        self._enter_scope()
        var = self._lookup_or_add(var_tok.value)
        self._expect("IN")
        iterable = self._expression()
        self._expect("COLON")
        body = self._codeblock()
        counter = self._lookup_or_add(FOR_COUNTER)
        code = C.for_(counter, var, iterable, body, self._new_label())
        self._leave_scope()
        return code

    def _st_while(self) -> Code:
        self._advance()
        cond = self._expression()
        self._expect("COLON")
        body = self._codeblock()
        return C.while_(cond, body, self._new_label())

    def _st_if(self) -> Code:
        self._advance()
        cond = self._expression()
        self._expect("COLON")
        if self.tok.kind != NEWLINE:           # if c: statements (same line, no new scope)
            body = self._statement()
            while self.tok.kind in _STATEMENT_START:
                body.add(self._statement())
            return C.if_(cond, body)
        then = self._codeblock()
        return self._else_part(cond, then)

    def _else_part(self, cond: Code, then: Code) -> Code:
        if self.tok.kind == "ELSE":
            self._advance()
            self._expect("COLON")
            other = self._codeblock()
            return C.if_else(cond, then, other, self._new_label())
        if self.tok.kind == "ELIF":
            self._advance()
            elif_cond = self._expression()
            self._expect("COLON")
            elif_then = self._codeblock()
            other = self._else_part(elif_cond, elif_then)
            return C.if_else(cond, then, other, self._new_label())
        return C.if_(cond, then)

    def _st_elif(self) -> Code:
        # ePython's grammar takes an elif that follows no if block as a plain if
        self._advance()
        cond = self._expression()
        self._expect("COLON")
        return C.if_(cond, self._codeblock())

    def _st_ident(self) -> Code:
        name_tok = self._advance()
        kind = self.tok.kind
        if kind == "LPAREN":
            return self._call(name_tok)
        if kind == "LBRACKET":
            target = self._array_access(name_tok)
        elif kind == "ASSIGN":
            target = C.identifier(self._lookup_or_add(name_tok.value))
        elif kind in _AUGMENTED:
            target = self._name_value(name_tok)
        else:
            raise self._error()
        op_tok = self._advance()
        if op_tok.kind == "ASSIGN":
            return C.let(target, self._expression())
        if op_tok.kind not in _AUGMENTED:
            raise self._error(op_tok)
        value = self._expression()
        opcode = _AUGMENTED[op_tok.kind]
        if opcode is None:                     # a //= b is a = floor(a / b)
            rhs = C.floor_of(C.binary(Op.DIV, target.copy(), value))
        else:
            rhs = C.binary(opcode, target.copy(), value)
        return C.let(target, rhs)

    def _st_print(self) -> Code:
        self._advance()
        return C.native_named("rtl_print", [self._expression()])

    def _st_exit(self) -> Code:
        self._advance()
        self._expect("LPAREN")
        self._expect("RPAREN")
        return C.stop()

    _st_quit = _st_exit

    def _st_return(self) -> Code:
        self._advance()
        if self.tok.kind in _EXPRESSION_START:
            return C.ret(self._expression())
        return C.ret()

    def _st_native(self) -> Code:
        return self._native()

    def _st_pass(self) -> Code:
        self._advance()
        return Code()

    def _st_at(self) -> Code:
        self._advance()
        self._decorator = self._expect(IDENT).value
        return Code()

    def _st_alias(self) -> Code:
        self._advance()
        self._expect("LPAREN")
        target_tok = self._expect(IDENT)
        self._expect("COMMA")
        value = self._expression()
        self._expect("RPAREN")
        return C.alias(self._lookup(target_tok), value)

    def _st_def(self) -> Code:
        def_tok = self._advance()
        name_tok = self._expect(IDENT)
        ctx = _FunctionContext(name_tok.value.lower())
        self._fn_stack.append(ctx)
        self._expect("LPAREN")
        params: List[Tuple[str, Optional[Code]]] = []
        if self.tok.kind == "RPAREN":
            self._enter_scope()
        else:
            while True:
                param = self._expect(IDENT).value
                default = None
                if self.tok.kind == "ASSIGN":
                    self._advance()
                    default = self._expression()
                if not params:
                    self._enter_scope()    # after the first default: it sees the outer scope
                self._add(param)
                params.append((param, default))
                if self.tok.kind != "COMMA":
                    break
                self._advance()
        self._expect("RPAREN")
        self._expect("COLON")
        body = self._codeblock()
        fn_code = Code().u16(len(params))
        defaults = Code()
        for param, default in params:
            sym = self._lookup_or_add(param)
            fn_code.u16(sym)
            if default is not None:
                defaults.add(C.let(C.identifier(sym), default, Op.LETNOALIAS))
        fn_code.add(defaults, body, C.ret())
        self._leave_scope()
        self._fn_stack.pop()
        if self._decorator is not None:
            if self._decorator.lower() == "exportable":
                self._main_calls.append(ctx.name)
            self._decorator = None
        self._functions.append(Function(name_tok.value, fn_code, ctx.entries, ctx.recursive,
                                        ctx.calls, def_tok.filename, def_tok.line))
        return Code()

    # ------------------------------------------------------------ calls

    def _call_args(self) -> List[Code]:
        self._expect("LPAREN")
        args: List[Code] = []
        if self.tok.kind != "RPAREN":
            args.append(self._expression())
            while self.tok.kind == "COMMA":
                self._advance()
                args.append(self._expression())
        self._expect("RPAREN")
        return args

    def _call(self, name_tok: Token) -> Code:
        """``f(args)``: arguments that are not plain variables are first stored into the
        hidden variables ``f#i``; the call passes variables only (by reference)."""
        args = self._call_args()
        name = name_tok.value.rsplit(".", 1)[-1]
        if self._fn_stack and self._fn_stack[-1].name == name.lower():
            self._fn_stack[-1].recursive = True
        code = Code()
        arg_ids: List[int] = []
        for i, arg in enumerate(args):
            sym = arg.identifier_id()
            if sym is None:
                sym = self._lookup_or_add(f"{name}#{i}")
                code.add(C.let(C.identifier(sym), arg))
            arg_ids.append(sym)
        by_var = self._find(name)
        code.add(C.call(name, by_var, arg_ids, name_tok.filename, name_tok.line))
        self._record_call(name)
        return code

    def _native(self) -> Code:
        self._advance()
        name_tok = self._expect(IDENT)
        args = self._call_args()
        entry = NATIVE_FUNCTIONS.get(name_tok.value.lower())
        if entry is None:
            raise unknown_native(name_tok.value, name_tok.filename, name_tok.line)
        return C.native_call(entry[0], entry[1], args)

    # ------------------------------------------------------------ expressions

    def _expression(self) -> Code:
        if self.tok.kind == "NOT":
            self._advance()
            return C.unary(Op.NOT, self._or())
        return self._or()

    def _or(self) -> Code:
        left = self._and()
        while self.tok.kind == "OR":
            self._advance()
            left = C.binary(Op.OR, left, self._and())
        return left

    def _and(self) -> Code:
        left = self._equality()
        while self.tok.kind == "AND":
            self._advance()
            left = C.binary(Op.AND, left, self._equality())
        return left

    def _equality(self) -> Code:
        left = self._relational()
        while self.tok.kind in _EQUALITY:
            opcode = _EQUALITY[self._advance().kind]
            left = C.binary(opcode, left, self._relational())
        return left

    def _relational(self) -> Code:
        left = self._additive()
        while self.tok.kind in _RELATIONAL:
            opcode = _RELATIONAL[self._advance().kind]
            left = C.binary(opcode, left, self._additive())
        return left

    def _additive(self) -> Code:
        left = self._multiplicative()
        while self.tok.kind in _ADDITIVE:
            opcode = _ADDITIVE[self._advance().kind]
            left = C.binary(opcode, left, self._multiplicative())
        return left

    def _multiplicative(self) -> Code:
        kind = self.tok.kind
        if kind == "STR":                      # str(e) is e
            self._advance()
            self._expect("LPAREN")
            left = self._expression()
            self._expect("RPAREN")
        elif kind == "LBRACKET":
            self._advance()
            items = [self._expression()]
            while self.tok.kind == "COMMA":
                self._advance()
                items.append(self._expression())
            self._expect("RBRACKET")
            repeat = None
            if self.tok.kind == "MUL":         # [x]*n: a list of n copies
                self._advance()
                repeat = self._value()
            left = C.array_literal(items, repeat)
        elif kind == "INPUT":
            self._advance()
            self._expect("LPAREN")
            if self.tok.kind == "RPAREN":
                left = C.native_named("rtl_input", [])
            else:
                left = C.native_named("rtl_inputprint", [self._expression()])
            self._expect("RPAREN")
        else:
            left = self._value()
        while self.tok.kind in _MULTIPLICATIVE:
            opcode = _MULTIPLICATIVE[self._advance().kind]
            right = self._value()
            if opcode is None:                 # a // b is floor(a / b), a real
                left = C.floor_of(C.binary(Op.DIV, left, right))
            else:
                left = C.binary(opcode, left, right)
        return left

    def _value(self) -> Code:
        tok = self.tok
        kind = tok.kind
        if kind == INTEGER:
            self._advance()
            return C.integer(tok.value)
        if kind == REAL:
            self._advance()
            return C.real(tok.value)
        if kind in ("ADD", "SUB"):             # a sign only on a numeric literal
            self._advance()
            num = self.tok
            if num.kind not in (INTEGER, REAL):
                raise self._error()
            self._advance()
            sign = -1 if kind == "SUB" else 1
            if num.kind == INTEGER:
                return C.integer(int32(sign * num.value))
            return C.real(sign * num.value)
        if kind == STRING:
            self._advance()
            return C.string(tok.value)
        if kind in ("TRUE", "FALSE"):
            self._advance()
            return C.boolean(kind == "TRUE")
        if kind == "NONE":
            self._advance()
            return C.none()
        if kind == "LPAREN":
            self._advance()
            inner = self._expression()
            self._expect("RPAREN")
            return inner
        if kind == IDENT:
            self._advance()
            if self.tok.kind == "LPAREN":
                return self._call(tok)
            if self.tok.kind == "LBRACKET":
                return self._array_access(tok)
            return self._name_value(tok)
        if kind == "NATIVE":
            return self._native()
        if kind in ("ID", "SYMBOL"):
            self._advance()
            self._expect("LPAREN")
            name_tok = self._expect(IDENT)
            self._expect("RPAREN")
            sym = self._lookup(name_tok)
            return C.reference(sym) if kind == "ID" else C.symbol(sym)
        raise self._error()

    def _name_value(self, tok: Token) -> Code:
        """A name used as a value: a variable in scope, else a function (resolved when
        linking: a function value, or an error if there is no such function)."""
        sym = self._find(tok.value)
        if sym is not None:
            return C.identifier(sym)
        self._record_call(tok.value)
        return C.fn_addr(tok.value, tok.filename, tok.line)

    def _array_access(self, name_tok: Token) -> Code:
        """``a[i][j]``: the indexes are parsed first, then ``a`` (created if unknown)."""
        indexes: List[Code] = []
        while self.tok.kind == "LBRACKET":
            self._advance()
            indexes.append(self._expression())
            self._expect("RBRACKET")
        if len(indexes) > 255:
            raise self._error()
        return C.array_access(self._lookup_or_add(name_tok.value), indexes)

