"""Evaluation: (population, rulesets in force, period) → result frames.

Takes a validated population and the awards of the rulesets in force; gives one result frame
per subject kind, with a column per rule, an outcome column per award, the quota and gap
columns explanations read, and the place of every candidate in each standings.
"""

from __future__ import annotations

import polars as pl

from emulation.data.population import Population
from emulation.data.records import SUBJECT_KINDS
from emulation.evaluate.candidates import base_frame
from emulation.evaluate.compiled import CompiledKinds
from emulation.evaluate.plan import EvaluationPlan
from emulation.evaluate.query import evaluate_kind
from emulation.evaluate.standings import apply_standings


def run(
    plan: EvaluationPlan, population: Population, kept: CompiledKinds | None = None
) -> dict[str, pl.DataFrame]:
    """The result frame of each subject kind ``plan`` decides awards for, ranks standings for or
    its KPIs count, persons first (the collectives' rules may read their members' decisions);
    ``kept`` holds the rules compiled for ``plan`` before (compiled now and kept if empty)."""
    frames: dict[str, pl.DataFrame] = {}
    for kind in SUBJECT_KINDS:
        standings = plan.standings_of(kind)
        if not plan.steps_of(kind) and not standings and not plan.kpis_of(kind):
            continue
        base = base_frame(population, plan.period, kind, plan.facts_of(kind))
        if base.height == 0:
            frames[kind] = base
            continue
        frame = base
        if plan.steps_of(kind):
            frame = evaluate_kind(plan, kind, base, population, dict(frames), kept)
        if standings:
            frame = apply_standings(plan, frame, population, dict(frames), standings)
        frames[kind] = frame
    return frames
