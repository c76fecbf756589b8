"""The third input form: a folder of Parquet tables, named like the CSV form.

A folder holding ``subjects.parquet`` and ``facts.parquet`` (and optionally the other tables of
:data:`~emulation.data.schema.TABLES`) is read like a folder of CSV tables: every value is turned
into the text a CSV cell would hold — ``true``/``false``, a whole number's digits, a decimal as
written, a date as ``YYYY-MM-DD``, a missing value as an empty cell — and validated by the same
code, so the same data gives the same decisions and the same problems, each naming the file, the
row (the first row of data is row 1: a Parquet file has no header row) and the column.

A column that holds lists, structs or binary data cannot be a cell and is refused by name. A folder
that holds one table both as CSV and as Parquet is refused: which one is meant is not guessed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emulation.data.schema import ORIGIN, TABLES, absent_table
from emulation.errors import DataError, Problem
from emulation.i18n import Message

#: The file suffix of a table in the Parquet form.
SUFFIX = ".parquet"

_NESTED = (pl.List, pl.Array, pl.Struct, pl.Binary, pl.Object)


def is_parquet_dir(path: Path) -> bool:
    """Whether the folder ``path`` holds any table of the Parquet form."""
    return any((path / f"{table}{SUFFIX}").exists() for table in TABLES)


def parquet_frames(path: Path) -> dict[str, pl.DataFrame]:
    """The frames of a folder of Parquet tables, every column as text, every row carrying its
    origin (``<file>: row <n>``); a :class:`~emulation.errors.DataError` naming every table
    that cannot be read."""
    problems: list[Problem] = []
    frames: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        file = path / f"{table}{SUFFIX}"
        twin = path / f"{table}.csv"
        if twin.exists() and file.exists():
            problems.append(
                Problem(
                    file=str(file),
                    message=Message(
                        "the table is also given as {twin}; keep one of the two",
                        twin=twin.name,
                    ),
                    code="table_given_twice",
                )
            )
            continue
        if not file.exists():
            problems.extend(absent_table(table, file))
            continue
        try:
            frame = pl.read_parquet(file)
        except (pl.exceptions.PolarsError, OSError) as error:
            lines = str(error).strip().splitlines()
            first = lines[0] if lines else type(error).__name__
            problems.append(
                Problem(
                    file=str(file),
                    message=Message("cannot read Parquet: {first}", first=first),
                    code="unreadable_parquet",
                )
            )
            continue
        text = _as_text(frame, file, problems)
        if text is None:
            continue
        frames[table] = (
            text.with_row_index("_row", offset=1)
            .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
            .drop("_row")
        )
    if problems:
        raise DataError(problems)
    return frames


def _as_text(frame: pl.DataFrame, file: Path, problems: list[Problem]) -> pl.DataFrame | None:
    """Every column of ``frame`` as the text a CSV cell would hold; None (and a problem per
    column) when a column holds values that are not single values."""
    nested = [name for name, dtype in frame.schema.items() if isinstance(dtype, _NESTED)]
    for name in nested:
        problems.append(
            Problem(
                file=str(file),
                location=name,
                message=Message(
                    "holds {dtype} values, not single values",
                    dtype=frame.schema[name],
                ),
                code="not_a_scalar",
            )
        )
    if nested:
        return None
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean:
            column = pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false"))
        elif dtype == pl.Date:
            column = column.dt.strftime("%Y-%m-%d")
        columns.append(column.cast(pl.String).alias(name))
    return frame.select(columns)
