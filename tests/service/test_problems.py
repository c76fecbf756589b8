"""Problem details: pointers from the readers' paths, the size of what is quoted back, and every
problem type titled and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulation.errors import Problem
from emulation.service import problems
from emulation.service.problems import ServiceProblem, data_errors, pointer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (("subjects[3]", "facts.2024.rating"), "/subjects/3/facts/2024/rating"),
        (("", "period"), "/period"),
        (("subjects[0].evidence[12]",), "/subjects/0/evidence/12"),
        (("a/b", "c~d"), "/a~1b/c~0d"),
        ((), ""),
    ],
)
def test_pointer(paths: tuple[str, ...], expected: str) -> None:
    assert pointer(*paths) == expected


def test_the_readers_problems_become_pointers_into_the_body() -> None:
    found = [
        Problem(file="population: subjects[2]", location="kind", message="m", code="unknown_value"),
        Problem(file="population", message="n"),
    ]
    assert data_errors(found, "population", "/population") == [
        {"pointer": "/population/subjects/2/kind", "detail": "m", "code": "unknown_value"},
        {"pointer": "/population", "detail": "n"},
    ]


def test_what_is_quoted_back_is_cut_and_the_errors_are_bounded() -> None:
    errors = [{"pointer": "", "detail": "x" * 1000}] * 80
    document = ServiceProblem(422, "invalid-request", "y" * 1000, errors).document()
    assert len(document["detail"]) <= problems.MAX_TEXT + 60
    assert "30 more errors" in document["detail"]
    assert len(document["errors"]) == problems.MAX_ERRORS
    assert all(len(e["detail"]) == problems.MAX_TEXT for e in document["errors"])


def test_every_problem_type_raised_has_a_title_and_is_documented() -> None:
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "src/emulation/service").glob("*.py"))
    raised = set(re.findall(r'ServiceProblem\(\s*\d{3},\s*"([a-z-]+)"', source))
    assert raised <= set(problems.TITLES), raised - set(problems.TITLES)
    assert len(raised) >= 10  # the search above finds them
    guide = (ROOT / "docs/how-to/run-the-service.md").read_text("utf-8")
    assert [k for k in problems.TITLES if f"`urn:emulation:problem:{k}`" not in guide] == []
