"""The candidates of one subject kind: who is decided, with the facts their rules read.

A candidate is a subject with a facts row in the period (subjects set aside for contradictory
records are left out). Its facts are cast to their declared types and their defaults filled
in; a value that cannot be read, or that lies outside its declared range, in a facts row of
any period, is a located problem of the input, naming the file and the fact.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Mapping

import attrs
import polars as pl

from emulation.data.cast import cast_expression, explain, is_ascii, written
from emulation.data.population import Population
from emulation.data.schema import ORIGIN
from emulation.errors import DataError, Problem
from emulation.evaluate.collect import collect
from emulation.evaluate.fact_values import DISTINCT_FROM_ROWS, by_distinct_value
from emulation.lang.compiler import DECIMAL, dtype_of
from emulation.period import Period
from emulation.rules.loader import SUBJECT_FACTS
from emulation.rules.model import FactDecl


def base_frame(
    population: Population, period: Period, kind: str, facts: Mapping[str, FactDecl]
) -> pl.DataFrame:
    """Candidates of ``kind`` for ``period`` with the given facts cast and defaulted.

    A candidate is a subject with a facts row in the period. Every facts row of the subjects
    of ``kind`` — of every period, not only ``period`` — is checked against the declarations
    ``facts``: a value that cannot be read as its declared type, or that lies outside the
    declared range, raises :class:`DataError` naming the file and row and quoting the value as
    written, whatever period is evaluated. The check and the frame are one query each; the
    rows are only searched one by one when something is wrong.
    """
    schema = population.facts.schema
    if kind not in _known(population).kinds:  # no subject of the kind: nothing to read
        typed = tuple((name, schema[name], False) for name in sorted(facts) if name in schema)
        tables = (tuple(population.subjects.schema.items()), tuple(schema.items()))
        return _no_candidates(tuple(sorted(facts.items())), typed, tables).clear()
    aside = sorted(population.set_aside_ids())
    subjects = population.subjects.lazy().filter(
        (pl.col("kind") == kind) & ~pl.col("id").is_in(aside)
    )
    every_period = subjects.drop(ORIGIN, "kind").join(
        population.facts.lazy(), left_on="id", right_on="subject", how="inner"
    )
    # the rows of the period evaluated, filtered before the join (the plan is not re-optimised)
    this_period = subjects.drop(ORIGIN, "kind").join(
        population.facts.lazy().filter(pl.col("period") == str(period)),
        left_on="id",
        right_on="subject",
        how="inner",
    )
    ascii = {name: _ascii_only(population, name) for name in sorted(facts) if name in schema}
    if population.facts.height >= DISTINCT_FROM_ROWS:
        values, checks = _fact_columns(facts, schema, ascii, distinct=population)
    else:  # a small population: the expressions depend on the facts' types alone, kept
        typed = tuple((name, schema[name], plain) for name, plain in ascii.items())
        values, checks = _kept_fact_columns(tuple(sorted(facts.items())), typed)
    shown = sorted({key.split("::", 1)[1] for key in checks})
    as_written = [
        (pl.col(name) if name in schema else pl.lit(None)).alias(f"written::{name}")
        for name in shown
    ]
    # the period evaluated: values and checks in one query
    frame = collect(
        this_period.select(
            "id", "name", "parent", ORIGIN, *values, *(e.alias(k) for k, e in checks.items())
        )
    )
    # the checks read as series (a query on the frame has a fixed cost, most of a small one)
    if any(frame.get_column(check).any() for check in checks):
        bad = collect(
            this_period.select(
                ORIGIN, *as_written, *(e.alias(k) for k, e in checks.items())
            ).filter(pl.any_horizontal(list(checks)))
        )
        raise DataError(_problems(bad, checks, facts))
    # the other periods: checked once per population and declaration
    unchecked = _unchecked(population, kind, facts, str(period))
    if checks and unchecked:
        bad = collect(
            every_period.filter(pl.col("period").is_in(unchecked))
            .select(ORIGIN, *as_written, *(e.alias(k) for k, e in checks.items()))
            .filter(pl.any_horizontal(list(checks)))
        )
        if bad.height:
            raise DataError(_problems(bad, checks, facts))
    known = _known(population)
    known.checked.update(_check_keys(kind, facts, known.periods))
    return pl.DataFrame([column for column in frame.get_columns() if column.name not in checks])


def _fact_columns(
    facts: Mapping[str, FactDecl],
    schema: Mapping[str, pl.DataType],
    ascii: Mapping[str, bool],
    distinct: Population | None = None,
) -> tuple[list[pl.Expr], dict[str, pl.Expr]]:
    """The candidates' columns (each declared fact cast to its type, range-checked and
    defaulted, then the subject attributes) and the checks of their values (true where a
    value cannot be read or lies outside its range), by check name (``unreadable::fact`` …).

    ``ascii`` says which text columns hold plain ASCII. With ``distinct``, the facts are cast
    and checked per distinct value of that population's columns
    (:mod:`emulation.evaluate.fact_values`); without, the expressions depend on the types
    alone."""
    values: list[pl.Expr] = []
    checks: dict[str, pl.Expr] = {}
    for name, decl in sorted(facts.items()):
        dtype = dtype_of(decl.type, decl.values)
        own: dict[str, pl.Expr] = {}
        if name in schema:
            value = cast_expression(name, schema[name], dtype, ascii_only=ascii.get(name, False))
            if schema[name] != dtype:  # a value already of the declared type is readable
                own[f"unreadable::{name}"] = pl.col(name).is_not_null() & value.is_null()
        else:
            value = pl.lit(None, dtype=dtype)
        numbers = value.cast(DECIMAL) if decl.type in ("int", "decimal") else None
        if numbers is not None and decl.minimum is not None:
            own[f"below::{name}"] = (numbers < pl.lit(decl.minimum, DECIMAL)).fill_null(False)
        if numbers is not None and decl.maximum is not None:
            own[f"above::{name}"] = (numbers > pl.lit(decl.maximum, DECIMAL)).fill_null(False)
        if name in schema and distinct is not None:
            # cast and checked once per distinct value (evaluate/fact_values.py)
            value, own = by_distinct_value(distinct, name, dtype, value, own, decl)
        checks.update(own)
        if decl.default is not None:
            value = value.fill_null(pl.lit(decl.default, dtype=dtype))
        values.append(value.alias(name))
    for name, decl in SUBJECT_FACTS.items():
        value = pl.col(name).cast(dtype_of(decl.type, decl.values))
        if decl.default is not None:
            value = value.fill_null(decl.default)
        values.append(value.alias(name))
    return values, checks


@functools.lru_cache(maxsize=256)
def _kept_fact_columns(
    facts: tuple[tuple[str, FactDecl], ...],
    typed: tuple[tuple[str, pl.DataType, bool], ...],
) -> tuple[list[pl.Expr], dict[str, pl.Expr]]:
    """:func:`_fact_columns` for facts columns of the types ``typed`` (``name, type, plain
    ASCII``), kept: a small population's candidates are built from the same expressions as
    the last one's of the same types (the service's requests, one person at a time). The
    expressions are immutable; the lists are not changed by their readers."""
    schema = {name: dtype for name, dtype, _ in typed}
    ascii = {name: plain for name, _, plain in typed}
    return _fact_columns(dict(facts), schema, ascii)


@functools.lru_cache(maxsize=64)
def _no_candidates(
    facts: tuple[tuple[str, FactDecl], ...],
    typed: tuple[tuple[str, pl.DataType, bool], ...],
    tables: tuple[tuple[tuple[str, pl.DataType], ...], tuple[tuple[str, pl.DataType], ...]],
) -> pl.DataFrame:
    """The candidates frame of a kind no subject is of: no row, the columns and types a
    frame with rows has (``tables``: the columns and types of the subjects and facts tables),
    kept per declarations and types."""
    values, _ = _kept_fact_columns(facts, typed)
    subjects, facts_table = (pl.LazyFrame(schema=dict(columns)) for columns in tables)
    joined = subjects.drop(ORIGIN, "kind").join(facts_table, left_on="id", right_on="subject")
    columns = joined.select("id", "name", "parent", ORIGIN, *values)
    return pl.DataFrame(schema=columns.collect_schema())


@attrs.define
class _Known:
    """What is known of one population once computed: it is immutable, so its periods, the
    kinds of its subjects, which
    text columns are plain ASCII, and which (subject kind, period, fact declaration) its rows
    have been checked for are computed once, not at every evaluation."""

    periods: tuple[str, ...]
    #: The kinds of the subjects it holds.
    kinds: frozenset[str]
    ascii: dict[str, bool] = attrs.field(factory=dict)
    checked: set[tuple[object, ...]] = attrs.field(factory=set)


_KNOWN: weakref.WeakKeyDictionary[Population, _Known] = weakref.WeakKeyDictionary()


def _known(population: Population) -> _Known:
    found = _KNOWN.get(population)
    if found is None:
        kinds = frozenset(population.subjects.get_column("kind").unique().to_list())
        found = _KNOWN[population] = _Known(periods=population.periods(), kinds=kinds)
    return found


def _ascii_only(population: Population, name: str) -> bool:
    """Whether the facts column ``name`` is text holding no character outside ASCII."""
    known = _known(population)
    if name not in known.ascii:
        column = population.facts[name]
        known.ascii[name] = column.dtype == pl.String() and is_ascii(column)
    return known.ascii[name]


def _check_keys(
    kind: str, facts: Mapping[str, FactDecl], periods: Iterable[str]
) -> set[tuple[object, ...]]:
    return {(kind, period, name, decl) for period in periods for name, decl in facts.items()}


def _unchecked(
    population: Population, kind: str, facts: Mapping[str, FactDecl], period: str
) -> list[str]:
    """The periods other than ``period`` whose rows have not yet been checked against
    ``facts`` for subjects of ``kind``."""
    known = _known(population)
    return [
        other
        for other in known.periods
        if other != period and not _check_keys(kind, facts, [other]) <= known.checked
    ]


def _problems(
    bad: pl.DataFrame, checks: Mapping[str, pl.Expr], facts: Mapping[str, FactDecl]
) -> list[Problem]:
    """Every unreadable or out-of-range value, by file and row, quoting the value as written
    in that row."""
    problems = []
    for check in checks:
        what, name = check.split("::", 1)
        decl = facts[name]
        for row in bad.filter(pl.col(check)).iter_rows(named=True):
            value = row[f"written::{name}"]
            if what == "unreadable":
                expected = list(decl.values) if decl.type == "enum" else decl.type
                numeric = decl.type in ("int", "decimal")
                code, reason = explain(value, numeric, whole=decl.type == "int")
                message = f"cannot read {written(value)} as fact {name} ({expected})"
                message += f": {reason}" if reason else ""
            else:
                low = "" if decl.minimum is None else decl.minimum
                high = "" if decl.maximum is None else decl.maximum
                code = "out_of_range"
                message = (
                    f"{written(value)} is outside the declared range of {name} ({low} … {high})"
                )
            problems.append(Problem(file=row[ORIGIN], location=name, message=message, code=code))
    return sorted(problems, key=lambda p: (p.file, p.location))
