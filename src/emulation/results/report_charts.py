"""The charts of the HTML report (:mod:`emulation.results.report`), drawn as SVG text.

Each chart is drawn on the server by `Matplotlib <https://matplotlib.org>`_ and inlined in the
report as an ``<svg>`` element, so the report loads nothing at view time and runs no script.
Matplotlib writes the same bytes for the same chart when its hash salt is fixed and the date
left out, as :func:`_svg` does; text stays text (``svg.fonttype = none``), escaped by Matplotlib,
so a name from the input is never read as markup, and never as mathematics (``parse_math``
off). Every ``id`` of a chart is prefixed with the chart's own id, so that the charts of one
page share none, and each bar (or target mark) carries an id of its own —
``<chart>-bar-<n>`` — that tests and style sheets can find.

Values are drawn from exact decimals turned into floats: a chart only places bars, the tables
beside it show the exact numbers.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import matplotlib
from matplotlib.figure import Figure

#: The colour of each outcome in the charts (granted green, not eligible grey), chosen to
#: stay apart for readers with the common colour-vision deficiencies.
OUTCOME_COLOURS: Mapping[str, str] = {
    "granted": "#1b7837",
    "eligible_over_quota": "#7fbf7b",
    "eligible_over_budget": "#d9f0d3",
    "tied": "#e08214",
    "blocked": "#762a83",
    "data_missing": "#c2a5cf",
    "not_eligible": "#bababa",
}

#: The colours of a KPI that is met, not met or unknown, of its target mark, and of a
#: standings bar.
KPI_COLOURS: Mapping[str, str] = {
    "met": "#1b7837",
    "not_met": "#b2182b",
    "data_missing": "#c2a5cf",
}
TARGET_COLOUR = "#000000"
STANDING_COLOUR = "#2166ac"

#: The Matplotlib settings every chart is drawn with: text as text, a fixed hash salt (the
#: clip-path ids are hashes), a font Matplotlib ships (its metrics lay the chart out) with the
#: browser's own sans-serif behind it.
_RC: dict[Any, Any] = {  # keys typed by Matplotlib as literals
    "svg.fonttype": "none",
    "svg.hashsalt": "emulation-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

#: Inches per bar row, and the least height of a chart.
_ROW, _MIN_HEIGHT, _WIDTH = 0.3, 1.6, 7.5


@attrs.frozen(kw_only=True)
class Bar:
    """One bar of a standings or KPI chart: its label, its value (None: unknown, no bar), the
    text written at its end, and for a KPI its target and outcome."""

    label: str
    value: Decimal | None
    text: str
    target: Decimal | None = None
    outcome: str | None = None


def counts_chart(
    chart_id: str,
    awards: Sequence[tuple[str, Mapping[str, int]]],
    outcomes: Sequence[tuple[str, str]],
    axis: str,
) -> str:
    """Stacked horizontal bars: one row per award (``(label, {outcome: count})``, drawn top
    to bottom), one segment per outcome of ``outcomes`` (``(outcome, label)``, in order) that
    the award has; the legend names the outcomes. A segment's id ends ``bar-<row>-<outcome>``."""
    figure, axes = _figure(len(awards))
    rows = list(range(len(awards)))
    left = [0] * len(awards)
    for outcome, label in outcomes:
        widths = [counts.get(outcome, 0) for _, counts in awards]
        bars = axes.barh(rows, widths, left=left, color=OUTCOME_COLOURS[outcome], label=label)
        for row, (bar, width) in enumerate(zip(bars, widths, strict=True)):
            if width:
                bar.set_gid(f"bar-{row}-{outcome}")
            else:
                bar.remove()
        left = [a + b for a, b in zip(left, widths, strict=True)]
    _rows(axes, [label for label, _ in awards])
    axes.set_xlabel(axis, parse_math=False)
    axes.xaxis.get_major_locator().set_params(integer=True)
    legend = figure.legend(
        loc="outside lower center", ncols=min(3, max(1, len(outcomes))), frameon=False
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
    return _svg(figure, chart_id)


def bars_chart(
    chart_id: str, bars: Sequence[Bar], axis: str, percent: bool = False, ticks: bool = True
) -> str:
    """Horizontal bars, the first on top: a standings (values, or places when nothing is
    measured: then ``ticks`` is off, the lengths meaning only the order) or a KPI (shares in
    percent, coloured by outcome, each target a black mark, id ``target-<n>``). A bar whose
    value is unknown is not drawn; its text says ∅."""
    figure, axes = _figure(len(bars))
    scale = Decimal(100) if percent else Decimal(1)
    for row, bar in enumerate(bars):
        colour = KPI_COLOURS.get(bar.outcome or "", STANDING_COLOUR)
        if bar.value is not None:
            (drawn,) = axes.barh([row], [float(bar.value * scale)], color=colour)
            drawn.set_gid(f"bar-{row}")
        if bar.target is not None:
            target = float(bar.target * scale)
            (mark,) = axes.plot([target, target], [row - 0.42, row + 0.42], color=TARGET_COLOUR)
            mark.set_gid(f"target-{row}")
    end = max([float((b.value or 0) * scale) for b in bars] + [1.0])
    for row, bar in enumerate(bars):
        where = float((bar.value or 0) * scale)
        axes.text(where + end * 0.01, row, bar.text, va="center", parse_math=False)
    axes.set_xlim(0, end * 1.18)
    _rows(axes, [bar.label for bar in bars])
    axes.set_xlabel(axis, parse_math=False)
    if not ticks:
        axes.set_xticks([])
    return _svg(figure, chart_id)


def _figure(rows: int) -> tuple[Figure, Any]:
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(_WIDTH, max(_MIN_HEIGHT, 0.8 + _ROW * rows)), layout="constrained")
        return figure, figure.subplots()


def _rows(axes: Any, labels: Sequence[str]) -> None:
    """The bars' labels on the left, the first row on top."""
    axes.set_yticks(list(range(len(labels))), [_short(label) for label in labels], parse_math=False)
    axes.set_ylim(len(labels) - 0.5, -0.5)


def _short(label: str, most: int = 48) -> str:
    """A label cut to ``most`` characters with "…" (the tables beside give it whole)."""
    return label if len(label) <= most else label[: most - 1] + "…"


#: What stands before the ``<svg`` element (the XML declaration and the DOCTYPE), dropped
#: when the SVG is inlined in HTML.
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_IDS = re.compile(r'(\bid="|url\(#|xlink:href="#)([^")]+)')


def _svg(figure: Figure, chart_id: str) -> str:
    """The figure as an inline ``<svg>`` element, every id prefixed with ``chart_id``.

    A character the layout font lacks (a Chinese name, an emoji) only makes Matplotlib measure
    it roughly: the browser draws the text with the reader's fonts. Its warning is not shown."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    text = _IDS.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", text)
    return text.replace("<svg ", f'<svg role="img" id="{chart_id}" ', 1).strip()
