"""The catalogue of rulesets: finding ruleset files, loading them all, and the checks that
need every ruleset at once.

Versions of one ruleset may not overlap in time, nor two files give the same version;
two rulesets in force together may not define the same award, nor have awards that read
each other around a circle; an award named in an expression must be defined by some
ruleset; and the same file reached twice (an installed plugin and a path to its source)
counts once. A span of time between two versions of one ruleset in which neither is in force
is not an error but a warning (:func:`catalogue_warnings`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from emulation.errors import Problem, RulesetError, suggest
from emulation.i18n import Message
from emulation.lang.nodes import calls_within
from emulation.lang.signature import Signature, award_ids
from emulation.rules.graph import cycles
from emulation.rules.loader import CASE_SUFFIX, RULESET_SUFFIX
from emulation.rules.model import Award, Ruleset

#: The suffixes of ruleset files the built-in loader reads.
DEFAULT_SUFFIXES: tuple[str, ...] = (RULESET_SUFFIX,)


class RulesetLoader(Protocol):
    """What loads one ruleset file: the plugin facade, which asks the loader plugins."""

    def load_ruleset(self, path: Path, functions: Mapping[str, Signature]) -> Ruleset | None:
        """The ruleset in ``path``, or None when no loader reads such a file."""
        ...  # pragma: no cover - a protocol


def ruleset_files(paths: Iterable[Path], suffixes: Sequence[str] = DEFAULT_SUFFIXES) -> list[Path]:
    """Every ruleset file under ``paths``: folders are searched recursively for files ending
    in one of ``suffixes`` (case files skipped); a file named directly is always taken."""
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files.update(
                p
                for suffix in suffixes
                for p in path.rglob(f"*{suffix}")
                if not p.name.endswith(CASE_SUFFIX)
            )
        else:
            files.add(path)
    return sorted(files)


def load_rulesets(
    loader: RulesetLoader,
    paths: Iterable[Path],
    functions: Mapping[str, Signature],
    suffixes: Sequence[str] = DEFAULT_SUFFIXES,
) -> tuple[Ruleset, ...]:
    """Load every ruleset file under ``paths`` (see :func:`ruleset_files`); collect the
    problems of all of them and of the checks across them, and raise them together as one
    :class:`RulesetError`. The rulesets come sorted by id, then start date."""
    problems: list[Problem] = []
    rulesets: list[Ruleset] = []
    for file in ruleset_files(paths, suffixes):
        if not file.exists():
            problems.append(
                Problem(
                    file=str(file), message=Message("no such file or folder"), code="no_such_file"
                )
            )
            continue
        try:
            ruleset = loader.load_ruleset(file, functions)
        except RulesetError as error:
            problems.extend(error.problems)
            continue
        if ruleset is None:
            problems.append(
                Problem(
                    file=str(file), message=Message("no loader reads this file"), code="no_loader"
                )
            )
            continue
        rulesets.append(ruleset)
    rulesets = _distinct(rulesets)
    problems.extend(_same_versions(rulesets))
    problems.extend(_overlaps(rulesets))
    problems.extend(_unknown_awards(rulesets))
    problems.extend(_duplicate_awards(rulesets))
    problems.extend(_kpi_problems(rulesets))
    problems.extend(_cycles_across(rulesets))
    if problems:
        raise RulesetError(problems)
    return tuple(sorted(rulesets, key=lambda r: (r.id, r.effective_from)))


def _distinct(rulesets: list[Ruleset]) -> list[Ruleset]:
    """The same file reached twice (an installed plugin and a ``--rulesets`` path to its
    source) is one ruleset: identical id, version and content hash keep the first source."""
    seen: dict[tuple[str, str, str], Ruleset] = {}
    for ruleset in rulesets:
        seen.setdefault((ruleset.id, ruleset.version, ruleset.content_hash), ruleset)
    return list(seen.values())


def _duplicate_awards(rulesets: list[Ruleset]) -> list[Problem]:
    """Two different rulesets in force at the same time may not define the same award id."""
    problems = []
    for index, first in enumerate(rulesets):
        for second in rulesets[index + 1 :]:
            if first.id == second.id or not _overlap(first, second):
                continue
            for award in sorted(set(first.awards) & set(second.awards)):
                problems.append(
                    Problem(
                        file=second.source,
                        location=f"awards.{award}",
                        message=Message(
                            'award "{award}" is also defined by {ruleset} ({source}), in force at the same time',
                            award=award,
                            ruleset=first.id,
                            source=first.source,
                        ),
                        code="duplicate_award",
                    )
                )
    return problems


def _overlap(a: Ruleset, b: Ruleset) -> bool:
    end_a, end_b = a.effective_to, b.effective_to
    return (end_b is None or a.effective_from <= end_b) and (
        end_a is None or b.effective_from <= end_a
    )


def _unknown_awards(rulesets: list[Ruleset]) -> list[Problem]:
    """Award ids named in expressions or counted by a quota must be defined by some ruleset
    loaded together."""
    known = {award for ruleset in rulesets for award in ruleset.awards}
    problems = []
    for ruleset in rulesets:
        for award in ruleset.awards.values():
            counted = award.quota.of if award.quota is not None else "headcount"
            if counted != "headcount" and counted not in known:
                problems.append(
                    Problem(
                        file=ruleset.source,
                        location=f"awards.{award.id}.quota.of",
                        message=Message(
                            'unknown award "{counted}"{hint}; expected "headcount" or an award id',
                            counted=counted,
                            hint=suggest(counted, known),
                        ),
                        code="unknown_award",
                    )
                )
            for rule in award.rules:
                for call in calls_within(rule.node):
                    bound = dict(call.arguments)
                    for argument in call.function.arguments:
                        value = bound.get(argument.name)
                        if argument.kind == "award":
                            names: tuple[str, ...] = (value,) if value else ()
                        elif argument.kind == "awards":
                            names = award_ids(value)
                        else:
                            continue
                        for name in names:
                            if name in known:
                                continue
                            problems.append(
                                Problem(
                                    file=ruleset.source,
                                    location=rule.location,
                                    message=Message(
                                        'unknown award "{name}"{hint}',
                                        name=name,
                                        hint=suggest(str(name), known),
                                    ),
                                    code="unknown_award",
                                )
                            )
    return problems


def _kpi_problems(rulesets: list[Ruleset]) -> list[Problem]:
    """Two rulesets in force at the same time may not define the same KPI id, and the awards
    a KPI's conditions read must be defined by some ruleset loaded together."""
    known = {award for ruleset in rulesets for award in ruleset.awards}
    problems = []
    for ruleset in rulesets:
        for kpi in ruleset.kpis.values():
            for condition in kpi.conditions:
                for award in sorted(kpi.depends_on - known):
                    if f'"{award}"' in condition.expr:
                        problems.append(
                            Problem(
                                file=ruleset.source,
                                location=condition.location,
                                message=Message(
                                    'unknown award "{award}"{hint}',
                                    award=award,
                                    hint=suggest(award, known),
                                ),
                                code="unknown_award",
                            )
                        )
    for index, first in enumerate(rulesets):
        for second in rulesets[index + 1 :]:
            if first.id == second.id or not _overlap(first, second):
                continue
            for kpi_id in sorted(set(first.kpis) & set(second.kpis)):
                problems.append(
                    Problem(
                        file=second.source,
                        location=f"kpis.{kpi_id}",
                        message=Message(
                            'KPI "{kpi_id}" is also defined by {ruleset} ({source}), in force at the same time',
                            kpi_id=kpi_id,
                            ruleset=first.id,
                            source=first.source,
                        ),
                        code="duplicate_kpi",
                    )
                )
    return problems


def _overlaps(rulesets: list[Ruleset]) -> list[Problem]:
    """Versions of one ruleset may not be in force at the same time."""
    problems = []
    by_id: dict[str, list[Ruleset]] = {}
    for ruleset in rulesets:
        by_id.setdefault(ruleset.id, []).append(ruleset)
    for versions in by_id.values():
        versions.sort(key=lambda r: r.effective_from)
        for before, after in itertools.pairwise(versions):
            if before.effective_to is None or before.effective_to >= after.effective_from:
                problems.append(
                    Problem(
                        file=after.source,
                        location="ruleset.effective_from",
                        message=(
                            Message(
                                "version {after_version} of {after_id} starts on {after_effective_from} while version {before_version} ({before_source}) is still in force",
                                after_version=after.version,
                                after_id=after.id,
                                after_effective_from=after.effective_from,
                                before_version=before.version,
                                before_source=before.source,
                            )
                        ),
                        code="version_overlap",
                    )
                )
    return problems


def _same_versions(rulesets: list[Ruleset]) -> list[Problem]:
    """Two files may not give different contents for the same version of one ruleset."""
    problems = []
    first: dict[tuple[str, str], Ruleset] = {}
    for ruleset in sorted(rulesets, key=lambda r: (r.id, r.version, r.source)):
        other = first.setdefault((ruleset.id, ruleset.version), ruleset)
        if other is not ruleset:
            problems.append(
                Problem(
                    file=ruleset.source,
                    location="ruleset.version",
                    message=Message(
                        "version {ruleset_version} of {ruleset_id} is also given, differently, by {other_source}",
                        ruleset_version=ruleset.version,
                        ruleset_id=ruleset.id,
                        other_source=other.source,
                    ),
                    code="duplicate_version",
                )
            )
    return problems


def _cycles_across(rulesets: list[Ruleset]) -> list[Problem]:
    """Awards of rulesets in force at the same time may not read each other around a circle
    (a circle inside one file is the loader's to report). The rulesets in force together on
    any day are all in force on the latest of their start dates, so those days suffice."""
    problems: dict[tuple[tuple[str, str], ...], Problem] = {}
    for day in sorted({r.effective_from for r in rulesets}):
        in_force = [r for r in rulesets if _in_force_on(r, day)]
        owner: dict[str, tuple[Award, Ruleset]] = {}
        for ruleset in in_force:
            for award in ruleset.awards.values():
                owner.setdefault(award.id, (award, ruleset))
        graph = {a: set(award.depends_on) for a, (award, _) in owner.items()}
        for cycle in cycles(graph):
            key = tuple((owner[a][1].source, a) for a in cycle)
            if len({source for source, _ in key}) > 1 and key not in problems:
                problems[key] = _cycle_problem(cycle, owner)
    return list(problems.values())


def _cycle_problem(cycle: tuple[str, ...], owner: Mapping[str, tuple[Award, Ruleset]]) -> Problem:
    first, ruleset = owner[cycle[0]]
    steps = [f"{a} ({owner[a][1].id} {owner[a][1].version}, {owner[a][1].source})" for a in cycle]
    return Problem(
        file=ruleset.source,
        location=_where_read(first, cycle[1 % len(cycle)]),
        message=Message(
            "awards read each other in a cycle across rulesets: {cycle}",
            cycle=" -> ".join([*steps, cycle[0]]),
        ),
        code="award_cycle",
    )


def _where_read(award: Award, other: str) -> str:
    """The TOML path where ``award`` reads ``other``: a rule's expression or its quota."""
    for rule in award.rules:
        for call in calls_within(rule.node):
            kinds = {a.name: a.kind for a in call.function.arguments}
            if any(kinds.get(name) == "award" and value == other for name, value in call.arguments):
                return rule.location
    if award.quota is not None and award.quota.of == other:
        return f"awards.{award.id}.quota.of"
    return f"awards.{award.id}"


def _in_force_on(ruleset: Ruleset, day: dt.date) -> bool:
    return ruleset.effective_from <= day and (
        ruleset.effective_to is None or day <= ruleset.effective_to
    )


def catalogue_warnings(rulesets: Sequence[Ruleset]) -> tuple[Problem, ...]:
    """What is allowed but likely a mistake, across the loaded rulesets: a span of time
    between two versions of one ruleset in which neither is in force (``version_gap``)."""
    warnings = []
    by_id: dict[str, list[Ruleset]] = {}
    for ruleset in rulesets:
        by_id.setdefault(ruleset.id, []).append(ruleset)
    for ruleset_id, versions in sorted(by_id.items()):
        versions.sort(key=lambda r: r.effective_from)
        for before, after in itertools.pairwise(versions):
            end = before.effective_to
            if end is None or end + dt.timedelta(days=1) >= after.effective_from:
                continue
            first, last = end + dt.timedelta(days=1), after.effective_from - dt.timedelta(days=1)
            warnings.append(
                Problem(
                    file=after.source,
                    location="ruleset.effective_from",
                    message=Message(
                        "no version of {ruleset_id} is in force from {first} to {last}: version {before_version} ({before_source}) ends on {end} and version {after_version} starts on {after_effective_from}",
                        ruleset_id=ruleset_id,
                        first=first,
                        last=last,
                        before_version=before.version,
                        before_source=before.source,
                        end=end,
                        after_version=after.version,
                        after_effective_from=after.effective_from,
                    ),
                    code="version_gap",
                )
            )
    return tuple(warnings)
