"""The rule language: what it accepts, what it rejects (with the column), how it computes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation._builtins.functions import DISCIPLINED, EVIDENCE_COUNT, GRANTED
from emulation.lang.checker import Checker
from emulation.lang.compiler import DECIMAL, Compiler
from emulation.lang.nodes import Node
from emulation.lang.scope import Scope
from emulation.period import Period
from emulation.rules.model import FactDecl, Label, Parameter

L = Label(vi="x", en="x")
FACTS = {
    "rating": FactDecl(
        name="rating", type="enum", values=("KHT", "HT", "HTT", "HTXS"), ordered=True, label=L
    ),  # type: ignore[arg-type]
    "unit_type": FactDecl(name="unit_type", type="enum", values=("school", "office"), label=L),  # type: ignore[arg-type]
    "months_worked": FactDecl(name="months_worked", type="int", label=L),  # type: ignore[arg-type]
    "score": FactDecl(name="score", type="decimal", label=L),  # type: ignore[arg-type]
    "good_attitude": FactDecl(name="good_attitude", type="bool", label=L),  # type: ignore[arg-type]
}
PARAMS = {
    "min_months": Parameter(
        name="min_months",
        type="int",
        label=L,
        values=((dt.date(2000, 1, 1), 6),),
        basis="b",
        certainty="C",
    ),
    "pass_mark": Parameter(
        name="pass_mark",
        type="decimal",
        label=L,
        values=((dt.date(2000, 1, 1), Decimal("8.00")),),
        basis="b",
        certainty="C",
    ),
}
SCOPE = Scope(
    facts=FACTS,
    parameters=PARAMS,
    functions={f.name: f for f in (GRANTED, DISCIPLINED, EVIDENCE_COUNT)},
    awards=frozenset({"ldtt"}),
)


def check(source: str, expect: str | None = "bool") -> tuple[Node | None, list[tuple[int, str]]]:
    checker = Checker(source, SCOPE)
    node = checker.check(expect)  # type: ignore[arg-type]
    return node, [(e.column, e.message) for e in checker.errors]


def errors(source: str) -> list[tuple[int, str]]:
    node, found = check(source)
    assert node is None
    return found


class _Context:
    period = Period.parse("2024")
    population: Any = None

    def derived(self, key: str, make: Callable[[], pl.LazyFrame], default: Any = None) -> pl.Expr:
        raise AssertionError("not used in these tests")

    def outcome(self, award: str) -> pl.Expr:
        return pl.col(f"{award}::outcome")


FRAME = pl.DataFrame(
    {
        "rating": pl.Series(
            ["HTXS", "HTT", "HT", None], dtype=pl.Enum(["KHT", "HT", "HTT", "HTXS"])
        ),
        "unit_type": pl.Series(
            ["school", "office", None, "school"], dtype=pl.Enum(["school", "office"])
        ),
        "months_worked": [12, 6, 5, None],
        "score": pl.Series([Decimal("8.00"), Decimal("7.99"), None, Decimal("9.5")], dtype=DECIMAL),
        "good_attitude": [True, None, False, True],
    }
)


def run(source: str, frame: pl.DataFrame = FRAME) -> list[Any]:
    node, found = check(source, expect=None)
    assert node is not None, found
    compiler = Compiler({"min_months": 6, "pass_mark": Decimal("8.00")}, _Context())
    return frame.select(compiler.compile(node).alias("out")).get_column("out").to_list()


# -- the whitelist ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ('__import__("os")', 1, "dunder name"),
        ("months_worked.__class__", 1, "attribute access"),
        ("rating.upper()", 1, "only registered functions"),
        ("[x for x in (1, 2)]", 1, "comprehensions"),
        ("(lambda: 1)()", 2, "lambda"),
        ("FRAME[0]", 1, "subscripts"),
        ('f"{rating}"', 1, "f-strings"),
        ("(x := 1)", 2, "assignment expressions"),
        ("{1: 2}", 1, "dict literals"),
        ("open('/etc/passwd')", 1, 'unknown function "open"'),
        ("eval('1')", 1, 'unknown function "eval"'),
    ],
)
def test_unsafe_expressions_are_rejected_with_their_column(
    source: str, column: int, fragment: str
) -> None:
    found = errors(source)
    assert any(c == column and fragment in m for c, m in found), found


def test_misspelt_fact_suggests_the_nearest_name() -> None:
    [(column, message)] = errors("month_worked >= 6")
    assert column == 1
    assert 'unknown fact or parameter "month_worked"' in message
    assert '(did you mean "months_worked"?)' in message


def test_column_points_inside_the_expression() -> None:
    [(column, message)] = errors("good_attitude and month_worked >= 6")
    assert column == 19
    assert "months_worked" in message


def test_wrong_types_are_errors() -> None:
    assert "cannot compare" in errors('months_worked >= "six"')[0][1]
    assert "needs a true/false value" in errors("months_worked and good_attitude")[0][1]
    assert "must be a true/false value" in errors("months_worked + 1")[0][1]
    assert "only == and !=" in errors("good_attitude > False")[0][1]


def test_enum_values_are_checked() -> None:
    [(_, message)] = errors('rating >= "HTTT"')
    assert "not a value of this fact" in message
    assert 'did you mean "HTT"' in message
    assert "not ordered" in errors('unit_type > "school"')[0][1]


def test_function_arguments_are_checked() -> None:
    assert 'unknown award "ldt"' in errors('granted("ldt")')[0][1]
    assert 'not allowed for "level"' in errors('disciplined("scolding")')[0][1]
    assert "must be a literal" in errors("evidence_count(rating)")[0][1]
    assert (
        'has no argument "scope"'
        in errors('evidence_count("initiative", scope="national") >= 1')[0][1]
    )


def test_syntax_errors_are_reported() -> None:
    [(column, message)] = errors("rating >= ")
    assert "syntax error" in message
    assert column >= 1


def test_multiline_expressions_parse() -> None:
    node, found = check("good_attitude\n  and months_worked >= 6")
    assert node is not None, found
    assert node.facts == {"good_attitude", "months_worked"}


# -- computation --------------------------------------------------------------------------------


def test_ordered_enum_comparison() -> None:
    assert run('rating >= "HTT"') == [True, True, False, None]


def test_three_valued_logic_keeps_unknown_unknown() -> None:
    assert run("good_attitude and months_worked >= min_months") == [True, None, False, None]
    assert run("good_attitude or months_worked >= min_months") == [True, True, False, True]
    assert run("not good_attitude") == [False, None, True, False]


def test_membership_of_a_missing_value_is_unknown() -> None:
    assert run('rating in ("HTT", "HTXS")') == [True, True, False, None]
    assert run('rating not in ("HTT", "HTXS")') == [False, False, True, None]


def test_decimals_are_exact() -> None:
    assert run("score >= pass_mark") == [True, False, None, True]
    assert run("score >= 8.00") == [True, False, None, True]
    assert run("score * 3 == 24") == [True, False, None, False]


def test_if_expression() -> None:
    assert run("months_worked if good_attitude else 0") == [12, None, 0, None]


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_decimal_comparison_matches_python_decimal(a: Decimal, b: Decimal) -> None:
    frame = pl.DataFrame({"score": pl.Series([a], dtype=DECIMAL)})
    assert run(f"score >= {b}", frame) == [a >= b]
    assert run(f"score + {b} == {a + b}", frame) == [True]
