"""What the strategies share: the names and vocabularies they draw from, and small cached
strategies (building a strategy object per draw is what makes generation slow)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation.period import Period

#: Vietnamese names for generated people, so counterexamples read like real cases.
NAMES = (
    "Nguyễn Thị Lan",
    "Trần Văn Hùng",
    "Lê Thị Hoa",
    "Phạm Minh Tuấn",
    "Hoàng Thị Mai",
    "Vũ Đức Anh",
    "Đặng Thu Hà",
    "Bùi Quang Huy",
)
#: Names for generated collectives.
UNIT_NAMES = (
    "Công đoàn cơ sở Trường Tiểu học Kim Liên",
    "Phòng Tổ chức – Hành chính",
    "Tổ Toán – Tin",
    "Xí nghiệp May 10",
)
#: Evidence kinds when no rule names one; kinds of service spells; clusters of collectives.
EVIDENCE_KINDS = ("initiative", "scientific_work")
SERVICE_KINDS = ("full_time", "contract", "part_time")
CLUSTERS = ("c1", "c2")

#: Share of generated facts left missing (out of 100), so ``data_missing`` paths are explored.
MISSING_PERCENT = 8


def as_period(period: Period | str) -> Period:
    """``period`` as a :class:`Period`."""
    return period if isinstance(period, Period) else Period.parse(period)


@functools.cache
def integers(low: int, high: int) -> SearchStrategy[int]:
    """``st.integers(low, high)``, built once."""
    return st.integers(low, high)


@functools.cache
def sample(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    """``st.sampled_from(values)``, built once."""
    return st.sampled_from(values)


@functools.cache
def dates(low: dt.date, high: dt.date) -> SearchStrategy[dt.date]:
    """``st.dates(low, high)``, built once."""
    return st.dates(low, high)


#: Cached strategies for draws inside composite strategies.
BOOLS = st.booleans()
IDS = st.text("abcdefghkmnpqrstuvxy0123456789", min_size=1, max_size=8)
