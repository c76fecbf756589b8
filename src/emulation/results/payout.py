"""Paying the highest title once per achievement window (Decree 152/2025 Art 49(5)–(7)).

"Trong cùng một thời điểm, một đối tượng đạt nhiều danh hiệu thi đua, có cùng thời gian được
tính để đạt các danh hiệu thi đua đó thì được nhận tiền thưởng danh hiệu thi đua cao nhất"
(Art 49(5)); titles counted on different time each pay (Art 49(5)), and a title beside a
commendation form both pay (Art 49(7)). A ruleset names the titles that share a window,
highest first (``[payout.<id>]``); after the decisions, each subject's granted titles of one
window keep the bonus of the highest only. The others pay 0, and say what they would have paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from emulation.i18n import translator
from emulation.results.decision import Decision, Reason
from emulation.rules.paths import PayoutWindow
from emulation.types import Label, Language


def pay_once_per_window(
    decisions: Sequence[Decision], windows: Sequence[PayoutWindow]
) -> tuple[Decision, ...]:
    """``decisions`` (of one period) with the bonus of every title but the highest granted
    of each subject's window set to 0, and a reason on each decision changed."""
    changed: dict[int, Decision] = {}
    by_key = {(d.subject, d.award): i for i, d in enumerate(decisions)}
    subjects = sorted({d.subject for d in decisions})
    for window in windows:
        for subject in subjects:
            paying = [
                by_key[(subject, award)]
                for award in window.awards
                if (subject, award) in by_key
                and decisions[by_key[(subject, award)]].outcome == "granted"
                and decisions[by_key[(subject, award)]].bonus is not None
            ]
            if len(paying) < 2:
                continue
            top, *lower = (decisions[i] for i in paying)
            for index, decision in zip(paying[1:], lower, strict=True):
                changed[index] = _not_paid(decision, top, window)
            names = [d.award_label for d in lower]
            extra = {
                "lower_vi": _quoted(names, "vi"),
                "lower_en": _quoted(names, "en"),
            }
            reason = Reason("bonus_highest", _params(top, window, extra))
            changed[paying[0]] = attrs.evolve(top, reasons=(*top.reasons, reason))
    return tuple(changed.get(i, d) for i, d in enumerate(decisions))


def _not_paid(decision: Decision, higher: Decision, window: PayoutWindow) -> Decision:
    extra = {
        "amount": f"{decision.bonus:f}",
        "higher_vi": higher.award_label.vi,
        "higher_en": higher.award_label.en,
    }
    reason = Reason("bonus_not_paid", _params(decision, window, extra))
    return attrs.evolve(decision, bonus=Decimal(0), reasons=(*decision.reasons, reason))


def _params(
    decision: Decision, window: PayoutWindow, extra: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    items = {
        "label_vi": decision.award_label.vi,
        "label_en": decision.award_label.en,
        "window_vi": window.label.vi,
        "window_en": window.label.en,
        "window_id": window.id,
        "basis": window.basis,
        **extra,
    }
    return tuple(sorted(items.items()))


def _quoted(labels: Sequence[Label], lang: Language) -> str:
    """The labels in ``lang``, each in the quotation marks of ``lang`` («…» or “…”)."""
    quoted = translator(lang).pgettext("quote", "“{label}”")
    return ", ".join(quoted.format(label=label.get(lang)) for label in labels)
