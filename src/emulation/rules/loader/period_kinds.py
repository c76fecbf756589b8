"""The ``periods`` key of ``[ruleset]``: the kinds of period a ruleset may be evaluated for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulation.i18n import Message
from emulation.period import DEFAULT_PERIOD_KINDS, PERIOD_KINDS
from emulation.rules.loader._fields import Collector, shown


def read_period_kinds(out: Collector, meta: Mapping[str, Any]) -> tuple[str, ...]:
    """``ruleset.periods``: distinct kinds among ``year``, ``school_year``, ``term`` and
    ``phase`` (default: ``year`` and ``school_year``)."""
    path = "ruleset.periods"
    raw = meta.get("periods")
    if raw is None:
        return DEFAULT_PERIOD_KINDS
    kinds = list(PERIOD_KINDS)
    if not isinstance(raw, list) or not all(isinstance(kind, str) for kind in raw):
        out.add(
            path,
            Message(
                "expected a list of period kinds among {kinds}, got {raw}",
                kinds=kinds,
                raw=shown(raw),
            ),
            find="periods",
            code="wrong_type",
        )
        return DEFAULT_PERIOD_KINDS
    unknown = [kind for kind in raw if kind not in PERIOD_KINDS]
    if unknown:
        out.add(
            path,
            Message(
                "unknown period kinds {unknown}; expected a list of period kinds among {kinds}",
                unknown=unknown,
                kinds=kinds,
            ),
            find="periods",
            code="invalid_value",
        )
    elif not raw:
        out.add(
            path,
            Message(
                "expected a list of period kinds among {kinds}, got an empty list", kinds=kinds
            ),
            find="periods",
            code="invalid_value",
        )
    elif len(set(raw)) != len(raw):
        out.add(
            path,
            Message("{raw} names a kind more than once", raw=shown(raw)),
            find="periods",
            code="invalid_value",
        )
    else:
        return tuple(raw)
    return DEFAULT_PERIOD_KINDS
