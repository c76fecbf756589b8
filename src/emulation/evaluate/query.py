"""Evaluate the awards of one subject kind as one lazy Polars query.

The road: the candidates (see :mod:`emulation.evaluate.candidates`) ⨝ the derived columns the
rules' functions asked for → for each award and score sheet in dependency order: for an award,
one boolean column per rule, the value of every call and both sides of a numeric comparison,
an outcome column, and the quota; for a sheet, its columns (:mod:`.scores`) → collect once.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import reduce

import polars as pl

from emulation.data.population import Population
from emulation.evaluate.budget import budget_stage
from emulation.evaluate.collect import PLANNED_ROWS, collect, collect_rules
from emulation.evaluate.columns import OUTCOME_DTYPE, gap_columns, outcome_column, rule_column
from emulation.evaluate.compiled import CompiledKind, CompiledKinds
from emulation.evaluate.conditions import EvaluationContext
from emulation.evaluate.context import Context, LateJoin
from emulation.evaluate.paths import path_exprs, path_names
from emulation.evaluate.plan import EvaluationPlan
from emulation.evaluate.quota import Stage, more_quota_stages, quota_stage
from emulation.evaluate.scores import score_stages
from emulation.lang.compiler import Compiler
from emulation.lang.nodes import BoolOp, Compare, Node
from emulation.rules.model import Award, ParameterValue, Role


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


def evaluate_kind(
    plan: EvaluationPlan,
    kind: str,
    base: pl.DataFrame,
    population: Population,
    earlier: Mapping[str, pl.DataFrame],
    kept: CompiledKinds | None = None,
) -> pl.DataFrame:
    """Every award of ``plan`` for subjects of ``kind`` over their candidates ``base``, in
    dependency order; ``earlier`` holds the result frames of kinds decided before (persons
    before collectives). ``kept`` holds what was compiled for the same plan before: its rules
    are compiled once, not at every evaluation (see :mod:`emulation.evaluate.compiled`)."""
    # a query over few rows is run as written: planning it costs more than it saves
    optimize = base.height >= PLANNED_ROWS
    compiled = None if kept is None else kept.take(kind)
    if compiled is None:
        compiled = compile_kind(plan, kind, population, earlier)
    compiled.context.rebind(population, earlier, optimize=optimize)
    lazy = compiled.context.joined(base).lazy()
    for stage in compiled.stages:
        lazy = stage(lazy)
    frame = collect_rules(lazy, optimize=False, small=not optimize)
    if kept is not None and not compiled.context.reads_data:
        compiled.context.release()
        kept.give(kind, compiled)
    return frame


def compile_kind(
    plan: EvaluationPlan,
    kind: str,
    population: Population,
    earlier: Mapping[str, pl.DataFrame],
) -> CompiledKind:
    """The rules of the awards and score sheets of ``plan`` for subjects of ``kind``,
    compiled to stages; ``population`` and ``earlier`` are those of the evaluation that
    compiles them, which a function's ``build`` may read (the result is then not kept)."""
    steps = plan.steps_of(kind)
    services = {name: rule for _, ruleset in steps for name, rule in ruleset.services.items()}
    context = EvaluationContext(
        plan.period, population, plan.facts, earlier, services, plan.consumers, plan.cut_off
    )
    context.history_types = {award.id: award.history_type for award, _ in plan.awards}
    context.building = True
    stages: list[Stage] = []
    for step, ruleset in steps:
        if isinstance(step, Award):
            stages.extend(_award_stages(step, plan.parameters_of(ruleset), context))
            continue
        computed = score_stages(step, plan.parameters_of(ruleset), context)
        if context.late:
            stages.append(_late_joins(list(context.late), context))
        stages.extend(computed)
    context.building = False
    return CompiledKind(context=context, stages=tuple(stages))


def _award_stages(
    award: Award, values: Mapping[str, ParameterValue | None], context: Context
) -> list[Stage]:
    """The steps that decide ``award``: columns built from earlier decisions, rule columns
    (with the values explanations show), the outcome, then the quota."""
    context.award = award.id
    context.late = []
    compiler = Compiler(values, context)
    # the value of each call, for explanations (a joined column is there already), one column
    # at a time, inner calls first: a call that holds another reads its column (linear cost)
    call_stages: list[Stage] = []
    for rule in award.rules:
        for call in rule.node.calls:
            if call.key not in compiler.columns and call.key not in context.joins:
                call_stages.append(_columns([compiler.compile(call).alias(call.key)]))
                compiler.columns.add(call.key)
    rule_exprs = [
        compiler.compile(rule.node).alias(rule_column(award.id, rule.id)) for rule in award.rules
    ]
    context.decided.add(award.id)
    for rule in award.rules:
        compared = comparison(rule.node)
        if compared is not None:
            has, needs = gap_columns(award.id, rule.id)
            rule_exprs.append(compiler.compile(compared.left).alias(has))
            rule_exprs.append(compiler.compile(compared.right).alias(needs))
    outcome = outcome_column(award.id)
    stages: list[Stage] = []
    if context.late:
        stages.append(_late_joins(list(context.late), context))
    stages.extend(call_stages)
    stages.append(_columns(rule_exprs))
    if award.paths:
        stages.append(_columns(path_exprs(award)))
    stages.append(_columns([outcome_expr(award).alias(outcome)]))
    quota = quota_stage(award, values, compiler, context.decided, outcome)
    if quota is not None:
        stages.append(quota)
    # then the quotas after the first, in order, and the budget (evaluate/budget.py)
    stages.extend(more_quota_stages(award, values, compiler, context.decided, outcome))
    budget = budget_stage(award, values, compiler, outcome)
    if budget is not None:
        stages.append(budget)
    return stages


def _late_joins(joins: list[LateJoin], context: Context) -> Stage:
    """Materialise the decisions so far once (the query planned when the context says so:
    many rows), then join every column built from them."""

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        frame = collect_rules(lazy, optimize=context.optimize, small=not context.optimize)
        joined = frame.lazy()
        for index, (key, make, default) in enumerate(joins):
            if index:  # the next column is made from the frame with the columns before it
                frame = collect(joined)
                joined = frame.lazy()
            # the column computed and joined in one query (in memory: a join there keeps the
            # order of the rows, which the default engine's may not)
            joined = joined.join(make(frame), left_on="id", right_on="subject", how="left")
            if default is not None:
                joined = joined.with_columns(pl.col(key).fill_null(default))
        return collect(joined).lazy()

    return apply


def _columns(exprs: list[pl.Expr]) -> Stage:
    return lambda lazy: lazy.with_columns(exprs)


def outcome_expr(award: Award) -> pl.Expr:
    """blocked > exclusion applies > a criterion fails > something unknown > granted."""

    def columns(role: Role) -> list[pl.Expr]:
        return [pl.col(rule_column(award.id, rule.id)) for rule in award.rules_of(role)]

    def any_of(role: Role) -> pl.Expr:
        found = columns(role)
        return reduce(lambda a, b: a | b, found) if found else pl.lit(False)

    def all_of(role: Role) -> pl.Expr:
        found = columns(role)
        return reduce(lambda a, b: a & b, found) if found else pl.lit(True)

    blocked, excluded, met = any_of("blocking"), any_of("exclusion"), all_of("criterion")
    if award.paths:  # the award's own criteria and any path (Kleene and / or)
        met = met & reduce(lambda a, b: a | b, (pl.col(c) for c in path_names(award)))
    # outcomes written as values of the enum, not as text cast to it (about 7× cheaper)
    return (
        pl.when(blocked.fill_null(False))
        .then(pl.lit("blocked", OUTCOME_DTYPE))
        .when(excluded.fill_null(False) | ~met.fill_null(True))
        .then(pl.lit("not_eligible", OUTCOME_DTYPE))
        .when(blocked.is_null() | excluded.is_null() | met.is_null())
        .then(pl.lit("data_missing", OUTCOME_DTYPE))
        .otherwise(pl.lit("granted", OUTCOME_DTYPE))
    )
