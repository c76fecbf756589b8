"""The engine: loaded rulesets and functions, and the one ``evaluate`` every caller uses.

Build it with :func:`build_engine`; nothing is created at import time and there is no global
state, so tests build as many engines as they like.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import attrs
import polars as pl

from emulation._plugins import PluginFacade, make_plugin_manager
from emulation._replaced import not_defined_by
from emulation.data.population import Population
from emulation.errors import EmulationError, EvaluationError, Problem, suggest
from emulation.evaluate import run
from emulation.evaluate.inputs import input_warnings
from emulation.evaluate.kpis import evaluate_kpis
from emulation.evaluate.money import decision_day
from emulation.evaluate.plan import by_id
from emulation.evaluate.prepared import PLAN_CACHE_SIZE, PlanCache, Shape, prepare
from emulation.functions import FunctionSpec
from emulation.period import Period, cut_off
from emulation.results.diff import Diff, diff_evaluations
from emulation.results.evaluation import Evaluation
from emulation.results.replay import Replay, compare, read_decisions
from emulation.rules.catalogue import catalogue_warnings, load_rulesets
from emulation.rules.loader import SUBJECT_FACTS
from emulation.rules.model import Award, Ruleset
from emulation.rules.publish import catalogue_markdown
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
    #: How many request shapes (period, awards, overrides, cut-off …) the engine keeps the
    #: evaluation plan of; 0 keeps none. See :meth:`clear_cache`.
    plan_cache_size: int = PLAN_CACHE_SIZE
    _plans: PlanCache = attrs.field(init=False)
    _declared: frozenset[str] = attrs.field(init=False)

    @_plans.default
    def _new_plan_cache(self) -> PlanCache:
        return PlanCache(partial(prepare, rulesets_for=self.rulesets_for), self.plan_cache_size)

    @_declared.default
    def _declared_facts(self) -> frozenset[str]:
        names = {name for ruleset in self.rulesets for name in ruleset.facts}
        return frozenset(names | set(SUBJECT_FACTS))

    def clear_cache(self) -> None:
        """Forget the evaluation plans kept (each is built again at its next use)."""
        self._plans.clear()

    def with_plan_cache(self, size: int) -> Engine:
        """This engine keeping the plans of ``size`` request shapes (0: none), with an empty
        cache; the rulesets and plugins are shared."""
        return attrs.evolve(self, plan_cache_size=size)

    def cache_info(self) -> functools._CacheInfo:
        """The plan cache's hits, misses, size limit and current size."""
        return self._plans.info()

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
        return _awards_of(self.rulesets_in_force(period))

    def declared_facts(self) -> frozenset[str]:
        """Every fact name a loaded ruleset (of any version) declares, with the subject
        attributes every expression may read (``gender``, ``birth_year`` …)."""
        return self._declared

    def rulesets_for(
        self, period: Period | str, awards: Sequence[str] | None = None
    ) -> tuple[Ruleset, ...]:
        """The rulesets an evaluation of ``period`` uses: those in force that accept its kind
        (``[ruleset] periods``). Raises :class:`EvaluationError` naming the ruleset when
        ``awards`` asks for an award of a ruleset in force that refuses the period's kind, or
        when every ruleset in force refuses it."""
        period = _period(period)
        in_force = self.rulesets_in_force(period)
        accepting = tuple(r for r in in_force if r.accepts(period))
        asked = set(awards or ())
        for ruleset in in_force:
            if ruleset.accepts(period) or (accepting and not asked & set(ruleset.awards)):
                continue
            raise EvaluationError(
                f"ruleset {ruleset.id} {ruleset.version} is not evaluated for {period.kind} "
                f'periods such as "{period}": it declares periods = {list(ruleset.periods)}'
            )
        return accepting

    def catalogue(self, plugin: str | None = None) -> str:
        """The rules of ``plugin`` (default: every ruleset loaded), every version, as a
        Markdown catalogue: awards and criteria in Vietnamese and English with their legal
        basis and certainty, parameters by date with the unconfirmed ones flagged. Raises
        :class:`EmulationError` for a plugin that contributes no ruleset."""
        roots = self.plugins.ruleset_paths_by_plugin()
        if plugin is not None and plugin not in roots:
            raise EmulationError(
                f'plugin "{plugin}" contributes no ruleset{suggest(plugin, roots)}; '
                f"plugins with rulesets: {sorted(roots)}"
            )
        chosen = []
        for ruleset in self.rulesets:
            owner, shown = _owner(Path(ruleset.source), roots)
            if plugin is None or owner == plugin:
                chosen.append((ruleset, shown))
        title = (
            "Danh mục quy định / Rules catalogue"
            if plugin is None
            else f"Danh mục quy định của {plugin} / Rules of {plugin}"
        )
        command = "emulation catalogue" + ("" if plugin is None else f" {plugin}")
        return catalogue_markdown(title, chosen, command)

    def scores_in_force(self, period: Period | str) -> dict[str, tuple[ScoreSheet, Ruleset]]:
        """Every score sheet of the rulesets in force, by id."""
        return _sheets_of(self.rulesets_in_force(period))

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
        """Read input data through the reader plugins (JSON document, CSV folder or Parquet folder)."""
        return self.plugins.read_population(Path(path))

    def evaluate(
        self,
        population: Population,
        period: Period | str,
        awards: Sequence[str] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        kpis: Sequence[str] | None = None,
        as_of: dt.date | str | None = None,
        scores: Sequence[str] | None = None,
        decision_date: dt.date | str | None = None,
    ) -> Evaluation:
        """Decide ``awards`` (default: every award in force) for every candidate of ``period``.

        ``parameters`` overrides ruleset parameters by name (an unconfirmed threshold, a
        province's own value); each value is checked against the parameter's type. Awards
        the requested ones read are evaluated too, first; so are the score sheets they read.
        ``scores`` names the score sheets to compute (default: all of them when every award is
        decided, else those the awards read). ``kpis`` names the KPIs to evaluate over the
        organisation tree (default: every KPI in force when no award is named, none when some
        are), with the awards they read. ``as_of`` is the round's cut-off (a date within the
        period, or ``YYYY-MM-DD``): service and months in operation are counted to it; by
        default to the period's last day. ``decision_date`` is the day the awards are decided
        (a date or ``YYYY-MM-DD``, on or after the cut-off): bonus money is computed with the
        coefficient and base salary in force on that day (Decree 152/2025 Art 49(1)); by
        default on the cut-off. Only the rulesets that accept the period's kind are used (see
        :meth:`rulesets_for`).
        """
        period = _period(period)
        day = cut_off(period, as_of)
        decided = decision_day(day, decision_date)
        shape = Shape.of(period, awards, kpis, scores, day, decided, parameters)
        prepared = self._plans.get(shape)
        plan = prepared.plan
        population = self.plugins.adapt_population(population, period)
        frames = run(plan, population, prepared.compiled)
        evaluation = Evaluation(
            period=period,
            population=population,
            frames=frames,
            awards=plan.awards,
            parameters={key: dict(values) for key, values in plan.parameters.items()},
            order=plan.order,
            kpi_specs=plan.kpis,
            kpi_frame=evaluate_kpis(plan, population, frames) if plan.kpis else None,
            standings_ranked=plan.standings,
            as_of=None if as_of is None else day,
            sheets=plan.scores,
            warnings=input_warnings(population, period, self.declared_facts()),
            decision_date=None if decision_date is None else decided,
            money_parameters={key: dict(v) for key, v in prepared.money_parameters.items()},
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
        as_of: Mapping[Period | str, dt.date | str] | None = None,
    ) -> tuple[Evaluation, ...]:
        """Evaluate several periods oldest first; what is granted in one period is added to
        the award history the later ones read (chains such as three consecutive CSTĐCS).

        A history record already present for the same subject, award and period is kept once.
        ``as_of`` gives the cut-off of some periods, by period (``{"2024": "2024-07-28"}``);
        the others are counted to their last day.
        """
        ordered = sorted(_period(p) for p in periods)
        cut_offs = {_period(p): day for p, day in (as_of or {}).items()}
        unknown = sorted(set(cut_offs) - set(ordered))
        if unknown:
            raise EvaluationError(f"as_of names period {unknown[0]}, which is not evaluated")
        results = []
        for period in ordered:
            evaluation = self.evaluate(
                population, period, awards, parameters=parameters, as_of=cut_offs.get(period)
            )
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
        in_force = _awards_of(self.rulesets_for(period))
        awards = [award for award in recorded.awards() if award in in_force]
        # a file without decisions claims that no award has a candidate: check every one
        chosen = awards if recorded.decisions else None
        evaluation = self.evaluate(
            population,
            period,
            chosen,
            parameters=parameters,
            as_of=recorded.as_of,
            decision_date=recorded.decision_date,
        )
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
        as_of: dt.date | str | None = None,
        decision_date: dt.date | str | None = None,
    ) -> Diff:
        """What changes if: ``population`` evaluated for ``period`` by this engine with
        ``parameters`` ("before"), and by ``after`` (default: this engine) with
        ``parameters`` updated by ``after_parameters`` ("after"), both counted to ``as_of``
        (default: the period's last day), both deciding on ``decision_date`` (default: the
        cut-off). Returns a :class:`Diff` naming every decision whose outcome, criteria, rank,
        cap or bonus differs."""
        period = _period(period)
        other = self if after is None else after
        both = {**(parameters or {}), **(after_parameters or {})}
        common: dict[str, Any] = {"as_of": as_of, "decision_date": decision_date}
        before_side = self.evaluate(population, period, awards, parameters=parameters, **common)
        after_side = other.evaluate(population, period, awards, parameters=both, **common)
        return diff_evaluations(before_side, after_side)


def _owner(source: Path, roots: Mapping[str, Sequence[Path]]) -> tuple[str | None, str]:
    """The plugin whose ruleset folder holds ``source``, and the file as ``plugin/relative``
    (or its name alone when no plugin contributes it)."""
    resolved = source.resolve()
    for name, paths in sorted(roots.items()):
        for root in paths:
            base = root.resolve()
            if resolved == base:
                return name, f"{name}/{resolved.name}"
            if base in resolved.parents:
                return name, f"{name}/{resolved.relative_to(base).as_posix()}"
    return None, source.name


def _awards_of(rulesets: Iterable[Ruleset]) -> dict[str, tuple[Award, Ruleset]]:
    """Every award of ``rulesets``, by id; an award two of them define is an error."""
    return by_id(rulesets, lambda ruleset: ruleset.awards.values(), "award")


def _sheets_of(rulesets: Iterable[Ruleset]) -> dict[str, tuple[ScoreSheet, Ruleset]]:
    """Every score sheet of ``rulesets``, by id; a sheet two of them define is an error."""
    return by_id(rulesets, lambda ruleset: ruleset.scores.values(), "score sheet")


def _history_of(evaluation: Evaluation) -> pl.DataFrame:
    """The granted decisions of an evaluation as award-history rows, of each award's
    ``history_type``."""
    granted = evaluation.outcomes().filter(pl.col("outcome") == "granted")
    types = {award.id: award.history_type for award, _ in evaluation.awards}
    return granted.select(
        "subject",
        "award",
        "period",
        pl.col("award")
        .replace_strict(types, default="merit", return_dtype=pl.String)
        .alias("type"),
        pl.format("granted by the engine for {}", pl.col("period")).alias("_origin"),
    )


def build_engine(
    plugins: Iterable[object] = (),
    *,
    ruleset_paths: Iterable[str | os.PathLike[str]] = (),
    entry_points: bool = True,
    blocked: Iterable[str] | None = None,
    config: Mapping[str, str] | None = None,
    plan_cache_size: int = PLAN_CACHE_SIZE,
) -> Engine:
    """Build the plugin manager and the engine, load and check every ruleset.

    ``plugins`` are extra plugin objects (modules or instances with ``@hookimpl`` methods);
    ``ruleset_paths`` extra ruleset files or folders; ``entry_points=False`` ignores installed
    plugins (tests); ``blocked`` names plugins not to register (default: the
    ``EMULATION_DISABLE_PLUGINS`` variable); ``plan_cache_size`` how many request shapes the
    engine keeps the evaluation plan of (:meth:`Engine.clear_cache`). Raises
    :class:`RulesetError` listing every problem of every ruleset.
    """
    engine = assemble(
        plugins,
        ruleset_paths=ruleset_paths,
        entry_points=entry_points,
        blocked=blocked,
        config=config,
    )
    return engine if plan_cache_size == PLAN_CACHE_SIZE else engine.with_plan_cache(plan_cache_size)


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
        paths.extend(not_defined_by(facade, own, functions, suffixes, others))
    rulesets = load_rulesets(facade, sorted(set(paths)), functions, suffixes)
    return Engine(
        rulesets=rulesets,
        functions=functions,
        plugins=facade,
        config=dict(config or {}),
        warnings=catalogue_warnings(rulesets),
    )


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)
