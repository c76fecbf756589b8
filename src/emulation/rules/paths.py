"""Award paths and payout windows: two ways one achievement relates to several outcomes.

An award may be reached by alternative groups of criteria (``[[awards.<id>.paths]]``): the
Bằng khen of a ministry or province by any of paths a–đ of Law 06/2022 Art 74(1). And one
achievement window that earns several titles pays only the highest one (``[payout.<id>]``,
Decree 152/2025 Art 49(5)); titles of different windows, and a title beside a commendation
form (Art 49(7)), each pay.
"""

from __future__ import annotations

import attrs

from emulation.types import AwardId, Certainty, Label


@attrs.frozen(kw_only=True)
class AwardPath:
    """One alternative group of criteria of an award. Its criteria are the award's rules
    whose ``path`` is this path's id (:meth:`~emulation.rules.model.Award.rules_of_path`)."""

    id: str
    label: Label
    basis: str
    certainty: Certainty
    location: str


#: The kinds of award that are emulation titles (danh hiệu thi đua); every other kind is a
#: commendation form (hình thức khen thưởng) or a selection.
TITLE_KINDS = ("title", "flag")


@attrs.frozen(kw_only=True)
class PayoutWindow:
    """Titles earned on the same achievement window: when a subject is granted several of
    them in one evaluation, only the bonus of the first granted in ``awards`` (highest
    first) is paid; the others pay nothing, with a reason."""

    id: str
    label: Label
    #: The titles of the window, highest first.
    awards: tuple[AwardId, ...]
    basis: str
    certainty: Certainty
    location: str


def window_mates(windows: dict[str, PayoutWindow], awards: set[str]) -> set[str]:
    """The awards sharing a payout window with one of ``awards`` (their bonus depends on
    each other's outcome, so they are decided together)."""
    found: set[str] = set()
    for window in windows.values():
        if awards & set(window.awards):
            found |= set(window.awards)
    return found - awards
