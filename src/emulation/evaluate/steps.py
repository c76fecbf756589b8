"""Which awards and score sheets one evaluation decides, and in what order.

An award may read a sheet (``score("id")``, ``band("id")``) and a sheet may read an award's
outcome (``granted("id")``), so both are steps of one dependency graph: each comes after
everything it reads, ties broken by id. Rulesets with a cycle are refused when loaded; one put
together another way is refused here.
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping, Sequence
from typing import Literal

from emulation.errors import EvaluationError
from emulation.period import Period
from emulation.rules.loader.scores import award_nodes
from emulation.rules.model import Award, Ruleset
from emulation.rules.scores import ScoreSheet, reads

StepKind = Literal["award", "score"]
#: One step of an evaluation: an award decided or a score sheet computed.
Step = tuple[StepKind, str]


def award_reads(award: Award) -> set[str]:
    """The score sheets an award's rules and ranking keys read."""
    return reads(award_nodes(award))[1]


def select_steps(
    requested: Sequence[str] | None,
    scores: Sequence[str] | None,
    available: Mapping[str, tuple[Award, Ruleset]],
    sheets: Mapping[str, tuple[ScoreSheet, Ruleset]],
    period: Period,
) -> tuple[Step, ...]:
    """The awards ``requested`` (default: all) and the sheets ``scores`` (default: all when
    every award is asked for, else none), with everything they read, in the order they are
    decided. Raises :class:`EvaluationError` for an unknown award or sheet, and for a sheet
    read but not in force."""
    awards = list(available) if requested is None else list(requested)
    wanted = (list(sheets) if requested is None else []) if scores is None else list(scores)
    unknown = [a for a in awards if a not in available]
    if unknown:
        raise EvaluationError(
            f"unknown award {unknown[0]!r} for period {period}; awards in force: {sorted(available)}"
        )
    unknown = [s for s in wanted if s not in sheets]
    if unknown:
        raise EvaluationError(
            f"unknown score sheet {unknown[0]!r} for period {period}; sheets in force: "
            f"{sorted(sheets)}"
        )
    graph: dict[Step, set[Step]] = {}
    pending: list[Step] = [("award", a) for a in awards] + [("score", s) for s in wanted]
    while pending:
        step = pending.pop()
        if step in graph:
            continue
        graph[step] = _reads(step, available, sheets, period)
        pending.extend(graph[step])
    return order_steps(graph)


def _reads(
    step: Step,
    available: Mapping[str, tuple[Award, Ruleset]],
    sheets: Mapping[str, tuple[ScoreSheet, Ruleset]],
    period: Period,
) -> set[Step]:
    kind, name = step
    if kind == "award":
        award = available[name][0]
        # an award of a ruleset not in force is read from the history instead
        found: set[Step] = {("award", a) for a in award.depends_on if a in available}
        read = award_reads(award)
    else:
        sheet = sheets[name][0]
        found = {("award", a) for a in sheet.depends_on if a in available}
        read = set(sheet.reads_scores)
    for other in sorted(read):
        if other not in sheets:
            raise EvaluationError(
                f'{kind} "{name}" reads score sheet "{other}", which is not in force for {period}'
            )
        found.add(("score", other))
    return found


def order_steps(graph: Mapping[Step, set[Step]]) -> tuple[Step, ...]:
    """The steps of ``graph`` so that each comes after those it reads; ties by id."""
    sorter = graphlib.TopologicalSorter(graph)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        cycle = " -> ".join(f"{kind} {name}" for kind, name in error.args[1])
        raise EvaluationError(
            f"awards and score sheets read each other in a cycle: {cycle}"
        ) from None
    order: list[Step] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda step: (step[1], step[0]))
        order.extend(ready)
        sorter.done(*ready)
    return tuple(step for step in order if step in graph)
