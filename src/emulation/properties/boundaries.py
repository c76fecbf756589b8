"""Version boundaries: either side of an effective date, the version in force decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from emulation._testing import variants as _variants
from emulation._testing.counterexample import describe_decision
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.errors import EvaluationError
from emulation.period import Period
from emulation.properties.api import PropertyFailure, period_of
from emulation.results.decision import Decision
from emulation.rules.model import Ruleset
from emulation.types import AwardId


def assert_version_boundaries(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """A subject evaluated either side of a ruleset version's effective date is judged by the
    version in force on the last day of the period.

    The population's records are moved, whole periods at a time, to the last period before
    and the first period on or after every date a version starts or ends. There, every
    decision must come from the version in force (id, version and content hash), with exactly
    that version's rules, and every award of the versions in force must be decided.
    """
    current = period_of(engine, population, period)
    if current is None:
        return
    dates = {r.effective_from for r in engine.rulesets}
    dates |= {r.effective_to + dt.timedelta(days=1) for r in engine.rulesets if r.effective_to}
    sides = sorted({side for date in dates for side in _either_side(current, date)})
    for side in sides:
        moved = _variants.moved(population, current, side)
        expected = _expected_versions(engine.rulesets, side)
        wanted = None
        if awards is not None:
            wanted = [a for a in awards if any(a in r.awards for r in expected.values())]
            if not wanted:
                continue
        try:
            decisions = engine.evaluate(moved, side, wanted, parameters=parameters).decisions()
        except EvaluationError as error:
            if expected:
                raise PropertyFailure(
                    f"version boundaries: evaluating {side} failed although "
                    f"{_names(expected.values())} is in force: {error}"
                ) from None
            continue
        _judged_by(engine, moved, side, decisions, expected, wanted)


def _either_side(period: Period, date: dt.date) -> list[Period]:
    """The last period of ``period``'s kind (and span) ending before ``date``, and the first
    ending on or after it."""
    years = range(date.year - 2, date.year + 2)
    # a term or a phase spans several years: the same span, ending in each of those years
    span = 0 if period.last is None else period.last - period.year
    ends = [
        Period(kind=period.kind, year=year - span, last=None if period.last is None else year)
        for year in years
    ]
    before = [p for p in ends if p.end < date]
    after = [p for p in ends if p.end >= date]
    found = [before[-1]] if before else []
    return found + ([after[0]] if after else [])


def _expected_versions(rulesets: Iterable[Ruleset], period: Period) -> dict[str, Ruleset]:
    """The version of each ruleset whose dates contain the period's last day."""
    day = period.end
    return {
        r.id: r
        for r in rulesets
        if r.effective_from <= day and (r.effective_to is None or day <= r.effective_to)
    }


def _judged_by(
    engine: Engine,
    population: Population,
    period: Period,
    decisions: Sequence[Decision],
    expected: Mapping[str, Ruleset],
    wanted: Sequence[str] | None,
) -> None:
    head = f"version boundaries do not hold in {period}"
    decided = set()
    for decision in decisions:
        version = expected.get(decision.ruleset.id)
        rules = None if version is None else version.awards.get(AwardId(decision.award))
        ok = (
            version is not None
            and rules is not None
            and (decision.ruleset.version, decision.ruleset.content_hash)
            == (version.version, version.content_hash)
            and [c.id for c in decision.criteria] == [r.id for r in rules.rules]
        )
        if not ok:
            should = "no version" if version is None else f"version {version.version}"
            raise PropertyFailure(
                "\n".join(
                    [
                        f"{head}: {decision.subject} / {decision.award} was judged by "
                        f"{decision.ruleset.id} {decision.ruleset.version}, but {should} is in "
                        f"force on {period.end}",
                        *describe_decision(decision, engine.rulesets, indent="    "),
                    ]
                )
            )
        decided.add(decision.award)
    candidates = {
        kind
        for (kind,) in population.subjects.join(
            population.facts.filter(pl.col("period") == str(period)).select("subject"),
            left_on="id",
            right_on="subject",
        )
        .select("kind")
        .unique()
        .iter_rows()
    }
    missing = sorted(
        award.id
        for version in expected.values()
        for award in version.awards.values()
        if award.subject in candidates
        and (wanted is None or award.id in wanted)
        and award.id not in decided
    )
    if missing:
        raise PropertyFailure(
            f"{head}: awards {missing} of {_names(expected.values())} were not decided"
        )


def _names(rulesets: Iterable[Ruleset]) -> str:
    return ", ".join(f"{r.id} {r.version}" for r in rulesets)
