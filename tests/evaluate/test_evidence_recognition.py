"""Evidence recognised by the subject's issuing authority (emulation._builtins.recognition):
``evidence_count(..., recognised_by="<text fact>")`` counts only the items whose
``recognised_by`` is the subject's issuer; an item without it, or an unknown issuer, is
unknown (Luật 06/2022/QH15 Điều 22 khoản 2; issue 10 item 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import emulation
from emulation import EvidenceItem, Population
from emulation.errors import EvaluationError

RULESET = """format = 1

[ruleset]
id = "test.recognition"
organisation = "test"
version = "1.0.0"
effective_from = 2000-01-01
title = {{ vi = "Cơ quan công nhận", en = "Recognising authority" }}

[facts.issuer]
type = "text"
{default}label = {{ vi = "Cơ quan tặng", en = "Issuing authority" }}

[facts.rating]
type = "enum"
values = ["HT", "HTT"]
ordered = true
label = {{ vi = "Xếp loại", en = "Rating" }}

[awards.title]
kind = "title"
subject = "person"
label = {{ vi = "Danh hiệu thử", en = "Test title" }}

[[awards.title.criteria]]
id = "scope"
expr = '{expr}'
label = {{ vi = "Sáng kiến do cơ quan tặng công nhận", en = "Initiative recognised by the issuer" }}
basis = "Luật 06/2022/QH15 Điều 22 khoản 2"
certainty = "C"
"""

BY_ISSUER = (
    'evidence_count("initiative", min_scope="ministry_province", window=2, recognised_by="issuer")'
)


def engine_with(
    tmp_path: Path, expr: str = f"{BY_ISSUER} >= 0", default: str = ""
) -> emulation.Engine:
    path = tmp_path / "recognition.toml"
    path.write_text(RULESET.format(expr=expr, default=default), encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def item(
    i: int, by: str | None, scope: str = "ministry_province", period: str = "2024"
) -> dict[str, Any]:
    found: dict[str, Any] = {"id": f"sk{i}", "kind": "initiative", "period": period, "scope": scope}
    if by is not None:
        found["recognised_by"] = by
    return found


def count(engine: emulation.Engine, evidence: list[dict[str, Any]], issuer: str | None) -> Any:
    """The value of the title's one call for a person with ``evidence`` and ``issuer``."""
    facts: dict[str, Any] = {"rating": "HT"}
    if issuer is not None:
        facts["issuer"] = issuer
    subject = {"id": "a", "kind": "person", "facts": {"2024": facts}, "evidence": evidence}
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2024", ["title"])
    [criterion] = evaluation.decision("a", "title").criteria
    [(_, found)] = [(name, v) for name, v in criterion.inputs if "(" in name]
    return found


@pytest.mark.parametrize(
    ("evidence", "issuer", "expected"),
    [
        ([item(1, "tinh-79"), item(2, "tinh-79", period="2023")], "tinh-79", 2),
        ([item(1, "tinh-79"), item(2, "tinh-01")], "tinh-79", 1),
        ([item(1, "tinh-01")], "tinh-79", 0),
        # NFC and stray spaces: the same authority
        ([item(1, " Bộ Công Thương ")], "Bộ Công Thương", 1),
        # outside the selection (scope, window) an item's authority is not read
        ([item(1, None, scope="grassroots"), item(2, None, period="2022")], "tinh-79", 0),
        ([item(1, "tinh-79", scope="national")], "tinh-79", 1),
        ([], None, 0),
        # unknown, not 0: the item's authority or the person's issuer is not recorded
        ([item(1, "tinh-79"), item(2, None)], "tinh-79", None),
        ([item(1, "tinh-79")], None, None),
    ],
)
def test_counts_only_items_recognised_by_the_issuer(
    tmp_path: Path, evidence: list[dict[str, Any]], issuer: str | None, expected: int | None
) -> None:
    assert count(engine_with(tmp_path), evidence, issuer) == expected


def test_unknown_count_is_data_missing_not_false(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, f"{BY_ISSUER} >= 1")
    subject = {
        "id": "a",
        "kind": "person",
        "facts": {"2024": {"rating": "HT", "issuer": "tinh-79"}},
        "evidence": [item(1, None)],
    }
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2024", ["title"])
    assert evaluation.decision("a", "title").outcome == "data_missing"


def test_the_fact_default_is_the_issuer(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, default='default = "tinh-79"\n')
    assert count(engine, [item(1, "tinh-79")], None) == 1


def test_without_the_argument_any_authority_counts(tmp_path: Path) -> None:
    """The old behaviour, and the call's text, are unchanged when recognised_by is not given."""
    engine = engine_with(
        tmp_path, 'evidence_count("initiative", min_scope="ministry_province") >= 0'
    )
    assert count(engine, [item(1, "tinh-01"), item(2, None)], "tinh-79") == 2


def test_recognised_by_must_name_a_text_fact(tmp_path: Path) -> None:
    expr = 'evidence_count("initiative", recognised_by="rating") >= 0'
    with pytest.raises(EvaluationError, match="text fact"):
        count(engine_with(tmp_path, expr), [item(1, "tinh-79")], "tinh-79")


def test_recognised_by_is_read_from_every_input_form(tmp_path: Path) -> None:
    (tmp_path / "subjects.csv").write_text("id,kind\na,person\n", encoding="utf-8")
    (tmp_path / "facts.csv").write_text("subject,period,issuer\na,2024,tinh-79\n", encoding="utf-8")
    (tmp_path / "evidence.csv").write_text(
        "id,subject,kind,period,scope,recognised_by\n"
        "sk1,a,initiative,2024,ministry_province,tinh-79\n"
        "sk2,a,initiative,2024,ministry_province,\n",
        encoding="utf-8",
    )
    from_csv = Population.from_csv_dir(tmp_path).evidence.sort("id")
    assert from_csv.get_column("recognised_by").to_list() == ["tinh-79", None]
    records = Population.from_records(
        subjects=[emulation.Subject(id="a", kind="person")],
        evidence=[
            EvidenceItem(
                id="sk1", subject="a", kind="initiative", period="2024", recognised_by="tinh-79"
            )
        ],
    )
    assert records.evidence.get_column("recognised_by").dtype == pl.String
    assert records.evidence.get_column("recognised_by").to_list() == ["tinh-79"]
