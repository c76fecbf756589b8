"""The typed tree of the rule language: walking it, and compiling it without an evaluation."""

from __future__ import annotations

import polars as pl
import pytest
from lang_scope import fact, parameter, scope

from emulation._builtins.functions import EVIDENCE_COUNT, GRANTED
from emulation.errors import EvaluationError
from emulation.lang.checker import Checker
from emulation.lang.compiler import Compiler
from emulation.lang.nodes import (
    CALL_PREFIX,
    BoolOp,
    Call,
    Compare,
    FactRef,
    Node,
    children,
    walk,
)

SCOPE = scope(
    {
        "rating": fact("rating", "enum", ("KHT", "HT", "HTT", "HTXS"), ordered=True),
        "months_worked": "int",
        "score": "decimal",
    },
    [parameter("min_months", "int", 6)],
    [GRANTED, EVIDENCE_COUNT],
    {"ldtt"},
)


def tree(source: str) -> Node:
    checker = Checker(source, SCOPE)
    node = checker.check()
    assert node is not None, checker.errors
    return node


def test_walk_visits_parents_before_children_and_every_call_argument() -> None:
    node = tree('months_worked >= 6 and (evidence_count("initiative", window=2) > 0 or score > 1)')
    kinds = [type(n).__name__ for n in walk(node)]
    assert kinds[0] == "BoolOp"
    assert kinds.count("Compare") == 3
    assert [n.name for n in walk(node) if isinstance(n, FactRef)] == ["months_worked", "score"]
    assert isinstance(node, BoolOp)
    assert children(node) == node.operands
    assert all(child in list(walk(node)) for child in children(node))


def test_a_call_is_a_leaf_unless_an_argument_is_an_expression() -> None:
    node = tree('granted("ldtt")')
    assert isinstance(node, Call)
    assert children(node) == ()
    assert node.key == f"{CALL_PREFIX}granted(award='ldtt')"


def test_fact_only_expressions_compile_without_an_evaluation() -> None:
    node = tree("months_worked >= min_months and rating >= 'HTT'")
    frame = pl.DataFrame(
        {"months_worked": [12, 3, None], "rating": ["HTXS", "HTXS", "HTT"]},
        schema={"months_worked": pl.Int64, "rating": pl.Enum(["KHT", "HT", "HTT", "HTXS"])},
    )
    values = frame.select(Compiler({"min_months": 6}).compile(node).alias("ok"))
    assert values.get_column("ok").to_list() == [True, False, None]


def test_a_function_call_needs_an_evaluation() -> None:
    node = tree('granted("ldtt")')
    with pytest.raises(EvaluationError):
        Compiler({}).compile(node)


def test_comparisons_keep_both_sides_as_children() -> None:
    node = tree("score > 1")
    assert isinstance(node, Compare)
    assert [type(c).__name__ for c in children(node)] == ["FactRef", "Constant"]
