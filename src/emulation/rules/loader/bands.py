"""The bands of a score sheet: ``[[scores.<id>.bands]]``, written best first, and the checks
that they are ordered, neither overlap nor leave a gap, and can each be reached.

A band is reached from its ``min`` (the lowest band has none, or one no total falls below);
``below`` writes the exclusive upper bound the rule states ("85 to under 95") and must be the
next better band's ``min``.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal
from typing import Any

from emulation.i18n import Message
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import (
    Collector,
    check_identifier,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    read_value,
    shown,
)
from emulation.rules.loader._keys import _BAND
from emulation.rules.scores import ScoreBand, ScoreSheet
from emulation.types import CERTAINTIES


def read_bands(
    out: Collector, where: str, body: Mapping[str, Any], scope: Scope, floors: Set[str]
) -> list[ScoreBand]:
    """The bands of the sheet at ``where``, best first; a requirement must name a floor of
    ``floors``."""
    rows = body.get("bands")
    at = f"{where}.bands"
    if rows is None:
        out.add(at, Message("a score sheet needs its bands, best first"), code="missing_key")
        return []
    if not isinstance(rows, list):
        out.add(
            at,
            Message("expected an array of tables [[{at}]], got {rows}", at=at, rows=shown(rows)),
            code="wrong_type",
        )
        return []
    bands: list[ScoreBand] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        band = _band(out, f"{at}[{index}]", row, scope, floors, seen)
        if band is not None:
            bands.append(band)
    return bands


def _band(
    out: Collector, at: str, row: Any, scope: Scope, floors: Set[str], seen: set[str]
) -> ScoreBand | None:
    if not isinstance(row, dict):
        out.add(at, Message("expected a table, got {row}", row=shown(row)), code="wrong_type")
        return None
    check_unknown_keys(out, at, row, _BAND)
    band_id = read_text(out, row, f"{at}.id")
    if band_id is not None and check_identifier_or_code(out, f"{at}.id", band_id):
        if band_id in seen:
            out.add(
                f"{at}.id",
                Message('duplicate band "{band_id}"', band_id=band_id),
                code="duplicate_id",
            )
        seen.add(band_id)
    label = read_label(out, row, f"{at}.label")
    basis = read_text(out, row, f"{at}.basis")
    certainty = read_choice(out, row, f"{at}.certainty", CERTAINTIES)
    bounds = {key: _number(out, f"{at}.{key}", row) for key in ("min", "below")}
    requires = row.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        out.add(f"{at}.requires", Message("expected an array of floor ids"), code="wrong_type")
        requires = []
    for position, name in enumerate(requires):
        if name not in floors:
            out.add(
                f"{at}.requires[{position}]",
                Message(
                    'unknown floor "{name}"; the floors are {floors}',
                    name=name,
                    floors=sorted(floors),
                ),
                find=name,
                code="unknown_floor",
            )
    condition = None
    text = read_text(out, row, f"{at}.condition", required=False)
    if text is not None:
        condition = read_expression(out, f"{at}.condition", text, scope, "bool")
    if not (band_id and label and basis and certainty) or (text and condition is None):
        return None
    return ScoreBand(
        id=band_id,
        label=label,
        min=bounds["min"],
        below=bounds["below"],
        requires=tuple(requires),
        basis=basis,
        certainty=certainty,
        condition=condition,
        condition_text=text if condition is not None else None,
    )


def check_identifier_or_code(out: Collector, at: str, band_id: str) -> bool:
    """Band ids are the codes the rules use (``HTXS``, ``HTT``): letters, digits and ``_``,
    starting with a letter, upper case allowed."""
    if band_id.isascii() and band_id[:1].isalpha() and band_id.replace("_", "").isalnum():
        return True
    return check_identifier(out, at, band_id)


def _number(out: Collector, path: str, row: Mapping[str, Any]) -> Decimal | None:
    key = path.rsplit(".", 1)[-1]
    if key not in row:
        return None
    value = read_value(out, path, row[key], "decimal", ())
    return value if isinstance(value, Decimal) else None


def check_bands(out: Collector, where: str, sheet: ScoreSheet) -> None:
    """Bands best first with strictly falling minima, each ``below`` the next better band's
    ``min``, the lowest reaching the lowest total, none above the highest total."""
    at = f"{where}.bands"
    bands = sheet.bands
    highest, lowest = sheet.max_total, sheet.min_total
    for index, band in enumerate(bands):
        here = f"{at}[{index}]"
        last = index == len(bands) - 1
        if band.min is None and not last:
            out.add(
                f"{here}.id",
                Message(
                    'band "{band_id}" has no min but is not the lowest: write the bands best first',
                    band_id=band.id,
                ),
                find=f'"{band.id}"',
                code="band_order",
            )
            continue
        if band.min is not None and band.min > highest:
            out.add(
                f"{here}.min",
                Message(
                    'band "{band_id}" needs {band_min} points but the sheet gives at most {highest} (the items\' maxima, group caps and the bonus cap)',
                    band_id=band.id,
                    band_min=band.min,
                    highest=highest,
                ),
                find=f'"{band.id}"',
                code="band_unreachable",
            )
        if index > 0:
            _against_better(out, here, band, bands[index - 1])
        elif band.below is not None and band.below <= highest:
            out.add(
                f"{here}.below",
                Message(
                    'totals from {band_below} to {highest} fall in no band: the best band "{band_id}" stops below them',
                    band_below=band.below,
                    highest=highest,
                    band_id=band.id,
                ),
                find=f'"{band.id}"',
                code="band_gap",
            )
        if last and band.min is not None and band.min > lowest:
            out.add(
                f"{here}.min",
                Message(
                    'totals below {band_min} (down to {lowest}) fall in no band: give the lowest band "{band_id}" no min',
                    band_min=band.min,
                    lowest=lowest,
                    band_id=band.id,
                ),
                find=f'"{band.id}"',
                code="band_gap",
            )


def _against_better(out: Collector, here: str, band: ScoreBand, better: ScoreBand) -> None:
    """``band`` against the band just above it."""
    if better.min is None:
        return  # reported on the better band
    if band.min is not None and band.min > better.min:
        out.add(
            f"{here}.min",
            Message(
                'band "{band_id}" starts at {band_min}, above the better band "{better_id}" ({better_min}): write the bands best first',
                band_id=band.id,
                band_min=band.min,
                better_id=better.id,
                better_min=better.min,
            ),
            find=f'"{band.id}"',
            code="band_order",
        )
    elif band.min is not None and band.min == better.min:
        out.add(
            f"{here}.min",
            Message(
                'band "{band_id}" starts at {band_min}, as the better band "{better_id}" does: they overlap',
                band_id=band.id,
                band_min=band.min,
                better_id=better.id,
            ),
            find=f'"{band.id}"',
            code="band_overlap",
        )
    if band.below is None:
        return
    if band.below > better.min:
        out.add(
            f"{here}.below",
            Message(
                'band "{band_id}" reaches up to {band_below}, past the start of "{better_id}" ({better_min}): they overlap',
                band_id=band.id,
                band_below=band.below,
                better_id=better.id,
                better_min=better.min,
            ),
            find=f'"{band.id}"',
            code="band_overlap",
        )
    elif band.below < better.min:
        out.add(
            f"{here}.below",
            Message(
                'totals from {band_below} to under {better_min} fall in no band, between "{band_id}" and "{better_id}"',
                band_below=band.below,
                better_min=better.min,
                band_id=band.id,
                better_id=better.id,
            ),
            find=f'"{band.id}"',
            code="band_gap",
        )
    if band.min is not None and band.below <= band.min:
        out.add(
            f"{here}.below",
            Message('band "{band_id}" is empty: below ≤ min', band_id=band.id),
            code="invalid_value",
        )
