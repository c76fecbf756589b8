"""Strategies for the values of a declared fact."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation.data.records import FactValue
from emulation.rules.model import FactDecl, ParameterValue


def fact_values(decl: FactDecl, edges: Iterable[ParameterValue] = ()) -> SearchStrategy[FactValue]:
    """Values of a declared fact: its enum values, booleans, or numbers inside its
    ``minimum``/``maximum``; numbers in ``edges`` (thresholds the rules test) come often.

    A boolean fact with ``better`` declared takes its better value four times in five, so
    that subjects who earn an award are common enough to be worth improving."""
    if decl.type == "bool":
        if decl.better is None:
            return st.booleans()
        good = decl.better == "higher"
        return st.sampled_from((good, good, good, good, not good))
    if decl.type == "enum":
        return st.sampled_from(decl.values)
    if decl.type == "text":
        texts = sorted(v for v in edges if isinstance(v, str))
        free = st.text("abcdefghijklmnopqrstuvwxyzđ", min_size=1, max_size=8)
        return st.sampled_from(texts) | free if texts else free
    numbers = sorted(
        Decimal(v) for v in edges if isinstance(v, (int, Decimal)) and not isinstance(v, bool)
    )
    low = decl.minimum if decl.minimum is not None else min([Decimal(0), *numbers]) - 2
    high = decl.maximum if decl.maximum is not None else max([Decimal(10), *numbers]) * 2 + 2
    inside = [n for n in numbers if low <= n <= high]
    if decl.type == "int":
        wide: SearchStrategy[Any] = st.integers(int(low), int(high))
        picked: list[FactValue] = sorted({int(n) for n in inside if n == n.to_integral_value()})
    else:
        places = max([2, *(_places(n) for n in inside)])
        wide = st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False)
        picked = sorted(set(inside))
    return st.sampled_from(picked) | wide if picked else wide


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
