"""The loader's problem collector: every problem of one ruleset file, located by TOML path
and line, with its code, up to :data:`MAX_PROBLEMS`."""

from __future__ import annotations

from emulation.errors import Problem
from emulation.i18n import Message

#: The most problems reported for one file; past it, one more problem says how many were
#: left out. A person reads a few dozen; a generated or corrupted file may hold millions,
#: and locating each costs a search of the file.
MAX_PROBLEMS = 200


class Collector:
    """The problems of one ruleset file, each located by TOML path and, when it can be
    found, line; each with its :attr:`Problem.code`."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text
        self.problems: list[Problem] = []
        self.left_out = 0

    def add(
        self,
        location: str,
        message: str,
        column: int | None = None,
        find: str | None = None,
        *,
        code: str,
    ) -> None:
        """Report ``message`` at ``location``; ``find`` is the offending text, to find the line."""
        if self.full:
            self.left_out += 1
            return
        self.problems.append(
            Problem(
                file=self.source,
                location=location,
                line=self.line_of(find, location),
                column=column,
                message=message,
                code=code,
            )
        )

    @property
    def full(self) -> bool:
        """Whether no more problems are kept (they are only counted)."""
        return len(self.problems) >= MAX_PROBLEMS

    def reported(self) -> list[Problem]:
        """Every problem kept, and one saying how many were left out past :data:`MAX_PROBLEMS`."""
        if not self.left_out:
            return self.problems
        more = Problem(
            file=self.source,
            message=Message(
                "{count} more problems not shown (at most {most} a file)",
                count=self.left_out,
                most=MAX_PROBLEMS,
            ),
            code="too_many_problems",
        )
        return [*self.problems, more]

    def line_of(self, needle: str | None, location: str) -> int | None:
        """The first line holding ``needle`` (the offending text), preferring one that starts
        with the location's key, when it can be found."""
        if not needle:
            return None
        first = needle.strip().splitlines()[0] if needle.strip() else needle
        key = location.rsplit(".", 1)[-1].split("[")[0] if location else ""
        found: int | None = None
        start = self.text.find(first)
        for _ in range(1000):  # bounded: a needle may occur on every line of a huge file
            if start < 0:
                break
            begin = self.text.rfind("\n", 0, start) + 1
            line = self.text.count("\n", 0, begin) + 1
            if found is None:
                found = line
            if key and self.text[begin : begin + len(key) + 64].lstrip().startswith(key):
                return line
            start = self.text.find(first, start + 1)
        return found
