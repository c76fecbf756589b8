"""emulation.i18n: the catalogues of each language, plural forms, numbers as each language
writes them, the interface language read from the command line, messages shown later."""

from __future__ import annotations

import argparse
import errno
from decimal import Decimal

import pytest

from emulation import i18n
from emulation._i18n_cli import argparse_speaks
from emulation.errors import PeriodError, Problem, suggest
from emulation.messages import CATALOGUE, render


def test_each_language_has_its_own_plural_forms() -> None:
    vi, en = i18n.translator("vi"), i18n.translator("en")
    assert [en.ngettext("{n} year", "{n} years", n).format(n=n) for n in (1, 2)] == [
        "1 year",
        "2 years",
    ]
    # Vietnamese has one form: the noun does not change with the number
    assert [vi.ngettext("{n} year", "{n} years", n).format(n=n) for n in (1, 2)] == [
        "1 năm",
        "2 năm",
    ]


def test_years_of_service_are_written_with_the_plural_of_each_language() -> None:
    params = {"label_en": "Service", "label_vi": "Thâm niên", "op": ">=", "unit": "year"}
    one = render("gap", {**params, "needs": "1", "has": "1.083333"}, "en")
    assert one == "Short of “Service”: needs >= 1 year, has 1 year 1 month"
    many = render("gap", {**params, "needs": "5", "has": "17.333333"}, "vi")
    assert many == "Còn thiếu cho «Thâm niên»: cần >= 5 năm, hiện có 17 năm 4 tháng"


@pytest.mark.parametrize(
    ("number", "lang", "group", "written"),
    [
        (Decimal("1490000"), "vi", True, "1.490.000"),
        (Decimal("1490000"), "en", True, "1,490,000"),
        (Decimal("12345.5"), "vi", True, "12.345,5"),
        (Decimal("12345.5"), "vi", False, "12345,5"),
        (Decimal("1.500000"), "vi", False, "1,500000"),  # every digit it was written with
        (Decimal("-0.25"), "en", False, "-0.25"),
        (Decimal("1E+2"), "vi", True, "100"),
    ],
)
def test_numbers_are_written_as_each_language_writes_them(
    number: Decimal, lang: i18n.Language, group: bool, written: str
) -> None:
    assert i18n.format_decimal(number, lang, group=group) == written


def test_money_in_a_reason_is_grouped_by_babel() -> None:
    params = {"label_vi": "Quỹ", "label_en": "Fund", "basis": "b", "rank": "1"}
    params |= {"amount": "1490000", "fund": "10000000", "remaining": "8510000"}
    assert "1.490.000 đồng" in render("within_budget", params, "vi")
    assert "1,490,000 VND" in render("within_budget", params, "en")


def test_the_catalogue_keeps_its_public_shape() -> None:
    assert CATALOGUE["granted"] == (
        "Đủ điều kiện «{label}»: đạt mọi tiêu chí",
        "Qualifies for “{label}”: every criterion is met",
    )


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        ([], {}, "en"),  # the documented default of help and errors
        (["evaluate", "--lang", "vi"], {}, "vi"),
        (["evaluate", "--lang=vi"], {}, "vi"),
        (["evaluate"], {"EMULATION_LANG": "vi"}, "vi"),
        (["evaluate", "--lang", "en"], {"EMULATION_LANG": "vi"}, "en"),  # the option wins
        (["evaluate", "--lang", "fr"], {"EMULATION_LANG": "vi"}, "vi"),  # argparse refuses fr
        (["evaluate"], {"EMULATION_LANG": "de"}, "en"),
        (["evaluate", "--", "--lang", "vi"], {}, "en"),  # after -- it is an argument
        (["evaluate", "--lang"], {}, "en"),
    ],
)
def test_the_interface_language_is_read_before_argparse(
    argv: list[str], environ: dict[str, str], lang: str
) -> None:
    assert i18n.language_from(argv, environ) == lang


def test_results_default_to_vietnamese_unless_the_environment_says_otherwise() -> None:
    assert i18n.results_default({}) == "vi"
    assert i18n.results_default({"EMULATION_LANG": "en"}) == "en"
    assert i18n.results_default({"EMULATION_LANG": "xx"}) == "vi"


def test_the_interface_language_holds_inside_its_block_only() -> None:
    assert i18n.gettext("options") == "options"
    with i18n.interface("vi"):
        assert i18n.gettext("options") == "tùy chọn"
        assert i18n.ngettext("{n} rule", "{n} rules", 2) == "{n} quy tắc"
    assert i18n.gettext("options") == "options"


def test_a_message_reads_as_english_and_is_shown_in_another_language() -> None:
    message = i18n.Message("cannot read: {reason}", reason=i18n.Message("Permission denied"))
    assert message == "cannot read: Permission denied"
    assert f"x.json: {message}" == "x.json: cannot read: Permission denied"
    assert message.translated("vi") == "không đọc được: Không có quyền truy cập"
    assert i18n.localise("plain text", "vi") == "plain text"


def test_a_problem_is_shown_in_the_language_asked_for() -> None:
    problem = Problem(
        file="r.toml",
        line=3,
        column=7,
        location="awards.x",
        message=i18n.Message("cannot read: {reason}", reason="whatever"),
    )
    assert str(problem) == "r.toml:3: awards.x, column 7: cannot read: whatever"
    assert problem.translated("vi") == "r.toml:3: awards.x, cột 7: không đọc được: whatever"


def test_the_row_of_a_data_file_is_said_in_the_language_asked_for() -> None:
    problem = Problem(file="facts.csv: row 12", location="rating", message="x")
    assert problem.translated("vi") == "facts.csv: dòng 12: rating: x"
    assert str(problem) == "facts.csv: row 12: rating: x"
    other = Problem(file="union.json: subjects[3]", message="x")
    assert other.translated("vi") == "union.json: subjects[3]: x"


def test_a_suggestion_is_said_in_either_language() -> None:
    hint = suggest("ldtt", ["ldtt2", "cstdcs"])
    assert hint == ' (did you mean "ldtt2"?)'
    assert i18n.localise(hint, "vi") == ' (có phải ý bạn là "ldtt2"?)'
    assert suggest("zzz", ["ldtt"]) == ""


def test_the_systems_reason_is_translated_only_when_the_catalogue_knows_it() -> None:
    known = OSError(errno.ENOENT, "No such file or directory")
    assert i18n.localise(i18n.os_reason(known), "vi") == "Không có tệp hoặc thư mục này"
    other = OSError(errno.EIO, "Input/output error")
    assert i18n.os_reason(other) == "Input/output error"
    worded_otherwise = OSError(errno.ENOENT, "Datei nicht gefunden")  # another C library's words
    assert i18n.localise(i18n.os_reason(worded_otherwise), "vi") == "Datei nicht gefunden"


def test_argparse_speaks_the_interface_language_and_is_put_back() -> None:
    before = argparse._  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(prog="p")
    with i18n.interface("vi"), argparse_speaks():
        parser = argparse.ArgumentParser(prog="p")
        parser.add_argument("--x", required=True)
        usage = parser.format_help()
    assert usage.startswith("cách dùng: p")
    assert "tùy chọn:" in usage
    assert argparse._ is before  # type: ignore[attr-defined]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.translator("fr")  # type: ignore[arg-type]


def test_a_plural_message_reads_as_english_and_follows_each_language_s_plural_rule() -> None:
    one, two = (
        i18n.Plural("{n} decision", "{n} decisions", 1),
        i18n.Plural("{n} decision", "{n} decisions", 2),
    )
    assert (one, two) == ("1 decision", "2 decisions")
    assert (one.translated("vi"), two.translated("vi")) == ("1 quyết định", "2 quyết định")
    assert two.translated("en") == "2 decisions"


def test_said_keeps_the_message_an_error_was_raised_with() -> None:
    message = i18n.Message("year {year} is outside 1900–2200", year=3000)
    assert i18n.said(PeriodError(message)) is message
    assert i18n.said(ValueError("plain")) == "plain"
    assert i18n.said(ValueError("a", "b")) == "('a', 'b')"
