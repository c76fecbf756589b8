"""Built-in plugin: load ``.toml`` ruleset files (format v1)."""

from __future__ import annotations

from pathlib import Path

from emulation.functions import FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.rules.loader import CASE_SUFFIX, RULESET_SUFFIX, load_ruleset_file
from emulation.rules.model import Ruleset


@hookimpl(trylast=True)
def emulation_ruleset_suffixes() -> list[str]:
    """TOML ruleset files end in ``.toml``."""
    return [RULESET_SUFFIX]


@hookimpl(trylast=True)
def emulation_load_ruleset(path: Path, functions: dict[str, FunctionSpec]) -> Ruleset | None:
    """Load ``path`` when it is a TOML ruleset (not a ``.cases.toml`` case file)."""
    if path.suffix != RULESET_SUFFIX or path.name.endswith(CASE_SUFFIX):
        return None
    return load_ruleset_file(path, functions)
