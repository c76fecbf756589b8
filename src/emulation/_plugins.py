"""Building the plugin manager, and the typed facade through which the engine calls hooks."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy

from emulation import hookspecs
from emulation.data.population import Population
from emulation.errors import EmulationError, EvaluationError
from emulation.functions import FunctionSpec
from emulation.i18n import Message
from emulation.lang.signature import Signature
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.rules.model import Ruleset
from emulation.types import Language

#: Built-in features, registered by these names; each is an ordinary plugin module.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "emulation._builtins.collectives",
    "emulation._builtins.discipline_time",
    "emulation._builtins.evidence_time",
    "emulation._builtins.functions",
    "emulation._builtins.history",
    "emulation._builtins.readers",
    "emulation._builtins.registrations",
    "emulation._builtins.reporters",
    "emulation._builtins.scores",
    "emulation._builtins.service",
    "emulation._builtins.shares",
    "emulation._builtins.standings",
    "emulation._builtins.toml_loader",
    "emulation._builtins.votes",
)

#: Comma-separated plugin names that must not be registered (built-in or entry point).
BLOCK_VARIABLE = "EMULATION_DISABLE_PLUGINS"


def blocked_except(chosen: Iterable[str]) -> list[str]:
    """The plugin names to block so that, of the installed plugins (the ``emulation`` entry
    points), only ``chosen`` are registered, with those ``EMULATION_DISABLE_PLUGINS`` already
    blocks; the built-ins stay. A name that is not an installed plugin is an error naming the
    installed ones."""
    installed = sorted({e.name for e in importlib.metadata.entry_points(group=hookspecs.PROJECT)})
    wanted = set(chosen)
    unknown = sorted(wanted - set(installed))
    if unknown:
        raise EmulationError(
            Message(
                "no installed plugin named {names}; installed: {installed}",
                names=", ".join(map(repr, unknown)),
                installed=", ".join(installed) or Message("none"),
            )
        )
    already = [name.strip() for name in os.environ.get(BLOCK_VARIABLE, "").split(",")]
    return sorted({name for name in already if name} | (set(installed) - wanted))


def make_plugin_manager(
    plugins: Iterable[object] = (),
    *,
    entry_points: bool = True,
    blocked: Iterable[str] | None = None,
    registered: Sequence[tuple[str, object]] | None = None,
) -> pluggy.PluginManager:
    """Build a plugin manager: specs, built-ins, extra ``plugins``, then entry points; or,
    when ``registered`` is given, exactly those plugins by name and in that order. Called only
    by :func:`emulation.engine.assemble`.

    Names listed in ``blocked`` (default: the ``EMULATION_DISABLE_PLUGINS`` variable) are not
    registered. ``check_pending`` runs last, so a misspelt ``emulation_*`` hook fails loudly.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    if blocked is None:
        blocked = [name.strip() for name in os.environ.get(BLOCK_VARIABLE, "").split(",")]
    for name in blocked:
        if name:
            manager.set_blocked(name)
    try:
        _register(manager, plugins, registered)
        if entry_points and registered is None:
            manager.load_setuptools_entrypoints(hookspecs.PROJECT)
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise EmulationError(f"plugin error: {error}") from None
    return manager


def _register(
    manager: pluggy.PluginManager,
    plugins: Iterable[object],
    registered: Sequence[tuple[str, object]] | None,
) -> None:
    """Register the built-ins and ``plugins`` by name, or exactly ``registered``."""
    if registered is not None:
        for name, plugin in registered:
            manager.register(plugin, name=name)
        return
    for name in DEFAULT_PLUGINS:
        if not manager.is_blocked(name):
            manager.register(importlib.import_module(name), name=name)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        if manager.is_blocked(name):
            continue
        if manager.has_plugin(name):
            raise EmulationError(
                f'two plugins are named "{name}"; give each plugin object a distinct '
                "__name__ (or class)"
            )
        manager.register(plugin, name=name)


class PluginFacade:
    """The only caller of hooks: one typed method per hook, contributions sorted stably.

    Every call goes through ``manager.hook`` (or a subset of it), so ``wrapper=True`` and
    ``hookwrapper=True`` implementations wrap every hook. Where a result must be attributed to
    a plugin, or chained plugin by plugin, each plugin is called through a hook caller that
    keeps it and every wrapper (``subset_hook_caller``), in the order of plugin names.
    """

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    def plugin_names(self) -> list[str]:
        """Names of the registered plugins, sorted."""
        return sorted(
            name for name, plugin in self.manager.list_name_plugin() if plugin is not None
        )

    def registered(self) -> list[tuple[str, object]]:
        """The registered plugins with their names, in registration order."""
        return [(n, p) for n, p in self.manager.list_name_plugin() if p is not None]

    def configure(self, config: Mapping[str, str]) -> None:
        self.manager.hook.emulation_configure.call_historic(kwargs={"config": dict(config)})

    def ruleset_paths(self) -> list[Path]:
        paths = {Path(p) for group in self.manager.hook.emulation_ruleset_paths() for p in group}
        return sorted(paths)

    def ruleset_paths_by_plugin(self) -> dict[str, list[Path]]:
        """The ruleset paths each plugin contributes, by plugin name (plugins with none left
        out)."""
        found: dict[str, list[Path]] = {}
        for name, groups in self._each("emulation_ruleset_paths"):
            paths = sorted({Path(p) for group in groups for p in group})
            if paths:
                found[name] = paths
        return found

    def ruleset_suffixes(self) -> list[str]:
        """The file suffixes the loader plugins read (``.toml`` …), sorted."""
        return sorted(
            {s for group in self.manager.hook.emulation_ruleset_suffixes() for s in group}
        )

    def functions(self) -> dict[str, FunctionSpec]:
        found: dict[str, tuple[FunctionSpec, str]] = {}
        for plugin, groups in self._each("emulation_register_functions"):
            for spec in (spec for group in groups for spec in group):
                other = found.get(spec.name)
                if other is not None:
                    raise EmulationError(
                        f'function "{spec.name}" is registered by both {other[1]} and {plugin}'
                    )
                found[spec.name] = (spec, plugin)
        return {name: found[name][0] for name in sorted(found)}

    def load_ruleset(self, path: Path, functions: Mapping[str, Signature]) -> Ruleset | None:
        result: Ruleset | None = self.manager.hook.emulation_load_ruleset(
            path=path, functions=functions
        )
        return result

    def read_population(self, path: Path) -> Population:
        result: Population | None = self.manager.hook.emulation_read_population(path=path)
        if result is None:
            raise EvaluationError(
                Message(
                    "{path}: no reader for this input (expected a .json file or a folder of CSV "
                    "or Parquet tables)",
                    path=path,
                )
            )
        return result

    def adapt_population(self, population: Population, period: Period) -> Population:
        steps = self._callers("emulation_adapt_population")
        if not steps:
            self.manager.hook.emulation_adapt_population(population=population, period=period)
        for _, caller in steps:
            for result in caller(population=population, period=period):
                if result is not None:
                    population = result
        return population

    def observe(self, evaluation: Evaluation) -> None:
        self.manager.hook.emulation_observe_evaluation(evaluation=evaluation)

    def report_formats(self) -> list[str]:
        return sorted({f for group in self.manager.hook.emulation_report_formats() for f in group})

    def render(self, evaluation: Evaluation, format: str, lang: Language) -> str:
        result: str | None = self.manager.hook.emulation_render(
            evaluation=evaluation, format=format, lang=lang
        )
        if result is None:
            raise EvaluationError(
                Message(
                    'unknown output format "{format}"; expected one of {formats}',
                    format=format,
                    formats=self.report_formats(),
                )
            )
        return result

    # -- calling plugin by plugin -----------------------------------------------------------

    def _callers(self, hook: str) -> list[tuple[str, Any]]:
        """For each plugin implementing ``hook`` (not as a wrapper), by plugin name: a hook
        caller holding that plugin and every wrapper of the hook."""
        impls = getattr(self.manager.hook, hook).get_hookimpls()
        plain = {i.plugin_name: i.plugin for i in impls if not (i.hookwrapper or i.wrapper)}
        return [
            (
                name,
                self.manager.subset_hook_caller(
                    hook, remove_plugins=[p for other, p in plain.items() if other != name]
                ),
            )
            for name in sorted(plain)
        ]

    def _each(self, hook: str, **kwargs: Any) -> list[tuple[str, list[Any]]]:
        """Every plugin's results of ``hook`` with the plugin's name, by plugin name."""
        return [(name, caller(**kwargs)) for name, caller in self._callers(hook)]
