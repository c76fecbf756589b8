"""Evidence recognised by the subject's own issuing authority.

The Law on Emulation and Commendation gives one title "of the ministry, sector, province or
central mass organisation" with as many issuers (Luật 06/2022/QH15 Điều 22 khoản 2). An
initiative of ministry- or province-wide influence counts for that title only when that
issuer recognised its scope. The data says who recognised an item (``recognised_by`` of an
evidence item) and who issues the subject's award (a text fact the ruleset declares, named by
the call: ``evidence_count("initiative", min_scope="ministry_province",
recognised_by="issuer")``).

Three-valued: an item of the call's kind, scope and window whose ``recognised_by`` is not
recorded, or a subject with such items whose issuer fact is unknown, makes the count unknown
(null), never 0. A subject with no such item counts 0 whatever its issuer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.errors import EvaluationError
from emulation.evaluate.columns import call_key
from emulation.functions import BuildContext


def _name(value: pl.Expr) -> pl.Expr:
    """A name compared as the data layer writes names: NFC, trimmed, blank as none."""
    cleaned = value.str.normalize("NFC").str.strip_chars()
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


def recognised_count(
    arguments: Mapping[str, Any], context: BuildContext, chosen: pl.Expr
) -> pl.Expr:
    """The number of evidence rows meeting ``chosen`` whose ``recognised_by`` is the
    subject's value of the fact named by the ``recognised_by`` argument in the evaluation
    period (null when an item's authority or, for a subject with items, the issuer is
    unknown)."""
    fact = arguments["recognised_by"]
    decl = context.fact(fact)
    if decl.type != "text":
        raise EvaluationError(
            f'evidence_count: recognised_by must name a text fact; "{fact}" is {decl.type}'
        )
    key = call_key(
        "evidence_count",
        kind=arguments["kind"],
        min_scope=arguments["min_scope"],
        window=arguments["window"],
        recognised_by=fact,
    )
    period = str(context.period)

    def make() -> pl.LazyFrame:
        facts = context.population.facts.lazy().filter(pl.col("period") == period)
        if fact in context.population.facts.columns:
            issuer = pl.col(fact).cast(pl.String)
        else:
            issuer = pl.lit(None, dtype=pl.String)
        if decl.default is not None:
            issuer = issuer.fill_null(pl.lit(str(decl.default)))
        issuers = facts.select("subject", _name(issuer).alias("_issuer"))
        items = (
            context.population.evidence.lazy()
            .filter(chosen)
            .select("subject", _name(pl.col("recognised_by")).alias("_by"))
        )
        joined = items.join(issuers, on="subject", how="left")
        unknown = (pl.col("_by").is_null() | pl.col("_issuer").is_null()).any()
        matches = (pl.col("_by") == pl.col("_issuer")).fill_null(False).sum().cast(pl.Int64)
        value = pl.when(unknown).then(pl.lit(None, dtype=pl.Int64)).otherwise(matches)
        counted = joined.group_by("subject").agg(value.alias(key), pl.len().alias("_items"))
        # every subject gets a row: 0 without items, so that the join keeps an unknown as null
        subjects = context.population.subjects.lazy().select(pl.col("id").alias("subject"))
        return subjects.join(counted, on="subject", how="left").select(
            "subject",
            pl.when(pl.col("_items").is_null()).then(0).otherwise(pl.col(key)).alias(key),
        )

    return context.derived(key, make)
