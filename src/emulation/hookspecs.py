# Specifications declare hooks and are never run, so their bodies are empty on purpose:
# mypy: disable-error-code="empty-body"
"""The hook reference: every hook a plugin may implement, by lifecycle phase.

Implement hooks with :data:`emulation.hookimpl` in a module or class and register it through the
``emulation`` entry-point group (``[project.entry-points.emulation]``) or by passing it to
:func:`emulation.build_engine`. Only the engine calls hooks, through its typed facade, always
through pluggy (so ``wrapper=True`` and ``hookwrapper=True`` implementations wrap them), and it
sorts every contribution by a stable key, so results never depend on registration order.

Hooks grow by gaining arguments, never by renaming or losing them; an implementation may accept
any subset of a hook's arguments.

Phases: configure → load → prepare data → evaluate → report.

The bodies below are empty on purpose: a hook specification only declares a hook; pluggy never
runs it.
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
    from emulation.types import Language

PROJECT = "emulation"

hookspec = pluggy.HookspecMarker(PROJECT)
#: Marker for hook implementations: ``@emulation.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- configure ---------------------------------------------------------------------------------


@hookspec(historic=True)
def emulation_configure(config: dict[str, str]) -> None:
    """Called once when the engine is built, with the engine's settings.

    Historic: a plugin registered later still receives it. pluggy allows no wrapper on a
    historic hook (registering one is a plugin error). Return value ignored.

    :param config: setting names to values: whatever the embedding system passed to
        :func:`emulation.build_engine` as ``config`` (empty by default; the CLI passes none).
    """


# -- load --------------------------------------------------------------------------------------


@hookspec
def emulation_ruleset_paths() -> list[Path]:
    """Contribute ruleset files or folders (folders are searched recursively).

    Called once while the engine is built, and by ``emulation test`` to find a plugin's
    rulesets. Every plugin's list is gathered and the engine sorts the union, so the order is
    not significant.

    :return: a list of paths.
    """


@hookspec
def emulation_ruleset_suffixes() -> list[str]:
    """Contribute the file-name suffixes your :func:`emulation_load_ruleset` reads.

    Called while the engine is built. A folder of rulesets is searched (recursively) for files
    whose names end in any contributed suffix; only those are offered to
    :func:`emulation_load_ruleset`. Case files (``*.cases.toml``) are never offered. The
    built-in TOML loader contributes ``".toml"``. Gathered from every plugin; order not
    significant.

    :return: a list of suffixes with their leading dot (``".toml"``, ``".ruleset.json"``).
    """


@hookspec(firstresult=True)
def emulation_load_ruleset(path: Path, functions: dict[str, FunctionSpec]) -> Ruleset | None:
    """Load one ruleset file, or return None when this plugin does not read its format.

    First non-None result wins. Raise :class:`emulation.RulesetError` with every problem found
    when the file is of your format but wrong. The built-in TOML loader is ``trylast`` so a
    plugin can take over ``.toml`` files. Files ending in ``.cases.toml`` are case files and
    are never offered to this hook.

    :param path: the ruleset file (a file named directly, or one found in a folder by its
        suffix, see :func:`emulation_ruleset_suffixes`).
    :param functions: the rule-language functions registered by every plugin, by name, for
        checking expressions.
    :return: the loaded :class:`emulation.Ruleset`, or None.
    """


@hookspec
def emulation_register_functions() -> list[FunctionSpec]:
    """Contribute rule-language functions.

    Called once while the engine is built, before any ruleset is loaded. The engine indexes
    the functions by name; two plugins contributing the same name is an error (the message
    names both plugins).

    :return: a list of :class:`emulation.FunctionSpec`.
    """


# -- prepare data ------------------------------------------------------------------------------


@hookspec(firstresult=True)
def emulation_read_population(path: Path) -> Population | None:
    """Read input data from ``path``, or return None when this plugin does not read it.

    First non-None result wins. The built-in readers (``trylast``) read the nested JSON form
    (``*.json``), an Excel workbook (``*.xlsx``) and a folder of CSV or Parquet tables. Raise
    :class:`emulation.DataError` naming the file and row of each bad record.

    :param path: the file or folder named by the user.
    :return: the :class:`emulation.Population`, or None.
    """


@hookspec
def emulation_adapt_population(population: Population, period: Period) -> Population | None:
    """Adapt the population before it is evaluated for ``period`` (derive facts, rename ...).

    Every implementation is called in turn, ordered by plugin name (not registration order),
    each receiving the previous one's result; a wrapper wraps each of these calls.

    :param population: the population as the previous plugin left it.
    :param period: the period about to be evaluated.
    :return: a new :class:`emulation.Population`, or None to leave it unchanged.
    """


# -- evaluate ----------------------------------------------------------------------------------


@hookspec
def emulation_observe_evaluation(evaluation: Evaluation) -> None:
    """Observe a finished evaluation (audit logs, metrics).

    Called after every :meth:`emulation.Engine.evaluate`. Return value ignored; an observer
    cannot change the evaluation (it is immutable).

    :param evaluation: the finished :class:`emulation.Evaluation`.
    """


# -- report ------------------------------------------------------------------------------------


@hookspec
def emulation_report_formats() -> list[str]:
    """Contribute the names of output formats this plugin renders (``"table"``, ``"json"`` …).

    Gathered from every plugin; the CLI offers their sorted union for ``--format``, order not
    significant.

    :return: a list of format names.
    """


@hookspec(firstresult=True)
def emulation_render(evaluation: Evaluation, format: str, lang: Language) -> str | None:
    """Render an evaluation as text.

    First non-None result wins. The built-in reporters (``trylast``) render ``table``,
    ``json`` and ``csv``.

    :param evaluation: the :class:`emulation.Evaluation` to render.
    :param format: the output format asked for (one of :func:`emulation_report_formats`).
    :param lang: ``"vi"`` or ``"en"``.
    :return: the rendered text, or None for a format you do not render.
    """
