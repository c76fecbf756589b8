"""The columns of an award's paths: whether each alternative group of criteria holds.

A path holds when every criterion of it holds (Kleene ``and``: false as soon as one is
false, unknown when none is false and one is unknown); the award's criteria are met when
its own criteria hold and any path holds (Kleene ``or``).
"""

from __future__ import annotations

from functools import reduce

import polars as pl

from emulation.evaluate.columns import path_column, rule_column
from emulation.rules.model import Award


def path_names(award: Award) -> list[str]:
    """The path columns of ``award``, in declared order."""
    return [path_column(award.id, path.id) for path in award.paths]


def path_exprs(award: Award) -> list[pl.Expr]:
    """One true/false/null column per path of ``award``, from its rule columns."""
    return [
        reduce(
            lambda a, b: a & b,
            (pl.col(rule_column(award.id, rule.id)) for rule in award.rules_of_path(path.id)),
        ).alias(path_column(award.id, path.id))
        for path in award.paths
    ]
