"""Standings: every candidate of a subject kind ranked inside its unit, cluster or the whole
population, after the kind's awards are decided.

The ranking is the quotas' own (:mod:`emulation.evaluate.ranking`), over every candidate; its
keys may read facts, functions and the decisions just taken (``granted("x")``). Each
standings ``s`` adds the columns ``standing::s::group``, ``::rank``, ``::tied`` and ``::size``
to the kind's result frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from emulation.data.population import Population
from emulation.evaluate.collect import collect
from emulation.evaluate.columns import outcome_column, standing_column
from emulation.evaluate.conditions import EvaluationContext
from emulation.evaluate.plan import EvaluationPlan
from emulation.evaluate.ranking import RankColumns, group_of, rank_in_groups
from emulation.lang.compiler import Compiler
from emulation.rules.model import Ruleset, Standings

_ROW = "__standings_row"


def apply_standings(
    plan: EvaluationPlan,
    frame: pl.DataFrame,
    population: Population,
    earlier: Mapping[str, pl.DataFrame],
    standings: Sequence[tuple[Standings, Ruleset]],
) -> pl.DataFrame:
    """``frame`` (the result frame of one subject kind) with the columns of ``standings``."""
    services = {name: rule for _, r in standings for name, rule in r.services.items()}
    context = EvaluationContext(
        plan.period, population, plan.facts, earlier, services, plan.consumers, plan.cut_off
    )
    context.decided = {a for a in plan.order if outcome_column(a) in frame.columns}
    steps = []
    for item, ruleset in standings:
        context.award = item.id
        compiler = Compiler(plan.parameters_of(ruleset), context)
        keys = [(compiler.compile(key.node), key.descending) for key in item.rank]
        steps.append((item, keys))
    # the ranking sorts the rows: it runs on a narrow frame (the row, the id, the groups and
    # the key values) put back in the frame's own row order and set beside it, so that no
    # sort ever carries the many columns of the result frame
    joined = context.joined(frame, late=True)
    values = [group_of(item.per).alias(f"__group_{n}") for n, (item, _) in enumerate(steps)]
    values += [
        expr.alias(f"__key_{n}_{k}")
        for n, (_, keys) in enumerate(steps)
        for k, (expr, _) in enumerate(keys)
    ]
    narrow = joined.lazy().select(pl.int_range(pl.len()).alias(_ROW), "id", *values)
    for n, (item, keys) in enumerate(steps):
        names = RankColumns(
            group=standing_column(item.id, "group"),
            rank=standing_column(item.id, "rank"),
            tied=standing_column(item.id, "tied"),
            size=standing_column(item.id, "size"),
        )
        narrow = rank_in_groups(
            narrow,
            group=pl.col(f"__group_{n}"),
            pool=pl.lit(True),
            keys=[(pl.col(f"__key_{n}_{k}"), descending) for k, (_, descending) in enumerate(keys)],
            ties=item.ties,
            names=names,
        )
        # a subject alone in its group (no unit or no cluster) has no group to show
        narrow = narrow.with_columns(
            pl.when(pl.col(names.group).str.starts_with("\x00"))
            .then(None)
            .otherwise(pl.col(names.group))
            .alias(names.group)
        )
    added = [
        standing_column(item.id, part)
        for item, _ in steps
        for part in ("group", "rank", "tied", "size")
    ]
    ranked = collect(narrow.sort(_ROW).select(*added))
    return pl.concat([joined.select(frame.columns), ranked], how="horizontal")
