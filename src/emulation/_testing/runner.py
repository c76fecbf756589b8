"""A rule author's test run: the case files beside a set of rulesets, the properties, and
criterion coverage. ``emulation test`` runs one per plugin or path; the pytest plugin uses the
engine and case-file helpers.

The engine of a run has every installed plugin's functions, hooks and rulesets, except that
the rulesets under the run's paths replace the installed ones with the same id: a copy of a
plugin's rulesets (a change under review) is tested instead of the installed one, and awards
of other plugins it reads are still there. Only the rulesets under the paths count for
coverage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from emulation._testing.counterexample import describe_decision
from emulation._testing.coverage import Coverage, CoverageReport
from emulation.cases import CASE_SUFFIX, CaseResult, load_case_file, run_case
from emulation.engine import Engine, assemble
from emulation.errors import EmulationError, ProblemsError
from emulation.rules.catalogue import ruleset_files
from emulation.rules.model import Award, Ruleset


@attrs.frozen
class Tested:
    """An engine for a run, and the rulesets under test (those under the run's paths)."""

    engine: Engine
    rulesets: tuple[Ruleset, ...]


def engine_for(paths: Sequence[Path]) -> Tested:
    """The engine of a run over the rulesets under ``paths`` (see the module docs)."""
    engine = assemble(ruleset_paths=paths, installed="replace")
    mine = {file.resolve() for file in ruleset_files(paths, engine.plugins.ruleset_suffixes())}
    tested = tuple(r for r in engine.rulesets if Path(r.source).resolve() in mine)
    return Tested(engine, tested)


def rulesets_root(case_file: Path, stop: Path | None = None) -> Path:
    """The folder whose rulesets a case file tests: its own folder if it holds ruleset files
    (searched recursively), else the nearest parent that does, up to ``stop``."""
    folder = case_file.resolve().parent
    top = stop.resolve() if stop else None
    for candidate in (folder, *folder.parents):
        if ruleset_files([candidate]):
            return candidate
        if candidate == top:
            break
    return folder


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Every case file under ``paths`` (a case file given directly counts too)."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(path.rglob(f"*{CASE_SUFFIX}"))
        elif path.name.endswith(CASE_SUFFIX):
            found.add(path)
    return sorted(found)


def case_failure(
    result: CaseResult, rulesets: Iterable[Ruleset] = (), *, header: bool = True
) -> str:
    """A failed case for a person: where it is (unless not ``header``), expected against
    actual outcome and reasons, then each expected decision with every rule's expression
    and the values it read."""
    case = result.case
    lines = [f"{case.location} {case.name}"] if header else []
    lines.extend(f"  {line}" for failure in result.failures for line in failure.splitlines())
    wanted = {(e.subject, e.award) for e in case.expect}
    decisions = [d for d in result.evaluation.decisions() if (d.subject, d.award) in wanted]
    if decisions:
        lines.append("  decisions:")
        for decision in decisions:
            lines.extend(describe_decision(decision, rulesets, indent="    ", reasons=False))
    return "\n".join(lines)


# -- targets and runs --------------------------------------------------------------------------


@attrs.frozen
class Target:
    """What one ``emulation test`` argument names: a plugin's ruleset folders, or a path."""

    name: str
    paths: tuple[Path, ...]


def resolve(names: Sequence[str]) -> list[Target]:
    """Existing paths are taken as they are; another name is an installed plugin, whose
    ``emulation_ruleset_paths`` are used; no name means every installed plugin that
    contributes rulesets."""
    contributed = assemble(installed="ignore").plugins.ruleset_paths_by_plugin()
    if not names:
        return [Target(name, tuple(sorted(paths))) for name, paths in sorted(contributed.items())]
    targets = []
    for name in names:
        path = Path(name)
        if path.exists():
            targets.append(Target(name, (path,)))
        elif name in contributed:
            targets.append(Target(name, tuple(sorted(contributed[name]))))
        else:
            known = ", ".join(sorted(contributed)) or "none"
            raise EmulationError(
                f"{name!r} is neither a path nor an installed plugin with rulesets "
                f"(plugins with rulesets: {known})"
            )
    return targets


@attrs.frozen(kw_only=True)
class SuiteResult:
    """What a run found: ``problems`` (files that could not be read), case failures (each a
    readable text), property failures by name, the number of cases and the coverage."""

    target: Target
    rulesets: int
    cases: int
    problems: tuple[str, ...]
    case_failures: tuple[str, ...]
    property_failures: tuple[tuple[str, str], ...]
    properties_run: tuple[str, ...]
    examples: int
    coverage: CoverageReport
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not (self.problems or self.case_failures or self.property_failures)


def period_groups(rulesets: Sequence[Ruleset]) -> list[list[Ruleset]]:
    """``rulesets`` grouped by the kinds of period they are evaluated for, so that the
    properties check the rulesets of congress terms apart from those of years: no period is
    evaluated by both (the Nguyễn Đức Cảnh prize beside the union's annual awards)."""
    groups: dict[tuple[str, ...], list[Ruleset]] = {}
    for ruleset in rulesets:
        groups.setdefault(tuple(sorted(ruleset.periods)), []).append(ruleset)
    return [groups[key] for key in sorted(groups)]


def checkable_awards(rulesets: Sequence[Ruleset]) -> list[str]:
    """The awards of ``rulesets`` the properties check: all but those whose rules read, directly
    or through the awards they read, a parameter that ships with no value (``values = []``):
    the user must set it, and no generated population can."""
    unset = {name for r in rulesets for name, p in r.parameters.items() if not p.values}
    awards: dict[str, Award] = {a: award for r in rulesets for a, award in r.awards.items()}

    def reads_unset(award_id: str, seen: set[str]) -> bool:
        award = awards.get(award_id)
        if award is None or award_id in seen:
            return False
        seen.add(award_id)
        if any(rule.node.params & unset for rule in award.rules):
            return True
        return any(reads_unset(other, seen) for other in award.depends_on)

    return sorted(a for a in awards if not reads_unset(a, set()))


def run(target: Target, *, examples: int = 20, properties: bool = True) -> SuiteResult:
    """Load the target's rulesets, run its case files and (unless ``properties`` is false)
    every property of :mod:`emulation.properties` with ``examples`` derandomized examples."""
    tested = engine_for(target.paths)
    engine = tested.engine
    coverage = Coverage()
    coverage.add_rulesets(tested.rulesets)
    coverage.add_movements(tested.rulesets)
    problems: list[str] = []
    failures: list[str] = []
    count = 0
    for path in case_files(target.paths):
        try:
            cases = load_case_file(path)
        except ProblemsError as error:
            problems.extend(str(problem) for problem in error.problems)
            continue
        for case in cases:
            count += 1
            try:
                result = run_case(engine, case)
            except EmulationError as error:
                failures.append(f"{case.location} {case.name}\n  {error}")
                continue
            coverage.record(result.evaluation.decisions())
            coverage.record_movements(result.evaluation)
            if not result.passed:
                failures.append(case_failure(result, engine.rulesets))
    found: list[tuple[str, str]] = []
    ran: list[str] = []
    notes: list[str] = []
    if properties and tested.rulesets:
        try:
            # lazy: the properties need Hypothesis, an optional dependency
            from emulation import properties as props
        except ImportError:  # hypothesis is an optional dependency
            notes.append("properties skipped: install Hypothesis (pip install 'emulation[test]')")
        else:
            groups = period_groups(tested.rulesets)
            for prop in props.PROPERTIES:
                ran.append(prop.name)
                try:
                    for group in groups:
                        props.check(
                            engine,
                            prop.name,
                            rulesets=group,
                            awards=checkable_awards(group),
                            max_examples=examples,
                            derandomize=True,
                        )
                except (props.PropertyFailure, EmulationError) as error:
                    found.append((prop.name, str(error)))
    return SuiteResult(
        target=target,
        rulesets=len(tested.rulesets),
        cases=count,
        problems=tuple(problems),
        case_failures=tuple(failures),
        property_failures=tuple(found),
        properties_run=tuple(ran),
        examples=examples,
        coverage=coverage.report(),
        notes=tuple(notes),
    )


def report(result: SuiteResult, *, min_coverage: float = 0.0) -> str:
    """The text ``emulation test`` prints for one target: every failure in full, then the
    cases, the properties, the coverage table and the verdict."""
    paths = ", ".join(_shown(p) for p in result.target.paths)
    lines = [f"== {result.target.name} ({paths}): {result.rulesets} rulesets, {result.cases} cases"]
    lines.extend(f"problem: {problem}" for problem in result.problems)
    for failure in result.case_failures:
        lines += ["", f"FAILED case {failure}"]
    for name, message in result.property_failures:
        lines += ["", f"FAILED property {name}: {message}"]
    if result.case_failures or result.property_failures:
        lines.append("")
    lines.append(
        f"cases: {result.cases - len(result.case_failures)} passed, {len(result.case_failures)} failed"
    )
    if result.properties_run:
        failed = dict(result.property_failures)
        states = ", ".join(
            f"{n} {'FAILED' if n in failed else 'ok'}" for n in result.properties_run
        )
        lines.append(f"properties ({result.examples} examples each): {states}")
    lines.extend(result.notes)
    lines.append(result.coverage.format())
    verdict = []
    if result.problems:
        verdict.append(f"{len(result.problems)} problems")
    if result.case_failures:
        verdict.append(f"{len(result.case_failures)} cases failed")
    if result.property_failures:
        verdict.append(f"{len(result.property_failures)} properties failed")
    verdict.extend(
        f"{low} is below {min_coverage:g} %" for low in result.coverage.below(min_coverage)
    )
    lines.append(f"result: FAILED ({'; '.join(verdict)})" if verdict else "result: ok")
    return "\n".join(lines)


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
