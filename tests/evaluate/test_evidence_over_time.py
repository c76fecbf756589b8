"""Evidence over time (emulation._builtins.evidence_time and the ``part`` of evidence_sum): an
item in each of N consecutive periods, the largest single amount, and an author's share."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import Population

RULES = Path(__file__).resolve().parents[1] / "rulesets" / "windows" / "windows.toml"


def engine_with(tmp_path: Path, expr: str) -> emulation.Engine:
    """The windows test ruleset with the title's criterion replaced by ``expr``."""
    ruleset = RULES.read_text(encoding="utf-8").replace("'rating >= \"HTT\"'", f"'{expr}'", 1)
    path = tmp_path / "evidence.toml"
    path.write_text(ruleset, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def items(*amounts: str | None, first: int | None = None, **extra: Any) -> list[dict[str, Any]]:
    """One solution a year from ``first`` (default: so that the last is in 2025); ``"skip"``
    leaves the year without one, ``None`` gives an item without an amount."""
    first = 2026 - len(amounts) if first is None else first
    return [
        {"id": f"s{i}", "kind": "solution", "period": str(first + i), "amount": amount, **extra}
        for i, amount in enumerate(amounts)
        if amount != "skip"
    ]


def value(engine: emulation.Engine, evidence: list[dict[str, Any]], period: str = "2025") -> Any:
    """The value of the title's one call for a person with ``evidence``."""
    subject = {
        "id": "a",
        "kind": "person",
        "facts": {period: {"rating": "HT"}},
        "evidence": evidence,
    }
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), period, ["title"])
    [criterion] = evaluation.decision("a", "title").criteria
    [(_, found)] = [(name, v) for name, v in criterion.inputs if "(" in name]
    return found


@pytest.mark.parametrize(
    ("amounts", "holds"),
    [
        (("40000000", "40000000", "40000000"), True),
        (("70000000", "skip", "60000000"), False),
        (("70000000", "0", "60000000"), False),
        (("40000000", "40000000", "39999999"), False),
        (("120000000", "skip", "skip", "1"), False),
        (("1", "60000000", "60000000", "1"), True),
    ],
)
def test_three_consecutive_years_totalling_120_million(
    tmp_path: Path, amounts: tuple[str, ...], holds: bool
) -> None:
    """Done when: true for 40 + 40 + 40, false for 70 + 0 + 60 (QĐ 1564 Art 16(1.1))."""
    expr = 'evidence_streak("solution") >= 3 and evidence_sum("solution", window=3) >= 120000000'
    engine = engine_with(tmp_path, expr)
    first = 2026 - len(amounts)
    subject = {
        "id": "a",
        "kind": "person",
        "facts": {"2025": {"rating": "HT"}},
        "evidence": items(*amounts, first=first),
    }
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2025", ["title"])
    assert (evaluation.decision("a", "title").outcome == "granted") is holds


@pytest.mark.parametrize(
    ("amounts", "streak"),
    [
        ((), 0),
        (("1",), 1),
        (("1", "1", "1"), 3),
        (("1", "skip", "1"), 1),
        (("1", "1", "0"), 0),
        (("1", "0", "1"), 1),
        ((None, None, None), 3),
        (("1", "1", "1", "skip"), 0),
    ],
)
def test_evidence_streak_counts_periods_with_an_item_back_from_this_one(
    tmp_path: Path, amounts: tuple[str | None, ...], streak: int
) -> None:
    """An item without an amount counts; an item worth 0 does not; the streak ends now."""
    engine = engine_with(tmp_path, 'evidence_streak("solution") >= 99')
    assert value(engine, items(*amounts)) == streak


def test_evidence_streak_reads_its_scope_and_kind(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, 'evidence_streak("solution", "ministry_province") >= 9')
    evidence = [
        *items("1", "1", first=2024, scope="national"),
        {"id": "low", "kind": "solution", "period": "2023", "amount": "5"},
        {"id": "other", "kind": "initiative", "period": "2023", "scope": "national"},
    ]
    assert value(engine, evidence) == 2


def now(*amounts: str | None) -> list[dict[str, Any]]:
    """Solutions of this period (2025) with these amounts."""
    return [
        {"id": f"n{i}", "kind": "solution", "period": "2025", "amount": amount}
        for i, amount in enumerate(amounts)
    ]


@pytest.mark.parametrize(
    ("evidence", "largest"),
    [
        ([], Decimal(0)),
        (now(None), Decimal(0)),
        (now("80000000"), Decimal("80000000")),
        (now("79999999.999999", "5", None), Decimal("79999999.999999")),
        (items("90000000", "skip", "1"), Decimal(1)),
    ],
)
def test_evidence_max_is_the_largest_single_amount_of_this_period(
    tmp_path: Path, evidence: list[dict[str, Any]], largest: Decimal
) -> None:
    """0 when no item has an amount, as evidence_sum; items of earlier periods are outside
    the default window of 1."""
    engine = engine_with(tmp_path, 'evidence_max("solution") >= 80000000')
    assert value(engine, evidence) == largest


def test_evidence_max_over_a_window_and_a_scope(tmp_path: Path) -> None:
    engine = engine_with(
        tmp_path, 'evidence_max("solution", min_scope="national", window=3) >= 80000000'
    )
    evidence = [
        {"id": "old", "kind": "solution", "period": "2022", "amount": "900", "scope": "national"},
        {"id": "in", "kind": "solution", "period": "2023", "amount": "70", "scope": "national"},
        {"id": "low", "kind": "solution", "period": "2024", "amount": "800"},
        {"id": "now", "kind": "solution", "period": "2025", "amount": "60", "scope": "national"},
    ]
    assert value(engine, evidence) == Decimal(70)


@pytest.mark.parametrize(
    ("amount", "share"),
    [
        ("160000000", "0.5"),
        ("1.000005", "0.5"),
        ("1.000007", "0.5"),
        ("33333333.333333", "0.333333"),
        ("100", "1"),
    ],
)
def test_a_share_counts_amount_times_share_rounded_half_to_even(
    tmp_path: Path, amount: str, share: str
) -> None:
    expected = (Decimal(amount) * Decimal(share)).quantize(Decimal("0.000001"), ROUND_HALF_EVEN)
    evidence = [{"id": "j", "kind": "solution", "period": "2025", "amount": amount, "share": share}]
    for call in (
        'evidence_max("solution", part="share")',
        'evidence_sum("solution", part="share")',
    ):
        assert value(engine_with(tmp_path, f"{call} >= 1"), evidence) == expected
    assert value(engine_with(tmp_path, 'evidence_sum("solution") >= 1'), evidence) == Decimal(
        amount
    )


def test_shares_add_up_over_a_window(tmp_path: Path) -> None:
    """Two co-authored solutions: the author's parts are summed; the largest part is kept."""
    evidence = [
        {"id": "x", "kind": "solution", "period": "2024", "amount": "100", "share": "0.25"},
        {"id": "y", "kind": "solution", "period": "2025", "amount": "60", "share": "0.5"},
        {"id": "z", "kind": "solution", "period": "2025", "amount": "10"},
    ]
    total = engine_with(tmp_path, 'evidence_sum("solution", window=2, part="share") >= 1')
    largest = engine_with(tmp_path, 'evidence_max("solution", window=2, part="share") >= 1')
    assert value(total, evidence) == Decimal(65)
    assert value(largest, evidence) == Decimal(30)


def test_the_explanation_names_the_part_only_when_it_is_a_share(tmp_path: Path) -> None:
    engine = engine_with(
        tmp_path, 'evidence_sum("solution") + evidence_sum("solution", part="share") >= 1'
    )
    evidence = [{"id": "j", "kind": "solution", "period": "2025", "amount": "10", "share": "0.1"}]
    subject = {
        "id": "a",
        "kind": "person",
        "facts": {"2025": {"rating": "HT"}},
        "evidence": evidence,
    }
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2025", ["title"])
    [criterion] = evaluation.decision("a", "title").criteria
    assert dict(criterion.inputs) == {
        "evidence_sum(kind='solution', min_scope='grassroots', window=1)": Decimal(10),
        "evidence_sum(kind='solution', part='share', min_scope='grassroots', window=1)": Decimal(1),
    }
