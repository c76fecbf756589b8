"""Built-in plugin: the share of a council's votes for proposing an award (the ``votes``
table).

Decree 98/2023 Art 30(7) counts the votes on all members of the council, present or not
("trên tổng số thành viên hội đồng"), so the share is ``votes_for / council_size``. It is
truncated to 6 decimal places, never rounded up: compared with a threshold of at most 6 places
(``0.9``, ``0.8``) it decides exactly as the fraction would — 8,999,999 votes of 10,000,000 is
0.899999, below 90 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl

_DECIMAL = pl.Decimal(38, 6)
_MICRO = 1_000_000


def _vote_share(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award = arguments["award"]
    period = str(context.period)
    key = call_key("vote_share", award=award)

    def make() -> pl.LazyFrame:
        votes = context.population.votes.lazy().filter(
            (pl.col("award") == award) & (pl.col("period") == period)
        )
        micro = (pl.col("votes_for") * _MICRO) // pl.col("council_size")
        share = micro.cast(_DECIMAL) / pl.lit(_MICRO).cast(_DECIMAL)
        return votes.select("subject", share.cast(_DECIMAL).alias(key))

    return context.derived(key, make, default=pl.lit(None, dtype=_DECIMAL))


VOTE_SHARE = FunctionSpec(
    name="vote_share",
    arguments=(
        Argument(
            name="award",
            kind="award",
            doc="the award the council voted on",
            reads_current=False,
        ),
    ),
    returns="decimal",
    build=_vote_share,
    reads="votes",
    doc="The share (0 to 1, exact to 6 places, never rounded up) of the council's members "
    "who voted for proposing ``award`` for the subject in the period: ``votes_for / "
    "council_size``, on all members present or not (Decree 98/2023 Art 30(7)). Unknown when "
    "the population records no vote for the subject, award and period. "
    '``vote_share("cstd_tinh") >= vote_threshold_higher``.',
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """vote_share."""
    return [VOTE_SHARE]
