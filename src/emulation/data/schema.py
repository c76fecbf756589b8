"""The six tables of a population: their columns, dtypes, required columns, enumerations and
defaults, the origin column every row carries, and the names a fact may not take.

========== ====================================================================
subjects   ``id, kind, name, parent, cluster, gender, birth_year, staff_category, hardship_area``
facts      ``subject, period`` and one column per fact (wide)
evidence   ``id, subject, kind, period, scope, amount, description, share``
awards     ``subject, award, period, type`` — awards already held
service    ``subject, start, end, kind``
discipline ``subject, level, start, end``
========== ====================================================================
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from emulation.data.records import (
    DISCIPLINE_LEVELS,
    GENDERS,
    RECORD_TYPES,
    SCOPES,
    SUBJECT_KINDS,
)

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
}

#: The table names, in the order the tables are read and validated.
TABLES = tuple(SCHEMAS)

#: Columns that must be present and non-null in each frame.
REQUIRED: dict[str, tuple[str, ...]] = {
    "subjects": ("id", "kind"),
    "facts": ("subject", "period"),
    "evidence": ("id", "subject", "kind", "period"),
    "awards": ("subject", "award", "period"),
    "service": ("subject", "start"),
    "discipline": ("subject", "level", "start"),
}

#: Allowed values of enumerated columns.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("subjects", "kind"): SUBJECT_KINDS,
    ("subjects", "gender"): GENDERS,
    ("evidence", "scope"): SCOPES,
    ("discipline", "level"): DISCIPLINE_LEVELS,
    ("awards", "type"): RECORD_TYPES,
}

#: Values of optional columns left empty.
DEFAULTS: dict[tuple[str, str], object] = {
    ("subjects", "hardship_area"): False,
    ("evidence", "scope"): "grassroots",
    ("service", "kind"): "full_time",
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
