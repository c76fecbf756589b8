"""Score sheets: items worth points, subtotals, bonus and deduction, floors, ordered bands,
knock-outs and grade caps (``[scores.<id>]`` of a ruleset).

A sheet is evaluated per subject of its kind (see :mod:`emulation.evaluate.scores`): each item's
points are capped at its maximum, groups at their subtotal maximum, the bonus and the
deduction at theirs; the total is exact (``Decimal``). The band is the best one whose minimum
the total reaches and whose requirements hold; a knock-out puts the subject in the lowest band
whatever its points, and a grade cap holds the band at most at a named one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import attrs

from emulation.types import AwardId, Certainty, Label

if TYPE_CHECKING:
    from emulation.lang.nodes import Node

#: What a floor applies to: every item, or every group's subtotal.
FloorOf = Literal["items", "groups"]
FLOOR_OFS: tuple[FloorOf, ...] = ("items", "groups")
#: ``no_zero``: none at 0 points; ``min_share``: none below ``share`` × its maximum.
FloorKind = Literal["no_zero", "min_share"]
FLOOR_KINDS: tuple[FloorKind, ...] = ("no_zero", "min_share")
SubjectKind = Literal["person", "collective"]


@attrs.frozen(kw_only=True, eq=False)
class ScoreItem:
    """One item: an expression giving points (a whole or decimal number), capped at ``max``.
    ``default`` stands for a missing value; without one, a missing value makes the total
    unknown."""

    id: str
    label: Label
    expr: str
    node: Node
    max: Decimal
    basis: str
    certainty: Certainty
    location: str
    group: str | None = None
    default: Decimal | None = None


@attrs.frozen(kw_only=True)
class ScoreGroup:
    """A group of items whose subtotal is capped at ``max``."""

    id: str
    label: Label
    max: Decimal
    basis: str
    certainty: Certainty


@attrs.frozen(kw_only=True, eq=False)
class ScoreAdjustment:
    """The bonus added to, or the deduction taken from, the total: points capped at ``max``."""

    label: Label
    expr: str
    node: Node
    max: Decimal
    basis: str
    certainty: Certainty
    location: str


@attrs.frozen(kw_only=True)
class ScoreFloor:
    """A named condition on every item (or group): none at 0 points (``no_zero``), or none
    below ``share`` × its maximum (``min_share``). Bands require floors by id."""

    id: str
    label: Label
    kind: FloorKind
    of: FloorOf
    share: Decimal | None
    basis: str
    certainty: Certainty


@attrs.frozen(kw_only=True, eq=False)
class ScoreBand:
    """A band: reached from ``min`` points (the lowest band has none) when the ``requires``
    floors and the ``condition`` hold. ``below`` is the exclusive upper bound as the rule
    writes it (checked against the next band's ``min``)."""

    id: str
    label: Label
    min: Decimal | None
    below: Decimal | None
    requires: tuple[str, ...]
    basis: str
    certainty: Certainty
    condition: Node | None = None
    #: The text of ``condition``, as written in the ruleset.
    condition_text: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class ScoreRule:
    """A knock-out (``at_most`` is None: the lowest band) or a grade cap (the band is held at
    most at ``at_most``) that applies when ``node`` holds."""

    id: str
    label: Label
    expr: str
    node: Node
    basis: str
    certainty: Certainty
    location: str
    at_most: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class ScoreSheet:
    """A score sheet for subjects of one kind; ``bands`` best first."""

    id: str
    subject: SubjectKind
    label: Label
    basis: str
    certainty: Certainty
    items: tuple[ScoreItem, ...]
    groups: tuple[ScoreGroup, ...]
    bands: tuple[ScoreBand, ...]
    floors: tuple[ScoreFloor, ...] = ()
    bonus: ScoreAdjustment | None = None
    deduction: ScoreAdjustment | None = None
    knockouts: tuple[ScoreRule, ...] = ()
    caps: tuple[ScoreRule, ...] = ()
    #: Awards whose outcome in the same evaluation the sheet reads (decided before it).
    depends_on: frozenset[AwardId] = frozenset()
    #: Other sheets it reads (computed before it).
    reads_scores: frozenset[str] = frozenset()

    @property
    def band_order(self) -> tuple[str, ...]:
        """Band ids worst to best: the order ``band("id")`` compares by."""
        return tuple(band.id for band in reversed(self.bands))

    def band(self, band_id: str) -> ScoreBand:
        """The band ``band_id``."""
        return next(band for band in self.bands if band.id == band_id)

    def group_max(self, group: ScoreGroup) -> Decimal:
        """The most a group can give: its maximum, or the sum of its items' if lower."""
        items = sum((item.max for item in self.items if item.group == group.id), Decimal(0))
        return min(group.max, items)

    @property
    def nodes(self) -> list[Node]:
        """Every expression of the sheet: items, bonus, deduction, knock-outs, caps and band
        conditions."""
        found: list[Node] = [item.node for item in self.items]
        found += [part.node for part in (self.bonus, self.deduction) if part is not None]
        found += [rule.node for rule in (*self.knockouts, *self.caps)]
        found += [band.condition for band in self.bands if band.condition is not None]
        return found

    @property
    def max_total(self) -> Decimal:
        """The highest total the sheet can give (every maximum and the bonus cap)."""
        loose = sum((item.max for item in self.items if item.group is None), Decimal(0))
        grouped = sum((self.group_max(group) for group in self.groups), Decimal(0))
        return loose + grouped + (self.bonus.max if self.bonus else Decimal(0))

    @property
    def min_total(self) -> Decimal:
        """The lowest total: every item at 0 and the whole deduction."""
        return -(self.deduction.max if self.deduction else Decimal(0))


def reads(nodes: Iterable[Node]) -> tuple[set[str], set[str]]:
    """The awards whose outcome in the same evaluation ``nodes`` read (decided first), and
    the score sheets they read (computed first)."""
    awards: set[str] = set()
    sheets: set[str] = set()
    for node in nodes:
        for call in node.calls:
            bound = dict(call.arguments)
            for argument in call.function.arguments:
                value = bound.get(argument.name)
                if not value:
                    continue
                if argument.kind == "award" and argument.reads_current:
                    awards.add(str(value))
                elif argument.kind == "score":
                    sheets.add(str(value))
    return awards, sheets
