"""A population: every record the engine reads for an evaluation, as Polars frames.

Eight frames, one per kind of record (their columns are in :mod:`emulation.data.schema` and
``docs/reference/file-formats.md``). Every frame also carries an ``_origin`` column naming the
file and row (or JSON path) each row came from, so that a bad value is reported where the user
can find it. Facts keep the type they arrived with; the engine casts each one to the type its
ruleset declares, at evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from emulation.data.cast import written
from emulation.data.contradictions import SetAside, find
from emulation.data.decode import load_json, parse_json
from emulation.data.frames import facts_frame, table_frame
from emulation.data.readers import csv_frames, json_frames
from emulation.data.records import (
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    Registration,
    ServiceSpell,
    Subject,
    VoteRecord,
)
from emulation.data.schema import HASH_SILENT_DEFAULTS, ORIGIN, SCHEMAS, TABLES, empty_frame
from emulation.data.validate import validate

# ``ORIGIN`` and the casting functions live in ``schema`` and ``cast``; they stay importable from
# here for the modules that still import them from here.
__all__ = ["Population", "read_csv_dir", "read_json_file"]


@attrs.frozen(eq=False)
class Population:
    """Every record of an evaluation as Polars frames (see the module docs for the columns).

    Build one with :meth:`from_records`, :meth:`from_json`, :meth:`from_csv_dir` or
    :meth:`emulation.Engine.read_population`; all of them validate and raise :class:`DataError` with
    the file and row of every bad record.
    """

    subjects: pl.DataFrame
    facts: pl.DataFrame
    evidence: pl.DataFrame = attrs.field(factory=lambda: empty_frame("evidence"))
    awards: pl.DataFrame = attrs.field(factory=lambda: empty_frame("awards"))
    service: pl.DataFrame = attrs.field(factory=lambda: empty_frame("service"))
    discipline: pl.DataFrame = attrs.field(factory=lambda: empty_frame("discipline"))
    registrations: pl.DataFrame = attrs.field(factory=lambda: empty_frame("registrations"))
    votes: pl.DataFrame = attrs.field(factory=lambda: empty_frame("votes"))
    #: Subjects whose records contradict each other; they get no decision (see
    #: :class:`emulation.SetAside`).
    set_aside: tuple[SetAside, ...] = ()

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_frames(cls, source: str = "<frames>", **frames: pl.DataFrame) -> Population:
        """Validate and normalise frames given by table name (``subjects=…, facts=…``)."""
        normalised, set_aside = find(validate(frames, source))
        return cls(**normalised, set_aside=set_aside)

    @classmethod
    def from_records(
        cls,
        subjects: Iterable[Subject],
        facts: Iterable[Fact] = (),
        evidence: Iterable[EvidenceItem] = (),
        awards: Iterable[AwardRecord] = (),
        service: Iterable[ServiceSpell] = (),
        discipline: Iterable[DisciplineRecord] = (),
        registrations: Iterable[Registration] = (),
        votes: Iterable[VoteRecord] = (),
    ) -> Population:
        """Build a population from Python objects (a subject evaluated alone is a population
        of one)."""
        wide: dict[tuple[str, str], dict[str, Any]] = {}
        for fact in facts:
            wide.setdefault((fact.subject, fact.period), {})[fact.name] = fact.value
        fact_rows = [
            {"subject": subject, "period": period, **values}
            for (subject, period), values in wide.items()
        ]
        return cls.from_frames(
            "<objects>",
            subjects=table_frame("subjects", [attrs.asdict(s) for s in subjects], "subjects"),
            facts=facts_frame(fact_rows, [f"facts[{i}]" for i in range(len(fact_rows))]),
            evidence=table_frame("evidence", [attrs.asdict(e) for e in evidence], "evidence"),
            awards=table_frame("awards", [attrs.asdict(a) for a in awards], "awards"),
            service=table_frame("service", [attrs.asdict(s) for s in service], "service"),
            discipline=table_frame(
                "discipline", [attrs.asdict(d) for d in discipline], "discipline"
            ),
            registrations=table_frame(
                "registrations", [attrs.asdict(r) for r in registrations], "registrations"
            ),
            votes=table_frame("votes", [attrs.asdict(v) for v in votes], "votes"),
        )

    @classmethod
    def from_json(cls, document: Any, source: str = "<json>") -> Population:
        """Build a population from the nested JSON form (already parsed, or a ``str``).

        A text must name its form in ``format``, as a file must; a document a program built
        in memory (a ``dict``) may leave it out.
        """
        if isinstance(document, str):
            document = parse_json(document, source)
            return cls.from_frames(source, **json_frames(document, source, require_format=True))
        return cls.from_frames(source, **json_frames(document, source))

    @classmethod
    def from_csv_dir(cls, path: Any) -> Population:
        """Build a population from a folder of CSV tables (``subjects.csv``, ``facts.csv`` …)."""
        return cls.from_frames(str(Path(path)), **csv_frames(Path(path)))

    # -- queries -----------------------------------------------------------------------------

    @property
    def fact_columns(self) -> tuple[str, ...]:
        """Names of the fact columns present in the facts frame."""
        fixed = set(SCHEMAS["facts"]) | {ORIGIN}
        return tuple(name for name in self.facts.columns if name not in fixed)

    def periods(self) -> tuple[str, ...]:
        """Every period that has a facts row, sorted."""
        return tuple(sorted(self.facts.get_column("period").unique().to_list()))

    def set_aside_ids(self) -> frozenset[str]:
        """Ids of the subjects set aside."""
        return frozenset(item.subject for item in self.set_aside)

    def frames(self) -> dict[str, pl.DataFrame]:
        """The frames by table name."""
        return {table: getattr(self, table) for table in TABLES}

    def subject_hashes(self, subject_ids: Sequence[str]) -> dict[str, str]:
        """SHA-256 of each subject's input rows, in a canonical form.

        The form does not depend on row or column order, on empty values, or on how a value
        was typed on the way in (``7``, ``"7"`` and ``7.000000`` are the same number), so the
        JSON and CSV forms of the same data hash alike.
        """
        wanted = set(subject_ids)
        rows: dict[str, list[str]] = {sid: [] for sid in subject_ids}
        picked: dict[str, pl.DataFrame] = {}
        filtered: list[str] = []
        for table in TABLES:
            frame: pl.DataFrame = getattr(self, table)
            if frame.height == 0:
                continue  # nothing to hash, and no query to run
            if frame.height <= HASH_ROWS_READ_WHOLE + HASH_ROWS_PER_SUBJECT * len(wanted):
                picked[table] = frame  # read whole; the wanted subjects' rows picked below
            else:
                filtered.append(table)
        if filtered:
            keep = pl.Series(sorted(wanted), dtype=pl.String()).implode()
            queries = [
                getattr(self, table).lazy().filter(pl.col(_KEYS[table]).is_in(keep))
                for table in filtered
            ]
            # one call for the tables filtered (each query has a fixed cost)
            picked.update(zip(filtered, pl.collect_all(queries, engine="in-memory"), strict=True))
        for table, part in picked.items():
            key = _KEYS[table]
            for record in part.rows(named=True):
                owner = record[key]
                if owner not in wanted:
                    continue
                canonical = {
                    k: _canonical_of(v)
                    for k, v in record.items()
                    if v is not None
                    and k != ORIGIN
                    and HASH_SILENT_DEFAULTS.get((table, k), _UNSET) != v
                }
                text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
                rows[owner].append(f"{table}:{text}")
        return {
            sid: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
            for sid, lines in rows.items()
        }


#: The column naming the subject of each table's rows.
_KEYS = {table: "id" if table == "subjects" else "subject" for table in TABLES}
#: For :meth:`Population.subject_hashes`: a table of at most this many rows, plus
#: :data:`HASH_ROWS_PER_SUBJECT` for each subject hashed, is read whole and its rows of those
#: subjects picked in Python; a larger one is filtered by Polars first. Reading a row costs a
#: few microseconds, a query about a tenth of a millisecond, most of what hashing one subject
#: took when every table was queried.
HASH_ROWS_READ_WHOLE = 256
HASH_ROWS_PER_SUBJECT = 4

_UNSET = object()


#: :func:`_canonical` of the texts and whole numbers already seen (the values of a large input
#: repeat); cleared when it grows past :data:`_CANONICAL_MOST`.
_CANONICAL: dict[type, dict[Any, str]] = {str: {}, int: {}}
_CANONICAL_MOST = 1 << 16


#: Texts longer than this (descriptions, free text: rarely repeated) are not kept.
_CANONICAL_LONGEST = 64


def _canonical_of(value: Any) -> str:
    """:func:`_canonical`, looked up for a short text or a whole number (of exactly that type,
    so that ``1``, ``True`` and ``Decimal(1)`` are not confused) seen before."""
    seen = _CANONICAL.get(type(value))
    if seen is None or (type(value) is str and len(value) > _CANONICAL_LONGEST):
        return _canonical(value)
    found = seen.get(value)
    if found is None:
        if len(seen) >= _CANONICAL_MOST:
            seen.clear()
        found = seen[value] = _canonical(value)
    return found


def _canonical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return written(Decimal(value))
    if isinstance(value, str):
        stripped = value.strip()
        lowered = stripped.lower()
        if lowered in ("true", "false"):
            return lowered
        try:
            return _canonical(Decimal(stripped)) if stripped else stripped
        except ArithmeticError:
            return stripped
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def read_json_file(path: Path) -> Population:
    """Read the nested JSON form from the file ``path``."""
    document = load_json(path)
    return Population.from_frames(
        str(path), **json_frames(document, str(path), require_format=True)
    )


def read_csv_dir(path: Path) -> Population:
    """Read a folder holding ``subjects.csv``, ``facts.csv`` and optionally the other tables."""
    return Population.from_csv_dir(path)
