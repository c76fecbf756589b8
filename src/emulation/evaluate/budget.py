"""Budgets: spend each group's fund down the ranking of its eligible subjects.

After an award's criteria and quotas, the subjects still granted are ranked inside their group
(and category) by the budget's keys with the one ranking of :mod:`emulation.evaluate.ranking`.
In rank order each is granted its amount while the fund covers it. A subject the fund cannot
cover becomes ``eligible_over_budget``; under the ``stop`` policy nobody ranked after it is
granted, under ``skip`` the next ones are tried. Subjects tied on every key form one block: it
is weighed together: a member the fund cannot cover alone is refused, and the others are
granted when the fund covers them all; when it covers some of them but not all, each is
``tied`` (the competent authority chooses) and what remains is held for that choice, so
nobody ranked after the tie is granted from it. Amounts are exact decimals; a parameter of the
fund or of the amount without a value makes every eligible subject ``data_missing``, and an
amount that is unknown (or below zero) makes that subject, and everyone ranked after it in
its group, ``data_missing``: what remains after it is not known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from itertools import groupby
from typing import Any

import polars as pl

from emulation.evaluate.collect import collect_rules
from emulation.evaluate.columns import OUTCOME_DTYPE, budget_column
from emulation.evaluate.quota import selection_group
from emulation.evaluate.ranking import RankColumns, rank_pool
from emulation.lang.compiler import DECIMAL, Compiler
from emulation.rules.model import Award, Budget, ParameterValue

Stage = Callable[[pl.LazyFrame], pl.LazyFrame]

#: The outcome each state of a budget gives an eligible subject.
_OUTCOME = {
    "within": "granted",
    "over": "eligible_over_budget",
    "stopped": "eligible_over_budget",
    "tied": "tied",
    "unknown": "data_missing",
}
_RESULTS: dict[str, Any] = {
    "state": pl.String,
    "granted": DECIMAL,
    "fund": DECIMAL,
    "left": DECIMAL,
    "remaining": DECIMAL,
    "missing": pl.String,
    "stopped_at": pl.Int64,
}


def budget_stage(
    award: Award,
    parameters: Mapping[str, ParameterValue | None],
    compiler: Compiler,
    outcome: str,
) -> Stage | None:
    """The step that spends ``award.budget``, or None when the award has none."""
    budget = award.budget
    if budget is None:
        return None

    def column(part: str) -> str:
        return budget_column(award.id, part)

    candidate = pl.col(outcome) == "granted"
    missing = [name for name in budget.parameters if parameters.get(name) is None]
    if missing:
        return _unknown(candidate, outcome, column, ", ".join(missing))
    funds = {key: Decimal(str(parameters[name])) for key, name in budget.fund_by}
    single = None if budget.fund is None else Decimal(str(parameters[budget.fund]))
    amount = compiler.compile(budget.amount_node).cast(DECIMAL)
    category = (
        compiler.compile(budget.category_node).cast(pl.String)
        if budget.category_node is not None
        else pl.lit(None, pl.String)
    )
    group = selection_group(budget.per, budget.group_fact) + pl.lit("\x1f") + category.fill_null("")
    keys = [(compiler.compile(key.node), key.descending) for key in budget.rank]
    names = RankColumns(
        group=column("group"), rank=column("rank"), tied=column("tied"), size=column("size")
    )

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        lazy = lazy.with_columns(amount.alias(column("amount")), category.alias(column("category")))
        frame = rank_pool(
            collect_rules(lazy),
            group=group,
            pool=candidate,
            keys=keys,
            ties=budget.ties,
            names=names,
        )
        pool = (
            frame.filter(candidate)
            .select("id", names.group, names.rank, column("amount"), column("category"))
            .sort(names.group, names.rank, "id")
        )
        results = _spend(budget, pool.iter_rows(), single, funds)
        found = pl.DataFrame(
            results,
            schema={"id": pl.String, **{column(k): t for k, t in _RESULTS.items()}},
            orient="row",
        )
        frame = frame.join(found, on="id", how="left")
        state = pl.col(column("state"))
        decided = pl.col(outcome)
        for name, result in _OUTCOME.items():
            decided = pl.when(state == name).then(pl.lit(result, OUTCOME_DTYPE)).otherwise(decided)
        return frame.lazy().with_columns(decided.alias(outcome))

    return apply


def _unknown(candidate: pl.Expr, outcome: str, column: Callable[[str], str], missing: str) -> Stage:
    """Every eligible subject ``data_missing``: a parameter of the fund or amount has no value."""

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        return lazy.with_columns(
            pl.when(candidate).then(pl.lit("unknown")).alias(column("state")),
            pl.when(candidate).then(pl.lit(missing)).alias(column("missing")),
            pl.when(candidate)
            .then(pl.lit("data_missing", OUTCOME_DTYPE))
            .otherwise(pl.col(outcome))
            .alias(outcome),
        )

    return apply


def _spend(
    budget: Budget,
    pool: Iterable[tuple[Any, ...]],
    single: Decimal | None,
    funds: Mapping[str, Decimal],
) -> list[tuple[Any, ...]]:
    """``(id, state, granted, fund, left, remaining, missing, stopped_at)`` for every subject
    of ``pool`` (rows ``id, group, rank, amount, category`` sorted by group, rank, id)."""
    results: list[tuple[Any, ...]] = []
    for _, rows in groupby(pool, key=lambda row: row[1]):
        members = list(rows)
        category = members[0][4]
        fund = single if budget.fund is not None else funds.get(category or "")
        if fund is None:
            what = (
                f"the category of {members[0][0]}"
                if category is None
                else f"a fund for category {category!r}"
            )
            results.extend((m[0], "unknown", None, None, None, None, what, None) for m in members)
            continue
        results.extend(_group(budget, members, fund))
    return results


def _group(budget: Budget, members: list[tuple[Any, ...]], fund: Decimal) -> list[tuple[Any, ...]]:
    """The states of one group's subjects, spending ``fund`` in rank order."""
    states: list[tuple[str, str, Decimal | None, Decimal | None, str | None, int | None]] = []
    left: Decimal | None = fund
    stopped_at: int | None = None
    blocked = ""
    for rank, rows in groupby(members, key=lambda row: row[2]):
        block = list(rows)
        amounts: list[Decimal | None] = [
            None if row[3] is None or row[3] < 0 else Decimal(row[3]) for row in block
        ]
        if stopped_at is not None:
            # whatever it needs: nobody ranked after the stop is funded
            states.extend((row[0], "stopped", None, left, None, stopped_at) for row in block)
            continue
        if left is None:
            states.extend((row[0], "unknown", None, None, blocked, None) for row in block)
            continue
        if None in amounts:
            blocked = ", ".join(
                f"the amount of {row[0]}"
                for row, a in zip(block, amounts, strict=True)
                if a is None
            )
            states.extend((row[0], "unknown", None, left, blocked, None) for row in block)
            left = None
            continue
        known = [a for a in amounts if a is not None]
        # a member of a tie that the fund cannot cover alone is refused; the others are
        # granted together when the fund covers them all, else the authority chooses
        fitting = [a <= left for a in known]
        together = sum((a for a, fits in zip(known, fitting, strict=True) if fits), Decimal(0))
        if together <= left:
            for row, amount, fits in zip(block, known, fitting, strict=True):
                states.append(
                    (row[0], "within", amount, left, None, None)
                    if fits
                    else (row[0], "over", None, left, None, None)
                )
            if not all(fitting) and budget.policy == "stop":
                stopped_at = rank
            left -= together
        else:
            # the fund covers some of the tie, not all: the authority chooses, and what
            # remains is held for that choice
            for row, fits in zip(block, fitting, strict=True):
                states.append((row[0], "tied" if fits else "over", None, left, None, None))
            stopped_at = rank
    spent = sum((s[2] for s in states if s[2] is not None), Decimal(0))
    remaining = fund - spent
    return [
        (sid, state, granted, fund, at_turn, remaining, missing, stop)
        for sid, state, granted, at_turn, missing, stop in states
    ]
