"""Hostile expressions: the language's limits, literals the data types cannot hold, a minus
sign on a non-number, and nesting too deep for Python — each refused at load with its column
and a stable ``code``, never a Python exception."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import attrs
import polars as pl
import pytest
from lang_scope import parameter, scope

import emulation
from emulation._builtins.functions import GRANTED
from emulation._builtins.history import COUNT_HELD, HELD, HELD_BEFORE
from emulation._builtins.service import MAX, MIN
from emulation.lang import limits
from emulation.lang.checker import Checker
from emulation.lang.compiler import DECIMAL, Compiler

SCOPE = scope(
    {"months_worked": "int", "score": "decimal", "good": "bool", "note": "text"},
    [parameter("min_months", "int", 6)],
    [GRANTED, HELD, HELD_BEFORE, COUNT_HELD, MIN, MAX],
    {"ldtt", "hcld3"},
    closed=False,  # as the loader checks: award ids are checked across rulesets later
)
STATE_2024 = Path(__file__).parents[2] / "rulesets" / "state" / "individual_titles_2024.toml"


def problems(source: str) -> list[tuple[int, str, str]]:
    """(column, code, message) of every problem of ``source``; it must be refused."""
    checker = Checker(source, SCOPE)
    assert checker.check("bool") is None
    assert checker.errors
    return [(e.column, e.code, e.message) for e in checker.errors]


def attitude_line() -> int:
    """The line of the state ruleset's ``expr = "good_attitude"``, which ``load_with`` replaces."""
    return STATE_2024.read_text(encoding="utf-8").split("\n").index('expr = "good_attitude"') + 1


def load_with(tmp_path: Path, expr: str) -> list[emulation.Problem]:
    """The problems of the state ruleset whose second criterion of ``ldtt`` is ``expr``."""
    text = STATE_2024.read_text(encoding="utf-8")
    assert 'expr = "good_attitude"' in text
    path = tmp_path / "hostile.toml"
    path.write_text(text.replace('expr = "good_attitude"', f"expr = '''{expr}'''", 1), "utf-8")
    with pytest.raises(emulation.RulesetError) as caught:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    return list(caught.value.problems)


# -- limits -------------------------------------------------------------------------------------


def test_the_limits_are_generous_above_the_bundled_rulesets() -> None:
    # measured on every expression of rulesets/, tests/ and docs/: 151 characters, depth 6,
    # 24 nodes, a text literal of 17 characters (see docs/reference/rule-language.md, Limits)
    assert limits.MAX_LENGTH >= 10 * 151
    assert limits.MAX_DEPTH >= 5 * 6
    assert limits.MAX_NODES >= 10 * 24
    assert limits.MAX_TEXT >= 10 * 17


def test_an_expression_too_long_is_refused_before_it_is_parsed() -> None:
    source = "good or " * (limits.MAX_LENGTH // 8) + "good"
    assert problems(source) == [
        (
            1,
            "expression_too_long",
            f"the expression is {len(source)} characters long; "
            f"the rule language allows at most {limits.MAX_LENGTH}",
        )
    ]


def test_an_expression_too_deep_is_refused_at_the_first_node_too_deep() -> None:
    source = "-" * (limits.MAX_DEPTH + 5) + "months_worked > 0"
    [(column, code, message)] = problems(source)
    assert code == "expression_too_deep"
    assert column == limits.MAX_DEPTH  # the minus sign at depth MAX_DEPTH + 1
    assert f"more than {limits.MAX_DEPTH} levels" in message


def test_an_expression_with_too_many_nodes_is_refused() -> None:
    values = ", ".join(["1"] * limits.MAX_NODES)
    [(column, code, message)] = problems(f"months_worked in ({values})")
    assert code == "expression_too_large"
    assert column == 1
    assert f"more than {limits.MAX_NODES} parts" in message


def test_expressions_at_the_limits_are_accepted() -> None:
    deep = "-" * (limits.MAX_DEPTH - 2) + "months_worked > 0"  # Compare, then the minus signs
    assert Checker(deep, SCOPE).check("bool") is not None
    text = "x" * limits.MAX_TEXT
    assert Checker(f'note == "{text}"', SCOPE).check("bool") is not None


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(" + ".join(["months_worked"] * 1000) + " > 0", id="1000 plus terms"),
        pytest.param("not " * 3000 + "good", id="3000 not"),
        pytest.param("-" * 10_000 + "1 > 0", id="10000 minus signs"),
        pytest.param("-" * 1_500 + "1 > 0", id="1500 minus signs"),
        pytest.param(" + ".join(["1"] * 600) + " > 0", id="600 plus terms"),
        pytest.param("(" * 300 + "good" + ")" * 300, id="300 parentheses"),
        pytest.param("min(" * 100 + "1" + ", 1)" * 100 + " > 0", id="100 nested min"),
    ],
)
def test_very_deep_expressions_are_our_error(source: str) -> None:
    found = problems(source)
    assert {code for _, code, _ in found} <= {
        "expression_too_long",
        "expression_too_deep",
        "syntax_error",
    }, found


def test_a_deep_expression_is_located_in_the_ruleset(tmp_path: Path) -> None:
    [problem] = load_with(tmp_path, "not " * 3000 + "good_attitude")
    assert problem.code == "expression_too_long"
    assert problem.location == "awards.ldtt.criteria[1].expr"
    assert problem.column == 1
    assert problem.line == attitude_line()


# -- literals the data types cannot hold --------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ("months_worked > 9223372036854775808", 17, "9223372036854775808 is outside"),
        ("months_worked > 99999999999999999999", 17, "99999999999999999999 is outside"),
        ("months_worked > -99999999999999999999", 18, "99999999999999999999 is outside"),
        ("score > 1e309", 9, "1e309 has more than 32 digits before the decimal point"),
        ("score > 1e32", 9, "1e32 has more than 32 digits before the decimal point"),
        ("score < 100000000000000000000000000000000.5", 9, "more than 32 digits"),
        ("min(score, 1e40) > 0", 12, "1e40 has more than 32 digits"),
        ("months_worked in (1, 2, 10000000000000000000)", 25, "is outside"),
        ("held('hcld3', back=99999999999999999999)", 20, "99999999999999999999 is outside"),
        (f'note == "{"x" * (limits.MAX_TEXT + 1)}"', 9, f"longer than {limits.MAX_TEXT}"),
    ],
)
def test_literals_the_data_types_cannot_hold_are_refused(
    source: str, column: int, fragment: str
) -> None:
    [(found_column, code, message)] = problems(source)
    assert (found_column, code) == (column, "literal_out_of_range")
    assert fragment in message


def test_literals_at_the_edges_of_the_data_types_are_accepted() -> None:
    for source in (
        "months_worked < 9223372036854775807",
        "months_worked > -9223372036854775807",
        "score < 99999999999999999999999999999999.999999",
        "score > 1e31",
    ):
        assert Checker(source, SCOPE).check("bool") is not None, source


def test_an_out_of_range_literal_is_located_in_the_ruleset(tmp_path: Path) -> None:
    [problem] = load_with(tmp_path, "months_worked > 99999999999999999999")
    assert (problem.code, problem.column, problem.line) == (
        "literal_out_of_range",
        17,
        attitude_line(),
    )
    assert "99999999999999999999" in problem.message


@pytest.mark.parametrize(
    ("kind", "value", "fragment"),
    [
        ("int", "99999999999999999999", "integer outside the 64-bit range"),
        ("decimal", '"1e40"', "too large: decimals have at most 32 digits"),
        ("decimal", "99999999999999999999999999999999999", "integer outside the 64-bit range"),
    ],
)
def test_parameter_values_the_data_types_cannot_hold_are_refused(
    tmp_path: Path, kind: str, value: str, fragment: str
) -> None:
    text = STATE_2024.read_text(encoding="utf-8")
    start = text.index("[parameters.min_months_worked]")
    block_end = text.index("\n[", start + 1)
    block = text[start:block_end]
    changed = block.replace('type = "int"', f'type = "{kind}"')
    changed = changed.replace(
        "values = [", "values = [\n  { from = 1900-01-01, value = VALUE },", 1
    )
    assert changed != block
    path = tmp_path / "params.toml"
    path.write_text(text.replace(block, changed.replace("VALUE", value)), "utf-8")
    with pytest.raises(emulation.RulesetError) as caught:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    # values of a ruleset file (not expressions) are refused by the loader as ``out_of_range``
    found = [p for p in caught.value.problems if p.code == "out_of_range"]
    assert len(found) == 1, caught.value.problems
    assert fragment in found[0].message
    assert found[0].location.startswith("parameters.min_months_worked.values")


# -- a minus sign on a non-number ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "written"),
    [
        ('held_before(-"x")', 13, '"x"'),
        ("held('hcld3', back=-None)", 20, "None"),
        ("count_held('x', -b\"1\")", 17, 'b"1"'),
        ("held('hcld3', back=-True)", 20, "True"),
    ],
)
def test_a_minus_sign_on_a_non_number_is_a_located_error(
    source: str, column: int, written: str
) -> None:
    [(found_column, code, message)] = problems(source)
    assert (found_column, code) == (column, "minus_on_non_number")
    assert message.startswith(f"'-' applies to numbers only, not to {written}")


def test_a_negative_number_is_still_a_literal_argument() -> None:
    checker = Checker("count_held('ldtt', -2) >= 0", SCOPE)
    assert checker.check("bool") is not None, checker.errors


def test_a_bare_tuple_is_located_at_the_first_column() -> None:
    # found by the fuzzer: the tuple starts on the parenthesis the checker adds (column 0)
    assert problems("good, months_worked") == [(1, "", "Tuple is not part of the rule language")]


@pytest.mark.parametrize(
    ("source", "parameter", "expected"),
    [
        # found by the coverage-guided fuzzer: zero with a large exponent broke Polars
        ("score >= 0e3091", None, [True, False, None]),
        ("score < 1e31", None, [True, True, None]),
        ("score < 99999999999999999999999999999999.999999", None, [True, True, None]),
        ("score >= p", Decimal("0E+3091"), [True, False, None]),
    ],
)
def test_decimal_literals_of_any_spelling_evaluate(
    source: str, parameter: Decimal | None, expected: list[bool | None]
) -> None:
    scope = attrs.evolve(
        SCOPE,
        parameters={"p": attrs.evolve(SCOPE.parameters["min_months"], name="p", type="decimal")},
    )
    checker = Checker(source, scope)
    node = checker.check("bool")
    assert node is not None, checker.errors
    frame = pl.DataFrame({"score": pl.Series([Decimal("1.5"), Decimal("-2"), None], dtype=DECIMAL)})
    compiled = Compiler({"p": parameter}).compile(node)
    assert frame.select(compiled.alias("out")).get_column("out").to_list() == expected


def test_decimal_literals_after_in_of_any_spelling_evaluate() -> None:
    node = Checker("score in (0e3091, 1.5, 1e31)", SCOPE).check("bool")
    assert node is not None
    frame = pl.DataFrame({"score": pl.Series([Decimal("1.5"), Decimal(0), None], dtype=DECIMAL)})
    compiled = Compiler({}).compile(node)
    assert frame.select(compiled.alias("out")).get_column("out").to_list() == [True, True, None]


@pytest.mark.parametrize(
    ("source", "column"), [("months_worked > 1and good", 17), ('note == "\\d"', 9)]
)
def test_what_python_only_warns_about_is_a_syntax_error_whatever_the_warning_filters(
    source: str, column: int
) -> None:
    # found by the coverage-guided fuzzer: Python printed "SyntaxWarning: invalid decimal
    # literal" to the user's terminal, and refused the rule only where warnings were errors
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = problems(source)
    assert caught == []
    [(found_column, code, message)] = found
    assert (found_column, code) == (column, "syntax_error")
    assert message.startswith("syntax error: invalid")
