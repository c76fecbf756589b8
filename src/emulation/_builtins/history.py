"""Built-in plugin: functions over earlier periods — award chains, streaks and windows.

History is read from the population's ``awards`` records (awards already held) and, for the
current period, from the decision of the same evaluation when the award is decided in it.
:meth:`emulation.Engine.evaluate_periods` adds each period's granted awards to the history of
the next, so awards granted by the engine earlier in a run count. A missing period breaks a
streak; so does a lower rating.

History records carry a type (merit, thematic, ad-hoc, service); every history function may
count only one type (``type = "merit"``). The streak and count functions take an anchor and
lower bounds (:mod:`emulation.evaluate.windows`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from emulation.errors import EvaluationError
from emulation.evaluate.columns import call_key
from emulation.evaluate.context import NoRows
from emulation.evaluate.windows import (
    ANCHOR_ARGUMENTS,
    HORIZON,
    TYPE,
    Window,
    allowed,
    show,
    within,
)
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.period import Period, period_start_date


def _back_index(context: BuildContext, horizon: int) -> pl.Expr:
    """Map the text of a period ``k`` steps back (1 ≤ k ≤ horizon) to ``k``; others to null."""
    return _steps_back(context.period, horizon)


@functools.lru_cache(maxsize=256)
def _steps_back(period: Period, horizon: int) -> pl.Expr:
    """The expression of :func:`_back_index`, built once per period and horizon (it reads
    only them; building its mapping is most of what a call costs for a few subjects)."""
    mapping = {str(period.back(k)): k for k in range(1, horizon + 1)}
    return pl.col("period").replace_strict(mapping, default=None, return_dtype=pl.Int64)


@functools.lru_cache(maxsize=256)
def _earlier(period: Period) -> frozenset[str]:
    """The names of the periods 1 to ``HORIZON`` steps before ``period``."""
    return frozenset(str(period.back(k)) for k in range(1, HORIZON + 1))


#: The schema of the frame of each derived column made from the award history, by column key
#: and the history's schema (the types of a frame depend on nothing else): kept so that a
#: population without history builds no query at all for it.
_SCHEMAS: dict[tuple[object, ...], pl.Schema] = {}


def _from_history(context: BuildContext, key: str, make: Callable[[], pl.LazyFrame]) -> Any:
    """``make`` of the column ``key``, giving a frame with no row (no query to run) when the
    population holds no award history: every frame made here reads its rows from it."""

    def made() -> pl.LazyFrame:
        awards = context.population.awards
        if awards.height > 0:
            return make()
        shape = (key, tuple(awards.schema.items()))
        schema = _SCHEMAS.get(shape)
        if schema is None:
            if len(_SCHEMAS) > 4096:  # bounded (keys come from the rulesets, few in practice)
                _SCHEMAS.clear()
            schema = _SCHEMAS[shape] = make().collect_schema()
        return NoRows(schema=schema)

    return made


def _no_earlier_facts(context: BuildContext, fact: str) -> bool:
    """Whether no facts row can be read for ``fact`` in a period before this one."""
    population = context.population
    if fact not in population.facts.columns:
        return True
    return _earlier(context.period).isdisjoint(population.periods())


def _typed(kind: str) -> dict[str, str]:
    """The ``type`` argument, for a column key, when it filters anything."""
    return {} if kind == "any" else {"type": kind}


def _records(
    context: BuildContext, award: str | tuple[str, ...], kind: str = "any"
) -> pl.LazyFrame:
    """The history records of ``award`` (or of any award of a tuple), of type ``kind``
    (``any``: all)."""
    awards = context.population.awards.lazy()
    if isinstance(award, str):
        records = awards.filter(pl.col("award") == award)
    else:
        records = awards.filter(pl.col("award").is_in(list(award)))
    return records if kind == "any" else records.filter(pl.col("type") == kind)


def _held_back(
    context: BuildContext, award: str | tuple[str, ...], horizon: int = HORIZON, kind: str = "any"
) -> pl.LazyFrame:
    """``subject, back`` for every earlier period in which ``award`` (of type ``kind``) is
    held."""
    records = _records(context, award, kind)
    return (
        records.with_columns(_back_index(context, horizon).alias("back"))
        .filter(pl.col("back").is_not_null())
        .select("subject", "back")
        .unique()
    )


#: Step back ``k`` as bit ``k - 1`` of one integer (``HORIZON`` < 63: an Int64 holds them).
_BITS = {k: 1 << (k - 1) for k in range(1, HORIZON + 1)}


def _streak_of(backs: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """``subject, key``: how many consecutive steps back from 1 appear in ``backs``.

    The steps of a subject are or-ed as bits of one integer, and the streak is its trailing
    ones: one plain aggregation per subject, not a sort and a per-subject expression (three
    times cheaper over a five-year history)."""
    bit = pl.col("back").replace_strict(_BITS, default=None, return_dtype=pl.Int64)
    return (
        backs.select("subject", bit.alias("bit"))
        .filter(pl.col("bit").is_not_null())
        .group_by("subject")
        .agg(pl.col("bit").bitwise_or())
        .select("subject", pl.col("bit").bitwise_trailing_ones().cast(pl.Int64).alias(key))
    )


def held_now(context: BuildContext, award: str, kind: str = "any") -> pl.Expr:
    """True/false/unknown: is ``award`` held in the evaluation period? A decision of the same
    evaluation counts when ``kind`` is ``any`` or the award's history type; otherwise records
    of type ``kind`` are read from the history."""
    outcome = context.outcome(award)
    if outcome is not None and kind in ("any", context.history_type(award)):
        return pl.when(outcome == "data_missing").then(None).otherwise(outcome == "granted")
    period = str(context.period)
    key = call_key("held_now", award=award, **_typed(kind))

    def make() -> pl.LazyFrame:
        records = _records(context, award, kind).filter(pl.col("period") == period)
        return records.select("subject").unique().with_columns(pl.lit(True).alias(key))

    return context.derived(key, _from_history(context, key, make), default=False)


def _held(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, back, kind = arguments["award"], arguments["back"], arguments["type"]
    key = call_key("held", award=award, back=back, **_typed(kind))

    def make() -> pl.LazyFrame:
        found = _held_back(context, award, back, kind).filter(pl.col("back") == back)
        return found.select("subject").with_columns(pl.lit(True).alias(key))

    return context.derived(key, _from_history(context, key, make), default=False)


def _held_before(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, kind = arguments["award"], arguments["type"]
    start = context.period.start
    key = call_key("held_before", award=award, **_typed(kind))

    def make() -> pl.LazyFrame:
        records = _records(context, award, kind)
        began = period_start_date("period")
        return (
            records.filter(began < pl.lit(start))
            .select("subject")
            .unique()
            .with_columns(pl.lit(True).alias(key))
        )

    return context.derived(key, _from_history(context, key, make), default=False)


def _bounded(context: BuildContext, window: Window, value: pl.Expr) -> pl.Expr:
    """A streak ``value`` cut to the periods the window's bounds allow (0 when none)."""
    if not window.bounded:
        return value
    room = (allowed(context, window) - window.end).clip(lower_bound=0)
    return (
        pl.when(room == 0)
        .then(pl.lit(0, dtype=pl.Int64))
        .when(value.is_null())
        .then(None)
        .otherwise(pl.min_horizontal(value, room))
    )


def _now_allowed(context: BuildContext, window: Window) -> pl.Expr:
    """Whether the window's bounds allow this period."""
    if not window.bounded:
        return pl.lit(True)
    return allowed(context, window) > 0


def _streak(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, kind, window = arguments["award"], arguments["type"], Window.of(arguments)
    key = call_key("streak_before", award=award, **_typed(kind))
    before = context.derived(
        key,
        _from_history(context, key, lambda: _streak_of(_held_back(context, award, kind=kind), key)),
        default=0,
    )
    show(context, "streak", arguments, window, None)
    if window.end == 1:
        return _bounded(context, window, before)
    now = held_now(context, award, kind)
    value = pl.when(now.is_null()).then(None).when(now).then(before + 1).otherwise(0)
    return _bounded(context, window, value)


def _count_held(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, window_length, kind = arguments["award"], arguments["window"], arguments["type"]
    window = Window.of(arguments)
    last = window_length - 1 + window.end
    key = call_key(
        "count_held_before", award=award, window=window_length, **_typed(kind), **window.key()
    )

    def make() -> pl.LazyFrame:
        backs = _held_back(context, award, max(last, 1), kind).filter(pl.col("back") <= last)
        backs = within(context, window, backs)
        return backs.group_by("subject").agg(pl.len().cast(pl.Int64).alias(key))

    before = context.derived(key, _from_history(context, key, make), default=0)
    show(context, "count_held", arguments, window, window_length)
    if window.end == 1:
        return before
    now = held_now(context, award, kind) & _now_allowed(context, window)
    return before + now.cast(pl.Int64)


def _periods_since(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, kind = arguments["award"], arguments["type"]
    key = call_key("periods_since", award=award, **_typed(kind))

    def make() -> pl.LazyFrame:
        backs = _held_back(context, award, kind=kind)
        return backs.group_by("subject").agg(pl.col("back").min().alias(key))

    return context.derived(key, _from_history(context, key, make))


def _threshold(name: str, arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    fact, at_least = arguments["fact"], arguments["at_least"]
    decl = context.fact(fact)
    window_length = arguments.get("window", 1)
    if at_least not in decl.values or window_length < 1:
        raise EvaluationError(
            f'{name}: "{at_least}" must be a value of {fact} ({list(decl.values)}) and the '
            f"window at least 1 (got {window_length})"
        )
    return pl.lit(at_least, dtype=pl.Enum(list(decl.values)))


def _fact_backs(context: BuildContext, fact: str, threshold: pl.Expr, horizon: int) -> pl.LazyFrame:
    """``subject, back`` for every earlier period in which ``fact`` is at least
    ``threshold``."""
    facts = context.population.facts.lazy()
    kind = pl.Enum(list(context.fact(fact).values))
    return (
        facts.select("subject", "period", pl.col(fact).cast(pl.String).cast(kind, strict=False))
        .with_columns(_back_index(context, horizon).alias("back"))
        .filter(pl.col("back").is_not_null() & (pl.col(fact) >= threshold))
        .select("subject", "back")
    )


def _fact_streak(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    fact, at_least, window = arguments["fact"], arguments["at_least"], Window.of(arguments)
    threshold = _threshold("fact_streak", arguments, context)
    key = call_key("fact_streak_before", fact=fact, at_least=at_least)

    def make() -> pl.LazyFrame:
        if _no_earlier_facts(context, fact):
            return NoRows(schema={"subject": pl.String, key: pl.Int64})
        return _streak_of(_fact_backs(context, fact, threshold, HORIZON), key)

    before = context.derived(key, make, default=0)
    show(context, "fact_streak", arguments, window, None)
    if window.end == 1:
        return _bounded(context, window, before)
    now = pl.col(fact) >= threshold
    value = pl.when(now.is_null()).then(None).when(now).then(before + 1).otherwise(0)
    return _bounded(context, window, value)


def _fact_count(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    fact, at_least, window_length = arguments["fact"], arguments["at_least"], arguments["window"]
    window = Window.of(arguments)
    threshold = _threshold("fact_count", arguments, context)
    last = window_length - 1 + window.end
    key = call_key(
        "fact_count_before", fact=fact, at_least=at_least, window=window_length, **window.key()
    )

    def make() -> pl.LazyFrame:
        if _no_earlier_facts(context, fact):
            return NoRows(schema={"subject": pl.String, key: pl.Int64})
        rows = _fact_backs(context, fact, threshold, max(last, 1)).filter(pl.col("back") <= last)
        rows = within(context, window, rows)
        return rows.group_by("subject").agg(pl.len().cast(pl.Int64).alias(key))

    before = context.derived(key, make, default=0)
    show(context, "fact_count", arguments, window, window_length)
    if window.end == 1:
        return before
    now = (pl.col(fact) >= threshold).fill_null(False) & _now_allowed(context, window)
    return before + now.cast(pl.Int64)


_AWARD = Argument(name="award", kind="award", doc="an award id")
_HISTORY = Argument(name="award", kind="award", doc="an award id", reads_current=False)
_ANY_OF = Argument(
    name="award",
    kind="awards",
    doc='an award id, or a tuple of them (any of them counts): ("hcld3", "hcld2")',
    reads_current=False,
)
_ANCHORED = (
    ' The window may be anchored: ``anchor="before"`` ends it with the previous period; '
    "``since`` counts only periods after the subject's last earlier holding of an award (or "
    "of any of a tuple of awards); ``after_discipline`` only periods that start after the end "
    "of the subject's last discipline of that level or heavier. The explanation then shows "
    "the window used."
)

HELD = FunctionSpec(
    name="held",
    arguments=(
        _HISTORY,
        Argument(name="back", kind="int", default=1, doc="how many periods back (≥ 1)"),
        TYPE,
    ),
    returns="bool",
    build=_held,
    reads="award history",
    doc="True when the subject held ``award`` (of ``type``, when given) in the period "
    "``back`` steps before this one.",
)

HELD_BEFORE = FunctionSpec(
    name="held_before",
    arguments=(_ANY_OF, TYPE),
    returns="bool",
    build=_held_before,
    reads="award history",
    doc="True when the subject holds ``award`` (or any award of a tuple; of ``type``, when "
    "given) for any period that started before this one (once-only awards use it).",
)

STREAK = FunctionSpec(
    name="streak",
    arguments=(_AWARD, *ANCHOR_ARGUMENTS, TYPE),
    returns="int",
    build=_streak,
    reads="award history and this period's decision",
    grows_per_period=1,
    doc="The number of consecutive periods, ending with this one, in which the subject holds "
    "``award`` (0 when not held now). A period without the award breaks the streak. This "
    "period's value is the decision of the same evaluation when ``award`` is decided in it "
    "(a merit award)." + _ANCHORED,
)

COUNT_HELD = FunctionSpec(
    name="count_held",
    arguments=(
        _AWARD,
        Argument(name="window", kind="int", doc="window length in periods"),
        *ANCHOR_ARGUMENTS,
        TYPE,
    ),
    returns="int",
    build=_count_held,
    reads="award history and this period's decision",
    doc="How many of the last ``window`` periods (this one included) the subject holds "
    "``award`` in — the 'k of the last m periods' pattern." + _ANCHORED,
)

PERIODS_SINCE = FunctionSpec(
    name="periods_since",
    arguments=(_ANY_OF, TYPE),
    returns="int",
    build=_periods_since,
    reads="award history",
    grows_per_period=1,
    doc="How many periods ago the subject last held ``award`` (or any award of a tuple, "
    '``periods_since(("hcld3", "hcld2"))``; of ``type``, when given; 1 = the previous '
    "period); unknown when it never did within 40 periods.",
)

FACT_STREAK = FunctionSpec(
    name="fact_streak",
    arguments=(
        Argument(name="fact", kind="fact", doc="an ordered enum fact, e.g. rating"),
        Argument(name="at_least", kind="text", doc="the lowest value that counts"),
        *ANCHOR_ARGUMENTS,
    ),
    returns="int",
    build=_fact_streak,
    reads="facts of this and earlier periods",
    grows_per_period=1,
    doc="The number of consecutive periods, ending with this one, in which ``fact`` is at "
    "least ``at_least`` (0 when it is lower now; unknown when it is missing now). A lower "
    "value or a period without facts breaks the streak." + _ANCHORED,
)


FACT_COUNT = FunctionSpec(
    name="fact_count",
    arguments=(
        Argument(name="fact", kind="fact", doc="an ordered enum fact, e.g. rating"),
        Argument(name="at_least", kind="text", doc="the lowest value that counts"),
        Argument(name="window", kind="int", doc="window length in periods"),
        *ANCHOR_ARGUMENTS,
    ),
    returns="int",
    build=_fact_count,
    reads="facts of this and earlier periods",
    doc="In how many of the last ``window`` periods (this one included) ``fact`` is at least "
    "``at_least`` — 'at least one year HTXS in the window'." + _ANCHORED,
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """History functions: held, held_before, streak, count_held, periods_since, fact_streak,
    fact_count."""
    return [HELD, HELD_BEFORE, STREAK, COUNT_HELD, PERIODS_SINCE, FACT_STREAK, FACT_COUNT]
