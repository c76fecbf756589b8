"""Monotonicity: making a subject better in a declared direction never takes an award away."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl

from emulation._testing import edges as _thresholds
from emulation._testing import variants as _variants
from emulation._testing.counterexample import describe_decision, describe_subject
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.evaluate.plan import declared_facts
from emulation.period import Period
from emulation.properties.api import (
    STANDING,
    PropertyFailure,
    awards_in_force,
    period_of,
    plain,
    quota_scopes,
)
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.results.text import show
from emulation.rules.model import FactDecl, ParameterValue


def assert_monotonic(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """Making a subject better never takes an award away.

    For every subject granted an award (or eligible but over a quota) in ``period`` (default:
    the latest period with facts) and every fact whose declaration says which way is
    ``better``, the fact is moved that way
    — to each value up to its bounds that the rules compare it with, one step, and the bound
    itself; for a boolean the better value; for an ordered enum every better value. A fact
    with no value (and no default) is left alone. A ``granted`` award must stay granted, an
    ``eligible_over_quota`` one must stay eligible. Only the improved subject's own decisions
    are compared: a better colleague may push another one over a quota.
    """
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return
    facts = declared_facts(engine.rulesets_in_force(current))
    better = {name: decl for name, decl in facts.items() if decl.better is not None}
    typed = _variants.with_typed_facts(population, facts)

    clusters = not _reads_cluster(engine, current)

    def run(worlds: list[list[_variants.Change]]) -> Evaluation:
        batch = _variants.worlds(typed, worlds, clusters=clusters)
        return engine.evaluate(batch, current, wanted, parameters=parameters)

    baseline = run([[]])
    standing = _standing(baseline)
    edges = _thresholds.in_force(engine.rulesets, current, plain(parameters))
    changes = [
        _variants.Change(subject=row["subject"], period=str(current), fact=name, value=value)
        for row in typed.facts.filter(pl.col("period") == str(current)).iter_rows(named=True)
        if any(standing.get(row["subject"], {}).values())
        for name, decl in sorted(better.items())
        for value in better_values(decl, row[name], edges.values.get(name, ()))
    ]
    if not changes:
        return
    order = list(range(len(changes)))
    if not _across_worlds(engine, current, clusters):
        suspects = _losses(run([[], *([c] for c in changes)]), changes)
        # each suspect is confirmed alone, so that a rule comparing subjects across worlds
        # cannot fool us; when none is, the batch cannot be trusted and every change runs alone
        order = [*suspects, *(i for i in order if i not in suspects)] if suspects else []
    for index in order:
        change = changes[index]
        lost = _losses_between(baseline, run([[change]]), change.subject)
        if lost:
            raise PropertyFailure(_monotonicity_message(engine, typed, change, lost))


def _across_worlds(engine: Engine, period: Period, clusters: bool) -> bool:
    """Whether an award in force compares subjects across worlds (a quota over the whole
    population, or per cluster when clusters cannot be prefixed)."""
    scopes = quota_scopes(engine, period)
    return "population" in scopes or ("cluster" in scopes and not clusters)


def _reads_cluster(engine: Engine, period: Period) -> bool:
    """Whether a rule or a ranking key in force reads the subject's cluster."""
    for ruleset in engine.rulesets_in_force(period):
        for award in ruleset.awards.values():
            nodes = [rule.node for rule in award.rules]
            nodes += [key.node for key in award.quota.rank] if award.quota else []
            if any("cluster" in node.facts for node in nodes):
                return True
    return False


def better_values(decl: FactDecl, value: Any, edges: Iterable[ParameterValue] = ()) -> list[Any]:
    """The values of ``decl`` that are better than ``value``, nearest first (see
    :func:`assert_monotonic`)."""
    if value is None or decl.better is None:
        return []
    higher = decl.better == "higher"
    if decl.type == "bool":
        return [higher] if value != higher else []
    if decl.type == "enum":
        if not decl.ordered or value not in decl.values:
            return []
        index = decl.values.index(value)
        return list(decl.values[index + 1 :] if higher else reversed(decl.values[:index]))
    if decl.type not in ("int", "decimal"):
        return []
    step = 1 if higher else -1
    bound = decl.maximum if higher else decl.minimum
    found = {value + step, *(e for e in edges if isinstance(e, (int, Decimal)))}
    if bound is not None:
        found.add(bound)
    low, high = decl.minimum, decl.maximum
    kept = {
        Decimal(v)
        for v in found
        if not isinstance(v, bool)
        and (v > value if higher else v < value)
        and (low is None or v >= low)
        and (high is None or v <= high)
    }
    if decl.type == "int":
        return sorted({int(v) for v in kept if v == v.to_integral_value()}, reverse=not higher)
    return sorted(kept, reverse=not higher)


def _standing(evaluation: Evaluation) -> dict[str, dict[str, int]]:
    """Subject → award → how far from granted (2 granted, 1 over quota, 0 otherwise)."""
    found: dict[str, dict[str, int]] = {}
    for subject, award, outcome in (
        evaluation.outcomes().select("subject", "award", "outcome").iter_rows()
    ):
        found.setdefault(subject, {})[award] = STANDING.get(outcome, 0)
    return found


def _losses(evaluation: Evaluation, changes: Sequence[_variants.Change]) -> list[int]:
    """Indexes of the changes after which the changed subject lost standing on some award
    (world 0 is the unchanged population, world ``i + 1`` has change ``i``)."""
    base: dict[str, dict[str, int]] = {}
    after: dict[tuple[int, str], int] = {}
    for subject, awards in _standing(evaluation).items():
        world, sid = _variants.split_world(subject)
        if world == 0:
            base[sid] = awards
        elif changes[world - 1].subject == sid:
            after.update(((world, award), value) for award, value in awards.items())
    return [
        index
        for index, change in enumerate(changes)
        if any(
            after.get((index + 1, award), 0) < value
            for award, value in base.get(change.subject, {}).items()
        )
    ]


def _losses_between(
    before: Evaluation, after: Evaluation, subject: str
) -> list[tuple[Decision, Decision]]:
    old = {d.award: d for d in before.decisions([subject])}
    new = {d.award: d for d in after.decisions([subject])}
    return [
        (old[award], new[award])
        for award in sorted(old)
        if award in new
        and STANDING.get(new[award].outcome, 0) < STANDING.get(old[award].outcome, 0)
    ]


def _monotonicity_message(
    engine: Engine,
    population: Population,
    change: _variants.Change,
    lost: list[tuple[Decision, Decision]],
) -> str:
    old = _value_of(population, change)
    lines = [
        f"monotonicity does not hold in {change.period}: making subject {change.subject} "
        f"better took an award away",
        f"  change: {change.fact} {show(old)} → {show(change.value)} "
        f"(the ruleset declares {_better_word(engine, change)} {change.fact} better)",
    ]
    for before, after in lost:
        lines.append(f"  {before.award}: {before.outcome} before, {after.outcome} after")
        lines.append("  before:")
        lines.extend(describe_decision(before, engine.rulesets, indent="    "))
        lines.append("  after:")
        lines.extend(describe_decision(after, engine.rulesets, indent="    "))
    lines.append(f"  input of {change.subject}:")
    lines.extend(describe_subject(population, change.subject, indent="    "))
    return "\n".join(lines)


def _value_of(population: Population, change: _variants.Change) -> Any:
    rows = population.facts.filter(
        (pl.col("subject") == change.subject) & (pl.col("period") == change.period)
    )
    return rows.get_column(change.fact)[0] if rows.height else None


def _better_word(engine: Engine, change: _variants.Change) -> str:
    for ruleset in engine.rulesets_in_force(change.period):
        decl = ruleset.facts.get(change.fact)
        if decl is not None and decl.better is not None:
            return decl.better
    return "?"
