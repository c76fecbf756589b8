"""The ``vgcl`` plugin: the rules of the Vietnam General Confederation of Labour (Tổng Liên
đoàn Lao động Việt Nam) as TOML rulesets.

Registered through the ``emulation`` entry-point group under the name ``vgcl``; block it with
``EMULATION_DISABLE_PLUGINS=vgcl``.
"""

from __future__ import annotations

from pathlib import Path

import emulation

__all__ = ["emulation_ruleset_paths", "rulesets_dir"]


def rulesets_dir() -> Path:
    """The folder holding this plugin's rulesets.

    An installed wheel carries them in ``emulation_vgcl/rulesets``; an editable install or a
    source checkout reads the repository's ``rulesets/vgcl`` folder.
    """
    packaged = Path(__file__).parent / "rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "rulesets" / "vgcl"


@emulation.hookimpl
def emulation_ruleset_paths() -> list[Path]:
    """This plugin's ruleset folder."""
    return [rulesets_dir()]
