"""The columns of the tabular decision outputs (``results/columns.py``): the header by shape,
CSV cells (None an empty cell), the typed Parquet frame (whole numbers, exact decimals, nulls
where a column does not apply), and reasons rendered once per distinct reason."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from emulation.results import columns
from emulation.results.decision import Reason


def test_the_header_follows_the_shape() -> None:
    assert columns.header(scored=False, routed=False) == list(columns.DECISION_COLUMNS)
    assert columns.header(scored=True, routed=True)[-3:] == ["score", "band", "path"]
    assert columns.DECISION_COLUMNS[:6] == (
        "subject",
        "name",
        "award",
        "label",
        "period",
        "outcome",
    )


def test_csv_cells_leave_what_does_not_apply_empty() -> None:
    row = columns.set_aside_values(
        "a", None, "2024", "overlapping_service", "two spells", scored=True, routed=False
    )
    cells = columns.csv_cells(row)
    assert cells[:6] == ["a", "", "", "", "2024", "set_aside"]
    assert cells[9:11] == ["overlapping_service", "two spells"]
    assert len(cells) == len(columns.header(scored=True, routed=False))
    assert set(cells[6:9] + cells[11:]) == {""}


def test_the_parquet_frame_is_typed() -> None:
    header = columns.header(scored=True, routed=False)
    base = ("s", "Tên", "cstdcs", "CSTĐCS", "2024", "granted")
    rows = [
        (*base, 2, 3, "710000", "granted", "ok", "r", "1", "94.5", "good"),
        (*base, None, None, None, "granted", "ok", "r", "1", None, None),
        # an award reading two sheets: not one number
        (*base, 1, 1, "1.5", "granted", "ok", "r", "1", "a=1;b=2", "a=x;b=y"),
    ]
    frame = columns.parquet_frame(header, rows)
    assert frame.schema["rank"] == pl.Int64
    assert frame.schema["cap"] == pl.Int64
    assert frame.schema["bonus"] == pl.Decimal(38, 6)
    assert frame.schema["score"] == pl.Decimal(38, 6)
    assert frame.schema["band"] == pl.String
    assert frame.get_column("bonus").to_list() == [Decimal("710000"), None, Decimal("1.5")]
    assert frame.get_column("score").to_list() == [Decimal("94.5"), None, None]
    assert frame.get_column("rank").to_list() == [2, None, 1]
    assert frame.get_column("band").to_list() == ["good", None, "a=x;b=y"]
    assert columns.parquet_frame(header, []).schema == frame.schema


def test_a_reason_is_rendered_once() -> None:
    reason = Reason("criterion_met", (("label_en", "Good"), ("label_vi", "Tốt")))
    columns.rendered.cache_clear()
    for lang in ("vi", "en", "vi"):
        assert columns.rendered(reason, lang) == reason.render(lang)
    assert columns.rendered.cache_info().misses == 2
