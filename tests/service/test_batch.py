"""Concurrent evaluate requests decided as one population (``emulation.service.batch``): each
answered with exactly the bytes it gets alone (issue 13, "done when": identical through the
service or one subject at a time), an error in one request failing no other, and the shapes
that must not be batched never batched."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from service_http import dumps, population_json, running, union

import emulation
from emulation.service import Settings, batch
from emulation.service.batcher import Batcher
from emulation.service.operations import EvaluateRequest, evaluate_alone, prepare_evaluate
from emulation.service.pool import Pool
from emulation.service.problems import ServiceProblem
from emulation.strategies import from_ruleset

ENGINE = emulation.build_engine()
POLICY = batch.Policy(ENGINE)
SETTINGS = Settings()
PERIOD = "2024"
SELECTIONS = Path(__file__).resolve().parents[1] / "rulesets" / "selections"


def request(population: dict[str, Any], **members: Any) -> tuple[EvaluateRequest, bytes]:
    raw = dumps({"period": PERIOD, **members, "population": population})
    return prepare_evaluate(SETTINGS, raw), raw


def outcome(work: Callable[[], bytes]) -> bytes | tuple[int, str]:
    """The bytes of an answer, or the status and document of its problem."""
    try:
        return work()
    except ServiceProblem as problem:
        return problem.status, problem.body().decode()


def renamed(population: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The same population with every id (subjects, units, evidence, registrations) longer."""
    subjects = []
    for entry in population["subjects"]:
        copy = {**entry, "id": entry["id"] + suffix}
        if entry.get("parent") is not None:
            copy["parent"] = entry["parent"] + suffix
        for table in ("evidence", "registrations"):
            if table in copy:
                copy[table] = [{**row, "id": row["id"] + suffix} for row in copy[table]]
        subjects.append(copy)
    return {**population, "subjects": subjects}


def only(population: dict[str, Any], person: str) -> dict[str, Any]:
    [entry] = [s for s in population["subjects"] if s["id"] == person]
    return {**population, "subjects": [{**entry, "parent": None}]}


def through_batcher(raws: list[bytes]) -> list[bytes | tuple[int, str]]:
    """The answers to ``raws`` sent at once through a :class:`Batcher` whose batches wait long
    enough for all of them (each the bytes of its answer, or its problem)."""
    settings = Settings(timeout=120, batch_window_ms=1000, batch_max=len(raws))

    async def send() -> list[bytes | BaseException]:
        pool = Pool(settings.threads)
        batcher = Batcher(ENGINE, settings, pool)
        try:
            deadline = time.monotonic() + settings.timeout
            sent = [batcher.evaluate(raw, deadline) for raw in raws]
            return await asyncio.gather(*sent, return_exceptions=True)
        finally:
            batcher.close()
            pool.close()

    return [outcome(lambda a=answer: _raised(a)) for answer in asyncio.run(send())]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    pool=st.lists(
        from_ruleset(ENGINE.rulesets, period=PERIOD, max_subjects=3), min_size=2, max_size=2
    ),
    picks=st.lists(st.sampled_from(["first", "second", "renamed"]), min_size=1, max_size=3),
    lang=st.sampled_from(["vi", "en"]),
)
def test_concurrent_requests_through_the_batcher_get_the_bytes_they_get_alone(
    pool: list[emulation.Population], picks: list[str], lang: str
) -> None:
    first, second = (population_json(p) for p in pool)
    documents = {"first": first, "second": second, "renamed": renamed(first, "-b")}
    # the first population always twice: the same ids in two requests of one batch
    chosen = [first, *(documents[name] for name in picks)]
    requests = [request(document, lang=lang) for document in chosen]
    keys = [batch.batch_key(POLICY, prepared, raw) for prepared, raw in requests]
    assert keys[0] is not None
    alone = [outcome(lambda r=prepared: evaluate_alone(ENGINE, r)) for prepared, _ in requests]
    assert through_batcher([raw for _, raw in requests]) == alone
    groups: dict[Any, list[int]] = {}
    for index, key in enumerate(keys):
        if key is not None:
            groups.setdefault(key, []).append(index)
    note(f"groups: {sorted(groups.values())}")
    for members in groups.values():
        plan = POLICY.plan(requests[members[0]][0])
        assert plan is not None
        if len(members) > 1 and all(isinstance(alone[i], bytes) for i in members):
            # decided together, not one by one after a failure
            batched = [requests[i][0] for i in members]
            assert batch._together(ENGINE, batched, plan) == [alone[i] for i in members]


def _raised(answer: bytes | BaseException) -> bytes:
    if isinstance(answer, BaseException):
        raise answer
    return answer


def test_an_error_in_one_request_fails_no_other() -> None:
    good, _ = request(only(union(), "nd-001"))
    document = only(union(), "nd-002")
    document["subjects"][0]["parent"] = "no-such-unit"
    bad, _ = request(document)
    plan = POLICY.plan(good)
    assert plan is not None
    answers = batch.answer_together(ENGINE, [good, good, bad, good], plan)
    assert answers[0] == answers[1] == answers[3] == evaluate_alone(ENGINE, good)
    assert isinstance(answers[2], ServiceProblem)
    assert answers[2].status == 422
    assert answers[2].kind == "invalid-population"


def test_a_whole_union_batched_with_itself_keeps_its_units_and_quotas_apart() -> None:
    whole, _ = request(union(), lang="en")
    plan = POLICY.plan(whole)
    assert plan == batch.Plan(clusters=True)
    expected = evaluate_alone(ENGINE, whole)
    assert batch._together(ENGINE, [whole, whole], plan) == [expected, expected]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: d["subjects"][0].update(id=" nd-001"), "reading trims the id"),
        (lambda d: d["subjects"][0].update(name="a\u001fb"), "the text holds the mark"),
        (lambda d: d["subjects"][0].update(parent="cđ-01 "), "reading trims the unit"),
        (lambda d: d["subjects"][0].update(cluster="cu\u0301m"), "not in NFC"),
    ],
)
def test_ids_reading_would_change_are_never_batched(
    change: Callable[[dict[str, Any]], None], why: str
) -> None:
    document = only(union(), "nd-001")
    change(document)
    prepared, raw = request(document)
    assert batch.batch_key(POLICY, prepared, raw) is None, why


def test_requests_batch_only_with_the_same_shape() -> None:
    person = only(union(), "nd-001")
    base = batch.batch_key(POLICY, *request(person))
    assert base == batch.batch_key(POLICY, *request(renamed(person, "x")))
    assert base != batch.batch_key(POLICY, *request(person, lang="en"))
    assert base != batch.batch_key(POLICY, *request(person, awards=["cstdcs"]))
    assert base != batch.batch_key(POLICY, *request(person, as_of="2024-06-30"))
    # a fact written as text in one request and as a number in the other types the column
    # differently when read together
    numbers, texts = json.loads(json.dumps(person)), json.loads(json.dumps(person))
    numbers["subjects"][0]["facts"][PERIOD]["months_worked"] = 12
    texts["subjects"][0]["facts"][PERIOD]["months_worked"] = "12"
    assert batch.batch_key(POLICY, *request(numbers)) != batch.batch_key(POLICY, *request(texts))


def test_quotas_over_the_whole_population_are_never_batched() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[SELECTIONS])
    policy = batch.Policy(engine)
    person = only(union(), "nd-001")
    for award in ("co_chinh_phu", "bk_chuyen_de"):  # per = "population"
        prepared, raw = request(person, awards=[award])
        assert batch.batch_key(policy, prepared, raw) is None


@pytest.fixture(scope="module")
def batching() -> Iterator[str]:
    """A server whose batches wait long enough for four concurrent requests to join."""
    with running(ENGINE, Settings(timeout=120, batch_window_ms=5000, batch_max=4)) as url:
        yield url


def test_concurrent_requests_through_http_get_the_bytes_they_get_alone(
    batching: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    decide = batch._together

    def counted(engine: Any, requests: Any, plan: Any) -> list[bytes]:
        sizes.append(len(requests))
        return decide(engine, requests, plan)

    monkeypatch.setattr(batch, "_together", counted)
    person = only(union(), "nd-001")
    people = [person, renamed(person, "-a"), person, renamed(person, "-b")]
    bodies = [{"period": PERIOD, "population": p} for p in people]
    expected = [evaluate_alone(ENGINE, request(b["population"])[0]) for b in bodies]

    def post(body: dict[str, Any]) -> httpx.Response:
        return httpx.post(
            f"{batching}/v1/evaluate",
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            timeout=120,
        )

    with concurrent.futures.ThreadPoolExecutor(len(bodies)) as clients:
        responses = list(clients.map(post, bodies))
    assert [r.status_code for r in responses] == [200] * len(bodies)
    assert [r.content for r in responses] == expected
    assert sizes == [4]


def test_a_subject_set_aside_names_its_rows_as_its_own_request_wrote_them() -> None:
    person = only(union(), "nd-001")
    early = renamed(person, "-early")
    early["subjects"][0]["birth_year"] = 1990
    early["subjects"][0]["awards"] = [{"award": "ldtt", "period": "1985"}]
    first, _ = request(person)
    second, _ = request(early)
    plan = POLICY.plan(first)
    assert plan is not None
    expected = evaluate_alone(ENGINE, second)
    assert b"award_before_birth" in expected
    assert b"subjects[0].awards[0]" in expected
    together = batch._together(ENGINE, [first, first, second], plan)
    assert together[2] == expected
