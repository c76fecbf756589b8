"""Names and the organisation tree: one spelling per name, a parent relation that is a tree.

Names that identify something — subject ids, parents, clusters, the subject a record belongs
to, evidence ids and award ids — are written in Unicode NFC and trimmed, so that a name typed
on another keyboard (``Khối`` composed or decomposed) or with a stray space is the same name.
Two names that still differ only by letter case or spacing (``Cụm 1``, ``cụm  1``) are refused,
both spellings named with the row where each first occurs: they would otherwise be two
clusters (two quotas) or two units. The parent relation must be a tree of collectives: no
subject its own parent, no person as a parent, no cycle.
"""

from __future__ import annotations

import polars as pl

from emulation.data.schema import ORIGIN
from emulation.errors import Problem
from emulation.i18n import Message

#: Columns holding names, by table; they are normalised on the way in.
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "subjects": ("id", "parent", "cluster", "level"),
    "facts": ("subject",),
    "evidence": ("id", "subject", "recognised_by"),
    "awards": ("subject", "award"),
    "service": ("subject",),
    "discipline": ("subject",),
    "registrations": ("id", "subject"),
    "votes": ("subject", "award"),
}

#: Optional name columns where a blank name means no name.
_BLANK_IS_NONE = ("parent", "cluster", "level", "recognised_by")


def normalise_names(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its name columns (:data:`NAME_COLUMNS`) in NFC and trimmed."""
    names = [n for n in NAME_COLUMNS.get(table, ()) if frame.schema.get(n) == pl.String()]
    if not names:
        return frame
    columns = []
    for name in names:
        value = pl.col(name).str.normalize("NFC").str.strip_chars()
        if name in _BLANK_IS_NONE:
            value = pl.when(value == "").then(None).otherwise(value)
        columns.append(value.alias(name))
    return frame.with_columns(columns)


def near_duplicates(subjects: pl.DataFrame, column: str, what: str) -> list[Problem]:
    """A problem for each spelling of a name in ``column`` that differs from an earlier one
    only by letter case or spacing."""
    spellings = (
        subjects.select(column, ORIGIN)
        .filter(pl.col(column).is_not_null())
        .unique(column, keep="first", maintain_order=True)
        .with_columns(
            pl.col(column).str.to_lowercase().str.replace_all(r"\s+", "").alias("_folded")
        )
    )
    clashing = spellings.filter(pl.col("_folded").is_duplicated())
    problems = []
    for _, group in clashing.group_by("_folded", maintain_order=True):
        (first, first_origin), *others = group.select(column, ORIGIN).iter_rows()
        for spelling, origin in others:
            problems.append(
                Problem(
                    file=origin,
                    location=column,
                    message=Message(
                        "{what} {spelling} differs only by letter case or spacing from {first} ({first_origin}); write one name one way",
                        what=what,
                        spelling=repr(spelling),
                        first=repr(first),
                        first_origin=first_origin,
                    ),
                    code="near_duplicate_name",
                )
            )
    return problems


def tree_problems(subjects: pl.DataFrame) -> list[Problem]:
    """Every subject that is its own parent, every person used as a parent, and each cycle
    of the parent relation once (at the row of its smallest id). The parents must all be
    subjects (checked before)."""
    problems = []
    links = subjects.select("id", "parent", ORIGIN).filter(pl.col("parent").is_not_null())
    for origin, sid in links.filter(pl.col("id") == pl.col("parent")).select(ORIGIN, "id").rows():
        problems.append(
            Problem(
                file=origin,
                location="parent",
                message=Message("{sid} is its own parent", sid=repr(sid)),
                code="own_parent",
            )
        )
    persons = subjects.filter(pl.col("kind") == "person").select(pl.col("id").alias("parent"))
    for origin, parent in links.join(persons, on="parent").select(ORIGIN, "parent").rows():
        problems.append(
            Problem(
                file=origin,
                location="parent",
                message=Message(
                    "parent {parent} is a person; a parent must be a collective",
                    parent=repr(parent),
                ),
                code="person_as_parent",
            )
        )
    problems.extend(_cycles(links.filter(pl.col("id") != pl.col("parent"))))
    return problems


def levels_of_persons(subjects: pl.DataFrame) -> list[Problem]:
    """A problem for each person given a ``level``: levels place collectives in the
    organisation tree (a column shifted by one is the likely cause)."""
    persons = subjects.filter((pl.col("kind") == "person") & pl.col("level").is_not_null())
    return [
        Problem(
            file=origin,
            location="level",
            message=Message(
                "person {sid} has level {level}; only collectives have a level",
                sid=repr(sid),
                level=repr(level),
            ),
            code="level_of_person",
        )
        for origin, sid, level in persons.select(ORIGIN, "id", "level").iter_rows()
    ]


def _cycles(links: pl.DataFrame) -> list[Problem]:
    """Each cycle of ``links`` (``id → parent``) once.

    The ancestor ``2^k`` steps up is found by joining the relation with itself ``k`` times; a
    chain that reaches a root drops out. Whatever is left after more steps than there are
    links leads into a cycle; those few rows are then walked one by one.
    """
    ancestors = links.select("id", pl.col("parent").alias("up"))
    steps = 1
    while ancestors.height and steps <= links.height:
        ancestors = ancestors.join(
            ancestors.select(pl.col("id").alias("up"), pl.col("up").alias("next")), on="up"
        ).select("id", pl.col("next").alias("up"))
        steps *= 2
    if not ancestors.height:
        return []
    looping = links.filter(pl.col("id").is_in(ancestors.get_column("id").implode()))
    parent = dict(looping.select("id", "parent").rows())
    origin = dict(looping.select("id", ORIGIN).rows())
    seen: set[str] = set()
    problems = []
    for start in sorted(parent):
        path: list[str] = []
        node = start
        while node not in seen and node in parent:
            seen.add(node)
            path.append(node)
            node = parent[node]
        if node in path:
            cycle = path[path.index(node) :]
            first = cycle.index(min(cycle))
            cycle = cycle[first:] + cycle[:first]
            problems.append(
                Problem(
                    file=origin[cycle[0]],
                    location="parent",
                    message=Message(
                        "the parents go round in a circle: {cycle}",
                        cycle=" → ".join(repr(s) for s in [*cycle, cycle[0]]),
                    ),
                    code="parent_cycle",
                )
            )
    return problems
