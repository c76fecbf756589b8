"""The terminal view of an evaluation: a summary that fits the width it is given.

``emulation evaluate`` shows this by default (``--detail`` gives the full table of reasons,
:func:`emulation._builtins.reporters.render_table`). The view has, in this order:

- the period, how many subjects and decisions, and the counts by outcome in the order of
  :data:`OUTCOME_ORDER` — granted first, not eligible last;
- one row per award, keyed A, B, C …, with the count of each outcome (the outcomes shown as
  marks, :data:`MARKS`);
- one row per subject with the mark of its outcome under each award's key, a *near miss* (not
  eligible with exactly one criterion failed, nothing unknown) marked :data:`NEAR_MARK`, and
  the legend of the marks;
- the inputs the ``data_missing`` decisions need, with how many decisions need each;
- the subjects set aside, the score sheets, the standings and the KPIs when there are any.

Tables are drawn by `rich <https://rich.readthedocs.io>`_, which measures text in terminal cells
(a Vietnamese letter with its marks is one cell, a wide character two) and wraps a cell's text
within its column, so no line is longer than the width. Every text is put in NFC first, so a name
typed in decomposed Unicode measures and aligns like the same name composed.
"""

from __future__ import annotations

import io
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from emulation.messages import outcome_label, percent
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.results.kpi import KPI_OUTCOME_LABELS
from emulation.results.text import show
from emulation.results.view_words import WORDS as _WORDS
from emulation.types import Language

#: Outcomes in the order people read them: what is granted first, what is not last.
OUTCOME_ORDER = (
    "granted",
    "eligible_over_quota",
    "eligible_over_budget",
    "tied",
    "blocked",
    "data_missing",
    "not_eligible",
)

#: One mark per outcome, one terminal cell each.
MARKS = {
    "granted": "✓",
    "eligible_over_quota": "+",
    "eligible_over_budget": "$",
    "tied": "=",
    "blocked": "‖",
    "data_missing": "?",
    "not_eligible": "·",
}

#: The mark of a near miss (not eligible, exactly one criterion failed).
NEAR_MARK = "*"

#: The narrowest width the view is drawn in.
MIN_WIDTH = 20

#: The width used when none is given and the terminal's cannot be known.
DEFAULT_WIDTH = 80


def terminal_width() -> int:
    """The width of the terminal in cells: ``COLUMNS`` when set, else the terminal's own, else
    :data:`DEFAULT_WIDTH`."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (composed), as it is measured and shown."""
    return unicodedata.normalize("NFC", text)


def cells(text: str) -> int:
    """The width of ``text`` in terminal cells, after NFC normalisation."""
    return cell_len(nfc(text))


def pad(text: str, width: int) -> str:
    """``text`` (in NFC) padded with spaces to ``width`` terminal cells."""
    text = nfc(text)
    return text + " " * max(0, width - cell_len(text))


def near_miss(decision: Decision) -> bool:
    """Not eligible with exactly one criterion failed, none unknown and no exclusion holding."""
    if decision.outcome != "not_eligible":
        return False
    failed = [c for c in decision.criteria if c.role == "criterion" and c.value is False]
    unknown = any(c.value is None for c in decision.criteria)
    excluded = any(c.role == "exclusion" and c.value is True for c in decision.criteria)
    return len(failed) == 1 and not unknown and not excluded


def outcome_counts(decisions: Iterable[Decision]) -> list[tuple[str, int]]:
    """``(outcome, count)`` for every outcome that occurs, in :data:`OUTCOME_ORDER`."""
    counts: Counter[str] = Counter(decision.outcome for decision in decisions)
    return [(outcome, counts[outcome]) for outcome in OUTCOME_ORDER if counts[outcome]]


def packed(items: Sequence[str], separator: str, width: int) -> str:
    """``items`` joined by ``separator`` in lines of at most ``width`` cells, a line broken only
    between items (an item wider than the width alone on its line, wrapped by rich)."""
    lines: list[str] = []
    for item in (nfc(item) for item in items):
        joined = f"{lines[-1]}{separator}{item}" if lines else item
        if lines and cells(joined.rstrip()) <= width:
            lines[-1] = joined
        else:
            if lines:
                lines[-1] = lines[-1] + separator.rstrip()
            lines.append(item)
    return "\n".join(lines)


def award_keys(count: int) -> list[str]:
    """Short column keys for ``count`` awards: A, B … Z, then AA, AB …"""
    letters = [chr(ord("A") + i) for i in range(26)]
    keys = list(letters)
    for first in letters:
        if len(keys) >= count:
            break
        keys += [first + second for second in letters]
    return keys[:count]


def render_view(evaluation: Evaluation, lang: Language, width: int = DEFAULT_WIDTH) -> str:
    """The summary of ``evaluation`` in ``lang``, no line longer than ``width`` cells."""
    words = _WORDS[lang]
    decisions = list(evaluation.decisions())
    names = {
        key: nfc(value or "")
        for key, value in evaluation.population.subjects.select("id", "name").iter_rows()
    }
    counts = outcome_counts(decisions)
    width = max(width, MIN_WIDTH)
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
    )
    subjects = sorted({d.subject for d in decisions})
    head = f"{words['period']}: {evaluation.period} · {len(subjects)} {words['subjects']} · "
    head += f"{len(decisions)} {words['decisions']}"
    console.print(Text(head))
    tally = [f"{outcome_label(o, lang)}: {n}" for o, n in counts] or [words["none"]]
    console.print(Text(packed(tally, " · ", width)))
    labels = {d.award: d.award_label.get(lang) for d in decisions}
    awards = sorted(labels, key=lambda a: (nfc(labels[a]), a))
    keys = dict(zip(awards, award_keys(len(awards)), strict=True))
    present = [outcome for outcome, _ in counts]
    if decisions:  # with none, the counts line says so and there is nothing to tabulate
        sections = [
            (words["by_award"], _by_award(decisions, awards, keys, labels, present, lang)),
            (words["matrix"], _matrix(decisions, subjects, awards, keys, names, lang, width)),
        ]
        for title, table in sections:
            console.print(Text("\n" + nfc(title)))
            console.print(table)
        legend = [f"{MARKS[o]} {outcome_label(o, lang)}" for o in present]
        if any(near_miss(d) for d in decisions):
            legend.append(f"{NEAR_MARK} {words['near_mark']}")
        legend[0] = f"{words['legend']}: {legend[0]}"
        console.print(Text(packed(legend, "; ", width)))
    sections = []
    missing = _missing(decisions)
    if missing:
        sections.append((words["missing"], _missing_table(missing, lang)))
    if evaluation.population.set_aside:
        sections.append((words["set_aside"], _set_aside(evaluation, lang)))
    if evaluation.sheets:
        sections.append((words["sheets"], _sheets(evaluation, lang)))
    if evaluation.standings_ranked:
        sections += _standings(evaluation, names, lang)
    sections += _kpis(evaluation, lang)
    for title, table in sections:
        console.print(Text("\n" + nfc(title)))
        console.print(table)
    console.print(Text("\n" + words["more"]))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "".join(line.rstrip() + "\n" for line in output.splitlines())


def _table(headers: Sequence[str], *, right: Sequence[int] = ()) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    for index, header in enumerate(headers):
        table.add_column(
            Text(nfc(header)),
            justify="right" if index in right else "left",
            overflow="fold",
        )
    return table


def _row(table: Table, cells_: Iterable[str]) -> None:
    table.add_row(*(Text(nfc(cell)) for cell in cells_))


def _by_award(
    decisions: Sequence[Decision],
    awards: Sequence[str],
    keys: dict[str, str],
    labels: dict[str, str],
    present: Sequence[str],
    lang: Language,
) -> Table:
    words = _WORDS[lang]
    headers = ["", words["award"], *(MARKS[o] for o in present), words["total"]]
    table = _table(headers, right=range(2, len(headers)))
    per_award: dict[str, Counter[str]] = {award: Counter() for award in awards}
    for decision in decisions:
        per_award[decision.award][decision.outcome] += 1
    for award in awards:
        row = per_award[award]
        _row(
            table,
            [
                keys[award],
                f"{labels[award]} ({award})",
                *(str(row[o]) if row[o] else "" for o in present),
                str(sum(row.values())),
            ],
        )
    return table


def _matrix(
    decisions: Sequence[Decision],
    subjects: Sequence[str],
    awards: Sequence[str],
    keys: dict[str, str],
    names: dict[str, str],
    lang: Language,
    width: int,
) -> Table:
    """One row per subject, one column per award (headed by its key), the outcome's mark."""
    words = _WORDS[lang]
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        padding=0,
    )
    # the ids whole, the marks one cell (a key of two letters, two) and a space between
    # columns; the names take what is left and are cut with "…" when longer
    longest = max([cells(words["subject"]), *(cells(subject) for subject in subjects)])
    marks_width = sum(len(keys[award]) + 1 for award in awards)
    name_width = max(cells(words["name"]) // 2, width - longest - 1 - marks_width)
    table.add_column(Text(words["subject"]), no_wrap=True, min_width=longest)
    table.add_column(Text(words["name"]), no_wrap=True, overflow="ellipsis", max_width=name_width)
    for award in awards:
        table.add_column(Text(keys[award]), justify="center", no_wrap=True, min_width=1)
    marks = {
        (d.subject, d.award): NEAR_MARK if near_miss(d) else MARKS[d.outcome] for d in decisions
    }
    for subject in subjects:
        _row(
            table,
            [
                subject,
                names.get(subject, ""),
                *(marks.get((subject, award), "") for award in awards),
            ],
        )
    return table


def _missing(decisions: Sequence[Decision]) -> list[tuple[str, int]]:
    """The inputs the ``data_missing`` decisions need, with how many decisions need each."""
    needed: Counter[str] = Counter()
    for decision in decisions:
        if decision.outcome != "data_missing":
            continue
        names = {
            name.strip()
            for reason in decision.reasons
            for name in dict(reason.params).get("missing", "").split(";")
        } - {""}
        needed.update(names)
    return sorted(needed.items(), key=lambda item: (-item[1], item[0]))


def _missing_table(missing: Sequence[tuple[str, int]], lang: Language) -> Table:
    words = _WORDS[lang]
    table = _table([words["input"], words["count"]], right=(1,))
    for name, count in missing:
        _row(table, [name, str(count)])
    return table


def _set_aside(evaluation: Evaluation, lang: Language) -> Table:
    words = _WORDS[lang]
    table = _table([words["subject"], words["note"]])
    for item in evaluation.population.set_aside:
        _row(table, [item.subject, str(item.to_dict(lang)["message"])])
    return table


def _sheets(evaluation: Evaluation, lang: Language) -> Table:
    words = _WORDS[lang]
    table = _table([words["subject"], words["sheet"], words["points"], words["band"]], right=(2,))
    for result in evaluation.score_results():
        total = "∅" if result.total is None else show(result.total)
        band = "∅" if result.band_label is None else result.band_label.get(lang)
        _row(table, [result.subject, result.score, total, band])
    return table


def _standings(
    evaluation: Evaluation, names: dict[str, str], lang: Language
) -> list[tuple[str, Table]]:
    """One table per standings and group: rank, subject (``= id`` for a tie) and name."""
    words = _WORDS[lang]
    blocks: dict[tuple[str, str | None], tuple[str, Table]] = {}
    for item in evaluation.standings_of():
        key = (item.standings, item.group)
        if key not in blocks:
            title = f"{item.label.get(lang)} — {words['group']} {item.group or '—'}"
            title += f" ({item.group_size})"
            table = _table([words["rank"], words["subject"], words["name"]], right=(0,))
            blocks[key] = (title, table)
        tied = f" (= {', '.join(item.tied_with)})" if item.tied_with else ""
        _row(blocks[key][1], [str(item.rank), item.subject + tied, names.get(item.subject, "")])
    return list(blocks.values())


def _kpis(evaluation: Evaluation, lang: Language) -> list[tuple[str, Table]]:
    words = _WORDS[lang]
    tables = []
    for kpi, _ in evaluation.kpi_specs:
        title = f"{words['kpis']}: {kpi.label.get(lang)} ({kpi.id})"
        headers = [words["node"], words["name"], words["share"], words["target"], words["outcome"]]
        table = _table(headers)
        for result in evaluation.kpi_results(kpi.id):
            value = "∅" if result.value is None else percent(str(result.value), lang)
            target = "∅" if result.target is None else percent(str(result.target), lang)
            _row(
                table,
                [
                    result.node,
                    result.node_name or "",
                    f"{value} ({result.numerator}/{result.denominator})",
                    target,
                    KPI_OUTCOME_LABELS[result.outcome].get(lang),
                ],
            )
        tables.append((title, table))
    return tables
