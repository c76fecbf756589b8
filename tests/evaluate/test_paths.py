"""Award paths (``[[awards.<id>.paths]]``) on tests/rulesets/paths/paths.toml: the award is
granted when its own criteria hold and any path holds, in three-valued logic; the decision
names the paths that held and, for a refusal, what each path misses; outputs, coverage,
order independence and located load errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import Population, RulesetError, properties
from emulation._builtins.reporters import render_table
from emulation._testing.coverage import Coverage
from emulation.cli import main
from emulation.types import AwardId

RULES = Path(__file__).resolve().parents[1] / "rulesets" / "paths"
STATE = Path(__file__).resolve().parents[2] / "rulesets" / "state"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULES])


def person(sid: str = "p", **facts: Any) -> dict[str, Any]:
    base = {"rating": "HTT", "law_abiding": True}
    return {"id": sid, "kind": "person", "facts": {"2025": base | facts}}


def bk(engine: emulation.Engine, subject: dict[str, Any]) -> emulation.Decision:
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2025", ["bk"])
    return evaluation.decision(subject["id"], "bk")


# -- the model ------------------------------------------------------------------------------------


def test_paths_are_loaded_in_order_with_their_criteria(engine: emulation.Engine) -> None:
    award = engine.rulesets[0].awards[AwardId("bk")]
    assert [p.id for p in award.paths] == ["a", "b", "d"]
    assert [r.id for r in award.rules_of_path("d")] == ["excellent_years", "initiatives"]
    # the award's own rules are those every path shares
    assert [r.id for r in award.rules_of("criterion")] == ["law_abiding"]
    assert {r.id: r.path for r in award.rules} == {
        "law_abiding": None,
        "under_review": None,
        "movement": "a",
        "adhoc": "b",
        "excellent_years": "d",
        "initiatives": "d",
    }


# -- three-valued: any path ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("movement", "adhoc", "outcome", "held"),
    [
        (True, None, "granted", ("a",)),  # one path true: the unknown one does not matter
        (None, True, "granted", ("b",)),
        (True, True, "granted", ("a", "b")),
        (False, None, "data_missing", ()),  # none true, one unknown
        (None, None, "data_missing", ()),
        (False, False, "not_eligible", ()),
    ],
)
def test_the_award_is_granted_when_any_path_holds(
    engine: emulation.Engine, movement: Any, adhoc: Any, outcome: str, held: tuple[str, ...]
) -> None:
    facts = {"movement_leader": movement, "adhoc_feat": adhoc}
    decision = bk(engine, person(**{k: v for k, v in facts.items() if v is not None}))
    assert decision.outcome == outcome
    assert decision.held == held
    assert decision.path == (held[0] if held else None)


def test_the_common_criteria_apply_to_every_path(engine: emulation.Engine) -> None:
    decision = bk(engine, person(law_abiding=False, movement_leader=True, adhoc_feat=True))
    assert decision.outcome == "not_eligible"
    assert decision.held == ("a", "b")
    codes = [r.code for r in decision.reasons]
    assert codes == ["criterion_failed"]  # the paths are not at fault
    unknown = bk(engine, {"id": "p", "kind": "person", "facts": {"2025": {"rating": "HTT"}}})
    assert unknown.outcome == "data_missing"


def test_a_refusal_shows_every_path_and_what_each_misses(engine: emulation.Engine) -> None:
    subject = person(rating="HTXS", movement_leader=False, adhoc_feat=False)
    subject["facts"]["2024"] = {"rating": "HTT"}
    subject["evidence"] = [{"id": "i1", "kind": "initiative", "period": "2025"}]
    decision = bk(engine, subject)
    assert decision.outcome == "not_eligible"
    keys = [(r.code, dict(r.params).get("path")) for r in decision.reasons]
    assert keys == [
        ("path_not_met", "a"),
        ("criterion_failed", "a"),
        ("path_not_met", "b"),
        ("criterion_failed", "b"),
        ("path_not_met", "d"),
        ("criterion_failed", "d"),
        ("gap_in_time", "d"),
        ("criterion_failed", "d"),
        ("gap", "d"),
    ]
    vi = [r.render("vi") for r in decision.reasons]
    assert vi[0] == (
        "Không đạt theo điểm a (thành tích xuất sắc trong phong trào thi đua) "
        "(Luật 06/2022/QH15 Điều 74 khoản 1 điểm a): không đạt "
        "«Thành tích xuất sắc trong phong trào thi đua»"
    )
    en = [r.render("en") for r in decision.reasons]
    assert en[4].startswith("Not eligible by path d (two years rated HTXS and two initiatives)")
    assert "needs ≥ 2, has 1" in en[6]
    assert "2026" in en[6]
    assert en[8] == "Short of “Two recognised initiatives in that window”: needs ≥ 2, has 1"


def test_an_unknown_path_says_what_it_needs(engine: emulation.Engine) -> None:
    decision = bk(engine, person(movement_leader=False))
    assert decision.outcome == "data_missing"
    unknown = next(r for r in decision.reasons if r.code == "path_unknown")
    assert unknown.render("en") == (
        "Data missing to judge by path b (an ad-hoc achievement) "
        "(Luật 06/2022/QH15 Điều 74 khoản 1 điểm b): needs adhoc_feat"
    )


def test_a_grant_names_the_paths_that_held_and_only_their_criteria(
    engine: emulation.Engine,
) -> None:
    decision = bk(engine, person(movement_leader=True, adhoc_feat=False))
    codes = [
        (r.code, dict(r.params).get("criterion") or dict(r.params).get("path"))
        for r in decision.reasons
    ]
    assert codes[:2] == [("granted", None), ("path_held", "a")]
    met = {c for code, c in codes if code == "criterion_met"}
    assert met == {"law_abiding", "movement"}  # not adhoc nor path d's criteria


# -- outputs ----------------------------------------------------------------------------------


def test_json_names_the_path_and_every_path(engine: emulation.Engine) -> None:
    data = bk(engine, person(movement_leader=False, adhoc_feat=True)).to_dict("en")
    assert data["path"] == "b"
    assert [(p["id"], p["value"]) for p in data["paths"]] == [
        ("a", False),
        ("b", True),
        ("d", False),
    ]
    assert data["paths"][2]["criteria"] == ["excellent_years", "initiatives"]
    paths = {c["id"]: c.get("path") for c in data["criteria"]}
    assert paths == {
        "law_abiding": None,
        "under_review": None,
        "movement": "a",
        "adhoc": "b",
        "excellent_years": "d",
        "initiatives": "d",
    }


def test_awards_without_paths_keep_their_json_and_csv() -> None:
    state = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    population = Population.from_json({"subjects": [person()]})
    evaluation = state.evaluate(population, "2025", ["ldtt"])
    data = evaluation.decision("p", "ldtt").to_dict("en")
    assert "path" not in data
    assert "paths" not in data
    assert all("path" not in c for c in data["criteria"])
    header = state.render(evaluation, "csv").splitlines()[0]
    assert header == (
        "subject,name,award,label,period,outcome,rank,cap,bonus,reason_codes,reasons,ruleset,version"
    )


def test_csv_gives_the_path_used(engine: emulation.Engine) -> None:
    subjects = [
        person("x", movement_leader=True, adhoc_feat=True),
        person("y", movement_leader=False, adhoc_feat=False),
    ]
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2025", ["bk"])
    rows = list(csv.DictReader(io.StringIO(engine.render(evaluation, "csv"))))
    assert {(r["subject"], r["award"]): r["path"] for r in rows} == {
        ("x", "bk"): "a",
        ("y", "bk"): "",
    }
    document = json.loads(engine.render(evaluation, "json", "en"))
    assert [d["path"] for d in document["decisions"]] == ["a", None]
    table = render_table(evaluation, "en")  # --detail
    assert "Eligible by path a (outstanding in an emulation movement)" in table


def test_explain_lists_the_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.json"
    subject = person(movement_leader=False, adhoc_feat=True)
    data.write_text(
        json.dumps({"format": "emulation.population/1", "subjects": [subject]}), encoding="utf-8"
    )
    status = main(
        ["explain", str(data), "--period", "2025", "--subject", "p", "--award", "bk",
         "--rulesets", str(RULES), "--lang", "en"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    assert "  [✗] path a: path a (outstanding in an emulation movement)" in out
    assert (
        "  [✓] path b: path b (an ad-hoc achievement) (Luật 06/2022/QH15 Điều 74 khoản 1 điểm b; C*)  ← the path used"
        in out
    )
    assert "      [✓] criterion adhoc: An ad-hoc achievement" in out


# -- testing kit -------------------------------------------------------------------------------


def test_coverage_counts_each_paths_rules(engine: emulation.Engine) -> None:
    coverage = Coverage()
    coverage.add_rulesets(engine.rulesets)
    bk_rules = {key[3] for key in coverage.roles if key[2] == "bk"}
    assert bk_rules == {
        "law_abiding",
        "under_review",
        "movement",
        "adhoc",
        "excellent_years",
        "initiatives",
    }
    coverage.record([bk(engine, person(movement_leader=True, adhoc_feat=False))])
    seen = {key[3]: values for key, values in coverage.seen.items() if key[2] == "bk"}
    assert seen["movement"] == {True}
    assert seen["adhoc"] == {False}


def test_the_case_file_passes_with_full_criterion_coverage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["test", str(RULES), "--examples", "0", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "10 / 10   100.0 %" in out


def test_decisions_do_not_depend_on_row_order(engine: emulation.Engine) -> None:
    subjects = [
        person(f"s{i}", movement_leader=bool(i % 2), adhoc_feat=bool(i % 3 == 0)) for i in range(12)
    ]
    properties.assert_deterministic(engine, Population.from_json({"subjects": subjects}), "2025")
    forward = engine.evaluate(Population.from_json({"subjects": subjects}), "2025").decisions()
    backward = engine.evaluate(
        Population.from_json({"subjects": subjects[::-1]}), "2025"
    ).decisions()
    assert forward == backward


# -- load errors --------------------------------------------------------------------------------


def _load(tmp_path: Path, old: str, new: str) -> RulesetError:
    text = (RULES / "paths.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesetError) as raised:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    return raised.value


def test_a_path_without_criteria_is_a_located_error(tmp_path: Path) -> None:
    old = '''[[awards.bk.paths.criteria]]
id = "adhoc"'''
    error = _load(tmp_path, old, '[[awards.bk.paths_x]]\nid = "adhoc"')
    codes = {(p.code, p.location) for p in error.problems}
    assert ("empty_path", "awards.bk.paths[1].criteria") in codes


def test_duplicate_path_ids_are_a_located_error(tmp_path: Path) -> None:
    error = _load(tmp_path, 'id = "b"\nlabel = { vi = "điểm b', 'id = "a"\nlabel = { vi = "điểm b')
    [problem] = error.problems
    assert (problem.code, problem.location) == ("duplicate_id", "awards.bk.paths[1].id")
    assert problem.line is not None
    assert 'duplicate path id "a" in award "bk"' in problem.message


def test_a_rule_id_clashing_across_paths_is_a_located_error(tmp_path: Path) -> None:
    error = _load(tmp_path, 'id = "adhoc"', 'id = "movement"')
    [problem] = error.problems
    assert (problem.code, problem.location) == ("duplicate_id", "awards.bk.paths[1].criteria[0].id")
    assert "unique across the award and all its paths" in problem.message


@pytest.mark.parametrize("rule", ["law_abiding", "adhoc"])  # its own rule, a path's criterion
def test_a_rule_named_path_is_reserved_in_an_award_with_paths(tmp_path: Path, rule: str) -> None:
    error = _load(tmp_path, f'id = "{rule}"', 'id = "path"')
    [problem] = error.problems
    assert (problem.code, problem.location) == ("reserved_name", "awards.bk")


def test_the_catalogue_lists_each_path_and_the_payout_window(engine: emulation.Engine) -> None:
    text = engine.catalogue()
    assert "Điểm / Path `a` — điểm a (thành tích xuất sắc trong phong trào thi đua)" in text
    assert "| `excellent_years` |" in text.split("Điểm / Path `d`", 1)[1]
    assert (
        "Only the highest is paid, highest first: `t_cstdcs`, `t_ldtt`, `t_cstt` "
        "(Nghị định 152/2025/NĐ-CP Điều 49 khoản 5; C)"
    ) in text
