"""Standings and score sheets on the command line: `emulation standings` and `emulation scores`
on the movement example (examples/movement/), in every format and language, with their
filters, their one-line errors and their -o files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import emulation
from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "movement"
DATA = str(EXAMPLE / "units.json")
RULES = ("--rulesets", str(EXAMPLE / "movement.toml"))
PERIOD = ("--period", "2026")


@pytest.fixture(autouse=True)
def only_the_state_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs below are the example's alone: an organisation plugin installed beside
    state (danvan carries Cần Thơ's own sheet and standings for 2026) is blocked."""
    others = set(emulation.build_engine().plugins.ruleset_paths_by_plugin()) - {"state"}
    if others:
        monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", ", ".join(sorted(others)))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def standings(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(capsys, "standings", DATA, *PERIOD, *args, *RULES)


def scores(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(capsys, "scores", DATA, *PERIOD, *args, *RULES)


# -- emulation standings -----------------------------------------------------------------------


def test_standings_table_in_vietnamese_shows_blocks_scores_and_ties(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = standings(capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Kỳ đánh giá: 2026"
    heads = [line for line in lines if line.startswith("Xếp hạng trong cụm thi đua")]
    assert [h.split(" — ")[1].split(";")[0] for h in heads] == [
        "Nhóm departments (5)",
        "Nhóm wards (4)",
    ]
    assert lines[3].split() == ["Hạng", "Mã", "Tên", "Điểm", "Xếp", "loại", "Đồng", "hạng", "với"]
    rows = {line.split()[1]: line.split() for line in lines if line[:1].isdigit()}
    assert rows["so-giao-duc"][0] == "2="
    assert rows["so-giao-duc"][-1] == "so-tai-chinh"
    assert rows["so-tai-chinh"][0] == "2="
    assert rows["so-tai-chinh"][-1] == "so-giao-duc"
    assert rows["so-xay-dung"][0] == "4"  # 100 points but capped at HTT: after both HTXS
    assert rows["so-y-te"][-2:] == ["93,5", "HTT"]
    assert rows["xa-my-khanh"][0] == "4"
    assert rows["xa-my-khanh"][-2:] == ["∅", "∅"]
    assert lines[-1] == "= đồng hạng: việc xếp thứ tự do cấp có thẩm quyền quyết định"


def test_standings_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = standings(capsys, "--lang", "en", "--group", "departments")
    assert status == 0
    assert "Standings in the emulation cluster (cluster_table) — Group departments (5)" in out
    assert "Rank  Subject" in out
    assert "Score  Band  Tied with" in out
    assert "93.5" in out
    assert "93,5" not in out
    assert "wards" not in out
    assert out.endswith("= tied: the order is for the competent authority to decide\n")


def test_standings_json_lists_every_place_with_its_sheet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = standings(capsys, "--format", "json", "--lang", "en")
    assert status == 0
    document = json.loads(out)
    assert (document["period"], document["lang"]) == ("2026", "en")
    assert document["engine_version"] == emulation.__version__
    places = {p["subject"]: p for p in document["standings"]}
    assert len(places) == 9
    assert places["so-tai-chinh"] == {
        "standings": "cluster_table",
        "label": "Standings in the emulation cluster",
        "subject": "so-tai-chinh",
        "name": "Sở Tài chính",
        "period": "2026",
        "group": "departments",
        "rank": 2,
        "tied_with": ["so-giao-duc"],
        "group_size": 5,
        "basis": "QĐ 2579/QĐ-UBND Art 6–8",
        "certainty": "R",
        "ruleset": "example.can_tho_movement",
        "score": "dv",
        "total": "98",
        "band": "HTXS",
    }
    assert (places["xa-my-khanh"]["total"], places["xa-my-khanh"]["band"]) == (None, None)
    assert "as_of" not in document


def test_standings_csv_in_vietnamese_for_one_group_with_a_cut_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = standings(
        capsys, "--format", "csv", "--group", "wards", "--as-of", "2026-12-15"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "standings",
        "subject",
        "name",
        "period",
        "group",
        "rank",
        "tied_with",
        "group_size",
        "label",
        "score",
        "total",
        "band",
    ]
    assert [(r["subject"], r["rank"], r["total"], r["band"]) for r in rows] == [
        ("phuong-cai-khe", "1", "94", "HTT"),
        ("phuong-ninh-kieu", "2", "96", "HT"),
        ("phuong-an-hoa", "3", "100", "KHT"),
        ("xa-my-khanh", "4", "", ""),
    ]
    assert rows[0]["label"] == "Xếp hạng trong cụm thi đua"


def test_standings_named_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = standings(capsys, "--standings", "cluster_table", "--format", "json")
    assert status == 0
    assert {p["standings"] for p in json.loads(out)["standings"]} == {"cluster_table"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--standings", "cluster_tabel"),
            'unknown standings "cluster_tabel" for 2026 (did you mean "cluster_table"?); '
            "standings in force: cluster_table",
        ),
        (
            ("--group", "ward"),
            'no group "ward" in the standings (did you mean "wards"?); '
            "groups ranked: departments, wards",
        ),
    ],
)
def test_standings_mistakes_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    status, out, err = standings(capsys, *args)
    assert (status, out) == (1, "")
    assert err == f"emulation: {message}\n"


def test_standings_when_no_ruleset_ranks_any(capsys: pytest.CaptureFixture[str]) -> None:
    kpis = ROOT / "examples" / "kpis"
    status, out, err = run(
        capsys,
        "standings",
        str(kpis / "union_tree.json"),
        "--period",
        "2024",
        "--rulesets",
        str(kpis),
    )
    assert (status, out) == (1, "")
    assert err == "emulation: no ruleset in force for 2024 defines standings\n"


def test_standings_to_a_file_and_an_error_leaves_it_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "standings.csv"
    status, out, _ = standings(capsys, "--format", "csv", "-o", str(target))
    assert (status, out) == (0, "")
    written = target.read_text("utf-8")
    assert written.startswith("standings,subject,name,")
    assert len(written.splitlines()) == 10
    status, out, err = standings(capsys, "--standings", "nope", "-o", str(target))
    assert (status, out) == (1, "")
    assert "unknown standings" in err
    assert target.read_text("utf-8") == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["standings.csv"]


def test_standings_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["standings", DATA, "--period", "2026", "--format", "xml"])
    assert exit_.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


# -- emulation scores --------------------------------------------------------------------------


def test_scores_table_in_vietnamese_has_a_row_per_subject_and_a_column_per_item(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = scores(capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[2] == (
        "Bảng điểm: Đánh giá công tác dân vận (dv); căn cứ: QĐ 2579/QĐ-UBND Cần Thơ Art 3–6 (C)"
    )
    assert lines[3].split()[:11] == [
        "Mã",
        "Tên",
        "plan",
        "report",
        "democracy",
        "mobilisation",
        "results",
        "Thưởng",
        "Trừ",
        "Tổng",
        "Xếp",
    ]
    row = next(line for line in lines if line.startswith("so-y-te "))
    assert row.split()[4:13] == ["5", "5", "30", "30", "23,5", "0", "0", "93,5", "HTT"]
    assert "Thiếu 1,5 điểm để đạt «Hoàn thành xuất sắc nhiệm vụ»" in row
    assert len([line for line in lines if line[:3] in ("so-", "phu", "xa-")]) == 9


def test_scores_detail_in_english_for_one_subject(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = scores(capsys, "--detail", "--subject", "so-xay-dung", "--lang", "en")
    assert status == 0
    assert out.startswith("Period: 2026\n\nso-xay-dung (Sở Xây dựng)\nScore sheet dv: ")
    assert "  Total: 100    Band: HTT (Tasks completed well)" in out
    assert "    results: Results: 30 / 30" in out
    assert "Band by points: HTXS" in out
    assert "so-y-te" not in out


def test_scores_json_is_the_score_results(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = scores(capsys, "--format", "json", "--subject", "so-y-te", "--lang", "en")
    assert status == 0
    document = json.loads(out)
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[EXAMPLE / "movement.toml"])
    evaluation = engine.evaluate(engine.read_population(DATA), "2026", [], scores=["dv"])
    expected = evaluation.score("so-y-te", "dv").to_dict("en")
    assert document["scores"] == [expected]
    assert (document["period"], document["lang"]) == ("2026", "en")
    assert expected["total"] == "93.5"
    assert expected["short"] == "1.5"


def test_scores_csv_has_a_column_per_item(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = scores(capsys, "--format", "csv", "--score", "dv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "subject",
        "name",
        "score",
        "period",
        "total",
        "band",
        "points_band",
        "next_band",
        "short",
        "bonus",
        "deduction",
        "plan",
        "report",
        "democracy",
        "mobilisation",
        "results",
        "reason_codes",
        "reasons",
        "ruleset",
        "version",
    ]
    by_subject = {row["subject"]: row for row in rows}
    assert len(by_subject) == 9
    cai_khe = by_subject["phuong-cai-khe"]
    assert (cai_khe["total"], cai_khe["band"], cai_khe["deduction"]) == ("94", "HTT", "2")
    assert (cai_khe["next_band"], cai_khe["short"]) == ("HTXS", "1")
    assert cai_khe["reason_codes"] == "score_total;score_short"
    assert "Thiếu 1 điểm" in cai_khe["reasons"]
    missing = by_subject["xa-my-khanh"]
    assert (missing["total"], missing["band"], missing["results"]) == ("", "", "")
    assert missing["reason_codes"] == "score_unknown"
    knocked = by_subject["phuong-an-hoa"]
    assert (knocked["points_band"], knocked["band"]) == ("HTXS", "KHT")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--score", "dvv"),
            'unknown score sheet "dvv" for 2026 (did you mean "dv"?); sheets in force: dv',
        ),
        (
            ("--subject", "so-y-tee"),
            'no score sheet of subject "so-y-tee" in 2026 (did you mean "so-y-te"?): the '
            "subject must be a candidate of the kind the sheets score (collective)",
        ),
    ],
)
def test_scores_mistakes_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    status, out, err = scores(capsys, *args)
    assert (status, out) == (1, "")
    assert err == f"emulation: {message}\n"


def test_scores_when_no_ruleset_has_a_sheet(capsys: pytest.CaptureFixture[str]) -> None:
    kpis = ROOT / "examples" / "kpis"
    status, _, err = run(
        capsys, "scores", str(kpis / "union_tree.json"), "--period", "2024", "--rulesets", str(kpis)
    )
    assert status == 1
    assert err == "emulation: no ruleset in force for 2024 defines a score sheet\n"


def test_scores_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "scores.json"
    target.write_text("old\n", "utf-8")
    status, out, _ = scores(capsys, "--format", "json", "-o", str(target))
    assert (status, out) == (0, "")
    assert len(json.loads(target.read_text("utf-8"))["scores"]) == 9
    status, _, _ = scores(capsys, "--format", "json", "--set", "nope=1", "-o", str(target))
    assert status == 1
    assert len(json.loads(target.read_text("utf-8"))["scores"]) == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.json"]


def test_scores_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = scores(capsys, "--lang", "en", "--subject", "phuong-cai-khe")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Period: 2026"
    assert lines[3].split()[:2] == ["Subject", "Name"]
    assert lines[3].split()[-5:] == ["Bonus", "Deduction", "Total", "Band", "Note"]
    assert lines[5].split()[4:12] == ["5", "5", "30", "30", "26", "0", "2", "94"]
    assert lines[5].endswith(
        "1 points short of “Tasks completed excellently” (QĐ 2579/QĐ-UBND Art 6(1))"
    )


RULESET = """
format = 1

[ruleset]
id = "test.standings_cli"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Xếp hạng (thử)", en = "Standings (test)" }

[facts.points]
type = "decimal"
label = { vi = "Điểm", en = "Points" }

[awards.good]
kind = "title"
subject = "person"
label = { vi = "Đạt", en = "Good" }
[[awards.good.criteria]]
id = "enough"
expr = "points >= 5"
label = { vi = "Đủ điểm", en = "Enough points" }
basis = "test"
certainty = "U"

[awards.unrelated]
kind = "title"
subject = "person"
label = { vi = "Khác", en = "Other" }
[[awards.unrelated.criteria]]
id = "never_given"
expr = "missing_fact > 0"
label = { vi = "Không đọc", en = "Not read" }
basis = "test"
certainty = "U"

[facts.missing_fact]
type = "int"
minimum = 0
label = { vi = "Thiếu", en = "Missing" }

[standings.all]
subject = "person"
per = "population"
rank = [{ expr = 'granted("good")', order = "desc" }, { expr = "points", order = "desc" }]
label = { vi = "Xếp hạng chung", en = "Overall standings" }
basis = "test"
certainty = "U"
"""


def test_standings_decide_the_awards_their_keys_read_and_only_those(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "rules.toml").write_text(RULESET, "utf-8")
    people = [("a", "4"), ("b", "6"), ("c", "6"), ("d", "9")]
    # a value out of range for the award no key reads: an error only if it were decided
    population = {
        "format": "emulation.population/1",
        "subjects": [
            {"id": sid, "kind": "person", "facts": {"2024": {"points": p, "missing_fact": -1}}}
            for sid, p in people
        ],
    }
    data = tmp_path / "people.json"
    data.write_text(json.dumps(population), "utf-8")
    status, out, err = run(
        capsys,
        "standings",
        str(data),
        "--period",
        "2024",
        "--lang",
        "en",
        "--rulesets",
        str(tmp_path / "rules.toml"),
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[2].startswith("Overall standings (all) — Group * (4); basis: test (U;")
    assert lines[3].split() == ["Rank", "Subject", "Name", "Tied", "with"]
    assert [line.split() for line in lines[5:9]] == [
        ["1", "d"],
        ["2=", "b", "c"],
        ["2=", "c", "b"],
        ["4", "a"],
    ]
    status, _, err = run(
        capsys,
        "evaluate",
        str(data),
        "--period",
        "2024",
        "--rulesets",
        str(tmp_path / "rules.toml"),
    )
    assert status == 1
    assert "missing_fact" in err
