"""The rule language: text → checked tree → Polars expression.

Takes an expression's text and a scope (fact declarations, parameter types, function
signatures); gives a typed tree, or located problems, and compiles the tree to a Polars
expression. It knows no population and no ruleset file; it is the one place that touches
:mod:`ast`.

The modules, in the order an expression passes through them: :mod:`~emulation.lang.scope`
and :mod:`~emulation.lang.signature` (what an expression may name),
:mod:`~emulation.lang.whitelist` (the syntax it may use), :mod:`~emulation.lang.checker`
(text → typed tree of :mod:`~emulation.lang.nodes`) and :mod:`~emulation.lang.compiler`
(tree → Polars expression; imported on its own, so that checking needs no Polars).
"""

from __future__ import annotations

from emulation.lang.checker import Checker, ExprError
from emulation.lang.nodes import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Condition,
    Constant,
    FactRef,
    IfElse,
    Member,
    Node,
    ParamRef,
    Unary,
    calls_within,
    children,
    conditions,
    walk,
    walk_conditions,
)
from emulation.lang.scope import FactDecl, ParameterDecl, Scope
from emulation.lang.signature import Argument, ArgumentKind, Signature

__all__ = [
    "Argument",
    "ArgumentKind",
    "Arith",
    "BoolOp",
    "Call",
    "Checker",
    "Compare",
    "Condition",
    "Constant",
    "ExprError",
    "FactDecl",
    "FactRef",
    "IfElse",
    "Member",
    "Node",
    "ParamRef",
    "ParameterDecl",
    "Scope",
    "Signature",
    "Unary",
    "calls_within",
    "children",
    "conditions",
    "walk",
    "walk_conditions",
]
