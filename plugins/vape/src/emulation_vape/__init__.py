"""The ``vape`` plugin: Hội Khuyến học Việt Nam and the learning-society programmes as TOML rulesets.

Registered through the ``emulation`` entry-point group under the name ``vape``; block it with
``EMULATION_DISABLE_PLUGINS=vape``. Its learning unit (``dvht``) reads the state plugin's
``ttldtt`` decision, so the ``state`` plugin must be installed beside it.
"""

from __future__ import annotations

from pathlib import Path

import emulation

__all__ = ["emulation_ruleset_paths", "rulesets_dir"]


def rulesets_dir() -> Path:
    """The folder holding this plugin's rulesets.

    An installed wheel carries them in ``emulation_vape/rulesets``; an editable install or a
    source checkout reads the repository's ``rulesets/vape`` folder.
    """
    packaged = Path(__file__).parent / "rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "rulesets" / "vape"


@emulation.hookimpl
def emulation_ruleset_paths() -> list[Path]:
    """This plugin's ruleset folder."""
    return [rulesets_dir()]
