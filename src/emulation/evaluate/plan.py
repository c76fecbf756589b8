"""What one evaluation will do, decided before any data is read.

An :class:`EvaluationPlan` holds the period, the rulesets and awards in force, the awards
asked for with every award they read (in the order they are decided), the facts the rulesets
declare and those each subject kind reads, the parameter values after overrides, and the
awards that use up evidence. Every mistake of the request — an unknown award or parameter, an
override of the wrong type, a fact declared two ways — is found here, before any data is read.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from emulation.errors import EvaluationError, suggest
from emulation.evaluate.steps import Step, select_steps
from emulation.lang.nodes import Node
from emulation.period import Period
from emulation.rules.kpis import Kpi
from emulation.rules.model import (
    Award,
    Consumption,
    FactDecl,
    ParameterValue,
    Ruleset,
    Standings,
)
from emulation.rules.paths import window_mates
from emulation.rules.scores import ScoreSheet, reads
from emulation.types import RulesetId


@attrs.frozen(kw_only=True, eq=False)
class EvaluationPlan:
    """One evaluation's awards, facts and parameter values, checked and ordered."""

    period: Period
    #: The rulesets in force in the period.
    rulesets: tuple[Ruleset, ...]
    #: Every award of the rulesets in force, by id, with the ruleset that defines it.
    available: Mapping[str, tuple[Award, Ruleset]]
    #: The awards asked for and every award they read, in the order they are decided.
    order: tuple[str, ...]
    #: The facts the rulesets in force declare.
    facts: Mapping[str, FactDecl]
    #: The parameter values used, by ruleset id: the ruleset's own, or the overrides.
    parameters: Mapping[RulesetId, Mapping[str, ParameterValue | None]]
    #: The overrides asked for, by parameter name.
    overrides: Mapping[str, Any] = attrs.field(factory=dict)
    #: The KPIs evaluated, with the ruleset that defines each, by id.
    kpis: tuple[tuple[Kpi, Ruleset], ...] = ()
    #: The standings of the rulesets in force, by id, each with its ruleset.
    standings: tuple[tuple[Standings, Ruleset], ...] = ()
    #: The day service and months in operation are counted to (default: the period's last).
    as_of: dt.date | None = None

    @property
    def cut_off(self) -> dt.date:
        """``as_of``, or the period's last day."""
        return self.period.end if self.as_of is None else self.as_of

    #: Every score sheet of the rulesets in force, by id, with the ruleset that defines it.
    sheets: Mapping[str, tuple[ScoreSheet, Ruleset]] = attrs.field(factory=dict)
    #: The awards decided and the sheets computed, in that order (each after what it reads).
    steps: tuple[Step, ...] = ()
    #: What :meth:`facts_of` found, by subject kind (the plan never changes; kept by the
    #: engine, it is asked again at every evaluation).
    _facts_read: dict[str, dict[str, FactDecl]] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def scores(self) -> tuple[tuple[ScoreSheet, Ruleset], ...]:
        """The score sheets computed, with their ruleset, by id."""
        return tuple(self.sheets[name] for kind, name in sorted(self.steps) if kind == "score")

    def steps_of(self, kind: str) -> list[tuple[Award | ScoreSheet, Ruleset]]:
        """The awards and sheets of subjects of ``kind``, in the order they are decided."""
        found: list[tuple[Award | ScoreSheet, Ruleset]] = []
        for step, name in self.steps:
            item = self.available[name] if step == "award" else self.sheets[name]
            if item[0].subject == kind:
                found.append(item)
        return found

    @property
    def awards(self) -> tuple[tuple[Award, Ruleset], ...]:
        """The awards decided, with their ruleset, by id."""
        return tuple(self.available[award] for award in sorted(self.order))

    @property
    def consumers(self) -> dict[str, Consumption]:
        """The awards in force that use up evidence, with what they use."""
        return {a: award.consumes for a, (award, _) in self.available.items() if award.consumes}

    def awards_of(self, kind: str) -> list[tuple[Award, Ruleset]]:
        """The awards decided for subjects of ``kind``, in the order they are decided."""
        chosen = (self.available[award] for award in self.order)
        return [(award, ruleset) for award, ruleset in chosen if award.subject == kind]

    def standings_of(self, kind: str) -> list[tuple[Standings, Ruleset]]:
        """The standings of subjects of ``kind``, by id."""
        return [(s, ruleset) for s, ruleset in self.standings if s.subject == kind]

    def facts_of(self, kind: str) -> dict[str, FactDecl]:
        """The declared facts the awards and standings of ``kind``, and the conditions of the
        KPIs that count subjects of ``kind``, read."""
        found = self._facts_read.get(kind)
        if found is None:
            found = self._facts_read[kind] = self._find_facts_of(kind)
        return dict(found)

    def _find_facts_of(self, kind: str) -> dict[str, FactDecl]:
        read = facts_read(award for award, _ in self.awards_of(kind))
        read |= nodes_read(c.node for kpi, _ in self.kpis_of(kind) for c in kpi.conditions)
        read |= nodes_read(key.node for s, _ in self.standings_of(kind) for key in s.rank)
        for sheet, _ in self.scores:
            if sheet.subject == kind:
                read |= nodes_read(sheet.nodes)
        return {name: decl for name, decl in self.facts.items() if name in read}

    def kpis_of(self, kind: str) -> list[tuple[Kpi, Ruleset]]:
        """The KPIs evaluated that count subjects of ``kind``."""
        return [(kpi, ruleset) for kpi, ruleset in self.kpis if kpi.subject == kind]

    def parameters_of(self, ruleset: Ruleset) -> Mapping[str, ParameterValue | None]:
        """The parameter values of ``ruleset`` in this evaluation."""
        return self.parameters[ruleset.id]


def plan_evaluation(
    period: Period,
    rulesets: Sequence[Ruleset],
    available: Mapping[str, tuple[Award, Ruleset]],
    requested: Sequence[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    kpis: Sequence[str] | None = None,
    sheets: Mapping[str, tuple[ScoreSheet, Ruleset]] | None = None,
    scores: Sequence[str] | None = None,
) -> EvaluationPlan:
    """The plan for deciding ``requested`` (default: every award in ``available``, the awards
    of ``rulesets``, those in force in ``period``) with parameter ``overrides``, and for
    evaluating ``kpis`` (default: every KPI of ``rulesets`` when no award is named, none
    when some are) with the awards they read.

    Raises :class:`EvaluationError` when nothing is in force, for an unknown award, KPI or
    parameter, for an override that is not of its parameter's type, and for a fact two
    rulesets declare differently. ``sheets`` are the score sheets in force; ``scores`` the
    sheets asked for (default: every sheet when every award is asked for, else those the
    awards read).
    """
    sheets = dict(sheets or {})
    if not available and not sheets and not any(r.kpis for r in rulesets):
        raise EvaluationError(f"no ruleset is in force for period {period}")
    chosen = _kpis(rulesets, period, kpis, every=requested is None)
    # the awards the KPIs read are decided with them
    read = sorted({a for kpi, _ in chosen for a in kpi.depends_on if a in available})
    wanted = None if requested is None else [*requested, *read]
    if wanted is not None:  # titles paid once per window are decided together
        windows = {f"{r.id}/{w.id}": w for r in rulesets for w in r.payout.values()}
        wanted += sorted(a for a in window_mates(windows, set(wanted)) if a in available)
    steps = select_steps(wanted, scores, available, sheets, period)
    overrides = dict(overrides or {})
    known = {name for ruleset in rulesets for name in ruleset.parameters}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise EvaluationError(
            f'unknown parameter "{unknown[0]}" for period {period}'
            f"{suggest(unknown[0], known)}; parameters in force: {sorted(known)}"
        )
    facts = declared_facts(rulesets)
    resolved = {r.id: _parameter_values(r, period, overrides) for r in rulesets}
    return EvaluationPlan(
        period=period,
        rulesets=tuple(rulesets),
        available=available,
        order=tuple(name for kind, name in steps if kind == "award"),
        facts=facts,
        parameters=resolved,
        overrides=overrides,
        kpis=chosen,
        standings=_standings(rulesets, steps, available),
        sheets=sheets,
        steps=steps,
    )


def _kpis(
    rulesets: Sequence[Ruleset], period: Period, requested: Sequence[str] | None, every: bool
) -> tuple[tuple[Kpi, Ruleset], ...]:
    """The KPIs ``requested`` (None: all when ``every``, else none), by id."""
    found = by_id(rulesets, lambda ruleset: ruleset.kpis.values(), "KPI")
    if requested is None:
        return tuple(found.values()) if every else ()
    unknown = [k for k in requested if k not in found]
    if unknown:
        raise EvaluationError(
            f"unknown KPI {unknown[0]!r} for period {period}{suggest(unknown[0], found)}; "
            f"KPIs in force: {sorted(found)}"
        )
    return tuple(found[k] for k in sorted(set(requested)))


def _standings(
    rulesets: Sequence[Ruleset], steps: Sequence[Step], available: Mapping[str, Any]
) -> tuple[tuple[Standings, Ruleset], ...]:
    """The standings of ``rulesets``, by id (an id two rulesets define is an error), less
    those whose keys read a sheet or an award this evaluation does not compute (when only
    some awards are asked for)."""
    found = by_id(rulesets, lambda ruleset: ruleset.standings.values(), "standings", "are")
    done = set(steps)

    def computed(item: Standings) -> bool:
        awards, sheets = reads(key.node for key in item.rank)
        return all(("score", s) in done for s in sheets) and all(
            ("award", a) in done for a in awards if a in available
        )

    return tuple((item, ruleset) for item, ruleset in found.values() if computed(item))


_Item = TypeVar("_Item", Award, ScoreSheet, Kpi, Standings)


def by_id(
    rulesets: Iterable[Ruleset],
    items: Callable[[Ruleset], Iterable[_Item]],
    what: str,
    verb: str = "is",
) -> dict[str, tuple[_Item, Ruleset]]:
    """The ``items`` of every ruleset (its awards, sheets …) by id, sorted, each with its
    ruleset; an id two rulesets define is an :class:`EvaluationError` naming both."""
    found: dict[str, tuple[_Item, Ruleset]] = {}
    for ruleset in rulesets:
        for item in items(ruleset):
            if item.id in found:
                other = found[item.id][1]
                raise EvaluationError(
                    f'{what} "{item.id}" {verb} defined by both {other.id} and {ruleset.id}'
                )
            found[item.id] = (item, ruleset)
    return dict(sorted(found.items()))


def order_awards(awards: Mapping[str, Award]) -> list[str]:
    """Award ids so that every award comes after those it reads; ties by id."""
    sorter = graphlib.TopologicalSorter(
        {award_id: set(award.depends_on) for award_id, award in awards.items()}
    )
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        # the catalogue refuses such rulesets when the engine is built; rulesets put together
        # another way end here
        cycle = " -> ".join(error.args[1])
        raise EvaluationError(f"awards read each other in a cycle: {cycle}") from None
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return [award_id for award_id in order if award_id in awards]


def declared_facts(rulesets: Sequence[Ruleset]) -> dict[str, FactDecl]:
    """Facts declared by the rulesets; a name declared twice must mean the same thing."""
    facts: dict[str, FactDecl] = {}
    owners: dict[str, str] = {}
    for ruleset in rulesets:
        for name, decl in ruleset.facts.items():
            other = facts.get(name)
            if other is not None and _meaning(other) != _meaning(decl):
                raise EvaluationError(
                    f'fact "{name}" is declared differently by {owners[name]} and {ruleset.id}, '
                    f"both in force: {_meaning(other)} vs {_meaning(decl)}"
                )
            facts[name] = decl
            owners.setdefault(name, ruleset.id)
    return facts


def _meaning(decl: FactDecl) -> tuple[object, ...]:
    """What must agree between two declarations of one fact (labels may differ)."""
    return (decl.type, decl.values, decl.ordered, decl.default, decl.minimum, decl.maximum)


def facts_read(awards: Iterable[Award]) -> set[str]:
    """The facts the awards' rules, ranking keys and functions read from the evaluation frame."""
    nodes: list[Node] = []
    awards = list(awards)
    for award in awards:
        nodes.extend(rule.node for rule in award.rules)
        for quota in award.quotas:
            nodes.extend(key.node for key in quota.rank)
        if award.budget is not None:
            nodes.extend(award.budget.nodes)
    names = nodes_read(nodes)
    # the facts that name a subject's group (per = "fact") are read from its row
    for award in awards:
        names.update(q.group_fact for q in award.quotas if q.group_fact)
        if award.budget is not None and award.budget.group_fact:
            names.add(award.budget.group_fact)
    return names


def nodes_read(nodes: Iterable[Node]) -> set[str]:
    """The facts the trees read from the evaluation frame, directly or through functions."""
    names: set[str] = set()
    for node in nodes:
        names |= node.facts
        for call in node.calls:
            bound = dict(call.arguments)
            names.update(
                str(bound[argument.name])
                for argument in call.function.arguments
                if argument.kind == "fact"
            )
    return names


def _parameter_values(
    ruleset: Ruleset, period: Period, overrides: Mapping[str, Any]
) -> dict[str, ParameterValue | None]:
    values: dict[str, ParameterValue | None] = {}
    for name, parameter in ruleset.parameters.items():
        if name in overrides:
            values[name] = _coerce(name, parameter.type, overrides[name])
            continue
        values[name] = parameter.value_on(period.end)
    return values


def _coerce(name: str, kind: str, value: Any) -> ParameterValue:
    try:
        if kind == "bool":
            if isinstance(value, str):
                if value.lower() not in ("true", "false"):
                    raise ValueError(value)
                return value.lower() == "true"
            if isinstance(value, bool):
                return value
        elif kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        elif kind == "decimal":
            if isinstance(value, float):
                raise ValueError("floats are not exact; pass a string or Decimal")
            return Decimal(str(value))
        else:
            return str(value)
    except (ValueError, InvalidOperation):
        pass
    raise EvaluationError(f'parameter "{name}" expects {kind}, got {value!r}')
