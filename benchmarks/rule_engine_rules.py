"""The LĐTT and CSTĐCS rules of 2024 in the ``rule-engine`` package, evaluated per record.

Each criterion and blocking state is one :class:`rule_engine.Rule`, compiled once. The
package's ``and`` / ``or`` follow Python truthiness rather than three-valued logic, so a rule
that reads a fact that may be missing guards it explicitly (``x == null ? null : …``) and
returns ``true``, ``false`` or ``null``; a small Python function combines the values into an
outcome exactly as ``emulation.evaluate.query.outcome_expr`` does. Records are plain ``dict`` rows
with the ruleset defaults filled (:func:`records`), built before timing starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
import rule_engine

from emulation import Population
from hand_polars import disciplined

MIN_MONTHS_WORKED = 6
EXCELLENCE_EVIDENCE = ("initiative", "scientific_work", "combat_ingenuity")

_CONTEXT = rule_engine.Context(default_value=None)

LDTT_CRITERIA: dict[str, str] = {
    "task_rating": 'rating == null ? null : rating in ["HTT", "HTXS"]',
    "attitude": "good_attitude",
    "min_service": (
        "not recruited_this_period ? true : (months_worked == null ? null : "
        "months_worked + months_maternity_leave + months_injury_treatment + months_training"
        f" >= {MIN_MONTHS_WORKED})"
    ),
}
UNDER_REVIEW = "under_discipline_review or under_investigation or pending_complaint"
CSTDCS_CRITERIA: dict[str, str] = {
    "ldtt": 'ldtt == "data_missing" ? null : ldtt == "granted"',
    "excellence": 'excellence_evidence >= 1 ? true : (rating == null ? null : rating == "HTXS")',
}


def compile_rules() -> dict[str, list[rule_engine.Rule]]:
    """Every rule, compiled once: ``ldtt`` and ``cstdcs`` criteria and the blocking rule."""
    return {
        "ldtt": [rule_engine.Rule(text, context=_CONTEXT) for text in LDTT_CRITERIA.values()],
        "cstdcs": [rule_engine.Rule(text, context=_CONTEXT) for text in CSTDCS_CRITERIA.values()],
        "blocking": [rule_engine.Rule(UNDER_REVIEW, context=_CONTEXT)],
    }


def _outcome(blocked: bool | None, criteria: Sequence[bool | None], excluded: bool = False) -> str:
    """blocked > an exclusion applies or a criterion fails > something unknown > granted
    (Kleene)."""
    if blocked:
        return "blocked"
    if excluded or any(value is False for value in criteria):
        return "not_eligible"
    if blocked is None or any(value is None for value in criteria):
        return "data_missing"
    return "granted"


def evaluate(
    rules: dict[str, list[rule_engine.Rule]], rows: Iterable[dict[str, Any]]
) -> list[tuple[str, str, str]]:
    """``(id, ldtt, cstdcs)`` for each record, one rule evaluation at a time (timed)."""
    (blocking,) = rules["blocking"]
    results = []
    for row in rows:
        blocked = blocking.evaluate(row)
        ldtt = _outcome(blocked, [rule.evaluate(row) for rule in rules["ldtt"]], row["disciplined"])
        row["ldtt"] = ldtt
        cstdcs = _outcome(blocked, [rule.evaluate(row) for rule in rules["cstdcs"]])
        results.append((row["id"], ldtt, cstdcs))
    return results


def records(population: Population, limit: int, period: str = "2024") -> list[dict[str, Any]]:
    """The first ``limit`` candidates (in subject order) as dict rows, defaults filled and the
    count of qualifying evidence items attached (not timed: the data loading a per-record
    engine needs)."""
    ids = (
        population.subjects.lazy()
        .filter(pl.col("kind") == "person")
        .select("id")
        .join(
            population.facts.lazy().filter(pl.col("period") == period).select("subject"),
            left_on="id",
            right_on="subject",
            how="semi",
            maintain_order="left",
        )
        .head(limit)
        .collect()
    )
    facts = population.facts.lazy().filter(pl.col("period") == period)
    evidence = (
        population.evidence.lazy()
        .filter(pl.col("period") == period, pl.col("kind").is_in(EXCELLENCE_EVIDENCE))
        .group_by("subject")
        .agg(pl.len().alias("excellence_evidence"))
    )
    frame = (
        ids.lazy()
        .join(facts, left_on="id", right_on="subject", maintain_order="left")
        .join(evidence, left_on="id", right_on="subject", how="left", maintain_order="left")
        .join(
            disciplined(population, period),
            left_on="id",
            right_on="subject",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            pl.col("excellence_evidence").fill_null(0),
            pl.col("disciplined").fill_null(False),
            pl.col(
                "months_maternity_leave", "months_injury_treatment", "months_training"
            ).fill_null(0),
            pl.col(
                "recruited_this_period",
                "under_discipline_review",
                "under_investigation",
                "pending_complaint",
            ).fill_null(False),
        )
        .drop("period", "_origin")
        .collect()
    )
    return list(frame.iter_rows(named=True))
