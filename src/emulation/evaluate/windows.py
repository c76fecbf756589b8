"""Anchored windows: the periods a history or fact function may look at.

A call of ``streak``, ``count_held``, ``fact_streak`` or ``fact_count`` looks back from a last
period — this one (``anchor = "period"``) or the one before it (``anchor = "before"``: "the
three years immediately before the proposal year") — and may be bounded below, per subject:

- ``since = "bk_tinh"`` or ``since = ("hcld3", "hcld2")``: only periods that start after the
  end of the last period, before this one, for which the subject holds one of these awards
  (one achievement never earns the same award twice, Law 06/2022 Art 5(2)(c));
- ``after_discipline = "reprimand"``: only periods that start after the end of the subject's
  last discipline of that level or heavier which began by the end of the last period
  (achievements count from the end of a disciplinary period, Decree 152/2025 Art 4(4)); a
  discipline still in force leaves no period.

Periods are counted back from this one (``k = 0``, the previous one ``k = 1`` …); a bound is
the number of periods, from ``k = 0``, that start after it (:func:`allowed_frame`). The window
an anchored call used is written, per subject, in a column :func:`window_key` names, which
the explanations show beside the call's value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

import attrs
import polars as pl

from emulation.data.records import DISCIPLINE_LEVELS, RECORD_TYPES
from emulation.evaluate.collect import collect
from emulation.evaluate.columns import call_key
from emulation.evaluate.context import NoRows
from emulation.functions import Argument, BuildContext
from emulation.lang.signature import Signature, award_ids
from emulation.period import Period

#: How far back streaks look (periods); chains in the law are at most a few years long.
HORIZON = 40

#: Where a window ends: this period, or the one before it.
ANCHORS = ("period", "before")
#: The record types a history function may count (``any``: every record).
TYPES = ("any", *RECORD_TYPES)

_OPEN = dt.date(9999, 12, 31)

ANCHOR = Argument(
    name="anchor",
    kind="choice",
    choices=ANCHORS,
    default="period",
    quiet=True,
    doc="where the window ends: this period, or the one before it ('the years immediately "
    "before the proposal year')",
)
SINCE = Argument(
    name="since",
    kind="awards",
    default=(),
    quiet=True,
    doc="count only periods after the subject's last earlier holding of this award (or of "
    'any award of a tuple, ("hcld3", "hcld2"))',
)
AFTER_DISCIPLINE = Argument(
    name="after_discipline",
    kind="choice",
    choices=("none", *DISCIPLINE_LEVELS),
    default="none",
    quiet=True,
    doc="count only periods that start after the end of the subject's last discipline of "
    "this level or heavier (none: no such bound)",
)
TYPE = Argument(
    name="type",
    kind="choice",
    choices=TYPES,
    default="any",
    quiet=True,
    doc="count only history records of this type: merit (công trạng), thematic (chuyên đề), "
    "adhoc (đột xuất), service (quá trình cống hiến)",
)

#: The anchor arguments every anchored function takes, in this order.
ANCHOR_ARGUMENTS = (ANCHOR, SINCE, AFTER_DISCIPLINE)


@attrs.frozen
class Window:
    """The anchor of one call: the last period (``end`` steps back: 0 or 1) and the lower
    bounds (``since`` awards, ``after_discipline`` level, empty for none)."""

    end: int
    since: tuple[str, ...]
    after_discipline: str

    @classmethod
    def of(cls, arguments: Mapping[str, Any]) -> Window:
        return cls(
            end=ANCHORS.index(arguments.get("anchor", "period")),
            since=award_ids(arguments.get("since")),
            after_discipline=_level(arguments.get("after_discipline", "none")),
        )

    @property
    def bounded(self) -> bool:
        """Whether the window has a lower bound that depends on the subject."""
        return bool(self.since or self.after_discipline)

    @property
    def anchored(self) -> bool:
        """Whether the call differs from an unanchored one (its window is then shown)."""
        return self.bounded or self.end != 0

    def key(self) -> dict[str, Any]:
        """The arguments a column key must hold for calls with this window to be told apart."""
        if not self.anchored:
            return {}
        return {"end": self.end, "since": self.since, "after": self.after_discipline}


def _level(value: str) -> str:
    """The discipline level that bounds a window, or empty for none."""
    return "" if value == "none" else value


@functools.lru_cache(maxsize=1024)
def takes_anchor(function: Signature) -> bool:
    """Whether calls of ``function`` may be anchored (and so show their window)."""
    return any(argument is ANCHOR for argument in function.arguments)


def window_key(function: str, arguments: Mapping[str, Any]) -> str:
    """The column holding, per subject, the window a call of ``function`` with (bound)
    ``arguments`` looked at, as text (``2023–2024``)."""
    return call_key(f"{function}::window", **arguments)


@functools.lru_cache(maxsize=256)
def _starts(period: Period) -> tuple[dt.date, ...]:
    return tuple(period.back(k).start for k in range(HORIZON + 1))


@functools.lru_cache(maxsize=256)
def _names(period: Period) -> dict[int, str]:
    """The name of each period ``k`` steps back (``k = 0 … HORIZON``); not to be changed."""
    return {k: str(period.back(k)) for k in range(HORIZON + 1)}


def _period_ends(frame: pl.LazyFrame) -> pl.Expr:
    """The last day of the period of each row of ``frame`` (its ``period`` text)."""
    texts = collect(frame.select("period").unique()).get_column("period").to_list()
    ends = {text: Period.parse(text).end for text in texts}
    return pl.col("period").replace_strict(ends, default=None, return_dtype=pl.Date)


def allowed_frame(context: BuildContext, window: Window) -> pl.LazyFrame:
    """``subject, allowed``: for each subject with a lower bound, how many periods counted
    back from this one (``k = 0, 1, …``) start after it. Subjects without a bound are absent
    (every period is allowed)."""
    period = context.period
    key = ("window_allowed", period, window)

    def make() -> pl.LazyFrame:
        floors: list[pl.LazyFrame] = []
        if _unbounded(context, window):  # no query to run (one subject's usual case)
            return NoRows(schema={"subject": pl.String, "allowed": pl.Int64})
        if window.since:
            start = period.start
            held = context.population.awards.lazy().filter(
                pl.col("award").is_in(list(window.since))
            )
            floors.append(
                held.select("subject", _period_ends(held).alias("floor"))
                .filter(pl.col("floor").is_not_null() & (pl.col("floor") < start))
                .select("subject", "floor")
            )
        if window.after_discipline:
            level = window.after_discipline
            heavier = list(DISCIPLINE_LEVELS[DISCIPLINE_LEVELS.index(level) :])
            last = period.back(window.end).end
            records = context.population.discipline.lazy().filter(
                pl.col("level").is_in(heavier) & (pl.col("start") <= last)
            )
            floors.append(
                records.group_by("subject").agg(
                    pl.when(pl.col("end").is_null().any())
                    .then(pl.lit(_OPEN))
                    .otherwise(pl.col("end").max())
                    .alias("floor")
                )
            )
        floor = pl.concat(floors).group_by("subject").agg(pl.col("floor").max())
        starts = _starts(period)
        allowed = pl.sum_horizontal([(pl.col("floor") < start).cast(pl.Int64) for start in starts])
        return collect(floor.select("subject", allowed.alias("allowed"))).lazy()

    frame: pl.LazyFrame = context.memo(key, make)
    return frame


def _unbounded(context: BuildContext, window: Window) -> bool:
    """Whether no record of the population can bound a subject's window (no award history
    for ``since``, no discipline for ``after_discipline``)."""
    population = context.population
    return (not window.since or population.awards.height == 0) and (
        not window.after_discipline or population.discipline.height == 0
    )


def allowed(context: BuildContext, window: Window) -> pl.Expr:
    """Per subject, how many periods from this one back are allowed by the window's bounds."""
    key = call_key("window_allowed", **window.key())
    return context.derived(
        key,
        lambda: allowed_frame(context, window).rename({"allowed": key}),
        default=HORIZON + 1,
    )


def within(context: BuildContext, window: Window, backs: pl.LazyFrame) -> pl.LazyFrame:
    """The rows of ``backs`` (``subject, back, …``) whose period the window's bounds allow."""
    if not window.bounded:
        return backs
    bound = allowed_frame(context, window)
    return (
        backs.join(bound, on="subject", how="left")
        .filter(pl.col("back") < pl.col("allowed").fill_null(HORIZON + 1))
        .drop("allowed")
    )


def show(
    context: BuildContext,
    function: str,
    arguments: Mapping[str, Any],
    window: Window,
    length: int | None,
) -> None:
    """Ask for the column that shows, per subject, the window an anchored call used:
    ``length`` periods ending ``window.end`` steps back (None: as far back as the bounds
    allow), cut by the bounds."""
    if not window.anchored:
        return
    names = _names(context.period)
    end = window.end
    deepest = HORIZON if length is None else end + length - 1

    def text(allowed_periods: int | None) -> str:
        low = deepest if allowed_periods is None else min(deepest, allowed_periods - 1)
        if low < end:
            return "—"
        if low == end:
            return names[end]
        if allowed_periods is None and length is None:
            return f"…–{names[end]}"
        return f"{names[low]}–{names[end]}"

    key = window_key(function, arguments)

    def make() -> pl.LazyFrame:
        if not window.bounded or _unbounded(context, window):
            return NoRows(schema={"subject": pl.String, key: pl.String})
        texts = {n: text(n) for n in range(HORIZON + 2)}
        return allowed_frame(context, window).select(
            "subject",
            pl.col("allowed").replace_strict(texts, return_dtype=pl.String).alias(key),
        )

    context.derived(key, make, default=text(None))
