"""Evaluate awards for one period as one lazy Polars query per subject kind.

The road: subjects of the kind ⨝ their facts row for the period (cast to the declared types,
defaults filled) ⨝ the derived columns the rules' functions asked for → for each award in
dependency order, one boolean column per rule and an outcome column → collect once.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Mapping, Sequence
from functools import reduce
from typing import Any

import polars as pl

from emulation._compile import DECIMAL, Compiler, dtype_of
from emulation._expression import BoolOp, Compare, Node
from emulation._loader import SUBJECT_FACTS
from emulation._quota import Stage, quota_stage
from emulation.errors import DataError, EvaluationError, Problem
from emulation.period import Period
from emulation.population import ORIGIN, Population, cast_column
from emulation.ruleset import Award, Consumption, FactDecl, ParameterValue, Ruleset, ServiceRule
from emulation.types import OUTCOMES

OUTCOME_DTYPE = pl.Enum(list(OUTCOMES))


def outcome_column(award: str) -> str:
    """Name of the outcome column of ``award`` in the result frame."""
    return f"{award}::outcome"


def rule_column(award: str, rule: str) -> str:
    """Name of the boolean column of one rule of ``award`` in the result frame."""
    return f"{award}::{rule}"


def gap_columns(award: str, rule: str) -> tuple[str, str]:
    """Names of the two sides of a rule that is one numeric comparison (``has``, ``needs``)."""
    return f"{award}::{rule}::has", f"{award}::{rule}::needs"


def comparison(node: Node) -> Compare | None:
    """The rule's comparison of two numbers, when the whole rule is one, or when it is an
    ``and`` of conditions with exactly one such comparison among them."""
    if isinstance(node, BoolOp) and node.op == "and":
        found = [c for c in map(comparison, node.operands) if c is not None]
        return found[0] if len(found) == 1 else None
    if (
        isinstance(node, Compare)
        and node.op in (">=", ">", "<=", "<")
        and node.left.type in ("int", "decimal")
        and node.right.type in ("int", "decimal")
    ):
        return node
    return None


class _Context:
    """The :class:`~emulation.functions.BuildContext` of one evaluation."""

    def __init__(
        self,
        period: Period,
        population: Population,
        facts: Mapping[str, FactDecl],
        decided: set[str],
        earlier: Mapping[str, pl.DataFrame],
        services: Mapping[str, ServiceRule],
        consumers: Mapping[str, Consumption],
    ) -> None:
        self._period = period
        self._population = population
        self._facts = facts
        self.decided = decided
        self._earlier = earlier
        self._services = services
        self._consumers = consumers
        self.award = ""
        self.late: list[tuple[str, Callable[[pl.DataFrame], pl.LazyFrame], Any]] = []
        self.joins: dict[str, tuple[Callable[[], pl.LazyFrame], Any]] = {}

    @property
    def period(self) -> Period:
        return self._period

    @property
    def population(self) -> Population:
        return self._population

    def derived(self, key: str, make: Callable[[], pl.LazyFrame], default: Any = None) -> pl.Expr:
        self.joins.setdefault(key, (make, default))
        return pl.col(key)

    def outcome(self, award: str) -> pl.Expr | None:
        return pl.col(outcome_column(award)) if award in self.decided else None

    def fact(self, name: str) -> FactDecl:
        return self._facts[name]

    def decided_frame(self, kind: str) -> pl.DataFrame | None:
        return self._earlier.get(kind)

    def service(self, name: str) -> ServiceRule:
        return self._services[name]

    def derived_from_decisions(
        self, key: str, make: Callable[[pl.DataFrame], pl.LazyFrame], default: Any = None
    ) -> pl.Expr:
        if all(existing != key for existing, _, _ in self.late):
            self.late.append((key, make, default))
        return pl.col(key)

    @property
    def current_award(self) -> str:
        return self.award

    def consumers(self) -> Mapping[str, Consumption]:
        return self._consumers


def order_awards(awards: Mapping[str, Award]) -> list[str]:
    """Award ids so that every award comes after those it reads; ties by id."""
    sorter = graphlib.TopologicalSorter(
        {award_id: set(award.depends_on) for award_id, award in awards.items()}
    )
    sorter.prepare()
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


def base_frame(
    population: Population, period: Period, kind: str, facts: Mapping[str, FactDecl]
) -> pl.DataFrame:
    """Candidates of ``kind`` for ``period`` with every declared fact cast and defaulted.

    A candidate is a subject with a facts row in the period. A value that cannot be read as
    its declared type raises :class:`DataError` naming the file and row.
    """
    aside = sorted(population.set_aside_ids())
    subjects = population.subjects.filter(
        (pl.col("kind") == kind) & ~pl.col("id").is_in(aside)
    ).drop(ORIGIN, "kind")
    rows = population.facts.filter(pl.col("period") == str(period)).drop("period")
    frame = subjects.join(rows, left_on="id", right_on="subject", how="inner")
    problems: list[Problem] = []
    columns: list[pl.Series] = []
    for name, decl in sorted(facts.items()):
        dtype = dtype_of(decl.type, decl.values)
        if name in frame.columns:
            raw = frame.get_column(name)
            column = cast_column(raw, dtype)
            bad = raw.is_not_null() & column.is_null()
            if bad.any():
                for origin, value in zip(
                    frame.filter(bad).get_column(ORIGIN).to_list(),
                    raw.filter(bad).to_list(),
                    strict=True,
                ):
                    expected = list(decl.values) if decl.type == "enum" else decl.type
                    problems.append(
                        Problem(
                            file=origin,
                            location=name,
                            message=f"cannot read {value!r} as fact {name} ({expected})",
                        )
                    )
        else:
            column = pl.Series(name, [None] * frame.height, dtype=dtype)
        if decl.minimum is not None or decl.maximum is not None:
            problems.extend(_out_of_bounds(frame, column, decl))
        if decl.default is not None:
            column = column.fill_null(pl.lit(decl.default, dtype=dtype))
        columns.append(column.alias(name))
    if problems:
        raise DataError(problems)
    for name, decl in SUBJECT_FACTS.items():
        column = frame.get_column(name).cast(dtype_of(decl.type, decl.values))
        if decl.default is not None:
            column = column.fill_null(decl.default)
        columns.append(column.alias(name))
    keep = ["id", "name", "parent", ORIGIN]
    return frame.select(keep).with_columns(columns)


def _out_of_bounds(frame: pl.DataFrame, column: pl.Series, decl: FactDecl) -> list[Problem]:
    problems: list[Problem] = []
    numbers = column.cast(DECIMAL)
    low, high = decl.minimum, decl.maximum
    outside = pl.Series([False] * len(column), dtype=pl.Boolean())
    if low is not None:
        outside = outside | (numbers < low).fill_null(False)
    if high is not None:
        outside = outside | (numbers > high).fill_null(False)
    if not outside.any():
        return problems
    bad = frame.get_column(ORIGIN).filter(outside).to_list()
    for origin, value in zip(bad, column.filter(outside).to_list(), strict=True):
        problems.append(
            Problem(
                file=origin,
                location=decl.name,
                message=f"{value} is outside the declared range of {decl.name} "
                f"({'' if low is None else low} … {'' if high is None else high})",
            )
        )
    return problems


def evaluate_kind(
    base: pl.DataFrame,
    period: Period,
    population: Population,
    awards: Sequence[tuple[Award, Ruleset]],
    parameters: Callable[[Ruleset], Mapping[str, ParameterValue | None]],
    facts: Mapping[str, FactDecl],
    earlier: Mapping[str, pl.DataFrame],
    consumers: Mapping[str, Consumption] | None = None,
) -> pl.DataFrame:
    """Every award of one subject kind over ``base``, in the given (dependency) order;
    ``earlier`` holds the result frames of kinds decided before (persons before collectives)."""
    services = {name: rule for _, ruleset in awards for name, rule in ruleset.services.items()}
    context = _Context(period, population, facts, set(), earlier, services, consumers or {})
    stages: list[Stage] = []
    for award, ruleset in awards:
        context.award = award.id
        context.late = []
        values = parameters(ruleset)
        compiler = Compiler(values, context)
        rule_exprs = [
            compiler.compile(rule.node).alias(rule_column(award.id, rule.id))
            for rule in award.rules
        ]
        context.decided.add(award.id)
        shown = {expr.meta.output_name() for expr in rule_exprs}
        for rule in award.rules:
            for call in rule.node.calls:
                # the value of each call, for explanations (a joined column is there already)
                if call.key not in shown and call.key not in context.joins:
                    shown.add(call.key)
                    rule_exprs.append(compiler.compile(call).alias(call.key))
            compared = comparison(rule.node)
            if compared is not None:
                has, needs = gap_columns(award.id, rule.id)
                rule_exprs.append(compiler.compile(compared.left).alias(has))
                rule_exprs.append(compiler.compile(compared.right).alias(needs))
        outcome = outcome_column(award.id)
        for late_key, build, late_default in context.late:
            stages.append(_late_join(late_key, build, late_default))
        stages.append(_columns(rule_exprs))
        stages.append(_columns([outcome_expr(award).alias(outcome)]))
        quota = quota_stage(award, values, compiler, context.decided, outcome)
        if quota is not None:
            stages.append(quota)
    lazy = base.lazy()
    for key, (make, default) in sorted(context.joins.items(), key=lambda item: item[0]):
        lazy = lazy.join(make(), left_on="id", right_on="subject", how="left")
        if default is not None:
            lazy = lazy.with_columns(pl.col(key).fill_null(default))
    for stage in stages:
        lazy = stage(lazy)
    return lazy.collect()


def _late_join(key: str, make: Callable[[pl.DataFrame], pl.LazyFrame], default: Any) -> Stage:
    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        frame = lazy.collect()
        joined = frame.lazy().join(make(frame), left_on="id", right_on="subject", how="left")
        return (
            joined.with_columns(pl.col(key).fill_null(default)) if default is not None else joined
        )

    return apply


def _columns(exprs: list[pl.Expr]) -> Stage:
    return lambda lazy: lazy.with_columns(exprs)


def outcome_expr(award: Award) -> pl.Expr:
    """blocked > exclusion applies > a criterion fails > something unknown > granted."""

    def any_of(role: str) -> pl.Expr:
        columns = [pl.col(rule_column(award.id, rule.id)) for rule in award.rules_of(role)]  # type: ignore[arg-type]
        return reduce(lambda a, b: a | b, columns) if columns else pl.lit(False)

    def all_of(role: str) -> pl.Expr:
        columns = [pl.col(rule_column(award.id, rule.id)) for rule in award.rules_of(role)]  # type: ignore[arg-type]
        return reduce(lambda a, b: a & b, columns) if columns else pl.lit(True)

    blocked, excluded, met = any_of("blocking"), any_of("exclusion"), all_of("criterion")
    return (
        pl.when(blocked.fill_null(False))
        .then(pl.lit("blocked"))
        .when(excluded.fill_null(False) | ~met.fill_null(True))
        .then(pl.lit("not_eligible"))
        .when(blocked.is_null() | excluded.is_null() | met.is_null())
        .then(pl.lit("data_missing"))
        .otherwise(pl.lit("granted"))
        .cast(OUTCOME_DTYPE)
    )
