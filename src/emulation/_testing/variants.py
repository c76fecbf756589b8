"""Variants of a population, as the properties need them: facts cast to their declared types,
one population holding many changed copies ("worlds"), rows shuffled, subjects split into
independent groups, records moved to another period.

A world is a copy of the whole population whose ids (subjects, parents, evidence) carry the
prefix ``w<i>/``, so that units, unit quotas and histories stay inside their world and one
evaluation decides every world at once (a subject without a unit is a quota group of its own).
Clusters are prefixed the same way only on request, when no rule reads them; a quota over the
whole population cannot be evaluated in worlds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from emulation.data.cast import cast_column
from emulation.data.population import Population
from emulation.data.schema import NAME_COLUMNS
from emulation.errors import PeriodError
from emulation.lang.compiler import dtype_of
from emulation.period import Period
from emulation.rules.model import FactDecl, ParameterValue

_WORLD = "_world"


@attrs.frozen(kw_only=True)
class Change:
    """Set ``fact`` of ``subject`` in ``period`` to ``value``."""

    subject: str
    period: str
    fact: str
    value: ParameterValue


def with_typed_facts(population: Population, facts: Mapping[str, FactDecl]) -> Population:
    """The population with every declared fact column cast to its type and its default
    filled in, as the engine reads it (values it cannot read become missing)."""
    frame = population.facts
    columns = []
    for name, decl in sorted(facts.items()):
        dtype = dtype_of(decl.type, decl.values)
        if name in frame.columns:
            column = cast_column(frame.get_column(name), dtype)
        else:
            column = pl.Series(name, [None] * frame.height, dtype=dtype)
        if decl.default is not None:
            column = column.fill_null(pl.lit(decl.default, dtype=dtype))
        columns.append(column.alias(name))
    return attrs.evolve(population, facts=frame.with_columns(columns))


def worlds(
    population: Population, changes: Sequence[Sequence[Change]], *, clusters: bool = False
) -> Population:
    """One copy of ``population`` per entry of ``changes``, each with its changes applied;
    ids (and clusters, when ``clusters``) are prefixed ``w<i>/`` when there is more than one
    copy."""
    count = len(changes)
    if count == 1:
        return _apply(population, changes[0])
    index = pl.DataFrame({_WORLD: list(range(count))}, schema={_WORLD: pl.Int64()})
    frames: dict[str, Any] = {}
    for table, frame in population.frames().items():
        copies = frame.join(index, how="cross")
        if table == "facts":
            copies = _apply_frame(
                copies, [(i, c) for i, group in enumerate(changes) for c in group]
            )
        prefix = [
            pl.format("w{}/{}", pl.col(_WORLD), pl.col(column).fill_null("")).alias(column)
            for column in NAME_COLUMNS[table]
            + (("cluster",) if clusters and table == "subjects" else ())
        ]
        frames[table] = copies.with_columns(prefix).drop(_WORLD)
    aside = tuple(
        attrs.evolve(item, subject=f"w{world}/{item.subject}")
        for world in range(count)
        for item in population.set_aside
    )
    return attrs.evolve(population, **frames, set_aside=aside)


def split_world(subject: str) -> tuple[int, str]:
    """``"w3/p0"`` → ``(3, "p0")``; an id without a prefix is world 0."""
    head, sep, rest = subject.partition("/")
    if sep and head.startswith("w") and head[1:].isdigit():
        return int(head[1:]), rest
    return 0, subject


def _apply(population: Population, changes: Sequence[Change]) -> Population:
    if not changes:
        return population
    facts = population.facts.with_columns(pl.lit(0, pl.Int64).alias(_WORLD))
    facts = _apply_frame(facts, [(0, change) for change in changes]).drop(_WORLD)
    return attrs.evolve(population, facts=facts)


def _apply_frame(facts: pl.DataFrame, changes: Sequence[tuple[int, Change]]) -> pl.DataFrame:
    by_fact: dict[str, list[tuple[int, Change]]] = {}
    for world, change in changes:
        by_fact.setdefault(change.fact, []).append((world, change))
    for fact, items in sorted(by_fact.items()):
        dtype = facts.schema[fact]
        updates = pl.DataFrame(
            {
                _WORLD: pl.Series([w for w, _ in items], dtype=pl.Int64()),
                "subject": pl.Series([c.subject for _, c in items], dtype=pl.String()),
                "period": pl.Series([c.period for _, c in items], dtype=pl.String()),
                "_new": pl.Series([c.value for _, c in items], dtype=dtype),
            }
        )
        facts = (
            facts.join(updates, on=[_WORLD, "subject", "period"], how="left")
            .with_columns(pl.coalesce("_new", fact).alias(fact))
            .drop("_new")
        )
    return facts


def shuffled(population: Population, seed: int) -> Population:
    """Every frame's rows in a random order, and the fact columns reversed."""
    frames: dict[str, Any] = {
        name: frame.sample(fraction=1.0, shuffle=True, seed=seed + offset)
        for offset, (name, frame) in enumerate(population.frames().items())
    }
    facts = frames["facts"]
    frames["facts"] = facts.select(list(reversed(facts.columns)))
    return attrs.evolve(population, **frames, set_aside=tuple(reversed(population.set_aside)))


def groups(population: Population) -> list[list[str]]:
    """Subjects that must be evaluated together: a collective with its members (and their
    members), the subjects of one cluster. A subject with neither is alone, as in a quota.
    Each group sorted; groups ordered by their first id."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    firsts: dict[str, str] = {}
    for sid, up, cluster in population.subjects.select("id", "parent", "cluster").iter_rows():
        find(sid)
        if up is not None:
            parent[find(sid)] = find(up)
        if cluster is not None:
            parent[find(sid)] = find(firsts.setdefault(cluster, sid))
    found: dict[str, list[str]] = {}
    for sid in parent:
        found.setdefault(find(sid), []).append(sid)
    return sorted((sorted(members) for members in found.values()), key=lambda g: g[0])


def restricted(population: Population, subjects: Sequence[str]) -> Population:
    """Only the rows of ``subjects``."""
    wanted = pl.Series(list(subjects), dtype=pl.String()).implode()
    frames: dict[str, Any] = {
        table: frame.filter(pl.col("id" if table == "subjects" else "subject").is_in(wanted))
        for table, frame in population.frames().items()
    }
    aside = tuple(item for item in population.set_aside if item.subject in set(subjects))
    return attrs.evolve(population, **frames, set_aside=aside)


def moved(population: Population, source: Period, target: Period) -> Population:
    """Every dated record (and birth year) shifted by whole periods so that ``source``
    becomes ``target``."""
    offset = target.year - source.year
    frames: dict[str, Any] = {}
    for table, frame in population.frames().items():
        updates: list[pl.Expr] = []
        if "period" in frame.columns:
            mapping = {text: _shift(text, offset) for text in frame.get_column("period").unique()}
            updates.append(pl.col("period").replace_strict(mapping, default=pl.col("period")))
        updates.extend(
            pl.col(column).dt.offset_by(f"{offset}y")
            for column in ("start", "end")
            if column in frame.columns and frame.schema[column] == pl.Date()
        )
        if table == "subjects":
            updates.append(pl.col("birth_year") + offset)
        frames[table] = frame.with_columns(updates) if updates else frame
    return attrs.evolve(population, **frames)


def _shift(text: Any, offset: int) -> Any:
    try:
        return str(Period.parse(text).back(-offset))
    except PeriodError:  # a period the engine cannot read stays as it is
        return text
