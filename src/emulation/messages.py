"""The reason codes and their templates, in English here and in every language through the
gettext catalogues (:mod:`emulation.i18n`; the ``msgctxt`` of a template is its code).

Every sentence the engine says to a person goes through it: the reasons of a decision
(:mod:`emulation.results`) and the report of a subject set aside because its records
contradict each other (:mod:`emulation.data.contradictions`). It sits at the bottom of the house
because both of those speak through it; it imports nothing of the engine but
:mod:`emulation.i18n`.

Codes are stable: a system that embeds the engine may match on them. Templates take the
reason's parameters by name; ``{label}`` is replaced by the label in the chosen language.
The reference page ``docs/reference/reason-codes.md`` lists the same table.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from emulation.i18n import C_, format_decimal, format_integer, translator
from emulation.types import Language

#: code -> English template, the msgid of the catalogues (its msgctxt is the code, so that two
#: codes with the same English sentence stay distinct entries)
TEMPLATES: Final[dict[str, str]] = {
    "granted": C_(
        "granted",
        "Qualifies for “{label}”: every criterion is met",
    ),
    "criterion_met": C_(
        "criterion_met",
        "Meets “{label}” ({basis})",
    ),
    "criterion_failed": C_(
        "criterion_failed",
        "Does not meet “{label}” ({basis}); values: {values}",
    ),
    "criterion_unknown": C_(
        "criterion_unknown",
        "Data missing to judge “{label}” ({basis}): needs {missing}",
    ),
    "exclusion_applies": C_(
        "exclusion_applies",
        "Excluded: “{label}” ({basis}); values: {values}",
    ),
    "exclusion_unknown": C_(
        "exclusion_unknown",
        "Data missing to rule out the exclusion “{label}” ({basis}): needs {missing}",
    ),
    "blocked": C_(
        "blocked",
        "Not considered for now: “{label}” ({basis})",
    ),
    "within_quota": C_(
        "within_quota",
        "Within the quota “{label}” ({basis}): ranked {rank}, cap {cap}{of}",
    ),
    "over_quota": C_(
        "over_quota",
        "Eligible but over the quota “{label}” ({basis}): ranked {rank}, cap {cap}{of}",
    ),
    "tie_unresolved": C_(
        "tie_unresolved",
        "Tied with {tied} at rank {rank} across the cap {cap} of “{label}” ({basis}): the competent authority decides",
    ),
    "leader_not_qualified": C_(
        "leader_not_qualified",
        "The leader of {group}, {leaders}, does not qualify for “{label}” ({basis}); the place is not passed on to the next in rank",
    ),
    "bonus": C_(
        "bonus",
        "Bonus {amount} VND = {coefficient} × {base} VND ({base_label} {when}), rounded up to a multiple of {step} VND ({basis})",
    ),
    "path_held": C_(
        "path_held",
        "Eligible by {label} ({basis})",
    ),
    "path_not_met": C_(
        "path_not_met",
        "Not eligible by {label} ({basis}): does not meet {failed}",
    ),
    "path_unknown": C_(
        "path_unknown",
        "Data missing to judge by {label} ({basis}): needs {missing}",
    ),
    "bonus_not_paid": C_(
        "bonus_not_paid",
        "No bonus paid for “{label}” ({amount} VND): the same achievement (“{window}”) is paid as “{higher}”, the higher title ({basis})",
    ),
    "bonus_highest": C_(
        "bonus_highest",
        "The bonus of “{label}” is paid, the highest title earned on the same achievement (“{window}”); none is paid for {lower} ({basis})",
    ),
    "within_budget": C_(
        "within_budget",
        "Granted {amount} VND from “{label}” ({basis}): ranked {rank}; fund {fund} VND, {remaining} VND remaining",
    ),
    "over_budget": C_(
        "over_budget",
        "Eligible but not covered by “{label}” ({basis}): ranked {rank}, needs {amount} VND, only {left} VND remained at its turn; fund {fund} VND, {remaining} VND remaining",
    ),
    "budget_stopped": C_(
        "budget_stopped",
        "Eligible but “{label}” stopped at rank {stopped} ({basis}): nobody ranked after it is funded; ranked {rank}; fund {fund} VND, {remaining} VND remaining",
    ),
    "budget_tie": C_(
        "budget_tie",
        "Tied with {tied} at rank {rank}; “{label}” has {left} VND left, not enough for all ({basis}): the competent authority decides",
    ),
    "budget_unknown": C_(
        "budget_unknown",
        "Data missing to spend “{label}” ({basis}): needs {missing}",
    ),
    "quota_unknown": C_(
        "quota_unknown",
        "The cap of “{label}” is not known ({basis}): needs {missing}",
    ),
    "gap": C_(
        "gap",
        "Short of “{label}”: needs {op} {needs}, has {has}",
    ),
    "gap_in_time": C_(
        "gap_in_time",
        "Short of “{label}”: needs {op} {needs}, has {has}; if nothing else changes, the earliest period it can be met is {first_period}",
    ),
    "conflicting_facts": C_(
        "conflicting_facts",
        "Set aside: two different facts rows for period {detail}",
    ),
    "award_before_birth": C_(
        "award_before_birth",
        "Set aside: an award for {detail} is dated before the person was born",
    ),
    "service_before_birth": C_(
        "service_before_birth",
        "Set aside: a service spell starts on {detail}, before the person was born",
    ),
    "overlapping_service": C_(
        "overlapping_service",
        "Set aside: two service spells overlap ({detail})",
    ),
    "score_total": C_(
        "score_total",
        "“{label}”: {total} points, graded “{band}” ({basis})",
    ),
    "score_unknown": C_(
        "score_unknown",
        "Data missing to score “{label}” ({basis}): needs {missing}",
    ),
    "score_short": C_(
        "score_short",
        "{short} points short of “{band}” ({basis})",
    ),
    "score_capped": C_(
        "score_capped",
        "“{label}” scored {raw} points, counted at its maximum of {max} ({basis})",
    ),
    "score_floor_failed": C_(
        "score_floor_failed",
        "Fails “{label}”, so cannot be graded “{band}” ({basis})",
    ),
    "score_knockout": C_(
        "score_knockout",
        "Graded “{band}” because of “{label}” ({basis})",
    ),
    "score_grade_cap": C_(
        "score_grade_cap",
        "Graded at most “{band}” because of “{label}” ({basis})",
    ),
    "blocking_unknown": C_(
        "blocking_unknown",
        "Data missing to rule out the state “{label}” ({basis}): needs {missing}",
    ),
    "parameter_unset": C_(
        "parameter_unset",
        "The parameter “{parameter}” has no value for the period, and “{label}” needs it ({basis}): set the value you apply with --set {parameter}=… or parameters={{'{parameter}': …}}",
    ),
    "kpi_met": C_(
        "kpi_met",
        "Meets the target: {share} against {target}, {numerator} of {denominator} {noun} ({basis})",
    ),
    "kpi_not_met": C_(
        "kpi_not_met",
        "Short of the {target} target: {share}, {numerator} of {denominator} {noun}; {needed} more needed ({basis})",
    ),
    "kpi_over_limit": C_(
        "kpi_over_limit",
        "Over the {target} limit: {share}, {numerator} of {denominator} {noun}; {needed} fewer needed ({basis})",
    ),
    "kpi_unknown": C_(
        "kpi_unknown",
        "Data missing for {unknown} of the {noun} counted, to compute “{label}”",
    ),
    "kpi_empty": C_(
        "kpi_empty",
        "No {noun} in the denominator of “{label}”",
    ),
    "kpi_no_target": C_(
        "kpi_no_target",
        "The target “{parameter}” has no value for {period}",
    ),
    "kpi_override": C_(
        "kpi_override",
        "The node's own target applies ({fact}): {target} instead of {usual_target}",
    ),
}

#: code -> (Vietnamese template, English template), as the catalogues give them
CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    code: (translator("vi").pgettext(code, en), translator("en").pgettext(code, en))
    for code, en in TEMPLATES.items()
}


def render(code: str, params: dict[str, str], lang: Language) -> str:
    """The message of ``code`` in ``lang`` with ``params`` filled in."""
    template = translator(lang).pgettext(code, TEMPLATES[code])
    values = dict(params)
    values["label"] = params.get(f"label_{lang}", params.get("label_en", ""))
    if code.startswith("kpi_"):
        values["noun"] = params.get(f"noun_{lang}", "")
        for key in _PERCENT:
            if key in values:
                values[key] = percent(values[key], lang)
    for key, text in params.items():  # any other text given in both languages (band_vi …)
        if key.endswith(f"_{lang}") and key != f"label_{lang}":
            values[key[: -len(lang) - 1]] = text
    for key in _POINTS:
        if key in values:
            values[key] = points(values[key], lang)
    for key in _MONEY:
        if key in values and values[key].isdigit():
            values[key] = format_integer(values[key], lang)
    if values.get("unit") == "year":
        for key in ("has", "needs"):
            if key in values:
                values[key] = _years(values[key], lang)
    return template.format_map(_Default(values))


_MONEY = ("amount", "base", "step", "fund", "remaining", "left")
_PERCENT = ("share", "target", "usual_target")


def percent(text: str, lang: Language) -> str:
    """A share written as a decimal (``0.666667``) as a percentage to one place, trailing
    zero dropped: "66,7 %" in Vietnamese, "66.7 %" in English; ``∅`` and other text as is."""
    try:
        number = (Decimal(text) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return text
    if number.is_zero():
        number = Decimal(0)  # no "-0 %"
    return format_decimal(number.normalize(), lang, group=False) + " %"


#: Parameters that are points of a score sheet: Vietnamese writes them with a decimal comma.
_POINTS = ("total", "short", "raw", "max")

_NUMBER = re.compile(r"-?[0-9]+\.[0-9]+")


def points(text: str, lang: Language) -> str:
    """Points written with a decimal point (``1.5``) as ``lang`` writes them (``1,5`` in
    Vietnamese), every digit kept and no thousands separator; any other text as is."""
    return format_decimal(text, lang, group=False) if _NUMBER.fullmatch(text) else text


def decimal_comma(text: str) -> str:
    """A number written with a decimal point (``1.5``) as Vietnamese writes it (``1,5``)."""
    return points(text, "vi")


def _years(text: str, lang: Language) -> str:
    """``17.333333`` years as "17 years 4 months" (months rounded to the nearest)."""
    try:
        months = int((Decimal(text) * 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return text
    years, rest = divmod(months, 12)
    words = translator(lang)
    written = words.ngettext("{n} year", "{n} years", years).format(n=years)
    if rest:
        written += " " + words.ngettext("{n} month", "{n} months", rest).format(n=rest)
    return written


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


#: outcome -> English label (msgctxt "outcome")
_OUTCOMES: Final[dict[str, str]] = {
    "granted": C_("outcome", "Granted"),
    "eligible_over_quota": C_("outcome", "Eligible, over quota"),
    "tied": C_("outcome", "Tied, for the competent authority"),
    "not_eligible": C_("outcome", "Not eligible"),
    "blocked": C_("outcome", "Blocked"),
    "data_missing": C_("outcome", "Data missing"),
    "eligible_over_budget": C_("outcome", "Eligible, not covered by the fund"),
}

#: outcome -> (Vietnamese, English) label, as the catalogues give them
OUTCOME_LABELS: Final[dict[str, tuple[str, str]]] = {
    outcome: (translator("vi").pgettext("outcome", en), translator("en").pgettext("outcome", en))
    for outcome, en in _OUTCOMES.items()
}


def outcome_label(outcome: str, lang: Language) -> str:
    """The outcome as words in ``lang``."""
    return translator(lang).pgettext("outcome", _OUTCOMES[outcome])
