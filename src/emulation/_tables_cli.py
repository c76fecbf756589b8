"""What the command line writes beside text: the terminal view of ``evaluate``, its
``--detail`` table, and Parquet files.

``emulation evaluate`` shows the summary of :mod:`emulation.results.view`, fitted to the width of
the terminal (``COLUMNS`` when set), unless ``--detail`` asks for the full table of reasons, and
while it reads and evaluates, a spinner on standard error when that is a terminal.
``--format parquet -o FILE`` writes the rows of the CSV form — the same columns, the same cells,
every column as text — as one Parquet table; ``evaluate`` (decisions), ``kpis``, ``standings``,
``scores`` and ``diff`` all do. Parquet is binary, so it is written only to a file named with ``-o``,
atomically and with the permissions a shell redirect would give, like every ``-o`` file.
``--format xlsx -o FILE`` writes a formatted Excel workbook the same way
(:mod:`emulation._template_cli`): ``evaluate`` its summary and decisions, ``kpis``,
``standings`` and ``scores`` the rows of their CSV form as one sheet.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable, Iterator, Sequence

import polars as pl
from rich.console import Console

from emulation import _template_cli as workbooks
from emulation._builtins.reporters import render_table
from emulation.engine import Engine
from emulation.errors import EmulationError
from emulation.i18n import Message, translator
from emulation.i18n import gettext as _
from emulation.results.evaluation import Evaluation
from emulation.results.workbook import word
from emulation.types import Language

#: The binary table format every table-writing subcommand offers.
PARQUET = "parquet"

#: JSON Lines, one decision a line: written as a stream by ``evaluate`` alone.
JSONL = "jsonl"


def add_detail_option(parser: argparse.ArgumentParser) -> None:
    """``--detail``: the full table of reasons instead of the summary view."""
    parser.add_argument(
        "--detail",
        action="store_true",
        help=_("table: every decision with its deciding reasons, instead of the summary"),
    )


@contextlib.contextmanager
def working(lang: Language) -> Iterator[None]:
    """A spinner on standard error while the block runs (reading and evaluating), when standard
    error is a terminal; nothing otherwise, so pipes, files and tests see no trace of it."""
    if not sys.stderr.isatty():
        yield
        return
    console = Console(file=sys.stderr, highlight=False)
    with console.status(translator(lang).pgettext("progress", "Reading and deciding…")):
        yield


def evaluate_formats(engine: Engine) -> list[str]:
    """The formats ``evaluate`` writes: those of the installed reporters, ``jsonl``,
    ``parquet`` and ``xlsx``."""
    return sorted({*engine.plugins.report_formats(), JSONL, PARQUET, workbooks.XLSX})


def check_evaluate_options(args: argparse.Namespace, engine: Engine) -> None:
    """Refuse a format no reporter writes, ``--detail`` beside another format than ``table``
    and ``parquet`` without ``-o`` — before anything is evaluated."""
    formats = evaluate_formats(engine)
    if args.format not in formats:
        raise EmulationError(
            Message(
                'unknown output format "{format}"; expected one of {formats}',
                format=args.format,
                formats=formats,
            )
        )
    if getattr(args, "detail", False) and args.format != "table":
        raise EmulationError(
            Message("--detail applies to --format table, not {format}", format=args.format)
        )
    _needs_file(args)


def evaluation_output(
    args: argparse.Namespace, engine: Engine, evaluation: Evaluation
) -> str | bytes:
    """What ``evaluate`` writes for ``args.format``."""
    if args.format == PARQUET:
        return parquet_of_csv(engine.plugins.render(evaluation, "csv", args.lang))
    if args.format == workbooks.XLSX:
        return workbooks.evaluation_xlsx(args, evaluation)
    if args.format == "table" and getattr(args, "detail", False):
        return render_table(evaluation, args.lang)
    return engine.plugins.render(evaluation, args.format, args.lang)


def tabular(args: argparse.Namespace, text: Callable[[argparse.Namespace], str]) -> str | bytes:
    """``text(args)``, or for ``--format parquet`` the CSV that ``text`` writes as Parquet."""
    if args.format not in (PARQUET, workbooks.XLSX):
        return text(args)
    _needs_file(args)
    as_csv = argparse.Namespace(**{**vars(args), "format": "csv"})
    if args.format == workbooks.XLSX:
        return workbooks.table_xlsx(args, text(as_csv), word(args.command, args.lang))
    return parquet_of_csv(text(as_csv))


def with_parquet(formats: Sequence[str]) -> tuple[str, ...]:
    """``formats`` and ``parquet``."""
    return (*formats, PARQUET)


def parquet_of_csv(text: str) -> bytes:
    """The CSV ``text`` (a header row, then rows) as a Parquet table: the same columns in the
    same order, every cell as text, an empty cell as an empty text."""
    frame = pl.read_csv(io.StringIO(text), infer_schema=False).fill_null("")
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _needs_file(args: argparse.Namespace) -> None:
    workbooks.check_file(args)
    if args.format == PARQUET and not getattr(args, "output", None):
        raise EmulationError(Message("--format parquet writes a binary file: name it with -o FILE"))
