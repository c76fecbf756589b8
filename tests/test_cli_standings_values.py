"""The standings table shows the value of the fact its first ranking key is (a fund, a count),
digits grouped as each language writes them, and nothing more when the key is an expression."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emulation._standings_cli import _number


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (Decimal("19000000000.000000"), "19.000.000.000", "19,000,000,000"),
        ("188000000000", "188.000.000.000", "188,000,000,000"),
        (Decimal("1234.5"), "1.234,5", "1,234.5"),
        (7, "7", "7"),
        (None, "∅", "∅"),
        ("Cụm 3", "Cụm 3", "Cụm 3"),
    ],
)
def test_a_value_is_written_as_each_language_writes_numbers(
    value: object, vi: str, en: str
) -> None:
    assert _number(value, "vi") == vi
    assert _number(value, "en") == en
