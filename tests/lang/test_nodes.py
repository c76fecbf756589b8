"""The typed tree of the rule language: walking it, and compiling it without an evaluation."""

from __future__ import annotations

import polars as pl
import pytest
from lang_scope import fact, parameter, scope

from emulation._builtins.functions import EVIDENCE_COUNT, GRANTED
from emulation._builtins.shares import MEMBER_SHARE_WHERE
from emulation.errors import EvaluationError
from emulation.lang.checker import Checker
from emulation.lang.compiler import BoundCondition, Compiler
from emulation.lang.nodes import (
    CALL_PREFIX,
    BoolOp,
    Call,
    Compare,
    Condition,
    FactRef,
    Node,
    calls_within,
    children,
    walk,
    walk_conditions,
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


# -- condition arguments ---------------------------------------------------------------------------

CONDITIONS = scope(
    {"months_worked": "int", "trained": "bool"},
    [parameter("min_months", "int", 6)],
    [GRANTED, MEMBER_SHARE_WHERE],
    {"ldtt"},
)


def test_a_condition_is_checked_but_is_no_child_of_its_call() -> None:
    checker = Checker(
        "member_share_where('granted(\"ldtt\") and trained', where='months_worked >= min_months')"
        " >= 0.5",
        CONDITIONS,
    )
    node = checker.check()
    assert node is not None, checker.errors
    [call] = [n for n in walk(node) if isinstance(n, Call)]
    bound = dict(call.arguments)
    assert isinstance(bound["condition"], Condition)
    assert bound["condition"].node.facts == frozenset({"trained"})
    # what the condition reads is the members', not the collective's
    assert node.facts == frozenset()
    assert node.params == frozenset()
    assert children(call) == ()
    assert call.text == (
        "member_share_where(condition='granted(\"ldtt\") and trained', "
        "where='months_worked >= min_months', scope='direct')"
    )
    inside = [n for n in walk_conditions(node) if isinstance(n, FactRef)]
    assert sorted(n.name for n in inside) == ["months_worked", "trained"]
    assert [c.function.name for c in calls_within(node)] == ["member_share_where", "granted"]


def test_a_bound_condition_compiles_over_other_rows_with_the_period_parameters() -> None:
    node = tree_in("member_share_where('months_worked >= min_months') > 0")
    [call] = [n for n in walk(node) if isinstance(n, Call)]
    condition = dict(call.arguments)["condition"]
    bound = BoundCondition(condition=condition, parameters={"min_months": 6})
    rows = pl.DataFrame({"months_worked": [12, 3, None]})
    assert rows.select(bound.expression().alias("ok"))["ok"].to_list() == [True, False, None]
    assert repr(bound) == repr("months_worked >= min_months [min_months=6]")


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        (
            "member_share_where('trainde') > 0",
            'in the condition "condition" of member_share_where(), at its column 1: unknown '
            'fact or parameter "trainde" (did you mean "trained"?)',
            20,
        ),
        (
            "member_share_where('trained', where='months_worked') > 0",
            'in the condition "where" of member_share_where(), at its column 1: the expression '
            "must be a true/false value, not a whole number",
            37,
        ),
        (
            "member_share_where('trained', where=months_worked) > 0",
            'argument "where" of member_share_where() must be a literal',
            37,
        ),
        (
            "member_share_where(trained) > 0",
            'argument "condition" of member_share_where() must be a literal',
            20,
        ),
        (
            "member_share_where(3) > 0",
            'argument "condition" of member_share_where() must be a condition written as text',
            20,
        ),
    ],
)
def test_a_bad_condition_is_located_at_its_argument(source: str, message: str, column: int) -> None:
    checker = Checker(source, CONDITIONS)
    assert checker.check() is None
    [error] = checker.errors
    assert error.message.startswith(message), error.message
    assert error.column == column


def tree_in(source: str) -> Node:
    checker = Checker(source, CONDITIONS)
    node = checker.check()
    assert node is not None, checker.errors
    return node
