"""LĐTT, CSTĐCS with its quota and CSTĐ cấp tỉnh of Decree 91/2017, written by hand in Polars.

The floor for ``bench_history.py``: what a careful programmer would write for exactly these
three awards of ``rulesets/state/individual_titles_2017.toml`` with no rules engine, over the
same :class:`emulation.Population` frames, for a calendar-year period:

* candidates are subjects of kind ``person`` with a facts row for the period (the benchmark
  checks that no subject was set aside);
* **LĐTT**: rating ≥ HTT, good attitude, a recruit has worked at least 10 months (maternity
  leave and injury treatment count); not if a discipline record of reprimand or heavier is
  in force on some day of the year;
* **CSTĐCS**: LĐTT and at least one initiative or scientific work dated this year; at most
  ``floor(0.15 × the unit's LĐTT holders)`` per unit (``parent``; a person with no unit is a
  unit alone), ranked by HTXS first, more initiatives first, women first (competition ranks:
  equals share a rank); those ranked beyond the cap are ``eligible_over_quota``, and those
  whose tie straddles the cap are ``tied`` (the ruleset does not break ties by id);
* **CSTĐ cấp tỉnh**: CSTĐCS this year and in each of the two years before (award history);
  no earlier CSTĐ cấp tỉnh, or the last one at least three years ago; an initiative or
  scientific work of ministry/province scope or wider dated in the last three years.

Every criterion follows three-valued (Kleene) logic, a missing fact making it unknown, and the
outcome is decided as in ``emulation.evaluate.query.outcome_expr`` (none of the three has a blocking
rule in the 2017 ruleset, so ``blocked`` cannot occur). The result has one row per candidate:
``id, ldtt, cstdcs, cstd_tinh`` as an Enum of the engine's outcomes.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from emulation import Population

RATINGS = ("KHT", "HT", "HTT", "HTXS")
OUTCOMES = ("granted", "eligible_over_quota", "tied", "not_eligible", "blocked", "data_missing")
RATING = pl.Enum(list(RATINGS))
OUTCOME = pl.Enum(list(OUTCOMES))
MIN_MONTHS_WORKED = 10  # NĐ 91/2017 Điều 10
QUOTA_NUMERATOR, QUOTA_DENOMINATOR = 3, 20  # 15 %, rounded down
REPRIMAND_OR_HEAVIER = (
    "reprimand",
    "warning",
    "salary_reduction",
    "demotion",
    "removal",
    "dismissal",
)
WORKS = ("initiative", "scientific_work")
WIDE_SCOPES = ("ministry_province", "national")
HORIZON = 40  # how far back the engine's history functions look


def _outcome(met: pl.Expr, excluded: pl.Expr | None = None) -> pl.Expr:
    """An exclusion or a failed criterion > something unknown > granted."""
    fails = ~met.fill_null(True)
    if excluded is not None:
        fails = excluded | fails
    return (
        pl.when(fails)
        .then(pl.lit("not_eligible"))
        .when(met.is_null())
        .then(pl.lit("data_missing"))
        .otherwise(pl.lit("granted"))
        .cast(OUTCOME)
    )


def _held(outcome: pl.Expr) -> pl.Expr:
    """True/false/unknown from an outcome (unknown when it lacked data)."""
    return pl.when(outcome == "data_missing").then(None).otherwise(outcome == "granted")


def evaluate(population: Population, period: str = "2023") -> pl.DataFrame:
    """``id, ldtt, cstdcs, cstd_tinh`` for every person with facts in the calendar year
    ``period``."""
    year = int(period)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    window = [str(year - k) for k in range(3)]

    people = population.subjects.lazy().filter(pl.col("kind") == "person")
    facts = population.facts.lazy().filter(pl.col("period") == period)
    disciplined = (
        population.discipline.lazy()
        .filter(
            pl.col("level").is_in(REPRIMAND_OR_HEAVIER),
            pl.col("start") <= end,
            pl.col("end").is_null() | (pl.col("end") >= start),
        )
        .select(pl.col("subject").unique(), pl.lit(True).alias("disciplined"))
    )
    works = (
        population.evidence.lazy()
        .filter(pl.col("kind").is_in(WORKS), pl.col("period").is_in(window))
        .group_by("subject")
        .agg(
            (pl.col("period") == period).sum().cast(pl.Int64).alias("works_now"),
            pl.col("scope").is_in(WIDE_SCOPES).sum().cast(pl.Int64).alias("works_wide"),
        )
    )
    # award history: CSTĐCS in each of the two years before; the last CSTĐ cấp tỉnh before
    awards = population.awards.lazy().filter(
        pl.col("award").is_in(["cstdcs", "cstd_tinh"]), pl.col("period").str.len_chars() == 4
    )
    earlier = (
        awards.with_columns(pl.col("period").cast(pl.Int32).alias("year"))
        .filter(pl.col("year") < year)
        .group_by("subject")
        .agg(
            ((pl.col("award") == "cstdcs") & (pl.col("year") == year - 1)).any().alias("chain1"),
            ((pl.col("award") == "cstdcs") & (pl.col("year") == year - 2)).any().alias("chain2"),
            pl.col("year").filter(pl.col("award") == "cstd_tinh").max().alias("last_tinh"),
        )
    )

    rating = pl.col("rating").cast(RATING)
    months = (
        pl.col("months_worked")
        + pl.col("months_maternity_leave").fill_null(0)
        + pl.col("months_injury_treatment").fill_null(0)
    )
    ldtt_met = (
        (rating >= "HTT")
        & pl.col("good_attitude")
        & (~pl.col("recruited_this_period").fill_null(False) | (months >= MIN_MONTHS_WORKED))
    )
    works_now = pl.col("works_now").fill_null(0)
    cstdcs_met = _held(pl.col("ldtt")) & (works_now >= 1)
    group = pl.coalesce(pl.col("parent"), pl.lit("\x00") + pl.col("id"))

    frame = (
        people.select("id", "parent", "gender")
        .join(facts, left_on="id", right_on="subject", how="inner")
        .join(disciplined, left_on="id", right_on="subject", how="left")
        .join(works, left_on="id", right_on="subject", how="left")
        .select(
            "id",
            "gender",
            "works_now",
            "works_wide",
            group.alias("group"),
            (rating == "HTXS").alias("htxs"),
            _outcome(ldtt_met, pl.col("disciplined").fill_null(False)).alias("ldtt"),
        )
        .with_columns(_outcome(cstdcs_met).alias("cstdcs"))
        .collect()
    )

    # the quota: rank the eligible inside their unit, cap = floor(15 % of the unit's LĐTT)
    caps = (
        frame.lazy()
        .group_by("group")
        .agg(
            ((pl.col("ldtt") == "granted").sum() * QUOTA_NUMERATOR // QUOTA_DENOMINATOR).alias(
                "cap"
            )
        )
    )
    tie = ["group", "htxs", "works_now", "female"]
    over = (
        frame.lazy()
        .filter(pl.col("cstdcs") == "granted")
        .select(
            "id",
            "group",
            "htxs",
            pl.col("works_now").fill_null(0),
            (pl.col("gender") == "female").alias("female"),
        )
        .sort(tie, descending=[False, True, True, True], nulls_last=True)
        .with_columns((pl.int_range(pl.len()).over("group") + 1).alias("position"))
        # competition ranks: the subjects equal on every key share the first place of their run
        .with_columns(
            pl.col("position").min().over(tie).alias("rank"),
            pl.len().over(tie).alias("equal"),
        )
        .join(caps, on="group", how="left")
        .filter(pl.col("rank") + pl.col("equal") - 1 > pl.col("cap"))
        .select(
            "id",
            pl.when(pl.col("rank") > pl.col("cap"))
            .then(pl.lit("eligible_over_quota", OUTCOME))
            .otherwise(pl.lit("tied", OUTCOME))
            .alias("over_quota"),
        )
    )

    cstdcs_now = _held(pl.col("cstdcs"))
    # the two earlier years from the history, this year's decision: Kleene "and", so a chain
    # the history already breaks is false even when this year's CSTĐCS is unknown
    chain = pl.col("chain2").fill_null(False) & pl.col("chain1").fill_null(False) & cstdcs_now
    since = year - pl.col("last_tinh")
    fresh = (
        pl.when(pl.col("last_tinh").is_null())
        .then(True)
        .when(since > HORIZON)
        .then(None)
        .otherwise(since >= 3)
    )
    scope = pl.col("works_wide").fill_null(0) >= 1
    return (
        frame.lazy()
        .join(over, on="id", how="left")
        .join(earlier, left_on="id", right_on="subject", how="left")
        .with_columns(pl.coalesce("over_quota", "cstdcs").alias("cstdcs"))
        .select("id", "ldtt", "cstdcs", _outcome(chain & fresh & scope).alias("cstd_tinh"))
        .collect()
    )
