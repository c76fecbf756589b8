"""The ``danvan`` plugin: the "Dân vận khéo" movement as a provincial rule family in TOML.

Registered through the ``emulation`` entry-point group under the name ``danvan``; block it with
``EMULATION_DISABLE_PLUGINS=danvan``.
"""

from __future__ import annotations

from pathlib import Path

import emulation

__all__ = ["emulation_ruleset_paths", "rulesets_dir"]


def rulesets_dir() -> Path:
    """The folder holding this plugin's rulesets.

    An installed wheel carries them in ``emulation_danvan/rulesets``; an editable install or a
    source checkout reads the repository's ``rulesets/danvan`` folder.
    """
    packaged = Path(__file__).parent / "rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "rulesets" / "danvan"


@emulation.hookimpl
def emulation_ruleset_paths() -> list[Path]:
    """This plugin's ruleset folder."""
    return [rulesets_dir()]
