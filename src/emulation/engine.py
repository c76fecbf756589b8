"""The engine: loaded rulesets and functions, and the one ``evaluate`` every caller uses.

Build it with :func:`build_engine`; nothing is created at import time and there is no global
state, so tests build as many engines as they like.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import polars as pl

from emulation._plugins import PluginFacade, make_plugin_manager
from emulation.data.population import Population
from emulation.errors import EmulationError, EvaluationError, Problem
from emulation.evaluate import run
from emulation.evaluate.plan import plan_evaluation
from emulation.functions import FunctionSpec
from emulation.period import Period
from emulation.results.diff import Diff, diff_evaluations
from emulation.results.evaluation import Evaluation
from emulation.results.replay import Replay, compare, read_decisions
from emulation.rules.catalogue import catalogue_warnings, load_rulesets, ruleset_files
from emulation.rules.model import Award, Ruleset
from emulation.rules.scores import ScoreSheet
from emulation.types import LANGUAGES, Language


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Engine:
    """Loaded rulesets (every version), the registered functions and the plugin facade."""

    rulesets: tuple[Ruleset, ...]
    functions: Mapping[str, FunctionSpec]
    plugins: PluginFacade
    #: The settings the plugins were configured with (``emulation_configure``).
    config: Mapping[str, str] = attrs.field(factory=dict)
    #: What the rulesets allow but is likely a mistake (a span between two versions of a
    #: ruleset with neither in force), as located problems with a ``code``; never raised.
    warnings: tuple[Problem, ...] = ()

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

    def scores_in_force(self, period: Period | str) -> dict[str, tuple[ScoreSheet, Ruleset]]:
        """Every score sheet of the rulesets in force, by id."""
        found: dict[str, tuple[ScoreSheet, Ruleset]] = {}
        for ruleset in self.rulesets_in_force(period):
            for sheet in ruleset.scores.values():
                if sheet.id in found:
                    other = found[sheet.id][1]
                    raise EvaluationError(
                        f'score sheet "{sheet.id}" is defined by both {other.id} and {ruleset.id}'
                    )
                found[sheet.id] = (sheet, ruleset)
        return dict(sorted(found.items()))

    # -- evaluation ------------------------------------------------------------------------

    def report_formats(self) -> list[str]:
        """The output formats the reporter plugins render, sorted."""
        return self.plugins.report_formats()

    def render(self, evaluation: Evaluation, format: str = "json", lang: Language = "vi") -> str:
        """Render ``evaluation`` through the reporter plugins (``table``, ``json``, ``csv`` …)
        in ``lang`` (``"vi"`` or ``"en"``)."""
        if lang not in LANGUAGES:
            raise EvaluationError(f'unknown language "{lang}"; expected one of {list(LANGUAGES)}')
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
        scores: Sequence[str] | None = None,
    ) -> Evaluation:
        """Decide ``awards`` (default: every award in force) for every candidate of ``period``.

        ``parameters`` overrides ruleset parameters by name (an unconfirmed threshold, a
        province's own value); each value is checked against the parameter's type. Awards
        and score sheets the requested ones read are evaluated too, first. ``scores`` names
        the score sheets to compute (default: all of them when every award is decided, else
        those the awards read).
        """
        period = _period(period)
        plan = plan_evaluation(
            period,
            self.rulesets_in_force(period),
            self.awards_in_force(period),
            awards,
            parameters,
            sheets=self.scores_in_force(period),
            scores=scores,
        )
        population = self.plugins.adapt_population(population, period)
        evaluation = Evaluation(
            period=period,
            population=population,
            frames=run(plan, population),
            awards=plan.awards,
            parameters={key: dict(values) for key, values in plan.parameters.items()},
            order=plan.order,
            sheets=plan.scores,
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

    def replay(
        self,
        decisions: str | os.PathLike[str] | Mapping[str, Any],
        population: Population,
        *,
        parameters: Mapping[str, Any] | None = None,
    ) -> Replay:
        """Derive again the decisions of a decisions file (the JSON ``evaluate`` writes, or
        its parsed document) from ``population``, and compare them field by field.

        The recorded period is evaluated for the awards the file holds, with the award
        history of ``population``, as ``emulation evaluate`` does; give the ``parameters``
        the recorded run was given. Raises :class:`DataError` for a file not of that form.
        """
        recorded = read_decisions(decisions)
        period = _period(recorded.period)
        in_force = self.awards_in_force(period)
        awards = [award for award in recorded.awards() if award in in_force]
        # a file without decisions claims that no award has a candidate: check every one
        chosen = awards if recorded.decisions else None
        evaluation = self.evaluate(population, period, chosen, parameters=parameters)
        return compare(recorded, evaluation)

    def diff(
        self,
        population: Population,
        period: Period | str,
        after: Engine | None = None,
        awards: Sequence[str] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        after_parameters: Mapping[str, Any] | None = None,
    ) -> Diff:
        """What changes if: ``population`` evaluated for ``period`` by this engine with
        ``parameters`` ("before"), and by ``after`` (default: this engine) with
        ``parameters`` updated by ``after_parameters`` ("after"). Returns a :class:`Diff`
        naming every decision whose outcome, criteria, rank, cap or bonus differs."""
        period = _period(period)
        other = self if after is None else after
        both = {**(parameters or {}), **(after_parameters or {})}
        before_side = self.evaluate(population, period, awards, parameters=parameters)
        after_side = other.evaluate(population, period, awards, parameters=both)
        return diff_evaluations(before_side, after_side)


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
    return assemble(
        plugins,
        ruleset_paths=ruleset_paths,
        entry_points=entry_points,
        blocked=blocked,
        config=config,
    )


def assemble(
    plugins: Iterable[object] = (),
    *,
    ruleset_paths: Iterable[str | os.PathLike[str]] = (),
    installed: Literal["add", "replace", "ignore"] = "add",
    entry_points: bool = True,
    blocked: Iterable[str] | None = None,
    config: Mapping[str, str] | None = None,
    registered: Sequence[tuple[str, object]] | None = None,
    replaceable: Iterable[str | os.PathLike[str]] = (),
) -> Engine:
    """The one place where a plugin manager and an engine are built.

    :func:`build_engine`, the command line, the ``emulation test`` runner and the determinism
    property all come here. ``installed`` says what to do with the rulesets the plugins
    contribute (``emulation_ruleset_paths``): ``"add"`` them to ``ruleset_paths``,
    ``"replace"`` — keep only those whose ruleset id no file under ``ruleset_paths`` defines
    (a working copy under test wins over the installed one) — or ``"ignore"`` them.
    ``replaceable`` are further ruleset files or folders treated as the installed ones are
    (``emulation diff --after-rulesets`` replaces rulesets given by ``--rulesets`` too).
    ``registered`` gives the exact plugins to register, by name and in order, instead of the
    built-ins, ``plugins`` and entry points (an engine rebuilt with its plugins reordered).
    """
    manager = make_plugin_manager(
        plugins, entry_points=entry_points, blocked=blocked, registered=registered
    )
    facade = PluginFacade(manager)
    facade.configure(config or {})
    functions = facade.functions()
    suffixes = facade.ruleset_suffixes()
    own = sorted({Path(p) for p in ruleset_paths})
    paths: list[Path] = list(own)
    others = [*facade.ruleset_paths(), *(Path(p) for p in replaceable)]
    if installed == "add":
        paths.extend(others)
    elif installed == "replace":
        paths.extend(_not_defined_by(facade, own, functions, suffixes, others))
    rulesets = load_rulesets(facade, sorted(set(paths)), functions, suffixes)
    return Engine(
        rulesets=rulesets,
        functions=functions,
        plugins=facade,
        config=dict(config or {}),
        warnings=catalogue_warnings(rulesets),
    )


def _not_defined_by(
    facade: PluginFacade,
    own: Sequence[Path],
    functions: dict[str, FunctionSpec],
    suffixes: Sequence[str],
    others: Sequence[Path],
) -> list[Path]:
    """The ruleset files under ``others`` (the installed ones) whose ruleset id no file under
    ``own`` defines."""
    mine = ruleset_files(own, suffixes)
    ids = {ruleset.id for ruleset in _quietly_loaded(facade, mine, functions)}
    resolved = {file.resolve() for file in mine}
    return [
        file
        for file in ruleset_files(others, suffixes)
        if file.resolve() not in resolved
        and all(r.id not in ids for r in _quietly_loaded(facade, [file], functions))
    ]


def _quietly_loaded(
    facade: PluginFacade, files: Iterable[Path], functions: dict[str, FunctionSpec]
) -> list[Ruleset]:
    """The rulesets of ``files`` that load; the others are reported when all are loaded."""
    found = []
    for file in files:
        try:
            ruleset = facade.load_ruleset(file, functions)
        except EmulationError:
            continue
        if ruleset is not None:
            found.append(ruleset)
    return found


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)
