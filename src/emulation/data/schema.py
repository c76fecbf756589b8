"""The tables of a population: their columns, dtypes, required columns, enumerations and
defaults, the origin column every row carries, and the names a fact may not take.

========== ====================================================================
subjects   ``id, kind, name, parent, cluster, gender, birth_year, staff_category, hardship_area,
           level``
facts      ``subject, period`` and one column per fact (wide)
evidence   ``id, subject, kind, period, scope, amount, description, share, recognised_by``
awards     ``subject, award, period, type`` — awards already held
service    ``subject, start, end, kind``
discipline ``subject, level, start, end``
registrations ``id, subject, kind, field, start, review, end, status``
votes      ``subject, award, period, votes_for, votes_against, absent_in_writing,
           council_size``
========== ====================================================================
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from emulation.data.records import (
    DISCIPLINE_LEVELS,
    GENDERS,
    RECORD_TYPES,
    REGISTRATION_STATUSES,
    SCOPES,
    SUBJECT_KINDS,
)
from emulation.errors import Problem
from emulation.i18n import Message

#: The column naming the file and row (or JSON path) each row came from.
ORIGIN = "_origin"

#: Fixed columns and dtypes of every frame but ``facts`` (whose fact columns are open).
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "subjects": {
        "id": pl.String(),
        "kind": pl.String(),
        "name": pl.String(),
        "parent": pl.String(),
        "cluster": pl.String(),
        "gender": pl.String(),
        "birth_year": pl.Int64(),
        "staff_category": pl.String(),
        "hardship_area": pl.Boolean(),
        "level": pl.String(),
    },
    "facts": {"subject": pl.String(), "period": pl.String()},
    "evidence": {
        "id": pl.String(),
        "subject": pl.String(),
        "kind": pl.String(),
        "period": pl.String(),
        "scope": pl.String(),
        "amount": pl.Decimal(38, 6),
        "description": pl.String(),
        "share": pl.Decimal(38, 6),
        "recognised_by": pl.String(),
    },
    "awards": {
        "subject": pl.String(),
        "award": pl.String(),
        "period": pl.String(),
        "type": pl.String(),
    },
    "service": {"subject": pl.String(), "start": pl.Date(), "end": pl.Date(), "kind": pl.String()},
    "discipline": {
        "subject": pl.String(),
        "level": pl.String(),
        "start": pl.Date(),
        "end": pl.Date(),
    },
    "registrations": {
        "id": pl.String(),
        "subject": pl.String(),
        "kind": pl.String(),
        "field": pl.String(),
        "start": pl.Date(),
        "review": pl.Date(),
        "end": pl.Date(),
        "status": pl.String(),
    },
    "votes": {
        "subject": pl.String(),
        "award": pl.String(),
        "period": pl.String(),
        "votes_for": pl.Int64(),
        "votes_against": pl.Int64(),
        "absent_in_writing": pl.Int64(),
        "council_size": pl.Int64(),
    },
}

#: The table names, in the order the tables are read and validated.
TABLES = tuple(SCHEMAS)

#: The columns of each table whose values name a subject or an item of the population (an id,
#: a parent, the subject a row is about), ``cluster`` aside: what must be renamed together to
#: keep two populations apart in one frame.
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "subjects": ("id", "parent"),
    "facts": ("subject",),
    "evidence": ("id", "subject"),
    "awards": ("subject",),
    "service": ("subject",),
    "discipline": ("subject",),
    "registrations": ("id", "subject"),
    "votes": ("subject",),
}


def absent_table(table: str, file: Path) -> list[Problem]:
    """The problem a folder form (CSV or Parquet) reports when ``file``, the file of
    ``table``, does not exist: none for an optional table, ``missing_table`` for
    ``subjects`` and ``facts``."""
    if table not in ("subjects", "facts"):
        return []
    message = Message("required table is missing")
    return [Problem(file=str(file), message=message, code="missing_table")]


#: Columns that must be present and non-null in each frame.
REQUIRED: dict[str, tuple[str, ...]] = {
    "subjects": ("id", "kind"),
    "facts": ("subject", "period"),
    "evidence": ("id", "subject", "kind", "period"),
    "awards": ("subject", "award", "period"),
    "service": ("subject", "start"),
    "discipline": ("subject", "level", "start"),
    "registrations": ("id", "subject", "kind", "start"),
    "votes": ("subject", "award", "period", "votes_for", "council_size"),
}

#: Allowed values of enumerated columns.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("subjects", "kind"): SUBJECT_KINDS,
    ("subjects", "gender"): GENDERS,
    ("evidence", "scope"): SCOPES,
    ("discipline", "level"): DISCIPLINE_LEVELS,
    ("registrations", "status"): REGISTRATION_STATUSES,
    ("awards", "type"): RECORD_TYPES,
}

#: Values of optional columns left empty.
DEFAULTS: dict[tuple[str, str], object] = {
    ("subjects", "hardship_area"): False,
    ("evidence", "scope"): "grassroots",
    ("service", "kind"): "full_time",
    ("registrations", "status"): "registered",
    ("evidence", "share"): Decimal(1),
    ("awards", "type"): "merit",
}

#: Defaults of columns added after the form of the input hashes was fixed: a value equal to
#: its default is left out of a subject's hash (``Population.subject_hashes``), so data that
#: does not use the column hashes as it did before the column existed.
HASH_SILENT_DEFAULTS: dict[tuple[str, str], object] = {
    ("evidence", "share"): Decimal(1),
    ("awards", "type"): "merit",
}

#: Names a fact may not take: the subject's attributes (every column of ``subjects``, some of
#: which rulesets read as facts) and the key columns of a facts row (``subject``, ``period``).
#: One list for the JSON reader, the frame validator and the ruleset loader; it is the union
#: of the three lists they used to keep.
RESERVED_FACT_NAMES = frozenset(SCHEMAS["subjects"]) | frozenset(SCHEMAS["facts"])


def empty_frame(table: str) -> pl.DataFrame:
    """An empty frame of ``table`` with its schema and the origin column."""
    return pl.DataFrame(schema={**SCHEMAS[table], ORIGIN: pl.String()})
