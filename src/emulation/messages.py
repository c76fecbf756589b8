"""The catalogue of reason codes and their Vietnamese and English templates.

Every sentence the engine says to a person goes through it: the reasons of a decision
(:mod:`emulation.results`) and the report of a subject set aside because its records
contradict each other (:mod:`emulation.data.contradictions`). It sits at the bottom of the house
because both of those speak through it; it imports nothing of the engine.

Codes are stable: a system that embeds the engine may match on them. Templates take the
reason's parameters by name; ``{label}`` is replaced by the label in the chosen language.
The reference page ``docs/reference/reason-codes.md`` lists the same table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from emulation.types import Language

#: code -> (Vietnamese template, English template)
CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    "granted": (
        "Đủ điều kiện «{label}»: đạt mọi tiêu chí",
        "Qualifies for “{label}”: every criterion is met",
    ),
    "criterion_met": (
        "Đạt tiêu chí «{label}» ({basis})",
        "Meets “{label}” ({basis})",
    ),
    "criterion_failed": (
        "Không đạt tiêu chí «{label}» ({basis}); giá trị: {values}",
        "Does not meet “{label}” ({basis}); values: {values}",
    ),
    "criterion_unknown": (
        "Thiếu dữ liệu để xét tiêu chí «{label}» ({basis}): cần {missing}",
        "Data missing to judge “{label}” ({basis}): needs {missing}",
    ),
    "exclusion_applies": (
        "Thuộc trường hợp không xét «{label}» ({basis}); giá trị: {values}",
        "Excluded: “{label}” ({basis}); values: {values}",
    ),
    "exclusion_unknown": (
        "Thiếu dữ liệu để xác định trường hợp loại trừ «{label}» ({basis}): cần {missing}",
        "Data missing to rule out the exclusion “{label}” ({basis}): needs {missing}",
    ),
    "blocked": (
        "Chưa xét: «{label}» ({basis})",
        "Not considered for now: “{label}” ({basis})",
    ),
    "within_quota": (
        "Trong tỷ lệ «{label}» ({basis}): xếp thứ {rank}, mức trần {cap}{of}",
        "Within the quota “{label}” ({basis}): ranked {rank}, cap {cap}{of}",
    ),
    "over_quota": (
        "Đủ điều kiện nhưng vượt tỷ lệ «{label}» ({basis}): xếp thứ {rank}, mức trần {cap}{of}",
        "Eligible but over the quota “{label}” ({basis}): ranked {rank}, cap {cap}{of}",
    ),
    "tie_unresolved": (
        "Bằng điểm với {tied} ở vị trí thứ {rank}, vượt mức trần {cap} của «{label}» ({basis}): do cấp có thẩm quyền quyết định",
        "Tied with {tied} at rank {rank} across the cap {cap} of “{label}” ({basis}): the competent authority decides",
    ),
    "leader_not_qualified": (
        "Dẫn đầu nhóm {group} là {leaders} nhưng không đủ điều kiện «{label}» ({basis}); suất không chuyển cho người xếp sau",
        "The leader of {group}, {leaders}, does not qualify for “{label}” ({basis}); the place is not passed on to the next in rank",
    ),
    "bonus": (
        "Tiền thưởng {amount} đồng = {coefficient} × {base} đồng ({base_label} {when}), làm tròn lên bội số của {step} đồng ({basis})",
        "Bonus {amount} VND = {coefficient} × {base} VND ({base_label} {when}), rounded up to a multiple of {step} VND ({basis})",
    ),
    "path_held": (
        "Đạt theo {label} ({basis})",
        "Eligible by {label} ({basis})",
    ),
    "path_not_met": (
        "Không đạt theo {label} ({basis}): không đạt {failed}",
        "Not eligible by {label} ({basis}): does not meet {failed}",
    ),
    "path_unknown": (
        "Thiếu dữ liệu để xét theo {label} ({basis}): cần {missing}",
        "Data missing to judge by {label} ({basis}): needs {missing}",
    ),
    "bonus_not_paid": (
        "Không chi thưởng «{label}» ({amount} đồng): cùng thành tích «{window}» đã được thưởng «{higher}» (mức cao hơn) ({basis})",
        "No bonus paid for “{label}” ({amount} VND): the same achievement (“{window}”) is paid as “{higher}”, the higher title ({basis})",
    ),
    "bonus_highest": (
        "Chi thưởng «{label}», danh hiệu cao nhất của cùng thành tích «{window}»; không chi thưởng {lower} ({basis})",
        "The bonus of “{label}” is paid, the highest title earned on the same achievement (“{window}”); none is paid for {lower} ({basis})",
    ),
    "within_budget": (
        "Được cấp {amount} đồng từ «{label}» ({basis}): xếp thứ {rank}; quỹ {fund} đồng, còn lại {remaining} đồng",
        "Granted {amount} VND from “{label}” ({basis}): ranked {rank}; fund {fund} VND, {remaining} VND remaining",
    ),
    "over_budget": (
        "Đủ điều kiện nhưng «{label}» không đủ kinh phí ({basis}): xếp thứ {rank}, cần {amount} đồng, đến lượt chỉ còn {left} đồng; quỹ {fund} đồng, còn lại {remaining} đồng",
        "Eligible but not covered by “{label}” ({basis}): ranked {rank}, needs {amount} VND, only {left} VND remained at its turn; fund {fund} VND, {remaining} VND remaining",
    ),
    "budget_stopped": (
        "Đủ điều kiện nhưng «{label}» dừng xét tại người xếp thứ {stopped} ({basis}): người xếp sau không được cấp; xếp thứ {rank}; quỹ {fund} đồng, còn lại {remaining} đồng",
        "Eligible but “{label}” stopped at rank {stopped} ({basis}): nobody ranked after it is funded; ranked {rank}; fund {fund} VND, {remaining} VND remaining",
    ),
    "budget_tie": (
        "Bằng điểm với {tied} ở vị trí thứ {rank}; «{label}» còn {left} đồng, không đủ cho tất cả ({basis}): do cấp có thẩm quyền quyết định",
        "Tied with {tied} at rank {rank}; “{label}” has {left} VND left, not enough for all ({basis}): the competent authority decides",
    ),
    "budget_unknown": (
        "Thiếu dữ liệu để xét «{label}» ({basis}): cần {missing}",
        "Data missing to spend “{label}” ({basis}): needs {missing}",
    ),
    "quota_unknown": (
        "Chưa xác định được mức trần của «{label}» ({basis}): cần {missing}",
        "The cap of “{label}” is not known ({basis}): needs {missing}",
    ),
    "gap": (
        "Còn thiếu cho «{label}»: cần {op} {needs}, hiện có {has}",
        "Short of “{label}”: needs {op} {needs}, has {has}",
    ),
    "gap_in_time": (
        "Còn thiếu cho «{label}»: cần {op} {needs}, hiện có {has}; nếu giữ nguyên thành tích, sớm nhất đạt vào kỳ {first_period}",
        "Short of “{label}”: needs {op} {needs}, has {has}; if nothing else changes, the earliest period it can be met is {first_period}",
    ),
    "conflicting_facts": (
        "Để riêng: có hai dòng dữ kiện khác nhau cho kỳ {detail}",
        "Set aside: two different facts rows for period {detail}",
    ),
    "award_before_birth": (
        "Để riêng: khen thưởng kỳ {detail} có trước năm sinh",
        "Set aside: an award for {detail} is dated before the person was born",
    ),
    "service_before_birth": (
        "Để riêng: thời gian công tác bắt đầu {detail}, trước năm sinh",
        "Set aside: a service spell starts on {detail}, before the person was born",
    ),
    "overlapping_service": (
        "Để riêng: hai khoảng thời gian công tác chồng lên nhau ({detail})",
        "Set aside: two service spells overlap ({detail})",
    ),
    "score_total": (
        "«{label}»: {total} điểm, xếp loại «{band}» ({basis})",
        "“{label}”: {total} points, graded “{band}” ({basis})",
    ),
    "score_unknown": (
        "Thiếu dữ liệu để tính «{label}» ({basis}): cần {missing}",
        "Data missing to score “{label}” ({basis}): needs {missing}",
    ),
    "score_short": (
        "Thiếu {short} điểm để đạt «{band}» ({basis})",
        "{short} points short of “{band}” ({basis})",
    ),
    "score_capped": (
        "«{label}» được {raw} điểm, chỉ tính tối đa {max} điểm ({basis})",
        "“{label}” scored {raw} points, counted at its maximum of {max} ({basis})",
    ),
    "score_floor_failed": (
        "Không đạt «{label}» nên không được xếp loại «{band}» ({basis})",
        "Fails “{label}”, so cannot be graded “{band}” ({basis})",
    ),
    "score_knockout": (
        "Xếp loại «{band}» vì «{label}» ({basis})",
        "Graded “{band}” because of “{label}” ({basis})",
    ),
    "score_grade_cap": (
        "Xếp loại tối đa «{band}» vì «{label}» ({basis})",
        "Graded at most “{band}” because of “{label}” ({basis})",
    ),
    "blocking_unknown": (
        "Thiếu dữ liệu để xác định tình trạng «{label}» ({basis}): cần {missing}",
        "Data missing to rule out the state “{label}” ({basis}): needs {missing}",
    ),
    "parameter_unset": (
        "Tham số «{parameter}» chưa có giá trị cho kỳ xét, cần để xét «{label}» ({basis}): đặt giá trị áp dụng bằng --set {parameter}=… hoặc parameters={{'{parameter}': …}}",
        "The parameter “{parameter}” has no value for the period, and “{label}” needs it ({basis}): set the value you apply with --set {parameter}=… or parameters={{'{parameter}': …}}",
    ),
    "kpi_met": (
        "Đạt {share} / chỉ tiêu {target}: {numerator}/{denominator} {noun} ({basis})",
        "Meets the target: {share} against {target}, {numerator} of {denominator} {noun} ({basis})",
    ),
    "kpi_not_met": (
        "Chưa đạt: {share} / chỉ tiêu {target} ({numerator}/{denominator} {noun}); còn thiếu {needed} {noun} ({basis})",
        "Short of the {target} target: {share}, {numerator} of {denominator} {noun}; {needed} more needed ({basis})",
    ),
    "kpi_over_limit": (
        "Chưa đạt: {share} / mức tối đa {target} ({numerator}/{denominator} {noun}); cần giảm {needed} {noun} ({basis})",
        "Over the {target} limit: {share}, {numerator} of {denominator} {noun}; {needed} fewer needed ({basis})",
    ),
    "kpi_unknown": (
        "Thiếu dữ liệu của {unknown} {noun} để tính «{label}»",
        "Data missing for {unknown} of the {noun} counted, to compute “{label}”",
    ),
    "kpi_empty": (
        "Không có {noun} nào thuộc mẫu số của «{label}»",
        "No {noun} in the denominator of “{label}”",
    ),
    "kpi_no_target": (
        "Chỉ tiêu «{parameter}» chưa có giá trị cho kỳ {period}",
        "The target “{parameter}” has no value for {period}",
    ),
    "kpi_override": (
        "Áp dụng chỉ tiêu riêng của đơn vị ({fact}): {target}, thay cho {usual_target}",
        "The node's own target applies ({fact}): {target} instead of {usual_target}",
    ),
}


def render(code: str, params: dict[str, str], lang: Language) -> str:
    """The message of ``code`` in ``lang`` with ``params`` filled in."""
    vi, en = CATALOGUE[code]
    template = vi if lang == "vi" else en
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
    if lang == "vi":
        for key in _POINTS:
            if key in values:
                values[key] = decimal_comma(values[key])
    for key in _MONEY:
        if key in values and values[key].isdigit():
            values[key] = _thousands(values[key], "." if lang == "vi" else ",")
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
    written = format(number.normalize(), "f")
    if written == "-0":
        written = "0"
    return (written.replace(".", ",") if lang == "vi" else written) + " %"


#: Parameters that are points of a score sheet: Vietnamese writes them with a decimal comma.
_POINTS = ("total", "short", "raw", "max")


def decimal_comma(text: str) -> str:
    """A number written with a decimal point (``1.5``) as Vietnamese writes it (``1,5``)."""
    whole, point, fraction = text.partition(".")
    return f"{whole},{fraction}" if point and whole.lstrip("-").isdigit() else text


def _years(text: str, lang: Language) -> str:
    """``17.333333`` years as "17 years 4 months" (months rounded to the nearest)."""
    try:
        months = int((Decimal(text) * 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return text
    years, rest = divmod(months, 12)
    if lang == "vi":
        return f"{years} năm {rest} tháng" if rest else f"{years} năm"
    year_word = "year" if years == 1 else "years"
    month_word = "month" if rest == 1 else "months"
    return f"{years} {year_word} {rest} {month_word}" if rest else f"{years} {year_word}"


def _thousands(digits: str, separator: str) -> str:
    groups: list[str] = []
    while digits:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return separator.join(groups)


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


#: outcome -> (Vietnamese, English) label
OUTCOME_LABELS: Final[dict[str, tuple[str, str]]] = {
    "granted": ("Đạt", "Granted"),
    "eligible_over_quota": ("Đủ điều kiện, ngoài tỷ lệ", "Eligible, over quota"),
    "tied": ("Bằng điểm, chờ cấp có thẩm quyền quyết định", "Tied, for the competent authority"),
    "not_eligible": ("Không đủ điều kiện", "Not eligible"),
    "blocked": ("Tạm dừng xét", "Blocked"),
    "data_missing": ("Thiếu dữ liệu", "Data missing"),
    "eligible_over_budget": ("Đủ điều kiện, ngoài kinh phí", "Eligible, not covered by the fund"),
}


def outcome_label(outcome: str, lang: Language) -> str:
    """The outcome as words in ``lang``."""
    vi, en = OUTCOME_LABELS[outcome]
    return vi if lang == "vi" else en
