"""Each endpoint over HTTP against a real server: the answers equal the command line's and the
engine's own, and follow their schemas in the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from service_http import ROOT, UNION, dumps, union

import emulation
from emulation.cli import main
from emulation.results.text import explain_text
from emulation.service.spec import validator


def cli_output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_evaluate_answers_the_bytes_of_the_command_line(
    client: httpx.Client, tmp_path: Path
) -> None:
    written = tmp_path / "decisions.json"
    assert (
        main(["evaluate", str(UNION), "--period", "2024", "--format", "json", "-o", str(written)])
        == 0
    )
    response = client.post(
        "/v1/evaluate",
        content=dumps({"period": "2024", "population": union()}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.content == written.read_bytes()
    validator("Evaluation").validate(response.json())


def test_evaluate_takes_awards_cut_off_decision_date_parameters_and_language(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    options = [
        "--award",
        "cstdcs",
        "--as-of",
        "2024-11-30",
        "--decision-date",
        "2025-08-01",
        "--set",
        "cstdcs_quota_enabled=true",
        "--set",
        "cstdcs_quota_ratio=0.05",
        "--lang",
        "en",
    ]
    expected = cli_output(
        capsys, "evaluate", str(UNION), "--period", "2024", "--format", "json", *options
    )
    request = {
        "period": "2024",
        "awards": ["cstdcs"],
        "as_of": "2024-11-30",
        "decision_date": "2025-08-01",
        "parameters": {"cstdcs_quota_enabled": True, "cstdcs_quota_ratio": 0.05},
        "lang": "en",
        "population": union(),
    }
    response = client.post("/v1/evaluate", json=request)
    assert response.status_code == 200, response.text
    assert response.text == expected
    document = response.json()
    assert {d["award"] for d in document["decisions"]} >= {"cstdcs"}
    # the override changes the outcome: a 5 % cap leaves eligible fighters over the quota
    outcomes = {d["outcome"] for d in document["decisions"] if d["award"] == "cstdcs"}
    assert "eligible_over_quota" in outcomes


def test_explain_gives_the_decision_and_the_text_of_the_command_line(
    client: httpx.Client, engine: emulation.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    text = cli_output(
        capsys,
        "explain",
        str(UNION),
        "--period",
        "2024",
        "--subject",
        "nd-001",
        "--award",
        "cstdcs",
        "--lang",
        "en",
    )
    response = client.post(
        "/v1/explain",
        json={
            "period": "2024",
            "subject": "nd-001",
            "award": "cstdcs",
            "lang": "en",
            "population": union(),
        },
    )
    assert response.status_code == 200, response.text
    found = response.json()
    validator("Explanation").validate(found)
    assert found["text"] == text
    evaluation = engine.evaluate(emulation.Population.from_json(union()), "2024", ["cstdcs"])
    decision = evaluation.decision("nd-001", "cstdcs")
    assert found["decision"] == json.loads(json.dumps(decision.to_dict("en"), default=str))
    assert found["text"] == explain_text(decision, "en")


def test_explain_refuses_a_subject_not_in_the_population(client: httpx.Client) -> None:
    response = client.post(
        "/v1/explain",
        json={"period": "2024", "subject": "nobody", "award": "cstdcs", "population": union()},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/subject", "detail": "not a subject of the population"}
    ]


def test_rulesets_are_the_document_of_emulation_list(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = cli_output(capsys, "list", "--format", "json", "--lang", "en")
    response = client.get("/v1/rulesets", params={"lang": "en"})
    assert response.status_code == 200
    assert response.text + "\n" == expected
    validator("Rulesets").validate(response.json())


def test_awards_facts_and_parameters_carry_their_basis_and_certainty(
    client: httpx.Client, engine: emulation.Engine
) -> None:
    awards = client.get("/v1/awards", params={"period": "2024"}).json()
    validator("Awards").validate(awards)
    assert {a["id"] for a in awards["awards"]} == set(engine.awards_in_force("2024"))
    assert all(rule["basis"] and rule["certainty"] for a in awards["awards"] for rule in a["rules"])
    every = client.get("/v1/awards").json()["awards"]
    assert len(every) == sum(len(r.awards) for r in engine.rulesets)

    parameters = client.get("/v1/parameters", params={"period": "2024", "lang": "en"}).json()
    validator("Parameters").validate(parameters)
    ratio = next(p for p in parameters["parameters"] if p["id"] == "cstdcs_quota_ratio")
    assert ratio["certainty"] == "R"
    assert ratio["basis"].startswith("Giá trị mặc định")
    assert ratio["ruleset"] == "state.individual_titles"
    assert ratio["version"] == "2.1.0"
    assert any(not p["confirmed"] for p in parameters["parameters"])

    facts = client.get("/v1/facts", params={"period": "2024", "lang": "vi"}).json()
    validator("Facts").validate(facts)
    rating = next(f for f in facts["facts"] if f["name"] == "rating")
    assert rating["values"]
    assert rating["ruleset"].startswith("state.")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"colour": "red"}, "colour"), ({"lang": "fr"}, "lang"), ({"period": "20x4"}, "period")],
)
def test_a_listing_refuses_a_wrong_query_naming_the_parameter(
    client: httpx.Client, query: dict[str, str], parameter: str
) -> None:
    response = client.get("/v1/awards", params=query)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


def test_check_loads_a_good_ruleset(client: httpx.Client) -> None:
    text = (ROOT / "rulesets" / "state" / "individual_titles_2024.toml").read_bytes()
    response = client.post("/v1/check", content=text, headers={"Content-Type": "application/toml"})
    assert response.status_code == 200
    found = response.json()
    validator("CheckResult").validate(found)
    assert found["ok"] is True
    assert found["problems"] == []
    assert found["ruleset"]["id"] == "state.individual_titles"
    assert found["ruleset"]["version"] == "2.1.0"


def _deep(expression: str) -> bytes:
    source = (ROOT / "rulesets" / "state" / "individual_titles_2024.toml").read_text("utf-8")
    marker = 'expr = "'
    start = source.index(marker) + len(marker)
    end = source.index('"', start)
    return (source[:start] + expression + source[end:]).encode()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_deep("-" * 70 + "months_worked > 0"), "expression_too_deep"),
        (_deep("x" * 2100), "expression_too_long"),
        (_deep("months_worked >= 99999999999999999999999999999999999999"), "literal_out_of_range"),
        (b"[ruleset\nid = 1", "invalid_toml"),
    ],
)
def test_check_returns_the_problems_of_a_bad_ruleset_with_path_and_code(
    client: httpx.Client, body: bytes, code: str
) -> None:
    response = client.post("/v1/check", content=body, headers={"Content-Type": "application/toml"})
    assert response.status_code == 200
    found = response.json()
    validator("CheckResult").validate(found)
    assert found["ok"] is False
    assert code in [p["code"] for p in found["problems"]], found
    if code.startswith(("expression", "literal")):
        [problem] = [p for p in found["problems"] if p["code"] == code]
        assert problem["path"].startswith("awards.")
        assert problem["path"].endswith(".expr")


def test_health_and_the_openapi_document(base_url: str, client: httpx.Client) -> None:
    health = httpx.get(f"{base_url}/v1/health")  # no token
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    served = client.get("/v1/openapi.json")
    assert served.status_code == 200
    assert served.content == (ROOT / "src/emulation/schemas/openapi.json").read_bytes()
