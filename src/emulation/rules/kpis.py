"""The KPI model: programme targets measured over the organisation tree.

A :class:`Kpi` counts subjects (persons, or collectives of one level) below each node of the
organisation tree at the levels it names: the *denominator* is the counted subjects meeting
its condition, the *numerator* those of them also meeting the numerator's condition. The
share is compared with a *target*, a dated decimal parameter that a node may replace with its
own value of a decimal fact (a province that sets itself a higher target).

See ``docs/reference/ruleset-format.md`` (``[levels]`` and ``[kpis]``) for the TOML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

from emulation.types import AwardId, Certainty, Label

if TYPE_CHECKING:
    from emulation.lang.nodes import Node

#: Over which members of a node a KPI counts: its direct members or its whole subtree.
KpiScope = Literal["direct", "subtree"]
KPI_SCOPES: tuple[KpiScope, ...] = ("subtree", "direct")

#: How the share is compared with the target (the share is on the left).
Comparison = Literal[">=", ">", "<=", "<"]
COMPARISONS: tuple[Comparison, ...] = (">=", ">", "<=", "<")


@attrs.frozen(kw_only=True)
class Level:
    """A level of the organisation tree (``grassroots``, ``province`` …) that subjects name in
    their ``level`` attribute."""

    name: str
    label: Label


@attrs.frozen(kw_only=True, eq=False)
class Condition:
    """A true/false expression on one counted subject's result row (its facts and the
    outcomes of the awards decided for it in the same evaluation)."""

    expr: str
    node: Node
    location: str


@attrs.frozen(kw_only=True, eq=False)
class Kpi:
    """A programme target over the organisation tree, evaluated at the nodes of ``at_levels``.

    ``subject`` is who is counted (``subject_level``: only collectives of that level);
    ``denominator`` (every counted subject when None) and ``numerator`` are conditions on
    their result rows. ``target`` names a decimal parameter; ``override`` a decimal fact of
    the nodes which, when a node has a value for it in the period, replaces the parameter.
    """

    id: str
    label: Label
    basis: str
    certainty: Certainty
    subject: Literal["person", "collective"]
    subject_level: str | None
    numerator: Condition
    denominator: Condition | None
    at_levels: tuple[str, ...]
    scope: KpiScope
    target: str
    override: str | None
    comparison: Comparison
    #: What the counted subjects are called in reasons ("workers", "families").
    noun: Label | None = None
    #: The awards the conditions read (decided first, in the same evaluation).
    depends_on: frozenset[AwardId] = frozenset()

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The numerator's condition, then the denominator's when there is one."""
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)
