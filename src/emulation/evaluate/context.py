"""What a function's ``build`` is handed while one subject kind is evaluated.

:class:`Context` implements :class:`~emulation.functions.BuildContext`. It collects the
columns the rules' functions ask for — derived columns joined by subject, aggregations that
share one group-by per source, and columns built from the decisions taken so far — which
:mod:`emulation.evaluate.query` then joins in, and memoises what the functions share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import polars as pl

from emulation.data.population import Population
from emulation.evaluate.collect import collect, collect_all
from emulation.evaluate.columns import outcome_column
from emulation.period import Period
from emulation.rules.model import Consumption, FactDecl, ServiceRule

#: ``source -> (rows, {key: (aggregation, default)})``
Aggregates = dict[str, tuple[Callable[[], pl.LazyFrame], dict[str, tuple[pl.Expr, Any]]]]
#: ``(key, make from the decisions so far, default)``
LateJoin = tuple[str, Callable[[pl.DataFrame], pl.LazyFrame], Any]


class NoRows(pl.LazyFrame):
    """A frame known to hold no row, of a known schema.

    A built-in function's ``make`` (or an aggregate's ``rows``) gives one when the table its
    frame reads has no row (:func:`no_rows_unless`); the context then joins nulls of its
    columns' types without running a query for it (a query has a fixed cost, which is most of
    what a small population takes). Polars' operations on it keep the type (a select, a
    rename, a filter …), so one is only built where the frame is final.
    """


def no_rows_unless(source: pl.DataFrame, query: pl.LazyFrame) -> pl.LazyFrame:
    """``query``, or, when ``source`` (a table whose rows every row of ``query`` comes from)
    has no row, a :class:`NoRows` of the schema of ``query``."""
    if source.height > 0:
        return query
    return NoRows(schema=query.collect_schema())


class Context:
    """The :class:`~emulation.functions.BuildContext` of one evaluation of one subject kind.

    ``award`` is the award whose rules are being compiled and ``decided`` the awards whose
    outcome column comes before them; the query sets both as it goes.
    """

    def __init__(
        self,
        period: Period,
        population: Population,
        facts: Mapping[str, FactDecl],
        earlier: Mapping[str, pl.DataFrame],
        services: Mapping[str, ServiceRule],
        consumers: Mapping[str, Consumption],
        as_of: dt.date | None = None,
    ) -> None:
        self._period = period
        self._as_of = period.end if as_of is None else as_of
        self._population: Population | None = population
        self._facts = facts
        self._earlier = earlier
        self._services = services
        self._consumers = consumers
        self._memo: dict[Hashable, Any] = {}
        #: Whether the rules are being compiled (see :meth:`rebind`), and whether a function's
        #: ``build`` read the data meanwhile (the population, a decided frame, a memo): what
        #: was compiled then holds this population's data and is not used for another.
        self.building = False
        self.reads_data = False
        #: Whether the run's queries are planned before they run (many rows), or run as
        #: written (few): see :data:`emulation.evaluate.collect.PLANNED_ROWS`.
        self.optimize = True
        self.decided: set[str] = set()
        self.award = ""
        self.aggregates: Aggregates = {}
        self.late: list[LateJoin] = []
        self.joins: dict[str, tuple[Callable[[], pl.LazyFrame], Any]] = {}
        #: The history type of each award decided, by id (the query sets it).
        self.history_types: dict[str, str] = {}

    @property
    def period(self) -> Period:
        return self._period

    @property
    def population(self) -> Population:
        self._read()
        if self._population is None:  # pragma: no cover - a released context is not run
            raise RuntimeError("no population is bound to this evaluation context")
        return self._population

    def _read(self) -> None:
        """Note that the data was read while the rules are compiled."""
        if self.building:
            self.reads_data = True

    def rebind(
        self, population: Population, earlier: Mapping[str, pl.DataFrame], *, optimize: bool
    ) -> None:
        """Evaluate another population with what was compiled for this context.

        The rules' expressions, the stages and every column the functions asked for
        (:meth:`derived`, :meth:`aggregate`, :meth:`derived_from_decisions`) depend on the
        request alone, when no function's ``build`` read the data (:attr:`reads_data`): the
        frames they join are made when the population is joined (:meth:`joined`), from the
        population bound here. What was memoised for the last one is forgotten.
        """
        self._population = population
        self._earlier = earlier
        self._memo = {}
        self.optimize = optimize

    def release(self) -> None:
        """Forget the data of the last population (a kept context holds none)."""
        self._population = None
        self._earlier = {}
        self._memo = {}

    @property
    def as_of(self) -> dt.date:
        return self._as_of

    def derived(self, key: str, make: Callable[[], pl.LazyFrame], default: Any = None) -> pl.Expr:
        self.joins.setdefault(key, (make, default))
        return pl.col(key)

    def outcome(self, award: str) -> pl.Expr | None:
        return pl.col(outcome_column(award)) if award in self.decided else None

    def fact(self, name: str) -> FactDecl:
        return self._facts[name]

    def history_type(self, award: str) -> str:
        return self.history_types.get(award, "merit")

    def decided_frame(self, kind: str) -> pl.DataFrame | None:
        self._read()
        return self._earlier.get(kind)

    def service(self, name: str) -> ServiceRule:
        return self._services[name]

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        self._read()
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def aggregate(
        self,
        source: str,
        rows: Callable[[], pl.LazyFrame],
        key: str,
        value: pl.Expr,
        default: Any = None,
    ) -> pl.Expr:
        _, wanted = self.aggregates.setdefault(source, (rows, {}))
        wanted.setdefault(key, (value, default))
        return pl.col(key)

    def derived_from_decisions(
        self, key: str, make: Callable[[pl.DataFrame], pl.LazyFrame], default: Any = None
    ) -> pl.Expr:
        if all(existing != key for existing, _, _ in self.late):
            self.late.append((key, make, default))
        return pl.col(key)

    @property
    def current_award(self) -> str:
        return self.award

    def consumers(self) -> Mapping[str, Consumption]:
        return self._consumers

    def joined(self, base: pl.DataFrame, *, late: bool = False) -> pl.DataFrame:
        """``base`` (rows with an ``id`` column) with the aggregated and derived columns the
        functions asked for that it does not hold yet; with ``late``, also the columns built
        from the decisions, which ``base`` must then hold."""
        # the derived columns are computed in one call (shared sub-plans run once), then
        # joined in one query: every query has a fixed cost, which is most of what a small
        # population takes
        # a part is (keys, its right side to compute — or, when it is known to have no row,
        # the keys' types, and nothing is computed —, defaults)
        parts: list[tuple[list[str], pl.LazyFrame | pl.Schema, dict[str, Any]]] = []
        present = set(base.columns)
        for _, (rows, wanted) in sorted(self.aggregates.items(), key=lambda item: item[0]):
            keys = sorted(key for key in wanted if key not in present)
            if not keys:
                continue
            made = rows()
            right = made.group_by("subject").agg(wanted[key][0].alias(key) for key in keys)
            defaults = {key: wanted[key][1] for key in keys if wanted[key][1] is not None}
            empty = isinstance(made, NoRows)
            parts.append((keys, right.collect_schema() if empty else right, defaults))
            present.update(keys)
        for key, (make, default) in sorted(self.joins.items(), key=lambda item: item[0]):
            if key not in present:
                made = make()
                defaults = {} if default is None else {key: default}
                if isinstance(made, NoRows):  # its schema is known: no plan to build
                    parts.append(([key], made.collect_schema(), defaults))
                else:
                    parts.append(([key], made.select("subject", key), defaults))
                present.add(key)
        frame = base
        if parts:
            lazy = base.lazy()
            ran = iter(
                collect_all([side for _, side, _ in parts if isinstance(side, pl.LazyFrame)])
            )
            # a right side with no row would only give nulls of its columns' types: those
            # columns are written as typed nulls in one step, and the defaults filled in one
            # step, rather than one plan node per join (most parts, for a few subjects)
            order = list(base.columns)
            nulls: list[pl.Expr] = []
            fills: dict[str, Any] = {}
            for keys, side, defaults in parts:
                order.extend(keys)
                fills.update(defaults)
                if isinstance(side, pl.Schema):
                    types = side
                else:
                    computed = next(ran)
                    if computed.height > 0:
                        lazy = lazy.join(
                            computed.lazy(), left_on="id", right_on="subject", how="left"
                        )
                        continue
                    types = computed.schema
                nulls.extend(pl.lit(None, types[key]).alias(key) for key in keys)
            if nulls:
                lazy = lazy.with_columns(nulls).select(order)
            if fills:
                lazy = lazy.with_columns(pl.col(k).fill_null(v) for k, v in fills.items())
            frame = collect(lazy, optimize=False)
        for key, make_late, default in self.late if late else ():
            if key not in frame.columns:
                frame = _join(frame, key, collect(make_late(frame)), default)
        return frame


def _join(frame: pl.DataFrame, key: str, right: pl.DataFrame, default: Any) -> pl.DataFrame:
    """``frame`` with the column ``key`` of ``right`` joined by subject, nulls filled with
    ``default`` when it is not None."""
    frame = frame.join(right.select("subject", key), left_on="id", right_on="subject", how="left")
    return frame if default is None else frame.with_columns(pl.col(key).fill_null(default))
