"""The LĐTT and CSTĐCS rules of 2024 written by hand as Polars expressions: the floor.

This is what a careful programmer would write for exactly these two awards with no rules
engine: one lazy query over the same :class:`emulation.Population` frames the engine reads,
with the same meaning —

* candidates are subjects of kind ``person`` with a facts row for the period;
* facts are cast to their declared types and the ruleset defaults filled;
* every criterion follows three-valued (Kleene) logic, a missing fact making it unknown;
* outcomes ``granted / not_eligible / blocked / data_missing`` decided as in
  ``emulation.evaluate.query.outcome_expr``; the one exclusion is LĐTT's: a discipline record
  in force during the period (Decree 152/2025 Art 4(4), ruleset 2.0.1), which CSTĐCS inherits
  through LĐTT.

It skips what the generic engine does and this one-off does not need: casting columns the rules
never read, keeping every rule's boolean column and the inputs for explanations, the checks
that report a bad value by file and row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from emulation import Population

RATINGS = ("KHT", "HT", "HTT", "HTXS")
OUTCOMES = ("granted", "not_eligible", "blocked", "data_missing")
RATING = pl.Enum(list(RATINGS))
OUTCOME = pl.Enum(list(OUTCOMES))
MIN_MONTHS_WORKED = 6  # TT 01/2024/TT-BNV Điều 1 khoản 5 điểm d
EXCELLENCE_EVIDENCE = ("initiative", "scientific_work", "combat_ingenuity")


def disciplined(population: Population, period: str) -> pl.LazyFrame:
    """``subject, disciplined``: every person with a discipline record (of any level: the
    lightest, a reprimand, counts) in force during the calendar year ``period``."""
    start, end = dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    in_force = (pl.col("start") <= end) & (pl.col("end").is_null() | (pl.col("end") >= start))
    return (
        population.discipline.lazy()
        .filter(in_force)
        .select("subject")
        .unique()
        .with_columns(pl.lit(True).alias("disciplined"))
    )


def _outcome(blocked: pl.Expr, met: pl.Expr, excluded: pl.Expr | None = None) -> pl.Expr:
    """blocked > an exclusion applies or a criterion fails > something unknown > granted.

    The outcomes are values of the enum from the start (a text cast to the enum costs several
    times more per row), as the engine writes them."""
    refused = ~met.fill_null(True) if excluded is None else excluded | ~met.fill_null(True)
    return (
        pl.when(blocked.fill_null(False))
        .then(pl.lit("blocked", OUTCOME))
        .when(refused)
        .then(pl.lit("not_eligible", OUTCOME))
        .when(blocked.is_null() | met.is_null())
        .then(pl.lit("data_missing", OUTCOME))
        .otherwise(pl.lit("granted", OUTCOME))
    )


def evaluate(population: Population, period: str = "2024") -> pl.DataFrame:
    """``id, ldtt, cstdcs`` (outcomes as an Enum) for every person with facts in ``period``."""
    people = population.subjects.lazy().filter(pl.col("kind") == "person").select("id")
    facts = population.facts.lazy().filter(pl.col("period") == period)
    evidence = (
        population.evidence.lazy()
        .filter(pl.col("period") == period, pl.col("kind").is_in(EXCELLENCE_EVIDENCE))
        .group_by("subject")
        .agg(pl.len().alias("excellence_evidence"))
    )
    rating = pl.col("rating").cast(RATING)
    months = (
        pl.col("months_worked")
        + pl.col("months_maternity_leave").fill_null(0)
        + pl.col("months_injury_treatment").fill_null(0)
        + pl.col("months_training").fill_null(0)
    )
    under_review = (
        pl.col("under_discipline_review").fill_null(False)
        | pl.col("under_investigation").fill_null(False)
        | pl.col("pending_complaint").fill_null(False)
    )
    ldtt_met = (
        (rating >= "HTT")
        & pl.col("good_attitude")
        & (~pl.col("recruited_this_period").fill_null(False) | (months >= MIN_MONTHS_WORKED))
    )
    ldtt = pl.col("ldtt")
    ldtt_granted = pl.when(ldtt == "data_missing").then(None).otherwise(ldtt == "granted")
    excellence = (rating == "HTXS") | (pl.col("excellence_evidence").fill_null(0) >= 1)
    return (
        people.join(facts, left_on="id", right_on="subject", how="inner")
        .join(evidence, left_on="id", right_on="subject", how="left")
        .join(disciplined(population, period), left_on="id", right_on="subject", how="left")
        .with_columns(
            _outcome(under_review, ldtt_met, pl.col("disciplined").fill_null(False)).alias("ldtt")
        )
        .select("id", "ldtt", _outcome(under_review, ldtt_granted & excellence).alias("cstdcs"))
        .collect()
    )
