"""Strategies for whole populations, generic or shaped by rulesets (:func:`from_ruleset`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs
from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation._testing import edges as thresholds
from emulation.data.population import Population
from emulation.data.records import SUBJECT_KINDS, EvidenceItem, FactValue, Subject, SubjectKind
from emulation.period import Period, PeriodKind
from emulation.rules.model import FactDecl, ParameterValue, Ruleset
from emulation.strategies.api import (
    EVIDENCE_KINDS,
    MISSING_PERCENT,
    as_period,
    integers,
    sample,
)
from emulation.strategies.facts import fact_values
from emulation.strategies.movements import (
    MovementPlan,
    draw_kpi_tree,
    draw_sheet_facts,
    movement_edges,
    movement_plan,
)
from emulation.strategies.records import (
    draw_discipline,
    draw_evidence,
    draw_history,
    draw_registrations,
    draw_service,
    draw_votes,
)
from emulation.strategies.subjects import draw_collective, draw_subject, periods


@attrs.frozen(kw_only=True)
class _Plan:
    """What one generated population looks like."""

    period: Period
    facts: Mapping[str, SearchStrategy[FactValue | None]]
    history_facts: tuple[str, ...] = ()
    missing_percent: int = 0
    kinds: tuple[SubjectKind, ...] = ("person",)
    awards: tuple[str, ...] = ()
    evidence_kinds: tuple[str, ...] = EVIDENCE_KINDS
    max_evidence: int = 2
    max_history: int = 5
    #: Whether to generate evidence, histories, discipline and service (rules that call no
    #: function read none of them).
    records: bool = True
    #: Kinds of registered model the rules read (none: no registrations are drawn).
    registration_kinds: tuple[str, ...] = ()
    #: Awards whose council votes the rules read (none: no votes are drawn).
    vote_awards: tuple[str, ...] = ()
    min_subjects: int = 1
    max_subjects: int = 8
    #: The score sheets and KPIs in force (none: no sheet facts or KPI trees are drawn).
    movement: MovementPlan | None = None


def populations(
    *,
    period: Period | str | None = None,
    facts: Mapping[str, SearchStrategy[FactValue | None]] | None = None,
    kinds: Sequence[SubjectKind] = SUBJECT_KINDS,
    awards: Sequence[str] = (),
    evidence_kinds: Sequence[str] = EVIDENCE_KINDS,
    min_subjects: int = 1,
    max_subjects: int = 8,
) -> SearchStrategy[Population]:
    """Whole populations: persons ``p0``, ``p1`` … (some in collectives ``u0``, ``u1`` …),
    each with a facts row in ``period`` (drawn when not given) whose values come from the
    ``facts`` strategies (None means missing), evidence of ``evidence_kinds``, a history of
    ``awards`` held, sometimes a discipline record and spells of service."""
    fact_map = dict(facts or {})
    kind_tuple = tuple(kinds)
    period_strategy = st.just(as_period(period)) if period is not None else periods()
    return period_strategy.flatmap(
        lambda chosen: _population(
            _Plan(
                period=chosen,
                facts=fact_map,
                kinds=kind_tuple,
                awards=tuple(awards),
                evidence_kinds=tuple(evidence_kinds),
                min_subjects=min_subjects,
                max_subjects=max_subjects,
            )
        )
    )


def from_ruleset(
    rulesets: Ruleset | Iterable[Ruleset],
    *,
    period: Period | str | None = None,
    parameters: Mapping[str, ParameterValue] | None = None,
    min_subjects: int = 1,
    max_subjects: int = 8,
) -> SearchStrategy[Population]:
    """Populations for one ruleset or several (``engine.rulesets`` for all versions).

    The period is ``period`` or drawn among those in which a given ruleset is in force, the
    first and last period of each version most often. Facts are those declared by the rulesets
    in force then, with their types, enum values and ranges, and biased towards the values the
    rules compare them with (parameters read on the period's last day, or from
    ``parameters``). Evidence has the kinds the rules count; histories hold their awards;
    collectives appear when an award is for collectives. The population has facts in one
    period only: ``population.periods()`` gives it back.
    """
    chosen = (rulesets,) if isinstance(rulesets, Ruleset) else tuple(rulesets)
    if not chosen:
        raise ValueError("from_ruleset needs at least one ruleset")
    overrides = dict(parameters or {})
    if period is not None:
        fixed = as_period(period)
        if not any(r.in_force(fixed) for r in chosen):
            raise ValueError(f"no given ruleset is in force for period {fixed}")
        candidates, boundaries = [fixed], [fixed]
    else:
        candidates, boundaries = _periods_in_force(chosen)
    plans: dict[Period, SearchStrategy[Population]] = {}

    def for_period(current: Period) -> SearchStrategy[Population]:
        if current not in plans:
            plan = _plan(chosen, current, overrides, min_subjects, max_subjects)
            plans[current] = _population(plan)
        return plans[current]

    return (st.sampled_from(boundaries) | st.sampled_from(candidates)).flatmap(for_period)


def _periods_in_force(rulesets: Sequence[Ruleset]) -> tuple[list[Period], list[Period]]:
    """Every period in which a ruleset is in force (open-ended ones: three years on), and the
    first and last of each ruleset and kind — the periods either side of a change of law."""
    everything: set[Period] = set()
    boundaries: set[Period] = set()
    for ruleset in rulesets:
        last_year = (
            ruleset.effective_to.year if ruleset.effective_to else ruleset.effective_from.year + 3
        )
        for kind in ruleset.periods:
            candidates = (
                _sample_period(kind, year)
                for year in range(ruleset.effective_from.year - 1, last_year + 1)
            )
            found = [p for p in candidates if ruleset.in_force(p)]
            everything.update(found)
            if found:
                boundaries.add(found[0])
                if ruleset.effective_to is not None:
                    boundaries.add(found[-1])
    return sorted(everything), sorted(boundaries)


def _sample_period(kind: str, year: int) -> Period:
    """A period of ``kind`` starting about ``year``: a five-year congress term, a five-year
    programme phase, or the year or school year itself."""
    if kind == "term":
        return Period.term(year, year + 5)
    if kind == "phase":
        return Period.phase(year, year + 4)
    return Period(kind=cast(PeriodKind, kind), year=year)


def _plan(
    rulesets: Sequence[Ruleset],
    period: Period,
    overrides: Mapping[str, ParameterValue],
    min_subjects: int,
    max_subjects: int,
) -> _Plan:
    in_force = [r for r in rulesets if r.in_force(period) and r.accepts(period)]
    edges = thresholds.in_force(in_force, period, overrides)
    facts: dict[str, FactDecl] = {}
    for ruleset in in_force:
        facts.update(ruleset.facts)
    kinds = {a.subject for r in in_force for a in r.awards.values()}
    kinds |= {s.subject for r in in_force for s in r.scores.values()}
    for name, more in movement_edges(in_force, period, overrides).items():
        edges.values.setdefault(name, set()).update(more)
    strategies = {
        name: fact_values(decl, edges.values.get(name, ())) for name, decl in sorted(facts.items())
    }
    return _Plan(
        period=period,
        facts=strategies,
        history_facts=tuple(name for name in edges.texts_of("fact") if name in strategies),
        missing_percent=MISSING_PERCENT,
        kinds=tuple(k for k in SUBJECT_KINDS if k in kinds) or ("person",),
        awards=tuple(sorted({a for r in in_force for a in r.awards})),
        evidence_kinds=edges.texts_of("kind") or EVIDENCE_KINDS,
        max_evidence=min(max([1, *edges.counts]) + 1, 3),
        max_history=min(max([4, *edges.counts]) + 1, 10),
        records=any(
            rule.node.calls or (a.quota is not None and any(k.node.calls for k in a.quota.rank))
            for r in in_force
            for a in r.awards.values()
            for rule in a.rules
        ),
        registration_kinds=_literals(in_force, ("months_in_operation", "registered"), "kind"),
        vote_awards=_literals(in_force, ("vote_share",), "award"),
        min_subjects=min_subjects,
        max_subjects=max_subjects,
        movement=movement_plan(in_force, period, overrides),
    )


def _literals(
    rulesets: Sequence[Ruleset], functions: tuple[str, ...], argument: str
) -> tuple[str, ...]:
    """The literal ``argument`` of every call of ``functions`` in the rules, sorted."""
    found = {
        str(dict(call.arguments)[argument])
        for ruleset in rulesets
        for award in ruleset.awards.values()
        for rule in award.rules
        for call in rule.node.calls
        if call.function.name in functions
    }
    return tuple(sorted(found))


def _population(plan: _Plan) -> SearchStrategy[Population]:
    @st.composite
    def build(draw: st.DrawFn) -> Population:
        people: list[Subject] = []
        units: list[Subject] = []
        # adults old enough for every history drawn (no award or service before birth)
        births = tuple(range(plan.period.year - 65, plan.period.year - 21 - plan.max_history))
        if "collective" in plan.kinds:
            least = 1 if plan.kinds == ("collective",) else 0
            for index in range(draw(integers(least, 3))):
                unit, members = draw_collective(draw, f"u{index}", 0, 3, births)
                units.append(unit)
                people.extend(members)
        if "person" in plan.kinds:
            low = max(plan.min_subjects - len(people), 0)
            high = max(plan.max_subjects - len(people), low)
            parents = (None, *(u.id for u in units))
            for index in range(draw(integers(low, high))):
                parent = draw(sample(parents))
                people.append(draw_subject(draw, "person", f"p{index}", parent, births))
        document = [_record(draw, plan, subject) for subject in [*units, *people]]
        for index, (kpi, levels, target) in enumerate(plan.movement.kpis if plan.movement else ()):
            document += draw_kpi_tree(
                draw,
                kpi,
                levels,
                target,
                plan.period,
                f"k{index}",
                lambda inner: _draw_facts(inner, plan, tuple(plan.facts)),
            )
        return Population.from_json({"subjects": document}, source="<strategies>")

    return build()


def _record(draw: st.DrawFn, plan: _Plan, subject: Subject) -> dict[str, Any]:
    """One subject in the nested JSON form, with its facts and records for the plan."""
    period, sid = plan.period, subject.id
    entry: dict[str, Any] = {
        key: value for key, value in attrs.asdict(subject).items() if value is not None
    }
    entry["facts"] = {str(period): _draw_facts(draw, plan, tuple(plan.facts))}
    movement = plan.movement or MovementPlan()
    for sheet in movement.sheets:
        if sheet.subject == subject.kind and draw(sample((True, True, True, False))):
            found = draw_sheet_facts(draw, sheet, movement.decls, plan.facts)
            entry["facts"][str(period)].update(found)
    if plan.history_facts:
        for back in range(1, draw(integers(0, plan.max_history)) + 1):
            entry["facts"][str(period.back(back))] = _draw_facts(draw, plan, plan.history_facts)
    if not plan.records:
        return entry
    items: list[EvidenceItem] = []
    for kind in plan.evidence_kinds:
        for _ in range(draw(integers(0, plan.max_evidence))):
            items.append(draw_evidence(draw, sid, period, kind, f"{sid}.e{len(items)}"))
    history = draw_history(draw, sid, period, plan.awards, plan.max_history)
    discipline = [draw_discipline(draw, sid, period) for _ in range(draw(sample((0, 0, 0, 1))))]
    entry["evidence"] = [_plain(item, "subject") for item in items]
    entry["awards"] = [_plain(record, "subject") for record in history]
    entry["discipline"] = [_plain(record, "subject") for record in discipline]
    entry["service"] = [
        _plain(spell, "subject") for spell in draw_service(draw, sid, period, 2, subject.birth_year)
    ]
    if plan.registration_kinds:
        models = draw_registrations(draw, sid, period, plan.registration_kinds, 2)
        entry["registrations"] = [_plain(model, "subject") for model in models]
    if plan.vote_awards:
        entry["votes"] = [
            _plain(vote, "subject") for vote in draw_votes(draw, sid, period, plan.vote_awards)
        ]
    return entry


def _draw_facts(draw: st.DrawFn, plan: _Plan, names: tuple[str, ...]) -> dict[str, Any]:
    """Values of the named facts; each is missing ``plan.missing_percent`` % of the time."""
    values = {}
    for name in names:
        if plan.missing_percent and draw(integers(0, 99)) < plan.missing_percent:
            continue
        value = draw(plan.facts[name])
        if value is not None:
            values[name] = value
    return values


def _plain(record: Any, *drop: str) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in attrs.asdict(record).items()
        if value is not None and key not in drop
    }
