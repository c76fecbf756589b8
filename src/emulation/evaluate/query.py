"""Evaluate awards for one period as one lazy Polars query per subject kind.

The road: subjects of the kind ⨝ their facts row for the period (cast to the declared types,
defaults filled) ⨝ the derived columns the rules' functions asked for → for each award in
dependency order, one boolean column per rule and an outcome column → collect once.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import reduce
from typing import Any

import polars as pl

from emulation.data.population import ORIGIN, Population, cast_expression
from emulation.errors import DataError, EvaluationError, Problem
from emulation.evaluate.quota import Stage, quota_stage
from emulation.lang.compiler import DECIMAL, Compiler, dtype_of
from emulation.lang.nodes import BoolOp, Compare, Node
from emulation.period import Period
from emulation.rules.loader import SUBJECT_FACTS
from emulation.rules.model import Award, Consumption, FactDecl, ParameterValue, Ruleset, ServiceRule
from emulation.types import OUTCOMES

OUTCOME_DTYPE = pl.Enum(list(OUTCOMES))
_NO_OPT = pl.QueryOptFlags.none()


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
        self._memo: dict[Hashable, Any] = {}
        self.award = ""
        self.aggregates: dict[
            str, tuple[Callable[[], pl.LazyFrame], dict[str, tuple[pl.Expr, Any]]]
        ] = {}
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

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def aggregate(
        self,
        source: str,
        rows: Callable[[], pl.LazyFrame],
        key: str,
        value: pl.Expr,
        default: Any = None,
    ) -> pl.Expr:
        _, wanted = self.aggregates.setdefault(source, (rows, {}))
        wanted.setdefault(key, (value, default))
        return pl.col(key)

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


def facts_read(awards: Iterable[Award]) -> set[str]:
    """The facts the awards' rules, ranking keys and functions read from the evaluation frame."""
    nodes: list[Node] = []
    for award in awards:
        nodes.extend(rule.node for rule in award.rules)
        if award.quota is not None:
            nodes.extend(key.node for key in award.quota.rank)
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


def base_frame(
    population: Population, period: Period, kind: str, facts: Mapping[str, FactDecl]
) -> pl.DataFrame:
    """Candidates of ``kind`` for ``period`` with the given facts cast and defaulted.

    A candidate is a subject with a facts row in the period. A value that cannot be read as
    its declared type, or that lies outside the declared range, raises :class:`DataError`
    naming the file and row. The whole frame is one query; the rows are only searched one by
    one when something is wrong.
    """
    aside = sorted(population.set_aside_ids())
    subjects = population.subjects.lazy().filter(
        (pl.col("kind") == kind) & ~pl.col("id").is_in(aside)
    )
    rows = population.facts.lazy().filter(pl.col("period") == str(period))
    joined = subjects.drop(ORIGIN, "kind").join(
        rows.drop("period"), left_on="id", right_on="subject", how="inner"
    )
    schema = population.facts.schema
    values: list[pl.Expr] = []
    checks: dict[str, pl.Expr] = {}
    for name, decl in sorted(facts.items()):
        dtype = dtype_of(decl.type, decl.values)
        if name in schema:
            value = cast_expression(name, schema[name], dtype)
            if schema[name] != dtype:  # a value already of the declared type is readable
                checks[f"unreadable::{name}"] = pl.col(name).is_not_null() & value.is_null()
        else:
            value = pl.lit(None, dtype=dtype)
        numbers = value.cast(DECIMAL) if decl.type in ("int", "decimal") else None
        if numbers is not None and decl.minimum is not None:
            checks[f"below::{name}"] = (numbers < pl.lit(decl.minimum, DECIMAL)).fill_null(False)
        if numbers is not None and decl.maximum is not None:
            checks[f"above::{name}"] = (numbers > pl.lit(decl.maximum, DECIMAL)).fill_null(False)
        if decl.default is not None:
            value = value.fill_null(pl.lit(decl.default, dtype=dtype))
        values.append(value.alias(name))
    for name, decl in SUBJECT_FACTS.items():
        value = pl.col(name).cast(dtype_of(decl.type, decl.values))
        if decl.default is not None:
            value = value.fill_null(decl.default)
        values.append(value.alias(name))
    frame = joined.select(
        "id", "name", "parent", ORIGIN, *values, *(e.alias(k) for k, e in checks.items())
    ).collect()
    if checks and frame.select(pl.any_horizontal(list(checks)).any()).item():
        raise DataError(_problems(frame, joined.collect(), checks, facts))
    return frame.drop(list(checks))


def _problems(
    frame: pl.DataFrame,
    raw: pl.DataFrame,
    checks: Mapping[str, pl.Expr],
    facts: Mapping[str, FactDecl],
) -> list[Problem]:
    """Every unreadable or out-of-range value, by file and row."""
    problems = []
    for check in checks:
        what, name = check.split("::", 1)
        decl = facts[name]
        for row in frame.with_row_index("_n").filter(pl.col(check)).iter_rows(named=True):
            written = raw.get_column(name)[row["_n"]]
            if what == "unreadable":
                expected = list(decl.values) if decl.type == "enum" else decl.type
                message = f"cannot read {written!r} as fact {name} ({expected})"
            else:
                low = "" if decl.minimum is None else decl.minimum
                high = "" if decl.maximum is None else decl.maximum
                message = f"{row[name]} is outside the declared range of {name} ({low} … {high})"
            problems.append(Problem(file=row[ORIGIN], location=name, message=message))
    return sorted(problems, key=lambda p: (p.file, p.location))


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
        if context.late:
            stages.append(_late_joins(list(context.late)))
        stages.append(_columns(rule_exprs))
        stages.append(_columns([outcome_expr(award).alias(outcome)]))
        quota = quota_stage(award, values, compiler, context.decided, outcome)
        if quota is not None:
            stages.append(quota)
    # derived columns are built and joined one by one: small plans cost less to run than one
    # large plan, whatever the size of the data
    frame = base
    for _, (rows, wanted) in sorted(context.aggregates.items(), key=lambda item: item[0]):
        keys = sorted(wanted)
        right = rows().group_by("subject").agg(wanted[key][0].alias(key) for key in keys).collect()
        frame = frame.join(right, left_on="id", right_on="subject", how="left")
        frame = frame.with_columns(
            pl.col(key).fill_null(wanted[key][1]) for key in keys if wanted[key][1] is not None
        )
    for key, (make, default) in sorted(context.joins.items(), key=lambda item: item[0]):
        right = make().collect()
        frame = frame.join(right, left_on="id", right_on="subject", how="left")
        if default is not None:
            frame = frame.with_columns(pl.col(key).fill_null(default))
    lazy = frame.lazy()
    for stage in stages:
        lazy = stage(lazy)
    return lazy.collect(optimizations=_NO_OPT)


def _late_joins(
    joins: list[tuple[str, Callable[[pl.DataFrame], pl.LazyFrame], Any]],
) -> Stage:
    """Materialise the decisions so far once, then join every column built from them."""

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        frame = lazy.collect()
        for key, make, default in joins:
            right = make(frame).collect()
            frame = frame.join(right, left_on="id", right_on="subject", how="left")
            if default is not None:
                frame = frame.with_columns(pl.col(key).fill_null(default))
        return frame.lazy()

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
