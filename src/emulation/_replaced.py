"""Which installed ruleset files a working copy replaces (``assemble(installed="replace")``).

A ruleset under test wins over the installed one with the same id: the installed files are
kept only when no file of the working copy defines their ruleset id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from emulation._plugins import PluginFacade
from emulation.errors import EmulationError
from emulation.functions import FunctionSpec
from emulation.rules.catalogue import ruleset_files
from emulation.rules.model import Ruleset


def not_defined_by(
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
