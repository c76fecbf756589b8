"""Building the plugin manager, and the typed facade through which the engine calls hooks."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pluggy

from emulation import hookspecs
from emulation.data.population import Population
from emulation.errors import EmulationError, EvaluationError
from emulation.functions import FunctionSpec
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.rules.model import Ruleset

#: Built-in features, registered by these names; each is an ordinary plugin module.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "emulation._builtins.collectives",
    "emulation._builtins.functions",
    "emulation._builtins.history",
    "emulation._builtins.readers",
    "emulation._builtins.reporters",
    "emulation._builtins.service",
    "emulation._builtins.toml_loader",
)

#: Comma-separated plugin names that must not be registered (built-in or entry point).
BLOCK_VARIABLE = "EMULATION_DISABLE_PLUGINS"


def make_plugin_manager(
    plugins: Iterable[object] = (),
    *,
    entry_points: bool = True,
    blocked: Iterable[str] | None = None,
) -> pluggy.PluginManager:
    """Build a plugin manager: specs, built-ins, extra ``plugins``, then entry points.

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
    if entry_points:
        manager.load_setuptools_entrypoints(hookspecs.PROJECT)
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise EmulationError(f"plugin error: {error}") from None
    return manager


class PluginFacade:
    """The only caller of hooks: one typed method per hook, contributions sorted stably."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    def plugin_names(self) -> list[str]:
        """Names of the registered plugins, sorted."""
        return sorted(
            name for name, plugin in self.manager.list_name_plugin() if plugin is not None
        )

    def configure(self, config: Mapping[str, str]) -> None:
        self.manager.hook.emulation_configure.call_historic(kwargs={"config": dict(config)})

    def ruleset_paths(self) -> list[Path]:
        paths = {Path(p) for group in self.manager.hook.emulation_ruleset_paths() for p in group}
        return sorted(paths)

    def functions(self) -> dict[str, FunctionSpec]:
        found: dict[str, tuple[FunctionSpec, str]] = {}
        for impl in self.manager.hook.emulation_register_functions.get_hookimpls():
            specs: list[FunctionSpec] = impl.function()  # type: ignore[assignment]
            for spec in specs:
                other = found.get(spec.name)
                if other is not None:
                    raise EmulationError(
                        f'function "{spec.name}" is registered by both {other[1]} and '
                        f"{impl.plugin_name}"
                    )
                found[spec.name] = (spec, impl.plugin_name)
        return {name: found[name][0] for name in sorted(found)}

    def load_ruleset(self, path: Path, functions: dict[str, FunctionSpec]) -> Ruleset | None:
        result: Ruleset | None = self.manager.hook.emulation_load_ruleset(
            path=path, functions=functions
        )
        return result

    def read_population(self, path: Path) -> Population:
        result: Population | None = self.manager.hook.emulation_read_population(path=path)
        if result is None:
            raise EvaluationError(
                f"{path}: no reader for this input (expected a .json file or a folder of CSV tables)"
            )
        return result

    def adapt_population(self, population: Population, period: Period) -> Population:
        impls = sorted(
            self.manager.hook.emulation_adapt_population.get_hookimpls(),
            key=lambda impl: impl.plugin_name,
        )
        for impl in impls:
            result = _call(impl, population=population, period=period)
            if result is not None:
                population = result
        return population

    def observe(self, evaluation: Evaluation) -> None:
        self.manager.hook.emulation_observe_evaluation(evaluation=evaluation)

    def report_formats(self) -> list[str]:
        return sorted({f for group in self.manager.hook.emulation_report_formats() for f in group})

    def render(self, evaluation: Evaluation, format: str, lang: str) -> str:
        result: str | None = self.manager.hook.emulation_render(
            evaluation=evaluation, format=format, lang=lang
        )
        if result is None:
            raise EvaluationError(
                f'unknown output format "{format}"; expected one of {self.report_formats()}'
            )
        return result


def _call(impl: pluggy.HookImpl, **kwargs: Any) -> Any:
    """Call one implementation with the arguments it asks for (pluggy's opt-in arguments)."""
    return impl.function(**{name: kwargs[name] for name in impl.argnames})
