"""The engine: loaded rulesets and functions, and the one ``evaluate`` every caller uses.

Build it with :func:`build_engine`; nothing is created at import time and there is no global
state, so tests build as many engines as they like.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from emulation._plugins import PluginFacade, make_plugin_manager
from emulation.data.population import Population
from emulation.errors import EvaluationError, Problem, RulesetError
from emulation.evaluate import run
from emulation.evaluate.plan import plan_evaluation
from emulation.functions import FunctionSpec
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.rules.loader import CASE_SUFFIX
from emulation.rules.model import Award, Ruleset


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Engine:
    """Loaded rulesets (every version), the registered functions and the plugin facade."""

    rulesets: tuple[Ruleset, ...]
    functions: Mapping[str, FunctionSpec]
    plugins: PluginFacade
    #: The settings the plugins were configured with (``emulation_configure``).
    config: Mapping[str, str] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        versions = ", ".join(f"{r.id} {r.version}" for r in self.rulesets)
        return f"<Engine rulesets=[{versions}] functions={sorted(self.functions)}>"

    # -- rulesets --------------------------------------------------------------------------

    def rulesets_in_force(self, period: Period | str) -> tuple[Ruleset, ...]:
        """The version of each ruleset in force on the last day of ``period``."""
        period = _period(period)
        return tuple(r for r in self.rulesets if r.in_force(period))

    def awards_in_force(self, period: Period | str) -> dict[str, tuple[Award, Ruleset]]:
        """Every award of the rulesets in force, by id."""
        found: dict[str, tuple[Award, Ruleset]] = {}
        for ruleset in self.rulesets_in_force(period):
            for award in ruleset.awards.values():
                if award.id in found:
                    other = found[award.id][1]
                    raise EvaluationError(
                        f'award "{award.id}" is defined by both {other.id} and {ruleset.id}'
                    )
                found[award.id] = (award, ruleset)
        return dict(sorted(found.items()))

    # -- evaluation ------------------------------------------------------------------------

    def report_formats(self) -> list[str]:
        """The output formats the reporter plugins render, sorted."""
        return self.plugins.report_formats()

    def render(self, evaluation: Evaluation, format: str = "json", lang: str = "vi") -> str:
        """Render ``evaluation`` through the reporter plugins (``table``, ``json``, ``csv`` …)."""
        return self.plugins.render(evaluation, format, lang)

    def read_population(self, path: str | os.PathLike[str]) -> Population:
        """Read input data through the reader plugins (JSON document or CSV folder)."""
        return self.plugins.read_population(Path(path))

    def evaluate(
        self,
        population: Population,
        period: Period | str,
        awards: Sequence[str] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
    ) -> Evaluation:
        """Decide ``awards`` (default: every award in force) for every candidate of ``period``.

        ``parameters`` overrides ruleset parameters by name (an unconfirmed threshold, a
        province's own value); each value is checked against the parameter's type. Awards
        the requested ones read are evaluated too, first.
        """
        period = _period(period)
        plan = plan_evaluation(
            period, self.rulesets_in_force(period), self.awards_in_force(period), awards, parameters
        )
        population = self.plugins.adapt_population(population, period)
        evaluation = Evaluation(
            period=period,
            population=population,
            frames=run(plan, population),
            awards=plan.awards,
            parameters={key: dict(values) for key, values in plan.parameters.items()},
            order=plan.order,
        )
        self.plugins.observe(evaluation)
        return evaluation

    def evaluate_periods(
        self,
        population: Population,
        periods: Sequence[Period | str],
        awards: Sequence[str] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
    ) -> tuple[Evaluation, ...]:
        """Evaluate several periods oldest first; what is granted in one period is added to
        the award history the later ones read (chains such as three consecutive CSTĐCS).

        A history record already present for the same subject, award and period is kept once.
        """
        ordered = sorted(_period(p) for p in periods)
        results = []
        for period in ordered:
            evaluation = self.evaluate(population, period, awards, parameters=parameters)
            results.append(evaluation)
            history = pl.concat([population.awards, _history_of(evaluation)], how="vertical")
            population = attrs.evolve(
                population,
                awards=history.unique(
                    ["subject", "award", "period"], keep="first", maintain_order=True
                ),
            )
        return tuple(results)


def _history_of(evaluation: Evaluation) -> pl.DataFrame:
    """The granted decisions of an evaluation as award-history rows."""
    granted = evaluation.outcomes().filter(pl.col("outcome") == "granted")
    return granted.select(
        "subject",
        "award",
        "period",
        pl.format("granted by the engine for {}", pl.col("period")).alias("_origin"),
    )


def build_engine(
    plugins: Iterable[object] = (),
    *,
    ruleset_paths: Iterable[str | os.PathLike[str]] = (),
    entry_points: bool = True,
    blocked: Iterable[str] | None = None,
    config: Mapping[str, str] | None = None,
) -> Engine:
    """Build the plugin manager and the engine, load and check every ruleset.

    ``plugins`` are extra plugin objects (modules or instances with ``@hookimpl`` methods);
    ``ruleset_paths`` extra ruleset files or folders; ``entry_points=False`` ignores installed
    plugins (tests); ``blocked`` names plugins not to register (default: the
    ``EMULATION_DISABLE_PLUGINS`` variable). Raises :class:`RulesetError` listing every
    problem of every ruleset.
    """
    manager = make_plugin_manager(plugins, entry_points=entry_points, blocked=blocked)
    facade = PluginFacade(manager)
    facade.configure(config or {})
    functions = facade.functions()
    paths = sorted({*facade.ruleset_paths(), *(Path(p) for p in ruleset_paths)})
    rulesets = load_rulesets(facade, paths, functions)
    return Engine(rulesets=rulesets, functions=functions, plugins=facade, config=dict(config or {}))


def ruleset_files(paths: Iterable[Path]) -> list[Path]:
    """Every ruleset file under ``paths`` (folders searched recursively; case files skipped)."""
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files.update(p for p in path.rglob("*.toml") if not p.name.endswith(CASE_SUFFIX))
        else:
            files.add(path)
    return sorted(files)


def load_rulesets(
    facade: PluginFacade, paths: Iterable[Path], functions: dict[str, FunctionSpec]
) -> tuple[Ruleset, ...]:
    """Load every file under ``paths``; collect the problems of all of them, then check that
    versions of one ruleset do not overlap in time (an identical copy of a file counts once)."""
    problems: list[Problem] = []
    rulesets: list[Ruleset] = []
    for file in ruleset_files(paths):
        if not file.exists():
            problems.append(Problem(file=str(file), message="no such file or folder"))
            continue
        try:
            ruleset = facade.load_ruleset(file, functions)
        except RulesetError as error:
            problems.extend(error.problems)
            continue
        if ruleset is None:
            problems.append(Problem(file=str(file), message="no loader reads this file"))
            continue
        rulesets.append(ruleset)
    rulesets = _distinct(rulesets)
    problems.extend(_overlaps(rulesets))
    problems.extend(_unknown_awards(rulesets))
    problems.extend(_duplicate_awards(rulesets))
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
                        message=f'award "{award}" is also defined by {first.id} ({first.source}), '
                        "in force at the same time",
                    )
                )
    return problems


def _overlap(a: Ruleset, b: Ruleset) -> bool:
    end_a, end_b = a.effective_to, b.effective_to
    return (end_b is None or a.effective_from <= end_b) and (
        end_a is None or b.effective_from <= end_a
    )


def _unknown_awards(rulesets: list[Ruleset]) -> list[Problem]:
    """Award ids named in expressions must be defined by some ruleset loaded together."""
    from emulation.lang.checker import suggest

    known = {award for ruleset in rulesets for award in ruleset.awards}
    problems = []
    for ruleset in rulesets:
        for award in ruleset.awards.values():
            for rule in award.rules:
                for call in rule.node.calls:
                    bound = dict(call.arguments)
                    for argument in call.function.arguments:
                        name = bound.get(argument.name)
                        if argument.kind == "award" and name and name not in known:
                            problems.append(
                                Problem(
                                    file=ruleset.source,
                                    location=rule.location,
                                    message=f'unknown award "{name}"{suggest(str(name), known)}',
                                )
                            )
    return problems


def _overlaps(rulesets: list[Ruleset]) -> list[Problem]:
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
                            f"version {after.version} of {after.id} starts on "
                            f"{after.effective_from} while version {before.version} "
                            f"({before.source}) is still in force"
                        ),
                    )
                )
    return problems


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)
