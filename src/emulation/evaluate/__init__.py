"""Evaluation: (population, rulesets in force, period) → result frames.

Takes a validated population and the awards of the rulesets in force; gives one result frame
per subject kind, with a column per rule, an outcome column per award and the quota and gap
columns explanations read.
"""

from __future__ import annotations

import polars as pl

from emulation.data.population import Population
from emulation.data.records import SUBJECT_KINDS
from emulation.evaluate.candidates import base_frame
from emulation.evaluate.plan import EvaluationPlan
from emulation.evaluate.query import evaluate_kind


def run(plan: EvaluationPlan, population: Population) -> dict[str, pl.DataFrame]:
    """The result frame of each subject kind ``plan`` decides awards for, persons first (the
    collectives' rules may read their members' decisions)."""
    frames: dict[str, pl.DataFrame] = {}
    for kind in SUBJECT_KINDS:
        if not plan.steps_of(kind):
            continue
        base = base_frame(population, plan.period, kind, plan.facts_of(kind))
        if base.height == 0:
            frames[kind] = base
            continue
        frames[kind] = evaluate_kind(plan, kind, base, population, dict(frames))
    return frames
