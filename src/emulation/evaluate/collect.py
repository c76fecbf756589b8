"""How an evaluation runs its Polars queries.

The many small queries of an evaluation — the candidates, every derived column a rule reads
(evidence counts, history windows, discipline in force), the evidence used up — run on Polars'
in-memory engine. The default engine ("auto") chooses the streaming engine, whose start-up
costs several times more per query: on the benchmark's machine a one-row group-by took about
0.5 ms there against 0.1 ms in memory, and fifty joins of one-row frames 18 ms against 1.7 ms.
An evaluation runs dozens of them, so that start-up cost was most of the time one subject
took. The few queries that compute the rules' own columns run on the default engine
(:func:`collect_rules`, which says why), and every in-memory result is written out
(:func:`materialised`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import polars as pl

#: The engine the small queries of an evaluation run on.
ENGINE: Final[Literal["in-memory"]] = "in-memory"
#: From how many rows (of the candidates, or of the subjects) a query that is written in the
#: order it should run is still planned (optimised) before it runs: below, planning it costs
#: more than it saves (about 3 ms of 5 for the decisions query of one subject's 22 awards).
PLANNED_ROWS: Final = 10_000
#: For a query written in the order it should run (its sources filtered already): planning it
#: again costs more than it saves.
NO_OPTIMIZATIONS = pl.QueryOptFlags.none()


def collect(lazy: pl.LazyFrame, *, optimize: bool = True) -> pl.DataFrame:
    """``lazy`` run on the in-memory engine; ``optimize=False`` runs the plan as written."""
    if optimize:
        return materialised(lazy.collect(engine=ENGINE))
    return materialised(lazy.collect(engine=ENGINE, optimizations=NO_OPTIMIZATIONS))


def collect_rules(
    lazy: pl.LazyFrame, *, optimize: bool = True, small: bool = False
) -> pl.DataFrame:
    """``lazy``, a query that computes rule columns, run on Polars' default engine
    (``optimize=False``: as written).

    A rule may be made of literals alone (``0 in (0,)``, ``min(base_salary, base_salary)``);
    its column is then one repeated value, which the in-memory engine keeps as a value and a
    length, and a later expression comparing a typed literal with it fails there. The
    default engine writes such columns out. Only the few queries that compute the rules' own
    columns run there; the many small queries around them stay in memory.

    With ``small`` (a query over few rows, run as written), the in-memory engine is tried
    first — it starts the query in about half the time the default engine takes, which is
    most of what one subject's rules cost — and its result written out (:func:`materialised`);
    a query it refuses for the reason above runs again on the default engine, which gives the
    answer or the error it always gave.
    """
    if small and not optimize:
        try:
            return materialised(lazy.collect(engine=ENGINE, optimizations=NO_OPTIMIZATIONS))
        except pl.exceptions.PolarsError:
            pass  # a column of one repeated value met a typed literal: as below
    return lazy.collect() if optimize else lazy.collect(optimizations=NO_OPTIMIZATIONS)


def collect_all(lazies: Sequence[pl.LazyFrame]) -> list[pl.DataFrame]:
    """Every query of ``lazies`` in one call (sub-plans they share run once)."""
    if not lazies:
        return []
    return [materialised(frame) for frame in pl.collect_all(lazies, engine=ENGINE)]


def materialised(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every column held value by value.

    The in-memory engine keeps a column made of one repeated value (a fact the input does not
    have, ``pl.lit(None)``) as that value and a length; an expression that compares a typed
    literal with such a column then gives one row instead of one per row, and fails
    ("length 1 doesn't match the DataFrame height", Polars 2.1). Taking the columns as series
    writes them out (the others are not copied).
    """
    return pl.DataFrame(frame.get_columns())
