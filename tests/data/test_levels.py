"""A collective's level in the organisation tree: given in every input form, read as a name
(NFC, trimmed, blank is none), refused on a person, optional (data without levels works)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from emulation import DataError, Population, Subject


def test_the_level_in_every_form_is_the_same(tmp_path: Path) -> None:
    records = Population.from_records(
        [
            Subject(id="p", kind="collective", level="province"),
            Subject(id="cs", kind="collective", parent="p", level="grassroots"),
            Subject(id="w", kind="person", parent="cs"),
        ]
    )
    document = Population.from_json(
        {
            "subjects": [
                {"id": "p", "kind": "collective", "level": "province"},
                {"id": "cs", "kind": "collective", "parent": "p", "level": " grassroots "},
                {"id": "w", "kind": "person", "parent": "cs", "level": ""},
            ]
        }
    )
    (tmp_path / "subjects.csv").write_text(
        "id,kind,parent,level\np,collective,,province\ncs,collective,p,grassroots\nw,person,cs,\n",
        encoding="utf-8",
    )
    (tmp_path / "facts.csv").write_text("subject,period\n", encoding="utf-8")
    folder = Population.from_csv_dir(tmp_path)
    for population in (records, document, folder):
        levels = dict(population.subjects.select("id", "level").iter_rows())
        assert levels == {"p": "province", "cs": "grassroots", "w": None}


def test_a_level_is_read_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "xã")
    population = Population.from_json(
        {"subjects": [{"id": "x", "kind": "collective", "level": decomposed}]}
    )
    assert population.subjects.get_column("level").to_list() == ["xã"]


def test_a_person_has_no_level() -> None:
    with pytest.raises(DataError) as info:
        Population.from_json({"subjects": [{"id": "w", "kind": "person", "level": "worker"}]})
    [problem] = info.value.problems
    assert (problem.code, problem.location) == ("level_of_person", "level")
    assert "only collectives have a level" in problem.message


def test_data_without_levels_keeps_working() -> None:
    population = Population.from_json({"subjects": [{"id": "u", "kind": "collective"}]})
    assert population.subjects.get_column("level").to_list() == [None]
