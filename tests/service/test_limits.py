"""What the service refuses, over HTTP: no token or a wrong one, bodies too large (declared,
lying or chunked), malformed or unknown-field bodies, unknown routes and methods, slow
clients, and its own failures — each as problem details, never a traceback."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from service_http import TOKEN, dumps, running, union

import emulation
from emulation.hookspecs import hookimpl
from emulation.service import Settings
from emulation.service.spec import validator

AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 4096


def small_population(count: int = 2) -> dict[str, Any]:
    document = union()
    document["subjects"] = [s for s in document["subjects"] if s["kind"] == "person"][:count]
    for subject in document["subjects"]:
        subject["parent"] = None
    return document


@pytest.fixture(scope="module")
def tight(engine: emulation.Engine) -> Iterator[str]:
    """A server with a token, a 4 KiB body limit, 3 subjects at most and a 3 s deadline."""
    settings = Settings(token=TOKEN, max_body=LIMIT, max_subjects=3, timeout=3.0, threads=2)
    with running(engine, settings) as url:
        body = {"period": "2024", "population": small_population(1)}
        httpx.post(f"{url}/v1/evaluate", headers=AUTH, json=body, timeout=60)  # warm
        yield url


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    document: dict[str, Any] = response.json()
    validator("Problem").validate(document)
    assert document["status"] == status
    assert document["title"]
    assert "Traceback" not in response.text
    assert "<html" not in response.text.lower()
    return document


def raw_exchange(url: str, head: bytes, parts: list[bytes], pause: float = 0.0) -> bytes:
    """Send ``head`` then each part (pausing between them) on a plain socket, and read the
    answer, stopping the sending as soon as the server answers or closes."""
    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(head)
        for part in parts:
            sock.settimeout(pause or 0.001)
            try:
                if sock.recv(1, socket.MSG_PEEK):
                    break  # the server has answered already
            except (TimeoutError, BlockingIOError):
                pass
            sock.settimeout(10)
            try:
                sock.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.settimeout(10)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 30:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


# -- the token --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/awards", "/v1/rulesets", "/v1/openapi.json", "/v1/nothing"])
def test_without_the_token_every_endpoint_but_health_is_refused(base_url: str, path: str) -> None:
    response = httpx.get(f"{base_url}{path}")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="emulation"'


@pytest.mark.parametrize(
    "header", ["Bearer wrong", f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer"]
)
def test_a_wrong_token_is_refused(base_url: str, header: str) -> None:
    response = httpx.post(f"{base_url}/v1/evaluate", headers={"Authorization": header}, json={})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_right_token_and_health_get_through(base_url: str) -> None:
    assert httpx.get(f"{base_url}/v1/awards", headers=AUTH).status_code == 200
    assert httpx.get(f"{base_url}/v1/health").status_code == 200


def test_no_cors_header_unless_an_origin_is_given(base_url: str, engine: emulation.Engine) -> None:
    asked = {**AUTH, "Origin": "https://portal.example"}
    assert (
        "access-control-allow-origin"
        not in httpx.get(f"{base_url}/v1/awards", headers=asked).headers
    )
    with running(engine, Settings(cors_origins=("https://portal.example",))) as url:
        allowed = httpx.get(f"{url}/v1/awards", headers=asked)
        other = httpx.get(f"{url}/v1/awards", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    assert "access-control-allow-origin" not in other.headers


# -- bodies -----------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413(tight: str) -> None:
    body = dumps({"period": "2024", "population": small_population(3), "x": "y" * LIMIT})
    response = httpx.post(
        f"{tight}/v1/evaluate", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert assert_problem(response, 413)["type"] == "urn:emulation:problem:body-too-large"


def test_a_declared_length_over_the_limit_is_413_before_the_body_is_sent(tight: str) -> None:
    head = (
        f"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
    ).encode()
    answer = raw_exchange(tight, head, [b"{" * 1000] * 3)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"application/problem+json" in answer


def test_a_chunked_body_over_the_limit_is_413_without_reading_it_all(tight: str) -> None:
    head = (
        f"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"400\r\n" + b" " * 1024 + b"\r\n"
    started = time.monotonic()
    # 10,000 chunks of 1 KiB would be 10 MiB: the server answers after the fifth
    answer = raw_exchange(tight, head, [chunk] * 10_000, pause=0.001)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert time.monotonic() - started < 8


def test_too_many_subjects_is_413_naming_the_subjects(tight: str) -> None:
    response = httpx.post(
        f"{tight}/v1/evaluate",
        headers=AUTH,
        json={"period": "2024", "population": small_population(4)},
    )
    problem = assert_problem(response, 413)
    assert [e["pointer"] for e in problem["errors"]] == ["/population/subjects"]


@pytest.mark.parametrize(
    ("body", "status", "pointers"),
    [
        (b'{"period": "2024",', 400, [""]),
        (b"\xff\xfe{}", 400, None),
        (b"[1, 2]", 422, [""]),
        (
            b'{"period": 2024, "population": {"format": "emulation.population/1", "subjects": []}}',
            422,
            ["/period"],
        ),
        (
            b'{"period": "2024", "population": {"format": "emulation.population/1", "subjects": []}, "colour": 1}',
            422,
            [""],
        ),
        (
            b'{"period": "2024", "population": {"format": "emulation.population/1", "subjects": [{"id": "a", "kind": "person", "shoe": 42}]}}',
            422,
            ["/population/subjects/0"],
        ),
        (
            b'{"period": "2024", "population": {"format": "emulation.population/1", "subjects": [{"id": "a", "kind": "person", "facts": {"2024": {"months_worked": "<script>"}}}]}}',
            422,
            ["/population/subjects/0/facts/2024/months_worked"],
        ),
        (
            b'{"period": "2024", "period": "2023", "population": {"format": "emulation.population/1", "subjects": []}}',
            422,
            ["/period"],
        ),
        (
            b'{"period": "2024", "as_of": "2023-01-01", "population": {"format": "emulation.population/1", "subjects": []}}',
            422,
            ["/as_of"],
        ),
        (
            b'{"period": "20x4", "population": {"format": "emulation.population/1", "subjects": []}}',
            422,
            ["/period"],
        ),
        (
            b'{"period": "2024", "parameters": {"no_such_parameter": 1}, "population": {"format": "emulation.population/1", "subjects": [{"id": "a", "kind": "person"}]}}',
            422,
            None,
        ),
    ],
)
def test_malformed_and_unknown_field_bodies_get_problem_details_naming_the_field(
    tight: str, body: bytes, status: int, pointers: list[str] | None
) -> None:
    response = httpx.post(
        f"{tight}/v1/evaluate", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    problem = assert_problem(response, status)
    if pointers is not None:
        assert [e["pointer"] for e in problem["errors"]] == pointers, problem


def test_input_is_quoted_back_only_inside_json_strings_and_cut(tight: str) -> None:
    evil = "</script><img src=x onerror=alert(1)>" * 40
    body = {
        "period": "2024",
        "population": {"format": "emulation.population/1", "subjects": [{"id": "a", "kind": evil}]},
    }
    response = httpx.post(f"{tight}/v1/evaluate", headers=AUTH, json=body)
    problem = assert_problem(response, 422)
    assert all(len(e["detail"]) <= 300 for e in problem["errors"])
    assert json.loads(response.text) == problem  # the whole body is one JSON document


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/nothing", 404),
        ("GET", "/", 404),
        ("DELETE", "/v1/evaluate", 405),
        ("GET", "/v1/evaluate", 405),
        ("POST", "/v1/awards", 405),
    ],
)
def test_unknown_routes_and_wrong_methods(tight: str, method: str, path: str, status: int) -> None:
    response = httpx.request(method, f"{tight}{path}", headers=AUTH)
    assert_problem(response, status)


@pytest.mark.parametrize(
    ("path", "media"),
    [("/v1/evaluate", "text/plain"), ("/v1/explain", ""), ("/v1/check", "application/json")],
)
def test_an_unsupported_media_type_is_415(tight: str, path: str, media: str) -> None:
    headers = {**AUTH, "Content-Type": media} if media else AUTH
    assert_problem(httpx.post(f"{tight}{path}", content=b"{}", headers=headers), 415)


# -- time -------------------------------------------------------------------------------------


def test_a_slow_client_is_timed_out_and_the_others_are_served(tight: str) -> None:
    head = (
        f"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: 2000\r\n\r\n"
    ).encode()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        slow = pool.submit(raw_exchange, tight, head, [b" "] * 100, 0.1)  # 10 s of trickle
        time.sleep(0.3)
        for _ in range(3):
            asked = time.monotonic()
            assert httpx.get(f"{tight}/v1/health", timeout=5).status_code == 200
            assert httpx.get(f"{tight}/v1/awards", headers=AUTH, timeout=5).status_code == 200
            assert time.monotonic() - asked < 2
        answer = slow.result(timeout=20)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"application/problem+json" in answer
    assert time.monotonic() - started < 8


def test_concurrent_requests_all_get_their_own_answer(base_url: str) -> None:
    def evaluate(count: int) -> tuple[int, bytes]:
        body = {"period": "2024", "population": small_population(count)}
        response = httpx.post(f"{base_url}/v1/evaluate", headers=AUTH, json=body, timeout=120)
        return response.status_code, response.content

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(evaluate, [1, 2, 3, 1, 2, 3, 1, 2]))
    assert {status for status, _ in answers} == {200}
    by_size: dict[int, set[bytes]] = {}
    for count, (_, body) in zip([1, 2, 3, 1, 2, 3, 1, 2], answers, strict=True):
        by_size.setdefault(count, set()).add(body)
        subjects = {d["subject"] for d in json.loads(body)["decisions"]}
        assert len(subjects) == count
    assert all(len(bodies) == 1 for bodies in by_size.values())


class _Saboteur:
    """A plugin that fails or dawdles when the population names it."""

    @hookimpl
    def emulation_observe_evaluation(self, evaluation: emulation.Evaluation) -> None:
        ids = set(evaluation.population.subjects.get_column("id").to_list())
        if "boom" in ids:
            raise RuntimeError("secret-canary in the engine's own code")
        if "sleepy" in ids:
            time.sleep(SLEEP)


#: The sabotaged service's deadline, and how long the dawdling evaluation sleeps past it.
DEADLINE, SLEEP = 4.0, 6.0


@pytest.fixture(scope="module")
def sabotaged() -> Iterator[str]:
    engine = emulation.build_engine([_Saboteur()])
    with running(engine, Settings(timeout=DEADLINE, threads=1)) as url:
        httpx.post(f"{url}/v1/evaluate", json=_named("warm"), timeout=60)  # the first is slower
        yield url


def _named(subject: str) -> dict[str, Any]:
    population = small_population(1)
    population["subjects"][0]["id"] = subject
    return {"period": "2024", "population": population}


def test_an_internal_error_is_a_500_problem_without_a_traceback(sabotaged: str) -> None:
    response = httpx.post(f"{sabotaged}/v1/evaluate", json=_named("boom"))
    problem = assert_problem(response, 500)
    assert "secret-canary" not in response.text
    assert "RuntimeError" not in response.text
    assert problem["type"] == "urn:emulation:problem:internal"
    assert httpx.post(f"{sabotaged}/v1/evaluate", json=_named("calm")).status_code == 200


def test_an_evaluation_past_its_deadline_is_503_and_the_service_recovers(sabotaged: str) -> None:
    started = time.monotonic()
    response = httpx.post(f"{sabotaged}/v1/evaluate", json=_named("sleepy"), timeout=10)
    assert assert_problem(response, 503)["type"] == "urn:emulation:problem:timeout"
    assert response.headers["retry-after"] == "1"
    assert time.monotonic() - started < DEADLINE + 1.5
    # the one worker is still busy: a request waits for it within its own deadline, and is
    # answered once the abandoned evaluation ends
    time.sleep(SLEEP - DEADLINE)
    calm = httpx.post(f"{sabotaged}/v1/evaluate", json=_named("calm"), timeout=10)
    assert calm.status_code == 200
