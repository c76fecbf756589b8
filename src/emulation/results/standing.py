"""Where each subject stands: the rows of ``[standings.<id>]`` read from the result frames.

:func:`standings_frame` gives one long frame for all standings of an evaluation;
:class:`Standing` is one subject's place in one standings, built from that frame on demand
(as :class:`~emulation.results.decision.Decision` is built from result rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from emulation.evaluate.columns import standing_column
from emulation.rules.model import Label, Ruleset, Standings
from emulation.types import Language

#: The columns of :func:`standings_frame`, in order.
STANDINGS_SCHEMA: Mapping[str, pl.DataType] = {
    "standings": pl.String(),
    "subject": pl.String(),
    "period": pl.String(),
    "group": pl.String(),
    "rank": pl.Int64(),
    "tied_with": pl.List(pl.String()),
    "group_size": pl.Int64(),
}


@attrs.frozen(kw_only=True)
class Standing:
    """One subject's place in one standings: its group (unit, cluster, or ``"*"`` for the
    whole population; None for a subject with no unit or cluster, ranked alone), its rank
    (1 = first; subjects equal on every key share a rank), the subjects it is tied with, and
    how many subjects its group ranks."""

    standings: str
    label: Label
    subject: str
    period: str
    group: str | None
    rank: int
    tied_with: tuple[str, ...]
    group_size: int
    basis: str
    certainty: str
    ruleset: str

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form with the label in ``lang``."""
        return {
            "standings": self.standings,
            "label": self.label.get(lang),
            "subject": self.subject,
            "period": self.period,
            "group": self.group,
            "rank": self.rank,
            "tied_with": list(self.tied_with),
            "group_size": self.group_size,
            "basis": self.basis,
            "certainty": self.certainty,
            "ruleset": self.ruleset,
        }


def standings_frame(
    frames: Mapping[str, pl.DataFrame],
    standings: Sequence[tuple[Standings, Ruleset]],
    period: str,
) -> pl.DataFrame:
    """One row per standings and candidate, sorted by standings, group, rank, subject."""
    parts = []
    for item, _ in standings:
        frame = frames.get(item.subject)
        rank = standing_column(item.id, "rank")
        if frame is None or rank not in frame.columns:
            continue
        parts.append(
            frame.select(
                pl.lit(item.id).alias("standings"),
                pl.col("id").alias("subject"),
                pl.lit(period).alias("period"),
                pl.col(standing_column(item.id, "group")).alias("group"),
                pl.col(rank).alias("rank"),
                pl.col(standing_column(item.id, "tied")).alias("__tied"),
                pl.col(standing_column(item.id, "size")).alias("group_size"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=dict(STANDINGS_SCHEMA))
    rows = pl.concat(parts)
    # who shares a rank is found again from the group and the rank (the frames keep a count)
    keys = ["standings", "group", "rank"]
    together = (
        rows.filter(pl.col("__tied") > 0)
        .group_by(keys)
        .agg(pl.col("subject").sort().alias("__members"))
    )
    members = pl.col("__members")
    return (
        rows.join(together, on=keys, how="left", nulls_equal=True)
        .with_columns(
            pl.when(members.is_null())
            .then(pl.lit([], pl.List(pl.String)))
            .otherwise(members.list.set_difference(pl.concat_list("subject")).list.sort())
            .alias("tied_with")
        )
        .select(list(STANDINGS_SCHEMA))
        .sort("standings", "group", "rank", "subject", nulls_last=True)
    )


def standings_of(
    frame: pl.DataFrame, standings: Sequence[tuple[Standings, Ruleset]]
) -> tuple[Standing, ...]:
    """The rows of a :func:`standings_frame` as :class:`Standing` objects, in its order."""
    known = {item.id: (item, ruleset) for item, ruleset in standings}
    found = []
    for row in frame.iter_rows(named=True):
        item, ruleset = known[row["standings"]]
        found.append(
            Standing(
                standings=item.id,
                label=item.label,
                subject=row["subject"],
                period=row["period"],
                group=row["group"],
                rank=row["rank"],
                tied_with=tuple(row["tied_with"] or ()),
                group_size=row["group_size"],
                basis=item.basis,
                certainty=item.certainty,
                ruleset=ruleset.id,
            )
        )
    return tuple(found)


def key_fact(item: Standings, ruleset: Ruleset) -> str | None:
    """The fact the first ranking key of ``item`` is, when it is one fact alone
    (``fund_total``): a table or a chart then shows each subject's value of it."""
    expr = item.rank[0].expr.strip() if item.rank else ""
    return expr if expr in ruleset.facts else None


def fact_values(facts: pl.DataFrame, period: str, fact: str) -> dict[str, Any]:
    """Each subject's value of ``fact`` in ``period``, from the population's facts table."""
    if fact not in facts.columns:
        return {}
    rows = facts.filter(pl.col("period") == period).select("subject", fact)
    return dict(rows.iter_rows())
