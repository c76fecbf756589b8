"""The fourth input form: one Excel workbook (``.xlsx``), one sheet per table.

A sheet is named like its table (``subjects``, ``facts``, ``evidence`` …; the tables of
:data:`~emulation.data.schema.TABLES`). Row 1 holds the column ids, as the CSV form's header does;
row 2 the labels (``Năm sinh / Birth year``), which are checked for the fixed columns and not
read; the data starts on row 3 (:mod:`emulation.data.excel_columns`). Every cell is turned into
the text a CSV cell would hold — a number as its digits, a date typed as an Excel date as
``YYYY-MM-DD``, a true/false as ``true``/``false``, an empty cell as a missing value — and
validated by the same code as the CSV form, so the same data gives the same decisions and the
same problems. A problem is reported at its cell: ``book.xlsx: subjects!G7: cannot read 'abc' as
a whole number``.

Rows whose every cell is empty are skipped, wherever they are (a sheet's formatting often reaches
far below its data). A row of the template's example subject is refused (``example_row``), so an
example left in place is never taken for data. The sheet that explains the columns
(:data:`~emulation.data.excel_columns.EXPLANATION_SHEETS`) is skipped; any other sheet is
refused (``unknown_sheet``), as an unknown member of the JSON form is.

Why openpyxl: it reads a cell's value with its type (a number, a date, a text) and its
coordinates, which is what errors by cell need; it is pure Python, maintained, and reads the
files Excel, LibreOffice and Google Sheets write.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import polars as pl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from emulation.data.excel_columns import (
    EXPLANATION_SHEETS,
    FIRST_DATA_ROW,
    LABEL_ROW,
    LABELS,
    header_label,
    is_example,
)
from emulation.data.population import Population
from emulation.data.schema import ORIGIN, TABLES
from emulation.errors import DataError, Problem, suggest
from emulation.i18n import Message

#: ``<book>: <sheet> row <n>``: the origin of a row of a workbook, before its cell is known.
_ORIGIN = re.compile(r"(?P<book>.+\.xls[xm]): (?P<sheet>[^:!]+) row (?P<row>[0-9]+)", re.IGNORECASE)

#: Column ids by letter, for each sheet of a workbook: ``{"path: sheet": {"id": "A", …}}``.
Layouts = dict[str, dict[str, str]]


def read_workbook(path: str | Path) -> Population:
    """Read a population from an Excel workbook (``emulation template`` writes one to fill);
    a :class:`~emulation.errors.DataError` names the sheet and cell of every bad value."""
    path = Path(path)
    frames, layouts = workbook_frames(path)
    try:
        return Population.from_frames(str(path), **frames)
    except DataError as error:
        raise DataError(name_cells(error.problems, layouts)) from None


def workbook_frames(path: Path) -> tuple[dict[str, pl.DataFrame], Layouts]:
    """The frames of the tables of the workbook ``path``, every cell as text and every row
    carrying its origin (``<path>: <sheet> row <n>``), and the letter of each column id."""
    problems: list[Problem] = []
    if path.suffix.lower() == ".xls" and path.exists():
        raise DataError(
            [
                Problem(
                    file=str(path),
                    message=Message(
                        "an Excel 97-2003 workbook (.xls) is not read: save it again as an "
                        'Excel workbook (.xlsx) ("File > Save As > Excel Workbook")'
                    ),
                    code="unreadable_workbook",
                )
            ]
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise DataError(
            [
                Problem(
                    file=str(path), message=Message("no such file or folder"), code="no_such_file"
                )
            ]
        ) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataError(
            [
                Problem(
                    file=str(path),
                    message=Message(
                        "cannot read the workbook: {first}; save it again as an Excel workbook (.xlsx)",
                        first=first,
                    ),
                    code="unreadable_workbook",
                )
            ]
        ) from None
    frames: dict[str, pl.DataFrame] = {}
    layouts: Layouts = {}
    try:
        names = list(book.sheetnames)
        for name in book.sheetnames:
            if name in TABLES:
                read = _read_sheet(path, name, _rows(book, name), problems)
                # a sheet left wholly empty is a table not given, as a missing CSV file is
                if read is not None and read[1]:
                    frames[name], layouts[f"{path}: {name}"] = read
                elif read is not None:
                    names.remove(name)
            elif name not in EXPLANATION_SHEETS:
                problems.append(
                    Problem(
                        file=f"{path}: {name}",
                        message=Message(
                            "unknown sheet{hint}; expected some of {tables} (and the sheet {sheet}, not read)",
                            hint=suggest(name, TABLES),
                            tables=list(TABLES),
                            sheet=repr(EXPLANATION_SHEETS[0]),
                        ),
                        code="unknown_sheet",
                    )
                )
    finally:
        book.close()
    for table in ("subjects", "facts"):
        if table not in names:
            problems.append(
                Problem(
                    file=f"{path}: {table}",
                    message=Message("required sheet is missing or empty"),
                    code="missing_table",
                )
            )
    if problems:
        raise DataError(problems)
    return frames, layouts


def _rows(book: Any, name: str) -> Iterable[Sequence[Any]]:
    """The rows of the sheet ``name`` from row 1 and column A, each as long as its last cell.

    The size a file declares for a sheet is not trusted (some programs write a wrong one, which
    would cut rows or columns off): it is measured while reading.
    """
    sheet: Any = book[name]
    if not hasattr(sheet, "reset_dimensions"):  # a chart sheet holds no cells
        return ()
    sheet.reset_dimensions()
    rows: Iterable[Sequence[Any]] = sheet.iter_rows(values_only=True)
    return rows


def _read_sheet(
    path: Path, sheet: str, rows: Iterable[Sequence[Any]], problems: list[Problem]
) -> tuple[pl.DataFrame, dict[str, str]] | None:
    """The frame of one sheet and the letter of each column id; None (and problems) when its
    header rows are wrong."""
    iterator = iter(rows)
    header = [_header_cell(value) for value in next(iterator, ())]
    where = f"{path}: {sheet}"
    columns = {index: name for index, name in enumerate(header) if name}
    repeated = sorted({name for name in columns.values() if header.count(name) > 1})
    if repeated:
        problems.append(
            Problem(
                file=f"{where} row 1",
                message=Message("columns {repeated} given more than once", repeated=repeated),
                code="duplicate_column",
            )
        )
        return None
    letters = {name: get_column_letter(index + 1) for index, name in columns.items()}
    labels = next(iterator, ())
    before = len(problems)
    _check_labels(where, sheet, columns, labels, problems)
    values: dict[str, list[str | None]] = {name: [] for name in columns.values()}
    origins: list[str] = []
    key = "id" if sheet == "subjects" else "subject"
    for number, row in enumerate(iterator, start=FIRST_DATA_ROW):
        cells = [_text(value) for value in row]
        if not any(cell is not None and cell.strip() for cell in cells):
            continue
        for index, cell in enumerate(cells):
            if index not in columns and cell is not None and cell.strip():
                problems.append(
                    Problem(
                        file=f"{where}!{get_column_letter(index + 1)}{number}",
                        message=Message(
                            "a value in a column with no id in row 1: {cell}", cell=repr(cell)
                        ),
                        code="missing_column_id",
                    )
                )
        if key in letters and is_example(_at(cells, header.index(key))):
            problems.append(
                Problem(
                    file=f"{where}!{letters[key]}{number}",
                    message=Message(
                        "the template's example row; delete it or write your own data over it"
                    ),
                    code="example_row",
                )
            )
        for index, name in columns.items():
            values[name].append(_at(cells, index))
        origins.append(f"{where} row {number}")
    if len(problems) > before:
        return None
    frame = pl.DataFrame(
        {**values, ORIGIN: origins},
        schema={**dict.fromkeys(values, pl.String()), ORIGIN: pl.String()},
    )
    return frame, letters


def _check_labels(
    where: str,
    sheet: str,
    columns: Mapping[int, str],
    labels: Sequence[Any],
    problems: list[Problem],
) -> None:
    """Row 2 must hold the label of every fixed column: it is the row the reader skips, and a
    row of data there would be lost."""
    known = LABELS[sheet]
    for index, name in columns.items():
        if name not in known:
            continue
        written = _text(_at(list(labels), index))
        accepted = {header_label(known[name], "vi"), header_label(known[name], "en")}
        if written is None or _folded(written) not in {_folded(text) for text in accepted}:
            problems.append(
                Problem(
                    file=f"{where}!{get_column_letter(index + 1)}{LABEL_ROW}",
                    message=Message(
                        "row {label_row} holds the labels of the columns and is not read; expected {label} here, got {written} (data starts on row {first_data_row})",
                        label_row=LABEL_ROW,
                        label=repr(header_label(known[name], "vi")),
                        written=repr(written),
                        first_data_row=FIRST_DATA_ROW,
                    ),
                    code="label_row",
                )
            )


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _header_cell(value: Any) -> str:
    text = _text(value)
    return "" if text is None else unicodedata.normalize("NFC", text).strip()


def _at(cells: Sequence[Any], index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _text(value: Any) -> str | None:
    """The text a CSV cell would hold for a cell's value: a number's digits (read from the
    shortest text that gives the same binary number, so ``94.5`` stays ``94.5``), a date at
    midnight as ``YYYY-MM-DD``, true/false as ``true``/``false``; an empty cell as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            return format(Decimal(repr(value)), "f")
        except InvalidOperation:  # pragma: no cover - repr of a float is always a decimal
            return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def name_cells(problems: Iterable[Problem], layouts: Layouts | None = None) -> list[Problem]:
    """``problems`` with each one that names a row of a workbook and a column of its sheet put
    at that cell: ``book.xlsx: facts row 7`` and ``rating`` become ``book.xlsx: facts!C7``
    (the column id stays as the location). ``layouts`` gives the letters of each sheet's
    columns; without it, they are read from row 1 of the workbooks named."""
    known: Layouts = dict(layouts or {})
    located = []
    for problem in problems:
        match = _ORIGIN.fullmatch(problem.file)
        if match is None or not problem.location:
            located.append(problem)
            continue
        sheet = f"{match['book']}: {match['sheet']}"
        if sheet not in known:
            known[sheet] = _letters(Path(match["book"]), match["sheet"])
        letter = known[sheet].get(problem.location)
        if letter is None:
            located.append(problem)
            continue
        cell = f"{sheet}!{letter}{match['row']}"
        located.append(attrs.evolve(problem, file=cell))
    return located


def _letters(path: Path, sheet: str) -> dict[str, str]:
    """The letter of each column id of row 1 of ``sheet``; empty when it cannot be read."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    try:
        if sheet not in book.sheetnames:
            return {}
        first = next(iter(_rows(book, sheet)), ())
    finally:
        book.close()
    return {
        _header_cell(value): get_column_letter(index + 1)
        for index, value in enumerate(first)
        if _header_cell(value)
    }
