"""The Python syntax the rule language admits: the one list to review for safety.

An expression is parsed with :mod:`ast`; every syntax node is screened here before the
checker types anything. What is refused is refused by name (attribute access, subscripts,
lambdas, comprehensions, f-strings, dunder names, calls of anything but a plain name, ``**``);
what is admitted is typed by :mod:`emulation.lang.checker`, which knows no other operators than
those of :data:`COMPARE` and :data:`ARITH`.
"""

from __future__ import annotations

import ast

from emulation.i18n import Message

#: The comparison operators, by their syntax node.
COMPARE: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
#: The arithmetic operators, by their syntax node.
ARITH: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Attribute: Message("attribute access (a.b) is not allowed"),
    ast.Subscript: Message("subscripts (a[b]) are not allowed"),
    ast.Lambda: Message("lambda is not allowed"),
    ast.ListComp: Message("comprehensions are not allowed"),
    ast.SetComp: Message("comprehensions are not allowed"),
    ast.DictComp: Message("comprehensions are not allowed"),
    ast.GeneratorExp: Message("comprehensions are not allowed"),
    ast.JoinedStr: Message("f-strings are not allowed"),
    ast.NamedExpr: Message("assignment expressions (:=) are not allowed"),
    ast.Await: Message("await is not allowed"),
    ast.Yield: Message("yield is not allowed"),
    ast.Starred: Message("starred arguments are not allowed"),
    ast.Dict: Message("dict literals are not allowed"),
    ast.Set: Message("set literals are not allowed; write a tuple after 'in'"),
}


def unsafe(node: ast.AST) -> str | None:
    """Why the syntax ``node`` is not allowed in an expression, or None when it may be typed."""
    for kind, message in _FORBIDDEN.items():
        if isinstance(node, kind):
            return Message("unsafe expression: {problem}", problem=message)
    if isinstance(node, ast.Name) and node.id.startswith("__"):
        return Message('unsafe expression: dunder name "{name}" is not allowed', name=node.id)
    if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
        return Message("unsafe expression: only registered functions may be called, by name")
    if isinstance(node, ast.keyword) and node.arg is None:
        return Message("unsafe expression: **kwargs is not allowed")
    return None
