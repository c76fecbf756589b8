"""``POST /v1/check``: a ruleset sent as TOML text, loaded as ``emulation check FILE`` loads
one — the reader's limits (size, nesting, integers), the rule language's limits
(:mod:`emulation.lang.limits`) and the checks across rulesets — and its problems returned with
their TOML path and ``code`` instead of raised."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from emulation.engine import Engine
from emulation.errors import RulesetError
from emulation.rules.catalogue import load_rulesets
from emulation.service.problems import ruleset_errors

#: The name the text is loaded under (a file in a private temporary folder).
NAME = "ruleset.toml"


def check(engine: Engine, raw: bytes) -> dict[str, Any]:
    """``{"ok": true, "ruleset": {...}, "problems": []}`` or ``{"ok": false, "problems": [...]}``."""
    with tempfile.TemporaryDirectory(prefix="emulation-check-") as folder:
        file = Path(folder) / NAME
        file.write_bytes(raw)
        try:
            [ruleset] = load_rulesets(engine.plugins, [file], engine.functions)
        except RulesetError as error:
            problems = ruleset_errors(error.problems)
            return {"ok": False, "problems": problems}
    rules = sum(len(award.rules) for award in ruleset.awards.values())
    return {
        "ok": True,
        "ruleset": {
            "id": ruleset.id,
            "version": ruleset.version,
            "organisation": ruleset.organisation,
            "awards": len(ruleset.awards),
            "rules": rules,
        },
        "problems": [],
    }
