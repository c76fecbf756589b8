"""The hook reference: every hook a plugin may implement, by lifecycle phase.

Implement hooks with :data:`emulation.hookimpl` in a module or class and register it through the
``emulation`` entry-point group (``[project.entry-points.emulation]``) or by passing it to
:func:`emulation.build_engine`. Only the engine calls hooks, through its typed facade, and it
sorts every contribution by a stable key, so results never depend on registration order.

Hooks grow by gaining arguments, never by renaming or losing them; an implementation may accept
any subset of a hook's arguments.

Phases: configure → load → prepare data → evaluate → report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from emulation.data.population import Population
    from emulation.functions import FunctionSpec
    from emulation.period import Period
    from emulation.results.evaluation import Evaluation
    from emulation.rules.model import Ruleset

PROJECT = "emulation"

hookspec = pluggy.HookspecMarker(PROJECT)
#: Marker for hook implementations: ``@emulation.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- configure ---------------------------------------------------------------------------------


@hookspec(historic=True)
def emulation_configure(config: dict[str, str]) -> None:
    """Called once when the engine is built, with the engine's settings.

    ``config`` maps setting names to values: whatever the embedding system passed to
    :func:`emulation.build_engine` as ``config`` (empty by default; the CLI passes none).
    Historic: a plugin registered later still receives it. Return value ignored.
    """


# -- load --------------------------------------------------------------------------------------


@hookspec
def emulation_ruleset_paths() -> list[Path]:
    """Contribute ruleset files or folders (folders are searched recursively).

    Called once while the engine is built. Return a list of paths; every plugin's list is
    gathered, and the engine sorts the union, so the order is not significant.
    """
    return []


@hookspec(firstresult=True)
def emulation_load_ruleset(path: Path, functions: dict[str, FunctionSpec]) -> Ruleset | None:
    """Load one ruleset file, or return None when this plugin does not read its format.

    ``functions`` are the rule-language functions registered so far, by name, for checking
    expressions. First non-None result wins. Raise :class:`emulation.RulesetError` with every
    problem found when the file is of your format but wrong. The built-in TOML loader is
    ``trylast`` so a plugin can take over ``.toml`` files. Files ending in ``.cases.toml`` are
    case files and are never offered to this hook.
    """


@hookspec
def emulation_register_functions() -> list[FunctionSpec]:
    """Contribute rule-language functions.

    Called once while the engine is built, before any ruleset is loaded. Return a list of
    :class:`emulation.FunctionSpec`; the engine indexes them by name, and two plugins
    contributing the same name is an error (the message names both plugins).
    """
    return []


# -- prepare data ------------------------------------------------------------------------------


@hookspec(firstresult=True)
def emulation_read_population(path: Path) -> Population | None:
    """Read input data from ``path``, or return None when this plugin does not read it.

    First non-None result wins. The built-in readers (``trylast``) read the nested JSON form
    (``*.json``) and a folder of CSV tables. Raise :class:`emulation.DataError` naming the file
    and row of each bad record.
    """


@hookspec
def emulation_adapt_population(population: Population, period: Period) -> Population | None:
    """Adapt the population before it is evaluated for ``period`` (derive facts, rename ...).

    Return a new :class:`emulation.Population`, or None to leave it unchanged. Every
    implementation is called in turn, ordered by plugin name (not registration order), each
    receiving the previous one's result.
    """


# -- evaluate ----------------------------------------------------------------------------------


@hookspec
def emulation_observe_evaluation(evaluation: Evaluation) -> None:
    """Observe a finished evaluation (audit logs, metrics).

    Called after every :meth:`emulation.Engine.evaluate`, with the result. Return value
    ignored; an observer must not change the evaluation (it is immutable).
    """


# -- report ------------------------------------------------------------------------------------


@hookspec
def emulation_report_formats() -> list[str]:
    """Contribute the names of output formats this plugin renders (``"table"``, ``"json"`` …).

    Return a list of format names. Gathered from every plugin; the CLI offers their sorted
    union for ``--format``, order not significant.
    """
    return []


@hookspec(firstresult=True)
def emulation_render(evaluation: Evaluation, format: str, lang: str) -> str | None:
    """Render ``evaluation`` in ``format`` and language ``lang`` (``"vi"`` or ``"en"``).

    First non-None result wins; return None for a format you do not render. The built-in
    reporters (``trylast``) render ``table``, ``json`` and ``csv``.
    """
