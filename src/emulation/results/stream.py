"""Decisions written as they are made: JSON, JSON Lines and CSV, a few thousand subjects at a
time, never the whole population's decisions as Python objects at once.

An evaluation's output is built from *sections* — the decisions, the subjects set aside, the
standings, the score sheets, the KPIs — each a sequence of *items*: a sort key and the item's
text as the output writes it. :func:`items_of` builds them from one :class:`Evaluation`,
:data:`BATCH` subjects at a time (:meth:`Evaluation.decisions` for those subjects only);
:func:`write` writes the document of a format from the sections. An evaluation run in chunks of
whole quota groups gives, per chunk, sections sorted by the same keys; :class:`Spill` keeps each
chunk's on disk (pickled) and :func:`merged` reads them back in one ordered stream (``heapq.merge``), so
the bytes are the same whatever the chunks. The bytes are also those the ``json`` and ``csv``
reporters (:mod:`emulation._builtins.reporters`) write for the whole population.

``jsonl`` (JSON Lines) writes one decision per line, the object of the JSON document's
``decisions`` (keys sorted, compact), then one line per subject set aside: its object in
``set_aside`` with ``"outcome": "set_aside"``.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring as _string  # the C escaper of ensure_ascii=False
from pathlib import Path
from typing import IO, Any

import attrs

from emulation._builtins.reporters import subject_names
from emulation.results import columns
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.types import Language

#: The formats written as text, as a stream (``parquet``'s items are rows: see
#: :mod:`emulation.results.stream_parquet`).
STREAMED = ("csv", "json", "jsonl")

#: Subjects whose decisions are built at a time.
BATCH = 2000

#: A sort key and the text of one item (for ``parquet``, the row's typed values).
Item = tuple[tuple[Any, ...], Any]


@attrs.frozen(kw_only=True)
class Shape:
    """What an output's frame depends on: the same in every chunk of one run (it comes from
    the rulesets and the request, never from the population)."""

    period: str
    engine_version: str
    as_of: str | None
    decision_date: str | None
    #: Score sheets computed: ``score`` and ``band`` columns, a ``scores`` member.
    scored: bool
    #: An award evaluated has paths: a ``path`` column.
    routed: bool
    #: Standings ranked: a ``standings`` member.
    ranked: bool
    #: KPIs evaluated: a ``kpis`` member.
    kpis: bool


def shape_of(evaluation: Evaluation) -> Shape:
    """The :class:`Shape` of ``evaluation``'s outputs."""
    return Shape(
        period=str(evaluation.period),
        engine_version=evaluation.engine_version,
        as_of=None if evaluation.as_of is None else evaluation.as_of.isoformat(),
        decision_date=None
        if evaluation.decision_date is None
        else evaluation.decision_date.isoformat(),
        scored=bool(evaluation.sheets),
        routed=any(award.paths for award, _ in evaluation.awards),
        ranked=bool(evaluation.standings_ranked),
        kpis=bool(evaluation.kpi_specs),
    )


def sections_of(format: str, shape: Shape) -> tuple[str, ...]:
    """The sections a format writes, in the order it writes them."""
    if format == "json":
        optional = {"kpis": shape.kpis, "scores": shape.scored, "standings": shape.ranked}
        return tuple(
            name
            for name in ("decisions", "kpis", "scores", "set_aside", "standings")
            if optional.get(name, True)
        )
    return ("decisions", "set_aside")


# -- items of one evaluation ------------------------------------------------------------------


def items_of(evaluation: Evaluation, format: str, lang: Language, section: str) -> Iterator[Item]:
    """The items of ``section`` of ``evaluation`` in ``format``, sorted by their keys. An
    item of ``parquet`` holds the row's typed values (:mod:`emulation.results.columns`), not
    a text."""
    if section == "decisions":
        row = _rows(format, evaluation, lang)
        for batch in _batches(_candidates(evaluation)):
            for decision in evaluation.decisions(batch):
                yield (decision.subject, decision.award), row(decision)
    elif section == "set_aside":
        tabular = _tabular(format, evaluation)
        for item in evaluation.population.set_aside:
            data = item.to_dict(lang)
            key: tuple[Any, ...] = (item.subject, item.code, item.rows)
            if tabular is not None:
                yield key, tabular(item.subject, item.code, str(data["message"]))
            elif format == "jsonl":
                yield key, _line({**data, "outcome": "set_aside"})
            else:
                yield key, _indented(data)
    elif section == "standings":
        for standing in evaluation.standings_of():
            group = standing.group
            rank = standing.rank
            key = (standing.standings, group is None, group or "", rank is None, rank or 0)
            key += (standing.subject,)
            yield key, _indented(standing.to_dict(lang))
    elif section == "scores":
        for score in evaluation.score_results():
            yield (score.subject, score.score), _indented(score.to_dict(lang))
    elif section == "kpis":
        for index, kpi in enumerate(evaluation.kpi_results()):
            yield (index,), _indented(kpi.to_dict(lang))
    else:  # pragma: no cover - the sections are ours
        raise ValueError(f"unknown section {section!r}")


def _candidates(evaluation: Evaluation) -> list[str]:
    """Every subject with a decision, sorted."""
    ids: set[str] = set()
    kinds = {award.subject for award, _ in evaluation.awards}
    for kind in sorted(kinds):
        frame = evaluation.frames.get(kind)
        if frame is not None:
            ids.update(frame.get_column("id").to_list())
    return sorted(ids)


def _batches(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _rows(format: str, evaluation: Evaluation, lang: Language) -> Callable[[Decision], Any]:
    """What a decision's item holds in ``format``."""
    if format == "json":
        return lambda decision: _indented(decision.to_dict(lang))
    if format == "jsonl":
        return lambda decision: _line(decision.to_dict(lang))
    scored = bool(evaluation.sheets)
    routed = any(award.paths for award, _ in evaluation.awards)
    names = subject_names(evaluation)

    def values(decision: Decision) -> columns.Row:
        name = names.get(decision.subject)
        return columns.decision_values(decision, lang, name, scored=scored, routed=routed)

    if format == "parquet":
        return values
    return lambda decision: _csv_line(columns.csv_cells(values(decision)))


def _tabular(format: str, evaluation: Evaluation) -> Callable[[str, str, str], Any] | None:
    """What the item of a subject set aside holds in ``csv`` and ``parquet``; None in the
    other formats."""
    if format not in ("csv", "parquet"):
        return None
    scored = bool(evaluation.sheets)
    routed = any(award.paths for award, _ in evaluation.awards)
    names = subject_names(evaluation)
    period = str(evaluation.period)

    def values(subject: str, code: str, message: str) -> columns.Row:
        name = names.get(subject)
        return columns.set_aside_values(
            subject, name, period, code, message, scored=scored, routed=routed
        )

    if format == "parquet":
        return values
    return lambda subject, code, message: _csv_line(
        columns.csv_cells(values(subject, code, message))
    )


def _csv_line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n"


def _indented(value: dict[str, Any]) -> str:
    """``value`` as an item of a list two levels down in the JSON document: the text
    ``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)`` gives, each line
    indented by four more spaces."""
    out = ["    "]
    try:
        _encode(value, "    ", out)
    except _Unusual:
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
        # a JSON string holds no raw newline, so every line break is the layout's
        return "    " + text.replace("\n", "\n    ")
    return "".join(out)


class _Unusual(Exception):
    """A value :func:`_encode` leaves to :func:`json.dumps` (a key that is not a string, a
    type JSON does not know)."""


def _encode(value: Any, indent: str, out: list[str]) -> None:
    """Append the indented JSON of ``value`` to ``out`` as :func:`json.dumps` writes it with
    ``indent=2, sort_keys=True, ensure_ascii=False``. The standard library indents with its
    pure-Python encoder, several times slower than this, which leaves the strings to its C
    escaper; a test checks both give the same text."""
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        separator = "{\n" + inner
        # keys of other types than text are left to json.dumps (what was written is dropped)
        for key in sorted(value):
            if not isinstance(key, str):
                raise _Unusual
            item = value[key]
            # a text or null (most values) written here, without a call
            if isinstance(item, str):
                out.append(separator + _string(key) + ": " + _string(item))
            elif item is None:
                out.append(separator + _string(key) + ": null")
            else:
                out.append(separator + _string(key) + ": ")
                _encode(item, inner, out)
            separator = ",\n" + inner
        out.append("\n" + indent + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        separator = "[\n" + inner
        for item in value:
            if isinstance(item, str):
                out.append(separator + _string(item))
            else:
                out.append(separator)
                _encode(item, inner, out)
            separator = ",\n" + inner
        out.append("\n" + indent + "]")
    else:
        raise _Unusual


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


# -- writing --------------------------------------------------------------------------------


def write(
    out: IO[str],
    format: str,
    shape: Shape,
    lang: Language,
    sections: Callable[[str], Iterable[str]],
) -> None:
    """Write the ``format`` document of ``shape`` to ``out``, each section's texts taken from
    ``sections(name)`` in order."""
    if format == "json":
        _write_json(out, shape, lang, sections)
        return
    if format == "csv":
        out.write(_csv_line(columns.header(scored=shape.scored, routed=shape.routed)))
    for name in sections_of(format, shape):
        for text in sections(name):
            out.write(text)


def _write_json(
    out: IO[str], shape: Shape, lang: Language, sections: Callable[[str], Iterable[str]]
) -> None:
    """The document :func:`emulation._builtins.reporters.render_json` writes, member by
    member in the order of their sorted keys, each list item by item."""
    scalars: dict[str, str | None] = {
        "as_of": shape.as_of,
        "decision_date": shape.decision_date,
        "engine_version": shape.engine_version,
        "lang": lang,
        "period": shape.period,
    }
    lists = set(sections_of("json", shape))
    names = sorted({name for name, value in scalars.items() if value is not None} | lists)
    out.write("{")
    for position, name in enumerate(names):
        out.write(("," if position else "") + f"\n  {json.dumps(name)}: ")
        if name not in lists:
            out.write(json.dumps(scalars[name], ensure_ascii=False))
            continue
        empty = True
        for text in sections(name):
            out.write(("[\n" if empty else ",\n") + text)
            empty = False
        out.write("[]" if empty else "\n  ]")
    out.write("\n}\n")


# -- chunks ---------------------------------------------------------------------------------


class Spill:
    """The sorted items of each chunk, kept on disk in a temporary folder until merged.

    One file per chunk and section, the items pickled one after the other (our own files,
    read back by this process alone: no text is escaped twice).
    """

    def __init__(self, where: Path | None = None) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=".emulation-spill-", dir=where)
        self._files: dict[str, list[Path]] = {}

    def add(self, section: str, items: Iterable[Item]) -> None:
        """Keep one chunk's items of ``section`` (sorted by key)."""
        files = self._files.setdefault(section, [])
        path = Path(self._folder.name) / f"{section}-{len(files):06d}.pickle"
        with path.open("wb") as stream:
            for item in items:
                # one pickle an item: a pickler (and an unpickler) remembers every object it
                # has seen, which would keep the whole chunk in memory
                pickle.dump(item, stream, protocol=pickle.HIGHEST_PROTOCOL)
        files.append(path)

    def merged(self, section: str) -> Iterator[Any]:
        """Every chunk's texts of ``section``, in the order of their keys."""
        streams = [path.open("rb") for path in self._files.get(section, [])]
        try:
            readers = [_unpickled(stream) for stream in streams]
            for _, text in heapq.merge(*readers, key=_merge_key):
                yield text
        finally:
            for stream in streams:
                stream.close()

    def close(self) -> None:
        """Remove the spilled files."""
        self._folder.cleanup()


def _unpickled(stream: IO[bytes]) -> Iterator[Item]:
    while True:
        try:
            item: Item = pickle.load(stream)
        except EOFError:
            return
        yield item


def _merge_key(item: Item) -> tuple[Any, ...]:
    return item[0]
