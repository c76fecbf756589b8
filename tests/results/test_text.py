"""How values are shown to people: one function, three styles that keep each caller's output."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from emulation.results.text import show


@pytest.mark.parametrize(
    ("value", "short", "short_signed", "stored"),
    [
        (None, "∅", "∅", "∅"),
        (True, "true", "true", "true"),
        (False, "false", "false", "false"),
        (7, "7", "7", "7"),
        (Decimal("8.500000"), "8.5", "8.5", "8.500000"),
        (Decimal("-0.000000"), "0", "-0", "-0.000000"),
        (Decimal("1E+2"), "100", "100", "1E+2"),
        (dt.date(2024, 3, 1), "2024-03-01", "2024-03-01", "2024-03-01"),
        (
            dt.datetime(2024, 3, 1, 8, 30),
            "2024-03-01T08:30:00",
            "2024-03-01 08:30:00",
            "2024-03-01 08:30:00",
        ),
        ("HTXS", "HTXS", "HTXS", "HTXS"),
    ],
)
def test_each_style(value: object, short: str, short_signed: str, stored: str) -> None:
    assert show(value) == show(value, "short") == short
    assert show(value, "short_signed") == short_signed
    assert show(value, "stored") == stored
