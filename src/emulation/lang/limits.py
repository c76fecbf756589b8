"""The limits of the rule language, checked when a ruleset is loaded.

An expression is refused, with its column and a stable ``code``, when it is longer than
:data:`MAX_LENGTH` characters (``expression_too_long``, checked before it is parsed), nested
deeper than :data:`MAX_DEPTH` (``expression_too_deep``) or made of more than :data:`MAX_NODES`
parts (``expression_too_large``), both measured on the parsed tree without recursion, before
anything recursive walks it. A literal is refused when the engine's value types cannot hold it
(``literal_out_of_range``): a whole number outside 64 bits, a decimal with more than
:data:`DECIMAL_INTEGER_DIGITS` digits before the point (``Decimal(38, 6)``), a text longer than
:data:`MAX_TEXT` (values written in a ruleset file, not in an expression, are checked by the
loader, as ``out_of_range``). A literal argument of a call is read here too (:func:`argument_value`),
and a minus sign on something not a number is refused (``minus_on_non_number``).

The values are generous: the bundled rulesets' longest expression has 151 characters, the
deepest 6 levels, the largest 24 parts, the longest text literal 17 characters. Together they
bound what checking, compiling and evaluating a rule can cost (see
``docs/reference/rule-language.md``, *Limits*).
"""

from __future__ import annotations

import ast
from decimal import Decimal

from emulation.i18n import Message

#: Characters in one expression (13 times the longest bundled expression). Also keeps Python's
#: own parser, which recurses, far from its limits.
MAX_LENGTH = 2_000
#: Levels of nesting of the parsed expression (an operator, a call, a comparison each add one;
#: ``a + b + c`` is two levels). Ten times the deepest bundled expression; keeps the
#: checker's and the compiler's recursion far from Python's limit.
MAX_DEPTH = 64
#: Parts (names, literals, operators, calls) of one expression: twenty times the largest
#: bundled one.
MAX_NODES = 500
#: Characters in one text literal: ten times the longest bundled one.
MAX_TEXT = 200
#: The largest whole number a literal may be: that of a 64-bit integer (Polars' ``Int64``).
MAX_INT = 2**63 - 1
#: Digits before the decimal point of an exact decimal: ``Decimal(38, 6)`` keeps 38 digits,
#: 6 of them after the point.
DECIMAL_INTEGER_DIGITS = 32

_DECIMAL_BOUND = Decimal(10) ** DECIMAL_INTEGER_DIGITS


def length_problem(source: str) -> str | None:
    """Why ``source`` is too long to be parsed, or None."""
    if len(source) <= MAX_LENGTH:
        return None
    return Message(
        "the expression is {length} characters long; the rule language allows at most {most}",
        length=len(source),
        most=MAX_LENGTH,
    )


def shape_problem(tree: ast.Expression) -> tuple[ast.AST, str, str] | None:
    """The first node of ``tree`` beyond :data:`MAX_DEPTH` or :data:`MAX_NODES`, with the
    problem's code and message, or None. Walks the tree with an explicit stack."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            count += 1
            if depth > MAX_DEPTH:
                message = _too_deep()
                return node, "expression_too_deep", message
            if count > MAX_NODES:
                message = Message("the expression has more than {most} parts", most=MAX_NODES)
                return tree.body, "expression_too_large", message
            depth += 1
        # children pushed in reverse, so the first one found too deep is the leftmost
        stack.extend((child, depth) for child in reversed(list(ast.iter_child_nodes(node))))
    return None


def number_problem(value: int | Decimal, written: str) -> str | None:
    """Why the number ``value`` (``written`` as the user wrote it) cannot be held, or None."""
    if isinstance(value, int):
        if -MAX_INT <= value <= MAX_INT:
            return None
        return Message(
            "{written} is outside the whole numbers the engine holds (from -{most} to {most})",
            written=written,
            most=MAX_INT,
        )
    if not value.is_finite() or value.copy_abs() >= _DECIMAL_BOUND:  # exact, unlike abs()
        return Message(
            "{written} has more than {digits} digits before the decimal point; decimals hold at "
            "most {digits} before it and 6 after it",
            written=written,
            digits=DECIMAL_INTEGER_DIGITS,
        )
    return None


def text_problem(value: str) -> str | None:
    """Why the text literal ``value`` is too long, or None."""
    if len(value) <= MAX_TEXT:
        return None
    return Message(
        "a text of {length} characters is longer than {most}, the longest allowed",
        length=len(value),
        most=MAX_TEXT,
    )


def _too_deep() -> Message:
    return Message("the expression is nested more than {most} levels deep", most=MAX_DEPTH)


def argument_problem(source: ast.expr, wrapped: str) -> tuple[ast.AST, str, str] | None:
    """Why the literal argument ``source`` of a call (in the parsed text ``wrapped``) cannot
    be read: a minus sign on something not a number (``-"x"``, ``-None``), or a number or text
    the engine cannot hold. Returns the node to point at, the code and the message."""
    negated = isinstance(source, ast.UnaryOp) and isinstance(source.op, ast.USub)
    literal = source.operand if negated and isinstance(source, ast.UnaryOp) else source
    if not isinstance(literal, ast.Constant):
        return None  # not a literal: the checker says so
    value = literal.value
    written = ast.get_source_segment(wrapped, literal) or repr(value)
    if negated and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return (
            source,
            "minus_on_non_number",
            Message("'-' applies to numbers only, not to {written}", written=written),
        )
    problem = None
    if isinstance(value, int) and not isinstance(value, bool):
        problem = number_problem(value, written)
    elif isinstance(value, str):
        problem = text_problem(value)
    return None if problem is None else (literal, "literal_out_of_range", problem)


def argument_value(source: ast.expr) -> object:
    """The value of a literal argument (a constant, or a negated number), else None."""
    if isinstance(source, ast.Constant) and not isinstance(source.value, bytes):
        return source.value
    if (
        isinstance(source, ast.UnaryOp)
        and isinstance(source.op, ast.USub)
        and isinstance(source.operand, ast.Constant)
        and isinstance(source.operand.value, (int, float, complex))
        and not isinstance(source.operand.value, bool)
    ):
        return -source.operand.value
    return None
