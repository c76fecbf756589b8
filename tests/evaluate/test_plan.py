"""The evaluation plan: which awards, in which order, with which facts and parameter values."""

from __future__ import annotations

from decimal import Decimal

import pytest

import emulation
from emulation.errors import EvaluationError
from emulation.evaluate.plan import EvaluationPlan, plan_evaluation
from emulation.period import Period


def plan(
    engine: emulation.Engine, period: str, awards: list[str] | None = None, **overrides: object
) -> EvaluationPlan:
    day = Period.parse(period)
    return plan_evaluation(
        day, engine.rulesets_in_force(day), engine.awards_in_force(day), awards, overrides
    )


def test_an_award_asked_alone_brings_what_it_reads_first(state_engine: emulation.Engine) -> None:
    chosen = plan(state_engine, "2024", ["cstdcs"])
    assert chosen.order == ("ldtt", "cstdcs")
    assert [award.id for award, _ in chosen.awards_of("person")] == ["ldtt", "cstdcs"]
    assert chosen.awards_of("collective") == []
    assert "months_worked" in chosen.facts_of("person")


def test_every_award_in_force_comes_after_those_it_reads(state_engine: emulation.Engine) -> None:
    chosen = plan(state_engine, "2024")
    position = {award: index for index, award in enumerate(chosen.order)}
    assert set(position) == set(state_engine.awards_in_force("2024"))
    for award, _ in chosen.awards:
        for dependency in award.depends_on:
            if dependency in position:
                assert position[dependency] < position[award.id]


def test_parameter_values_are_those_of_the_period_unless_overridden(
    state_engine: emulation.Engine,
) -> None:
    default = plan(state_engine, "2024")
    strict = plan(state_engine, "2024", min_months_worked="8")
    ruleset = next(r for r in default.rulesets if "min_months_worked" in r.parameters)
    assert default.parameters_of(ruleset)["min_months_worked"] == 6
    assert strict.parameters_of(ruleset)["min_months_worked"] == 8
    assert strict.overrides == {"min_months_worked": "8"}


def test_a_misspelt_parameter_is_named_with_a_suggestion(state_engine: emulation.Engine) -> None:
    with pytest.raises(
        EvaluationError, match=r'unknown parameter "min_month_worked".*did you mean'
    ):
        plan(state_engine, "2024", min_month_worked=8)


def test_a_float_is_not_an_exact_decimal(state_engine: emulation.Engine) -> None:
    decimals = [
        name
        for ruleset in state_engine.rulesets_in_force("2024")
        for name, parameter in ruleset.parameters.items()
        if parameter.type == "decimal"
    ]
    with pytest.raises(EvaluationError, match="expects decimal"):
        plan(state_engine, "2024", **{decimals[0]: 0.15})
    assert plan(state_engine, "2024", **{decimals[0]: Decimal("0.15")}).overrides


def test_nothing_in_force_is_an_error(state_engine: emulation.Engine) -> None:
    with pytest.raises(EvaluationError, match="no ruleset is in force for period 2010"):
        plan(state_engine, "2010")
