"""Built-in plugin: read the nested JSON form, folders of CSV or Parquet tables, and Excel
workbooks."""

from __future__ import annotations

from pathlib import Path

from emulation.data.excel_columns import is_workbook
from emulation.data.parquet import is_parquet_dir, parquet_frames
from emulation.data.population import Population, read_csv_dir, read_json_file
from emulation.errors import DataError, Problem
from emulation.hookspecs import hookimpl


@hookimpl(trylast=True)
def emulation_read_population(path: Path) -> Population | None:
    """A ``.json`` file is the nested form; a folder holds ``subjects.csv``, ``facts.csv`` …
    or ``subjects.parquet``, ``facts.parquet`` …; an ``.xlsx`` file is a workbook."""
    if path.is_dir():
        if is_parquet_dir(path):
            return Population.from_frames(str(path), **parquet_frames(path))
        return read_csv_dir(path)
    if path.suffix.lower() == ".json":
        return read_json_file(path)
    if is_workbook(path):
        # lazy: openpyxl is loaded only when a workbook is read
        from emulation.data.excel import read_workbook

        return read_workbook(path)
    if not path.exists():
        raise DataError(
            [Problem(file=str(path), message="no such file or folder", code="no_such_file")]
        )
    return None
