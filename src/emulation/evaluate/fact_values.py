"""A fact column read once per distinct value, not once per row.

The candidates' facts are cast to their declared types, and every value is checked (readable,
within the declared range). Both are functions of the value alone, and a facts column holds
few distinct values — a rating has four, a count of months thirteen — so they are computed
over the column's distinct values, once per population and declaration:

* a check no value of the column fails (every period included) is dropped; one that some
  values fail becomes "the value is one of these", which finds the same rows;
* the cast is replaced by Polars' own cast when the two give the same value for every distinct
  value of the column (clean data: ``"HTT"`` needs no trimming or normalising before it becomes
  an enum value); otherwise it is kept as written.

The results are the same values and the same problems, row for row; what changes is that
stripping, normalising and comparing exact decimals are not done for every row of every
evaluation. A population is immutable, so what is found is kept for it (weakly).

Finding the distinct values is itself a query per fact, kept per population: for a population
of fewer than :data:`DISTINCT_FROM_ROWS` facts rows (one person's request to the service, a
new population each time) it costs more than casting the rows as written, so the candidates
are cast and checked per row there (the same values and problems either way).
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Mapping
from typing import Final

import polars as pl

from emulation.data.population import Population

#: From how many facts rows the facts are cast and checked per distinct value.
DISTINCT_FROM_ROWS: Final = 10_000

#: What is known of the fact columns of a population: ``(value, checks)`` by the caller's key.
_Found = dict[Hashable, tuple[pl.Expr, dict[str, pl.Expr]]]
_FOUND: weakref.WeakKeyDictionary[Population, _Found] = weakref.WeakKeyDictionary()


def by_distinct_value(
    population: Population,
    name: str,
    dtype: pl.DataType,
    value: pl.Expr,
    checks: Mapping[str, pl.Expr],
    key: Hashable,
) -> tuple[pl.Expr, dict[str, pl.Expr]]:
    """``value`` (the facts column ``name`` cast to ``dtype``) and ``checks`` (boolean
    expressions of that column alone, true where a value is wrong), as cheap as the column's
    distinct values allow: the checks that some value fails, each as "one of these values",
    and Polars' own cast instead of ``value`` when both agree on every distinct value.

    ``key`` stands for ``value`` and ``checks`` (what they were made from, such as the fact's
    declaration): the answer is kept for the population under it."""
    found = _FOUND.setdefault(population, {})
    key = (name, dtype, key)
    if key not in found:
        found[key] = _simplified(population.facts.get_column(name), dtype, value, checks)
    cheap, failing = found[key]
    return cheap, dict(failing)


def _simplified(
    column: pl.Series, dtype: pl.DataType, value: pl.Expr, checks: Mapping[str, pl.Expr]
) -> tuple[pl.Expr, dict[str, pl.Expr]]:
    distinct = column.unique().to_frame()
    name = column.name
    results = distinct.select(
        pl.col(name), value.alias("value"), *(expr.alias(check) for check, expr in checks.items())
    )
    failing = {}
    for check in checks:
        bad = results.filter(pl.col(check)).get_column(name)
        if bad.len():
            failing[check] = pl.col(name).is_in(bad.implode(), nulls_equal=True)
    return _cheaper_cast(results, name, dtype, value), failing


def _cheaper_cast(results: pl.DataFrame, name: str, dtype: pl.DataType, value: pl.Expr) -> pl.Expr:
    """Polars' cast of column ``name`` to ``dtype`` when it gives ``results``' ``value`` for
    every distinct value, else ``value``."""
    direct = pl.col(name).cast(dtype, strict=False)
    try:
        cast = results.select(direct.alias("direct")).get_column("direct")
    except pl.exceptions.PolarsError:  # a cast Polars does not do (text to boolean)
        return value
    expected = results.get_column("value")
    if cast.dtype != expected.dtype or not cast.eq_missing(expected).all():
        return value
    return direct
