"""What in an input is likely a mistake, though not an error: said before nothing is decided.

An evaluation whose input holds no subject, or no facts row for the period asked for, decides
nothing; a fact column that no ruleset declares is never read, so a misspelt column name would
silently give "data missing" for every subject. :func:`input_warnings` finds these, as located
problems with a ``code``; the command line prints them on standard error (and refuses to go on
with ``--strict``), and :attr:`emulation.Evaluation.warnings` holds them.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection

import polars as pl

from emulation.data.population import Population
from emulation.data.schema import ORIGIN
from emulation.errors import Problem, suggest
from emulation.i18n import Message
from emulation.period import Period

#: What the warnings name when the input gives no file (a population built in memory).
NO_FILE = "<input>"


def input_warnings(
    population: Population, period: Period, declared: Collection[str]
) -> tuple[Problem, ...]:
    """The warnings of an evaluation of ``population`` for ``period``: ``empty_input`` (no
    subject at all), ``no_candidates`` (no facts row for the period) and, for each fact column
    that no name of ``declared`` matches, ``undeclared_fact`` with the nearest declared name."""
    if population.subjects.height == 0:
        source = _file_of(population.subjects)
        message = Message("the input holds no subject: nothing is decided")
        return (Problem(file=source, message=message, code="empty_input"),)
    facts = _file_of(population.facts, _file_of(population.subjects))
    found: list[Problem] = []
    periods = _periods(population)
    if str(period) not in periods:
        known = (
            Message("the periods it has: {periods}", periods=list(periods))
            if periods
            else Message("its facts table is empty")
        )
        found.append(
            Problem(
                file=facts,
                message=Message(
                    "no subject has a facts row for {period}, so nothing is decided; {known}",
                    period=period,
                    known=known,
                ),
                code="no_candidates",
            )
        )
    for name in population.fact_columns:
        if name not in declared:
            found.append(
                Problem(
                    file=facts,
                    location=name,
                    message=Message(
                        "no ruleset declares this fact{suggestion}; its values are not read",
                        suggestion=suggest(name, declared),
                    ),
                    code="undeclared_fact",
                )
            )
    return tuple(found)


_PERIODS: weakref.WeakKeyDictionary[Population, tuple[str, ...]] = weakref.WeakKeyDictionary()


def _periods(population: Population) -> tuple[str, ...]:
    """``population.periods()``, found once per population (it is immutable): a look at every
    facts row, which for a five-year history costs more than some whole evaluations."""
    if population not in _PERIODS:
        _PERIODS[population] = population.periods()
    return _PERIODS[population]


def _file_of(frame: pl.DataFrame, default: str = NO_FILE) -> str:
    """The file the first row of ``frame`` was read from (its origin up to the row or JSON
    path), or ``default``."""
    if frame.height == 0 or ORIGIN not in frame.columns:
        return default
    origin = str(frame.get_column(ORIGIN)[0])
    file, _, _ = origin.partition(": ")
    return file or default
