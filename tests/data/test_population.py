"""The input forms and their located errors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from emulation import (
    AwardRecord,
    DataError,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    Population,
    ServiceSpell,
    Subject,
    VoteRecord,
)
from emulation.data.population import read_csv_dir, read_json_file
from emulation.data.schema import REQUIRED, TABLES, empty_frame


def write_csv(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def messages(error: DataError) -> list[str]:
    return [str(problem) for problem in error.problems]


def test_records_become_frames() -> None:
    population = Population.from_records(
        [
            Subject(id="u", kind="collective"),
            Subject(id="a", kind="person", parent="u", gender="female"),
        ],
        [Fact(subject="a", period="2024", name="score", value=Decimal("8.50"))],
        evidence=[EvidenceItem(id="e1", subject="a", kind="initiative", period="2024")],
        awards=[AwardRecord(subject="a", award="ldtt", period="2023")],
        service=[ServiceSpell(subject="a", start=dt.date(2010, 1, 1))],
        discipline=[DisciplineRecord(subject="a", level="warning", start=dt.date(2024, 1, 1))],
    )
    assert population.subjects.get_column("id").to_list() == ["u", "a"]
    assert population.facts.get_column("score").to_list() == [Decimal("8.5")]
    assert population.evidence.get_column("scope").to_list() == ["grassroots"]
    assert population.periods() == ("2024",)
    assert population.fact_columns == ("score",)


def test_csv_errors_name_file_and_row(tmp_path: Path) -> None:
    folder = write_csv(
        tmp_path / "data",
        {
            "subjects": "id,kind,gender\na,person,female\nb,robot,\nc,person,unknown\n",
            "facts": "subject,period,rating\na,2024,HTT\nzz,2024,HT\n",
            "discipline": "subject,level,start\na,warning,2024-13-01\n",
        },
    )
    with pytest.raises(DataError) as info:
        read_csv_dir(folder)
    found = messages(info.value)
    subjects = folder / "subjects.csv"
    assert (
        f"{subjects}: row 3: kind: unknown value 'robot'; expected one of ['person', 'collective']"
        in found
    )
    assert (
        f"{subjects}: row 4: gender: unknown value 'unknown'; expected one of ['female', 'male']"
        in found
    )
    assert (
        f"{folder / 'discipline.csv'}: row 2: start: cannot read '2024-13-01' as a date (YYYY-MM-DD)"
        in found
    )


def test_csv_links_are_checked(tmp_path: Path) -> None:
    folder = write_csv(
        tmp_path / "data",
        {
            "subjects": "id,kind,parent\na,person,nowhere\na,person,\n",
            "facts": "subject,period,rating\nzz,2024,HT\n",
        },
    )
    with pytest.raises(DataError) as info:
        read_csv_dir(folder)
    found = "\n".join(messages(info.value))
    assert "subjects.csv: row 2: id: duplicate subject 'a'" in found
    assert "facts.csv: row 2: subject: unknown subject 'zz'" in found
    assert "subjects.csv: row 2: parent: unknown parent 'nowhere'" in found


def test_missing_required_table(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "data", {"subjects": "id,kind\na,person\n"})
    with pytest.raises(DataError, match=r"facts.csv: required table is missing"):
        read_csv_dir(folder)


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"subjects": [\n  {"id": "a",,}\n]}', encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_json_file(path)
    [problem] = messages(info.value)
    assert problem.startswith(f"{path}: line 2, column ")
    assert "invalid JSON" in problem


def test_json_unknown_members_are_reported(tmp_path: Path) -> None:
    document = {
        "subjects": [
            {"id": "a", "kind": "person", "fatcs": {}, "evidence": [{"id": "e", "knd": "x"}]}
        ]
    }
    with pytest.raises(DataError) as info:
        Population.from_json(document, source="in.json")
    found = "\n".join(messages(info.value))
    assert "in.json: subjects[0]: unknown members ['fatcs']" in found
    assert "in.json: subjects[0].evidence[0]: unknown members ['knd']" in found


def test_json_and_csv_forms_agree(tmp_path: Path) -> None:
    document = {
        "format": "emulation.population/1",
        "subjects": [
            {
                "id": "a",
                "kind": "person",
                "hardship_area": True,
                "facts": {"2024": {"rating": "HTT", "good_attitude": True, "months_worked": 7}},
                "evidence": [{"id": "e1", "kind": "initiative", "period": "2024", "amount": 1.5}],
            }
        ],
    }
    from_json = Population.from_json(json.dumps(document))
    folder = write_csv(
        tmp_path / "data",
        {
            "subjects": "id,kind,hardship_area\na,person,true\n",
            "facts": "subject,period,rating,good_attitude,months_worked\na,2024,HTT,true,7\n",
            "evidence": "id,subject,kind,period,amount\ne1,a,initiative,2024,1.5\n",
        },
    )
    from_csv = read_csv_dir(folder)
    assert from_json.subject_hashes(["a"]) == from_csv.subject_hashes(["a"])
    assert from_json.evidence.get_column("amount").to_list() == [Decimal("1.5")]
    assert from_csv.subjects.get_column("hardship_area").to_list() == [True]


def test_contradictory_histories_are_set_aside_and_the_rest_is_decided(tmp_path: Path) -> None:
    import emulation

    folder = write_csv(
        tmp_path / "data",
        {
            "subjects": "id,kind,birth_year\nok,person,1980\nclash,person,1980\nsame,person,1980\nyoung,person,2000\nlap,person,1980\n",
            "facts": (
                "subject,period,rating,good_attitude\n"
                "ok,2024,HTT,true\n"
                "clash,2024,HTT,true\nclash,2024,HT,true\n"
                "same,2024,HTT,true\n"
                "young,2024,HTT,true\n"
                "lap,2024,HTT,true\n"
            ),
            "awards": "subject,award,period\nyoung,ldtt,1999\n",
            "service": "subject,start,end,kind\nyoung,1998-01-01,,full_time\nlap,2000-01-01,2010-12-31,full_time\nlap,2010-06-01,,part_time\n",
        },
    )
    population = read_csv_dir(folder)
    found = {(s.subject, s.code): s.rows for s in population.set_aside}
    assert set(found) == {
        ("clash", "conflicting_facts"),
        ("young", "award_before_birth"),
        ("young", "service_before_birth"),
        ("lap", "overlapping_service"),
    }
    assert found["clash", "conflicting_facts"] == (
        f"{folder / 'facts.csv'}: row 3",
        f"{folder / 'facts.csv'}: row 4",
    )
    engine = emulation.build_engine(
        entry_points=False,
        ruleset_paths=[Path(__file__).resolve().parents[2] / "rulesets" / "state"],
    )
    evaluation = engine.evaluate(population, "2024", ["ldtt"])
    assert {d.subject: d.outcome for d in evaluation.decisions()} == {
        "ok": "granted",
        "same": "granted",
    }
    message = population.set_aside[0].to_dict("en")["message"]
    assert isinstance(message, str)
    assert message.startswith("Set aside:")


def test_periods_are_written_one_way() -> None:
    population = Population.from_json(
        {"subjects": [{"id": "a", "kind": "person", "facts": {"2023/2024": {"rating": "HTT"}}}]}
    )
    assert population.periods() == ("2023-2024",)
    with pytest.raises(DataError, match="unknown period format '20x'"):
        Population.from_json({"subjects": [{"id": "a", "kind": "person", "facts": {"20x": {}}}]})


def test_json_reader_is_strict(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        Population.from_json(
            {
                "fromat": 1,
                "subjects": [
                    {"id": "", "kind": "person", "facts": {"2024": {"period": "2023"}}},
                    {
                        "id": 7,
                        "kind": "person",
                        "service": [{"start": "2020-01-01", "end": "2019-01-01"}],
                    },
                ],
            },
            source="in.json",
        )
    found = "\n".join(messages(info.value))
    assert "unknown top-level members ['fromat']" in found
    assert "subjects[0].id: expected a non-empty text id" in found
    assert "['period'] are record columns or subject attributes" in found
    assert "subjects[1].id: expected text, got 7" in found
    with pytest.raises(DataError, match="ends on 2019-01-01, before it starts on 2020-01-01"):
        Population.from_json(
            {
                "subjects": [
                    {
                        "id": "b",
                        "kind": "person",
                        "service": [{"start": "2020-01-01", "end": "2019-01-01"}],
                    }
                ]
            }
        )


def test_registrations_and_votes_errors_are_located_in_json(tmp_path: Path) -> None:
    document = {
        "format": "emulation.population/1",
        "subjects": [
            {
                "id": "a",
                "kind": "person",
                "registrations": [
                    {
                        "id": "m1",
                        "kind": "dan_van_kheo",
                        "start": "2024-05-01",
                        "review": "2024-04-30",
                    },
                    {"id": "m2", "kind": "dan_van_kheo", "start": "2024-13-01"},
                    {"id": "m3", "kind": "dan_van_kheo", "start": "2024-05-01", "status": "done"},
                    {
                        "id": "m4",
                        "kind": "dan_van_kheo",
                        "start": "2024-05-01",
                        "status": "effective",
                    },
                    {
                        "id": "m5",
                        "kind": "dan_van_kheo",
                        "start": "2024-05-01",
                        "end": "2024-04-01",
                    },
                ],
                "votes": [
                    {
                        "award": "x",
                        "period": "2024",
                        "votes_for": 10,
                        "votes_against": 1,
                        "council_size": 10,
                    },
                    {"award": "y", "period": "2024", "votes_for": -1, "council_size": 0},
                    {"award": "z", "period": "2024/25", "votes_for": "nine", "council_size": 9},
                ],
            }
        ],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_json_file(path)
    where = f"{path}: subjects[0]"
    found = {(p.file, p.location, p.code) for p in info.value.problems}
    assert found == {
        (f"{where}.registrations[0]", "review", "review_before_start"),
        (f"{where}.registrations[1]", "start", "unreadable_value"),
        (f"{where}.registrations[2]", "status", "unknown_value"),
        (f"{where}.registrations[3]", "review", "review_missing"),
        (f"{where}.registrations[4]", "end", "ends_before_start"),
        (f"{where}.votes[0]", "votes_for", "votes_exceed_council"),
        (f"{where}.votes[1]", "votes_for", "negative_count"),
        (f"{where}.votes[1]", "council_size", "empty_council"),
        (f"{where}.votes[2]", "votes_for", "unreadable_value"),
        (f"{where}.votes[2]", "period", "bad_period"),
    }


def test_registrations_and_votes_are_read_from_csv(tmp_path: Path) -> None:
    folder = write_csv(
        tmp_path / "data",
        {
            "subjects": "id,kind\na,person\n",
            "facts": "subject,period\na,term:2023-2028\n",
            "registrations": "id,subject,kind,field,start,review,status\n"
            "m1,a,dan_van_kheo,kinh tế,2024-05-01,2025-05-01,effective\n"
            "m1,a,gia_dinh_hoc_tap,,2024-05-01,,\n",
            "votes": "subject,award,period,votes_for,council_size\n"
            "a,ndc,Term:2023–2028,9,10\na,ndc,term:2023-2028,8,10\n",
        },
    )
    with pytest.raises(DataError) as info:
        read_csv_dir(folder)
    found = {(p.file, p.location, p.code) for p in info.value.problems}
    assert found == {
        (f"{folder / 'registrations.csv'}: row 2", "id", "duplicate_id"),
        (f"{folder / 'registrations.csv'}: row 3", "id", "duplicate_id"),
        (f"{folder / 'votes.csv'}: row 2", "", "duplicate_vote"),
        (f"{folder / 'votes.csv'}: row 3", "", "duplicate_vote"),
    }
    (folder / "votes.csv").write_text(
        "subject,award,period,votes_for,council_size\na,ndc,Term:2023–2028,9,10\n", "utf-8"
    )
    (folder / "registrations.csv").write_text(
        "id,subject,kind,start\nm1,a,dan_van_kheo,2024-05-01\n", "utf-8"
    )
    population = read_csv_dir(folder)
    assert population.votes.select("period", "votes_for", "council_size").rows() == [
        ("term:2023-2028", 9, 10)
    ]
    assert population.registrations.select("kind", "start", "status").rows() == [
        ("dan_van_kheo", dt.date(2024, 5, 1), "registered")
    ]


def test_registrations_and_votes_change_the_input_hash() -> None:
    subjects = [Subject(id="a", kind="person")]
    plain = Population.from_records(subjects)
    voted = Population.from_records(
        subjects,
        votes=[
            emulation_vote("a", 9),
        ],
    )
    other = Population.from_records(subjects, votes=[emulation_vote("a", 8)])
    hashes = {p.subject_hashes(["a"])["a"] for p in (plain, voted, other)}
    assert len(hashes) == 3


def emulation_vote(subject: str, votes_for: int) -> VoteRecord:
    return VoteRecord(
        subject=subject, award="x", period="2024", votes_for=votes_for, council_size=10
    )


# -- record types of the award history, and an author's share of evidence -------------------------


def test_record_types_and_shares_are_read_from_csv_with_located_errors(tmp_path: Path) -> None:
    base = {
        "subjects": "id,kind\na,person\n",
        "facts": "subject,period\na,2024\n",
    }
    good = write_csv(
        tmp_path / "good",
        {
            **base,
            "awards": "subject,award,period,type\na,bk,2022,\na,bk,2023,thematic\n",
            "evidence": "id,subject,kind,period,amount,share\ne1,a,solution,2024,10,0.25\ne2,a,solution,2024,10,\n",
        },
    )
    population = read_csv_dir(good)
    assert population.awards.get_column("type").to_list() == ["merit", "thematic"]
    assert population.evidence.get_column("share").to_list() == [Decimal("0.25"), Decimal(1)]
    bad = write_csv(
        tmp_path / "bad",
        {
            **base,
            "awards": "subject,award,period,type\na,bk,2023,cong_trang\n",
            "evidence": "id,subject,kind,period,amount,share\ne1,a,solution,2024,10,0\ne2,a,solution,2024,10,1.000001\n",
        },
    )
    with pytest.raises(DataError) as raised:
        read_csv_dir(bad)
    found = [(p.file, p.location, p.code) for p in raised.value.problems]
    assert found == [
        (f"{bad / 'evidence.csv'}: row 2", "share", "share_out_of_range"),
        (f"{bad / 'evidence.csv'}: row 3", "share", "share_out_of_range"),
        (f"{bad / 'awards.csv'}: row 2", "type", "unknown_value"),
    ]


def test_record_types_and_shares_from_records_and_their_hash() -> None:
    """A merit record and a share of 1 hash as a record without them (the form of the hash
    from before the columns existed); another type or share changes the hash."""
    subject = Subject(id="a", kind="person")

    def hashed(a: dict[str, Any] | None = None, e: dict[str, Any] | None = None) -> str:
        evidence = EvidenceItem(id="e", subject="a", kind="k", period="2024", **(e or {}))
        award = AwardRecord(subject="a", award="bk", period="2023", **(a or {}))
        population = Population.from_records([subject], evidence=[evidence], awards=[award])
        return population.subject_hashes(["a"])["a"]

    plain = hashed()
    assert hashed(a={"type": "merit"}, e={"share": Decimal("1.0")}) == plain
    assert hashed(a={"type": "adhoc"}) != plain
    assert hashed(e={"share": Decimal("0.5")}) != plain
    with pytest.raises(ValueError, match="cong_trang"):
        AwardRecord(subject="a", award="bk", period="2023", type="cong_trang")
    for share in (Decimal(0), Decimal("1.1"), Decimal(-1)):
        with pytest.raises(ValueError, match="0 < share <= 1"):
            EvidenceItem(id="e", subject="a", kind="k", period="2024", share=share)


def test_a_bad_share_or_type_in_json_is_located() -> None:
    document = {
        "subjects": [
            {
                "id": "a",
                "kind": "person",
                "evidence": [{"id": "e", "kind": "k", "period": "2024", "share": "-0.5"}],
                "awards": [{"award": "bk", "period": "2023", "type": "merit "}],
            }
        ]
    }
    with pytest.raises(DataError) as raised:
        Population.from_json(document)
    assert [str(p) for p in raised.value.problems] == [
        "<json>: subjects[0].evidence[0]: share: a share of -0.5 is not in 0 < share ≤ 1",
        "<json>: subjects[0].awards[0]: type: unknown value 'merit '; expected one of "
        "['merit', 'thematic', 'adhoc', 'service']",
    ]


def test_an_empty_table_is_the_typed_empty_frame_a_table_with_rows_is_cast_to() -> None:
    """An empty table is not cast and checked (nothing to cast): it is the table's typed empty
    frame, of the very columns and types a table with rows is brought to."""
    union = Population.from_csv_dir(Path(__file__).resolve().parents[2] / "examples" / "union")
    for table in TABLES:
        if table == "facts":  # its columns are the facts given
            continue
        with_rows = getattr(union, table)
        assert with_rows.height > 0, table
        assert empty_frame(table).schema == with_rows.schema, table
    header_only = {
        "subjects": pl.DataFrame({"id": ["a"], "kind": ["person"]}),
        "evidence": pl.DataFrame(schema=dict.fromkeys(REQUIRED["evidence"], pl.String)),
        "votes": pl.DataFrame(schema=dict.fromkeys(REQUIRED["votes"], pl.String)),
    }
    population = Population.from_frames(source="<test>", **header_only)
    assert population.evidence.schema == empty_frame("evidence").schema
    assert population.evidence.height == 0
    with pytest.raises(DataError, match="unknown columns"):
        Population.from_frames(
            source="<test>",
            subjects=header_only["subjects"],
            votes=pl.DataFrame(schema={**header_only["votes"].schema, "colour": pl.String}),
        )
