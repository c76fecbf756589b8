"""``emulation evaluate`` for a population of any size: read in chunks of whole quota groups,
decide each chunk, write the decisions as a stream (``json``, ``jsonl``, ``csv``, ``parquet``).

A folder of CSV or Parquet tables is scanned lazily (:mod:`emulation.data.lazy`) and read a
slice at a time. The subjects are gathered into groups that must be decided together (a unit and
its members, a cluster, shared evidence: :mod:`emulation.data.chunks`) and the groups into
chunks of at least ``--chunk-size`` subjects — for a folder from one row a unit, never a row a
person (:mod:`emulation.data.grouping`), its input then cut by chunk
(:mod:`emulation.data.partition`).
Each chunk is read, validated and decided on its own; its items are kept in a temporary folder
beside the output and merged in order at the end (:mod:`emulation.results.stream`), so the output
is byte for byte the one of a single run over the whole population, whatever the chunk size.

When the awards in force read something wider than a group — a quota or a budget over the whole
population or over the value of a fact, standings over the whole population, KPIs over the
organisation tree — the population is decided in one chunk, and a note on standard error says
why (when it is larger than a chunk). So is a population of at most one chunk, read whole as
before. A progress bar on standard error, when it is a terminal (``rich.progress``), counts the
subjects decided.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

import attrs
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from emulation._chunk_policy import group_facts, reads_up_the_tree, scopes, whole_reason
from emulation._output import write_stream_atomically
from emulation.data.chunks import chunk_of, groups, regular
from emulation.data.grouping import plan_folder, shared_links
from emulation.data.lazy import (
    LazyTables,
    ancestors,
    candidates,
    has_period,
    open_tables,
    plan_of,
    split,
)
from emulation.data.partition import partition
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.errors import DataError, EmulationError, Problem, ProblemsError
from emulation.evaluate.inputs import NO_FILE
from emulation.i18n import C_, N_, Message, interface_language, translator
from emulation.i18n import gettext as _
from emulation.period import Period
from emulation.results import columns, stream
from emulation.results.evaluation import Evaluation
from emulation.results.stream_parquet import write_parquet
from emulation.types import Language

#: Subjects per chunk unless ``--chunk-size`` says otherwise.
CHUNK_SIZE = 100_000

#: The formats ``evaluate`` writes as a stream.
STREAMED = (*stream.STREAMED, "parquet")

CHUNK_HELP = N_(
    "subjects decided at a time (default 100000), rounded up to whole quota groups "
    "(units, clusters); the output is the same whatever the size"
)
DECIDING = C_("progress", "Deciding")
NOTE_WHOLE = N_("note: deciding the {count} subjects in one chunk: {reason}")


def add_chunk_option(parser: argparse.ArgumentParser) -> None:
    """``--chunk-size N``."""
    parser.add_argument(
        "--chunk-size",
        dest="chunk_size",
        type=_positive,
        default=CHUNK_SIZE,
        metavar="N",
        help=_(CHUNK_HELP),
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            _("expected a whole number of subjects, 1 or more: {text}").format(text=repr(text))
        )
    return value


def streams(args: argparse.Namespace) -> bool:
    """Whether ``evaluate`` writes ``args.format`` as a stream."""
    return bool(args.format in STREAMED and not getattr(args, "detail", False))


# -- the run --------------------------------------------------------------------------------


@attrs.define
class _Run:
    args: argparse.Namespace
    engine: Engine
    period: Period
    parameters: dict[str, str]
    warnings: list[Problem] = attrs.field(factory=list)
    #: Decided in chunks: a chunk without candidates says nothing of the whole.
    chunked: bool = False

    def decide(self, population: Population) -> Evaluation:
        evaluation = self.engine.evaluate(
            population,
            self.period,
            self.args.awards,
            parameters=self.parameters,
            as_of=self.args.as_of,
            decision_date=self.args.decision_date,
        )
        for warning in evaluation.warnings:
            if self.chunked and warning.code == "no_candidates":
                continue
            # a population read from a file with no row names no file: name the one given
            if warning.file == NO_FILE:
                warning = attrs.evolve(warning, file=str(self.args.data))
            if warning not in self.warnings:
                self.warnings.append(warning)
        return evaluation

    def report_warnings(self) -> None:
        if self.args.strict and self.warnings:
            raise ProblemsError(self.warnings)
        for warning in self.warnings:
            line = _("warning: {warning}").format(warning=warning.translated(interface_language()))
            print(f"emulation: {line}", file=sys.stderr)


def run(args: argparse.Namespace, engine: Engine, parameters: dict[str, str]) -> int:
    """``emulation evaluate`` with a streamed format; returns the exit status."""
    period = Period.parse(args.period)
    if args.output is not None and not args.output.parent.is_dir():
        # said before anything is read, naming the output as written (not a temporary file)
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(args.output))
    job = _Run(args, engine, period, parameters)
    reason = whole_reason(engine.rulesets_for(period, args.awards), args.awards)
    scratch = args.output.parent if args.output else None
    with (
        _Progress(args.lang) as progress,
        tempfile.TemporaryDirectory(prefix=".emulation-parts-", dir=scratch) as folder,
    ):
        tables = None if reason else open_tables(args.data)
        whole: Population | None = None
        if tables is not None:
            # the plan and the cut from the units: no row a person is held
            count, cut = _cut_folder(engine, period, args, tables, Path(folder))
        else:
            whole = engine.read_population(args.data)
            count, cut = _cut_whole(engine, period, args, whole, reason)
        if cut is None:
            population = whole if whole is not None else engine.read_population(args.data)
            progress.start(count)
            evaluation = job.decide(population)
            progress.advance(count)
            job.report_warnings()
            shape = stream.shape_of(evaluation)
            _emit(args, shape, lambda s: _texts(evaluation, args.format, args.lang, s))
            return 0
        progress.start(count)
        read, total = cut
        _chunked(job, read, total, progress)
    return 0


#: How to read each chunk (its ids and population), and the number of chunks.
_Cut = tuple[Callable[[int], tuple[pl.Series, Population]], int]


def _cut_folder(
    engine: Engine, period: Period, args: argparse.Namespace, tables: LazyTables, folder: Path
) -> tuple[int, _Cut | None]:
    """The number of subjects of a folder, and its chunks (None: read it whole)."""
    rulesets = engine.rulesets_for(period, args.awards)
    clusters = "cluster" in scopes(rulesets, args.awards)
    plan = plan_folder(tables, folder / "plan", clusters=clusters)
    if plan.count <= args.chunk_size or not plan.regular():
        return plan.count, None  # small, or read whole: its validation names every problem
    facts = tables.tables["facts"]
    if not has_period(facts, period):
        return plan.count, None  # nothing to decide: read whole, to warn as a whole run does
    deep = reads_up_the_tree(rulesets, args.awards)
    decided = candidates(facts, plan.collectives, period) if deep else None
    shared = shared_links(tables, group_facts(rulesets, args.awards), folder / "plan")
    chunks = plan.chunks(shared, deep=deep, candidates=decided, size=args.chunk_size)
    if chunks.get_column("chunk").max() in (None, 0):
        return plan.count, None
    total = chunks.get_column("chunk").n_unique()
    # the input once more, cut by chunk: each chunk is then read from its own files
    return plan.count, (partition(tables, plan, chunks, folder / "cut").population, total)


def _cut_whole(
    engine: Engine,
    period: Period,
    args: argparse.Namespace,
    whole: Population,
    reason: Message | None,
) -> tuple[int, _Cut | None]:
    """The number of subjects of a population in memory, and its chunks (None: one)."""
    rulesets = engine.rulesets_for(period, args.awards)
    subjects, shared = plan_of(whole, group_facts(rulesets, args.awards))
    count = subjects.height
    if reason and count > args.chunk_size:
        lang = interface_language()
        line = _(NOTE_WHOLE).format(count=count, reason=reason.translated(lang))
        print(f"emulation: {line}", file=sys.stderr)
    chunks = None if reason else _chunks(engine, period, args, subjects, shared, whole.facts.lazy())
    if chunks is None or chunks.get_column("chunk").max() in (None, 0):
        return count, None
    return count, (_splitter(whole, subjects, chunks), chunks.get_column("chunk").n_unique())


def _splitter(
    whole: Population, subjects: pl.DataFrame, chunks: pl.DataFrame
) -> Callable[[int], tuple[pl.Series, Population]]:
    """The ids and population of each chunk of a population in memory (the JSON form)."""

    def read(chunk: int) -> tuple[pl.Series, Population]:
        ids = chunks.filter(pl.col("chunk") == chunk).get_column("id")
        return ids, split(whole, ids, ancestors(subjects, ids))

    return read


def _chunked(
    job: _Run,
    read: Callable[[int], tuple[pl.Series, Population]],
    total: int,
    progress: _Bar,
) -> None:
    """Decide chunk by chunk (``read(n)``: the ids and population of chunk ``n`` of
    ``total``), keep each chunk's items on disk, write them merged. A chunk whose data are bad
    is skipped and the others read on, so that the run names the problems of every chunk, as a
    whole run does, before it stops."""
    args = job.args
    job.chunked = True
    format = args.format
    spill = stream.Spill(args.output.parent if args.output else None)
    problems: list[Problem] = []
    try:
        shape: stream.Shape | None = None
        for index in range(total):
            try:
                ids, population = read(index)
            except DataError as error:
                problems += [p for p in error.problems if p not in problems]
                continue
            if problems:
                progress.advance(ids.len())
                continue  # the run stops anyway: only read on
            evaluation = job.decide(population)
            found = stream.shape_of(evaluation)
            if shape is not None and found != shape:  # pragma: no cover - plan-level
                raise EmulationError("the chunks of one run were decided differently")
            shape = found
            for section in stream.sections_of(format, shape):
                spill.add(section, stream.items_of(evaluation, format, args.lang, section))
            del evaluation, population
            progress.advance(ids.len())
        if problems:
            raise DataError(problems)
        job.report_warnings()
        assert shape is not None
        _emit(args, shape, spill.merged)
    finally:
        spill.close()


def _chunks(
    engine: Engine,
    period: Period,
    args: argparse.Namespace,
    subjects: pl.DataFrame,
    shared: pl.DataFrame,
    facts: pl.LazyFrame,
) -> pl.DataFrame | None:
    """``id, chunk`` of every subject, or None when the population is one chunk."""
    if subjects.height <= args.chunk_size or subjects.get_column("id").null_count():
        return None
    if not regular(subjects):
        return None  # read whole: its validation names every problem
    if not has_period(facts, period):
        return None  # nothing to decide: read whole, to warn as a whole run does
    rulesets = engine.rulesets_for(period, args.awards)
    deep = reads_up_the_tree(rulesets, args.awards)
    decided = candidates(facts, subjects, period) if deep else None
    clusters = "cluster" in scopes(rulesets, args.awards)
    grouped = groups(subjects, shared, deep=deep, candidates=decided, clusters=clusters)
    return chunk_of(grouped, args.chunk_size)


def _texts(evaluation: Evaluation, format: str, lang: Any, section: str) -> Iterator[Any]:
    for _key, text in stream.items_of(evaluation, format, lang, section):
        yield text


def _emit(
    args: argparse.Namespace,
    shape: stream.Shape,
    sections: Callable[[str], Iterable[Any]],
) -> None:
    """Write the output: to the ``-o`` file atomically, or to standard output."""

    def text(out: IO[str]) -> None:
        stream.write(out, args.format, shape, args.lang, sections)

    if args.format == "parquet":
        header = columns.header(scored=shape.scored, routed=shape.routed)

        def fill(target: BinaryIO, _: Path) -> None:
            with tempfile.TemporaryDirectory(
                prefix=".emulation-spill-", dir=args.output.parent
            ) as folder:
                write_parquet(target, header, sections, Path(folder))

        write_stream_atomically(args.output, fill)
    elif args.output:

        def fill_text(target: BinaryIO, _: Path) -> None:
            out = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=False)
            text(out)
            out.flush()
            out.detach()

        write_stream_atomically(args.output, fill_text)
    else:
        text(sys.stdout)


class _Bar:
    """The progress bar, or nothing when standard error is not a terminal."""

    def __init__(self, progress: Progress | None, label: str) -> None:
        self.progress = progress
        # no total yet: a pulsing bar while the input is read
        self.task = None if progress is None else progress.add_task(label, total=None)

    def start(self, total: int) -> None:
        """The number of subjects to decide, once known."""
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, total=total)

    def advance(self, count: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, count)


class _Progress:
    def __init__(self, lang: Language) -> None:
        self.lang = lang
        self.progress: Progress | None = None

    def __enter__(self) -> _Bar:
        label = translator(self.lang).pgettext("progress", DECIDING)
        if sys.stderr.isatty():
            console = Console(file=sys.stderr, highlight=False)
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self.progress.start()
        return _Bar(self.progress, label)

    def __exit__(self, *_: object) -> None:
        if self.progress is not None:
            self.progress.stop()
