"""Benchmark: the HTTP service's requests per second and latency for one-person requests
(issue 13, item 3), against the same evaluation called in the process.

Usage::

    python benchmarks/bench_service.py [--seconds 20] [--clients 16] [--threads 2]
        [--batch-window-ms 0 2] [--batch-max 32] [--quick]

``service``
    ``emulation serve --plugin state`` runs in a child process on a free port of 127.0.0.1
    (``--threads`` evaluations at once), once for each ``--batch-window-ms`` given: ``0``
    evaluates every request alone, more lets concurrent requests of the same shape be decided
    as one population (at most ``--batch-max`` at once), so the figures compare the service
    without and with batching. This process is the load generator: ``--clients``
    threads, each with its own keep-alive ``httpx`` connection, send ``POST /v1/evaluate`` for
    one person of the example union (``nd-001``, every award in force in 2024) back to back for
    ``--seconds`` after ``--warmup`` requests each; every answer must be 200 with the bytes
    of the in-process evaluation. Reports requests per second (answers over the wall time) and
    the p50, p90 and p99 latency seen by the clients.
``in process``
    The same request's work in this process, one after another for ``--seconds``:
    ``engine.evaluate(population, "2024")`` then ``engine.render(..., "json")`` — the floor the
    service adds HTTP, JSON parsing, schema validation and thread hand-over to; and the same
    with ``Population.from_json`` of the parsed document each time, as the service reads it.

Target (issue 13): at least 200 requests/s with p99 at most 25 ms on 2 cores. The client and the
server share the machine's cores, as they would on one host. ``--quick`` runs 5 s of each (20 s in all with the two default windows).
Writes ``benchmarks/results/<date>-service[-quick].json`` and prints a Markdown report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

import emulation
from emulation._plugins import blocked_except

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUBJECT = "nd-001"
PERIOD = "2024"
TARGET_RPS, TARGET_P99_MS = 200, 25.0


def one_person() -> dict[str, Any]:
    """The example union reduced to one person (no parent, so that it stands alone)."""
    document = json.loads((ROOT / "examples" / "union.json").read_text(encoding="utf-8"))
    [person] = [s for s in document["subjects"] if s["id"] == SUBJECT]
    person["parent"] = None
    return {"format": document["format"], "subjects": [person]}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(latencies: list[float], wall: float) -> dict[str, float]:
    milliseconds = [value * 1000 for value in latencies]
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(milliseconds), 2),
        "p90_ms": round(percentile(milliseconds, 0.90), 2),
        "p99_ms": round(percentile(milliseconds, 0.99), 2),
    }


def in_process(seconds: float, warmup: int, from_json: bool) -> tuple[dict[str, float], bytes]:
    """Evaluate and render one after another; ``from_json``: read the population from its
    parsed JSON document each time too, as the service does."""
    engine = emulation.build_engine(blocked=blocked_except(["state"]))  # as --plugin state
    document = one_person()
    population = emulation.Population.from_json(document)

    def once() -> bytes:
        chosen = emulation.Population.from_json(document) if from_json else population
        return engine.render(engine.evaluate(chosen, PERIOD), "json").encode()

    expected = b""
    for _ in range(warmup):
        expected = once()
    latencies: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        begin = time.perf_counter()
        once()
        latencies.append(time.perf_counter() - begin)
    return summary(latencies, time.perf_counter() - started), expected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    port: int, threads: int, window_ms: float, batch_max: int
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "emulation.cli",
        "serve",
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--batch-window-ms",
        f"{window_ms:g}",
        "--batch-max",
        str(batch_max),
        "--plugin",
        "state",
    ]
    env = {**os.environ, "EMULATION_TOKEN": ""}
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/health").raise_for_status()
            return server
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the service did not start") from None
            time.sleep(0.2)


def load(
    url: str, body: bytes, expected: bytes, clients: int, seconds: float, warmup: int
) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(index: int) -> None:
        headers = {"Content-Type": "application/json"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as session:
            for _ in range(warmup):
                session.post("/v1/evaluate", content=body)
            ready.wait()
            while not stop.is_set():
                begin = time.perf_counter()
                response = session.post("/v1/evaluate", content=body)
                elapsed = time.perf_counter() - begin
                if response.status_code != 200 or response.content != expected:
                    failures.append(f"{response.status_code}: {response.text[:200]}")
                    return
                latencies[index].append(elapsed)

    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    if failures:
        raise SystemExit(f"a request failed: {failures[0]}")
    return summary([value for part in latencies for value in part], wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="the service's --threads")
    parser.add_argument(
        "--batch-window-ms",
        type=float,
        nargs="+",
        default=[0.0, 2.0],
        help="the service's --batch-window-ms, one run for each (default: 0 then 2)",
    )
    parser.add_argument("--batch-max", type=int, default=32, help="the service's --batch-max")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 s of each")
    args = parser.parse_args()
    seconds = 5.0 if args.quick else args.seconds

    floor, expected = in_process(seconds, args.warmup, from_json=False)
    read, _ = in_process(seconds, args.warmup, from_json=True)
    body = json.dumps({"period": PERIOD, "population": one_person()}).encode()
    runs: dict[str, dict[str, Any]] = {}
    for window in args.batch_window_ms:
        port = free_port()
        server = start_server(port, args.threads, window, args.batch_max)
        try:
            runs[f"{window:g}"] = load(
                f"http://127.0.0.1:{port}", body, expected, args.clients, seconds, args.warmup
            )
        finally:
            server.terminate()
            server.wait(30)
    served = runs[f"{args.batch_window_ms[-1]:g}"]

    met = served["per_second"] >= TARGET_RPS and served["p99_ms"] <= TARGET_P99_MS
    result = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "seconds": seconds,
        "clients": args.clients,
        "threads": args.threads,
        "batch_max": args.batch_max,
        "service": served,
        "service_by_batch_window_ms": runs,
        "in_process": floor,
        "in_process_from_json": read,
        "target": {"per_second": TARGET_RPS, "p99_ms": TARGET_P99_MS, "met": met},
    }
    name = f"{result['date']}-service{'-quick' if args.quick else ''}.json"
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"One-person evaluate, {seconds:g} s each, {args.clients} clients, {args.threads} threads\n"
    )
    print("| | requests/s | p50 ms | p90 ms | p99 ms |")
    print("|---|---|---|---|---|")
    rows = (
        *((f"service (HTTP), --batch-window-ms {window}", row) for window, row in runs.items()),
        ("in process: evaluate + render", floor),
        ("in process: from JSON + evaluate + render", read),
    )
    for label, row in rows:
        print(
            f"| {label} | {row['per_second']} | {row['p50_ms']} | {row['p90_ms']} | {row['p99_ms']} |"
        )
    verdict = "met" if met else "not met"
    print(f"\nTarget ≥ {TARGET_RPS} requests/s with p99 ≤ {TARGET_P99_MS:g} ms: {verdict}.")


if __name__ == "__main__":
    main()
