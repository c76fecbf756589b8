"""Property: a population sent to the service is decided exactly as ``Engine.evaluate`` decides
it in the process — the same JSON document, byte for byte (issue 13, "done when")."""

from __future__ import annotations

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_http import dumps, population_json

import emulation
from emulation.strategies import from_ruleset

ENGINE = emulation.build_engine()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population=from_ruleset(ENGINE.rulesets, max_subjects=4), lang=st.sampled_from(["vi", "en"]))
def test_the_service_decides_as_the_engine_in_process(
    client: httpx.Client, population: emulation.Population, lang: str
) -> None:
    # facts of earlier periods are history: the period decided is the latest
    period = str(max(emulation.Period.parse(p) for p in population.periods()))
    body = {"period": period, "lang": lang, "population": population_json(population)}
    response = client.post(
        "/v1/evaluate", content=dumps(body), headers={"Content-Type": "application/json"}
    )
    try:
        expected = ENGINE.render(ENGINE.evaluate(population, period), "json", lang)
    except emulation.EmulationError:
        assert response.status_code == 422, response.text
        return
    assert response.status_code == 200, response.text
    assert response.text == expected
