"""The exceptions the library raises, and the located problems they carry.

Every error the engine raises on bad input is an :class:`EmulationError`; loaders collect every
:class:`Problem` they find before raising, so a rule author sees all mistakes at once, each
with a :func:`suggest`-ion when a name is misspelt.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import attrs

from emulation.i18n import Message, localise, translator
from emulation.types import Language


@attrs.frozen(kw_only=True)
class Problem:
    """One located problem in a ruleset or an input file.

    For a ruleset, ``file`` is the path as given, ``location`` a TOML path
    (``awards.ldtt.criteria[1].expr``), ``line`` the 1-based line in the file and ``column`` the
    1-based column inside an expression, when known. For input data, ``file`` names the file
    and the row or JSON path (``union/facts.csv: row 12``, ``union.json: subjects[3]``) and
    ``location`` the column or member.

    ``code`` names the kind of problem (``unreadable_value``, ``unknown_key`` …) with a stable
    identifier a program may match on, where one is assigned (the reference pages list them);
    it is empty otherwise.
    """

    file: str
    location: str = ""
    line: int | None = None
    column: int | None = None
    message: str
    code: str = ""

    def __str__(self) -> str:
        return self.translated("en")

    def translated(self, lang: Language) -> str:
        """The problem as :func:`str` writes it, in ``lang`` where the catalogues know its
        words (a message built as a :class:`~emulation.i18n.Message`; others stay English)."""
        where = self.file
        if lang != "en":  # the row of a data file ("facts.csv: row 12"), in ``lang``
            file, row, number = where.rpartition(": row ")
            if row and number.isdigit():
                where = f"{file}: " + translator(lang).gettext("row {number}").format(number=number)
        if self.line is not None:
            where += f":{self.line}"
        if self.location:
            where += f": {localise(self.location, lang)}"
        if self.column is not None:
            where += ", " + translator(lang).gettext("column {column}").format(column=self.column)
        return f"{where}: {localise(self.message, lang)}"


class EmulationError(Exception):
    """Base class of every error raised by the library on bad input or bad rules."""


class PeriodError(EmulationError, ValueError):
    """A period could not be parsed or is out of range."""


class ProblemsError(EmulationError):
    """Several located problems, reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        head = translator("en").ngettext("{count} problem", "{count} problems", count)
        head = head.format(count=count)
        return head + ":\n" + "\n".join(f"  {problem}" for problem in self.problems)


class RulesetError(ProblemsError):
    """A ruleset could not be loaded; ``problems`` lists every mistake found."""


class DataError(ProblemsError):
    """Input data is unreadable or malformed; ``problems`` names the file and row."""


class EvaluationError(EmulationError):
    """An evaluation was asked for something the loaded rules cannot do (unknown award, ...)."""


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` for the nearest candidate, or an empty string (the former a
    :class:`~emulation.i18n.Message`, so the command line can say it in the reader's language)."""
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return Message(' (did you mean "{name}"?)', name=matches[0]) if matches else ""
