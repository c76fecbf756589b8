"""The rule language: parse a Python-like expression, check it, and build a typed tree.

The source is parsed with :mod:`ast` in ``eval`` mode, then walked node by node against a
whitelist (:mod:`emulation.lang.whitelist`): boolean logic, comparisons (chained, ``in`` over literal tuples), arithmetic,
conditional expressions, literals, names of declared facts and parameters, and calls of
registered functions by plain name. Anything else — attribute access, subscripts, lambdas,
comprehensions, f-strings, dunder names, unregistered calls — is an error at load time, with
the column. The tree is never evaluated by Python; :mod:`emulation.lang.compiler` turns it into
Polars expressions.
"""

from __future__ import annotations

import ast
import warnings
from decimal import Decimal, InvalidOperation
from typing import NoReturn

import attrs

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang import limits
from emulation.lang.calls import check_call
from emulation.lang.kinds import article as _article
from emulation.lang.kinds import merge as _merge
from emulation.lang.literals import enum_noun
from emulation.lang.nodes import (
    Arith,
    BoolOp,
    Compare,
    Constant,
    FactRef,
    IfElse,
    Member,
    Node,
    ParamRef,
    Unary,
)
from emulation.lang.scope import Scope
from emulation.lang.whitelist import ARITH, COMPARE, unsafe
from emulation.types import ParameterValue, ValueType, within_scale

_NUMERIC = ("int", "decimal")


@attrs.frozen(kw_only=True)
class ExprError:
    """A problem inside an expression, at a 1-based ``column``; ``code`` names its kind
    where one is assigned (``expression_too_long``, ``literal_out_of_range`` …)."""

    column: int
    message: str
    code: str = ""


class _Invalid(Exception):
    """Stops the check of an expression whose problem has just been recorded."""


class Checker:
    """Parses and checks one expression; ``errors`` collects every problem found."""

    def __init__(self, source: str, scope: Scope) -> None:
        # parenthesised so that an expression may span lines; columns are shifted back by one
        self.source = source
        self._wrapped = f"({source.strip()}\n)"
        self.scope = scope
        self.errors: list[ExprError] = []

    # -- entry point ---------------------------------------------------------------------

    def check(self, expect: ValueType | None = "bool") -> Node | None:
        """The typed tree, or None when ``errors`` is not empty."""
        tree = self._parse()
        if tree is None:
            return None
        for node in ast.walk(tree):
            refused = unsafe(node)
            if refused is not None:
                self._error(node, refused)
        if self.errors:
            return None
        try:
            result = self._node(tree.body)
        except _Invalid:
            return None
        if self.errors:
            return None
        if expect is not None and result.type != expect:
            self._error(
                tree.body,
                Message(
                    "the expression must be {expected}, not {found}",
                    expected=_article(expect),
                    found=_article(result.type),
                ),
            )
            return None
        return result

    def _parse(self) -> ast.Expression | None:
        """The syntax tree, within the limits of the language, or None (problems recorded)."""
        column, code, message = 1, "syntax_error", limits.length_problem(self.source)
        if message is not None:
            code = "expression_too_long"
        else:
            try:
                with warnings.catch_warnings():
                    # what Python only warns about ("1and x", "\\d") is refused, wherever
                    # warnings go: as errors they become SyntaxError
                    warnings.simplefilter("error", SyntaxWarning)
                    warnings.simplefilter("error", DeprecationWarning)
                    tree = ast.parse(self._wrapped, mode="eval")
            except SyntaxError as error:
                column = max((error.offset or 2) - (1 if (error.lineno or 1) == 1 else 0), 1)
                message = Message("syntax error: {problem}", problem=error.msg)
            except ValueError as error:  # a lone surrogate, a null byte (older Pythons)
                message = Message("syntax error: {problem}", problem=str(error))
            except (RecursionError, MemoryError):  # Python's parser recurses: too deep
                code = "expression_too_deep"
                message = Message(
                    "the expression is nested more than {most} levels deep", most=limits.MAX_DEPTH
                )
            else:
                shape = limits.shape_problem(tree)
                if shape is None:
                    return tree
                self._error(shape[0], shape[2], code=shape[1])
                return None
        self.errors.append(ExprError(column=column, message=message, code=code))
        return None

    # -- typing -----------------------------------------------------------------------------

    def _node(self, node: ast.expr) -> Node:
        method = getattr(self, f"_n_{type(node).__name__}", None)
        if method is None:
            self._fail(
                node,
                Message(
                    "{kind} is not part of the rule language",
                    kind=type(node).__name__,
                ),
            )
        result: Node = method(node)
        return result

    def _n_Constant(self, node: ast.Constant) -> Node:
        value = node.value
        text = ast.get_source_segment(self._wrapped, node) or repr(value)
        if isinstance(value, bool):
            return Constant(type="bool", value=value)
        if isinstance(value, int):
            self._check_size(node, limits.number_problem(value, text))
            return Constant(type="int", value=value)
        if isinstance(value, float):
            try:
                number = Decimal(text.replace("_", ""))
            except InvalidOperation:
                self._fail(node, Message("cannot read {text} as an exact decimal", text=repr(text)))
            if not within_scale(number):
                self._fail(
                    node,
                    Message(
                        "{text} has more than 6 decimal places; decimals are exact to 6", text=text
                    ),
                )
            self._check_size(node, limits.number_problem(number, text))
            return Constant(type="decimal", value=number)
        if isinstance(value, str):
            self._check_size(node, limits.text_problem(value))
            return Constant(type="text", value=value)
        self._fail(node, Message("literal {value} is not allowed", value=repr(value)))

    def _n_Name(self, node: ast.Name) -> Node:
        name = node.id
        if name in ("true", "false"):  # TOML spelling, welcome in TOML files
            return Constant(type="bool", value=name == "true")
        if name in self.scope.facts:
            fact = self.scope.facts[name]
            return FactRef(
                type=fact.type,
                name=name,
                enum=fact.values,
                ordered=fact.ordered,
                facts=frozenset({name}),
            )
        if name in self.scope.parameters:
            parameter = self.scope.parameters[name]
            return ParamRef(type=parameter.type, name=name, params=frozenset({name}))
        if name in self.scope.functions:
            self._fail(node, Message('"{name}" is a function: call it as {name}(...)', name=name))
        names = [*self.scope.facts, *self.scope.parameters]
        self._fail(
            node,
            Message(
                'unknown fact or parameter "{name}"{hint}', name=name, hint=suggest(name, names)
            ),
        )

    def _n_UnaryOp(self, node: ast.UnaryOp) -> Node:
        operand = self._node(node.operand)
        if isinstance(node.op, ast.Not):
            self._expect(node.operand, operand, ("bool",), "'not'")
            return Unary(type="bool", op="not", operand=operand, **_merge((operand,)))
        if isinstance(node.op, ast.USub):
            self._expect(node.operand, operand, _NUMERIC, Message("unary '-'"))
            return Unary(type=operand.type, op="-", operand=operand, **_merge((operand,)))
        self._fail(node, Message("this unary operator is not allowed"))

    def _n_BoolOp(self, node: ast.BoolOp) -> Node:
        operands = tuple(self._node(value) for value in node.values)
        op = "and" if isinstance(node.op, ast.And) else "or"
        for source, operand in zip(node.values, operands, strict=True):
            self._expect(source, operand, ("bool",), f"'{op}'")
        return BoolOp(type="bool", op=op, operands=operands, **_merge(operands))

    def _n_Compare(self, node: ast.Compare) -> Node:
        membership = [isinstance(op, (ast.In, ast.NotIn)) for op in node.ops]
        if any(membership):
            if len(node.ops) > 1:
                self._fail(node, Message("'in' cannot be chained with other comparisons"))
            left = self._node(node.left)
            negate = isinstance(node.ops[0], ast.NotIn)
            return self._member(left, node.comparators[0], negate)
        parts: list[Node] = []
        left_src = node.left
        left = self._node(node.left)
        for op, right_src in zip(node.ops, node.comparators, strict=True):
            right = self._node(right_src)
            symbol = COMPARE.get(type(op))
            if symbol is None:
                self._fail(node, Message("'is' and 'is not' are not allowed; use == and !="))
            parts.append(self._compare(symbol, left, right, node, left_src, right_src))
            left, left_src = right, right_src
        if len(parts) == 1:
            return parts[0]
        return BoolOp(type="bool", op="and", operands=tuple(parts), **_merge(parts))

    def _compare(
        self,
        op: str,
        left: Node,
        right: Node,
        node: ast.AST,
        left_src: ast.expr,
        right_src: ast.expr,
    ) -> Node:
        left, right = (
            self._coerce_enum(left, right, left_src),
            self._coerce_enum(right, left, right_src),
        )
        if left.type in _NUMERIC and right.type in _NUMERIC:
            pass
        elif left.type != right.type:
            self._fail(
                node,
                Message(
                    "cannot compare {left} with {right}",
                    left=_article(left.type),
                    right=_article(right.type),
                ),
            )
        elif left.type == "enum":
            if op not in ("==", "!=") and not left.ordered:
                self._fail(
                    node, Message("the values of this fact are not ordered; only == and != apply")
                )
        elif left.type in ("bool", "text") and op not in ("==", "!="):
            self._fail(node, Message("only == and != compare {kind}", kind=_article(left.type)))
        return Compare(type="bool", op=op, left=left, right=right, **_merge((left, right)))

    def _coerce_enum(self, node: Node, other: Node, source: ast.expr) -> Node:
        """A text literal compared with an enum fact becomes an enum value (checked)."""
        if isinstance(node, Constant) and node.type == "text" and other.type == "enum":
            if node.value not in other.enum:
                self._fail(
                    source,
                    Message(
                        '"{value}" is not {noun}; expected one of {values}{hint}',
                        value=node.value,
                        noun=enum_noun(other),
                        values=list(other.enum),
                        hint=suggest(str(node.value), other.enum),
                    ),
                )
            return Constant(type="enum", value=node.value, enum=other.enum, ordered=other.ordered)
        return node

    def _member(self, left: Node, right_src: ast.expr, negate: bool) -> Node:
        if not isinstance(right_src, (ast.Tuple, ast.List)):
            self._fail(
                right_src,
                Message('\'in\' needs a literal tuple of values, e.g. rating in ("HTT", "HTXS")'),
            )
        values: list[ParameterValue] = []
        for element in right_src.elts:
            item = self._node(element)
            if not isinstance(item, Constant):
                self._fail(element, Message("the values after 'in' must be literals"))
            coerced = self._coerce_enum(item, left, element)
            if not (
                coerced.type == left.type or (coerced.type in _NUMERIC and left.type in _NUMERIC)
            ):
                self._fail(
                    element,
                    Message(
                        "{item} cannot be a value of {kind}",
                        item=_article(coerced.type),
                        kind=_article(left.type),
                    ),
                )
            values.append(item.value)
        return Member(
            type="bool",
            operand=left,
            values=tuple(values),
            negate=negate,
            **_merge((left,)),
        )

    def _n_BinOp(self, node: ast.BinOp) -> Node:
        symbol = ARITH.get(type(node.op))
        if symbol is None:
            self._fail(node, Message("only + - * / are allowed"))
        left, right = self._node(node.left), self._node(node.right)
        self._expect(node.left, left, _NUMERIC, f"'{symbol}'")
        self._expect(node.right, right, _NUMERIC, f"'{symbol}'")
        kind: ValueType = "int" if left.type == right.type == "int" and symbol != "/" else "decimal"
        return Arith(type=kind, op=symbol, left=left, right=right, **_merge((left, right)))

    def _n_IfExp(self, node: ast.IfExp) -> Node:
        test, then, other = self._node(node.test), self._node(node.body), self._node(node.orelse)
        self._expect(node.test, test, ("bool",), Message("the condition of 'if'"))
        if then.type in _NUMERIC and other.type in _NUMERIC:
            kind: ValueType = "int" if then.type == other.type == "int" else "decimal"
        elif then.type == other.type:
            kind = then.type
        else:
            self._fail(
                node,
                Message(
                    "both branches must have the same type, not {then_type} and {other_type}",
                    then_type=then.type,
                    other_type=other.type,
                ),
            )
        return IfElse(
            type=kind,
            test=test,
            then=then,
            other=other,
            enum=then.enum,
            ordered=then.ordered,
            **_merge((test, then, other)),
        )

    def _n_Call(self, node: ast.Call) -> Node:
        return check_call(self, node)

    def nested(self, source: str) -> Checker:
        """A checker of ``source`` (a condition argument's text) in the same scope."""
        return Checker(source, self.scope)

    # -- helpers --------------------------------------------------------------------------

    def _expect(self, source: ast.AST, node: Node, types: tuple[str, ...], what: str) -> None:
        if node.type not in types:
            wanted = _article(types[0])
            for other in types[1:]:
                wanted = Message("{first} or {second}", first=wanted, second=_article(other))
            self._error(
                source,
                Message(
                    "{what} needs {wanted}, not {found}",
                    what=what,
                    wanted=wanted,
                    found=_article(node.type),
                ),
            )

    def _check_size(self, node: ast.AST, problem: str | None) -> None:
        if problem is not None:
            self._fail(node, problem, code="literal_out_of_range")

    def _error(self, node: ast.AST, message: str, code: str = "") -> None:
        column = getattr(node, "col_offset", 0) + 1
        if getattr(node, "lineno", 1) == 1:
            # the opening parenthesis added by the checker (a bare tuple starts on it)
            column = max(column - 1, 1)
        self.errors.append(ExprError(column=column, message=message, code=code))

    def _fail(self, node: ast.AST, message: str, code: str = "") -> NoReturn:
        self._error(node, message, code)
        raise _Invalid
