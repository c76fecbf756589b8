"""The service tests' helpers: a real server on a free localhost port, in a thread, and what
the tests send it."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import uvicorn

import emulation
from emulation.service import Settings
from emulation.service.server import config

ROOT = Path(__file__).resolve().parents[2]
UNION = ROOT / "examples" / "union.json"
TOKEN = "s3cret-token"


@contextlib.contextmanager
def running(engine: emulation.Engine, settings: Settings) -> Iterator[str]:
    """Serve ``engine`` on a free port of 127.0.0.1 while the block runs; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(config(engine, attrs.evolve(settings, port=port), log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def union() -> dict[str, Any]:
    """The example union, parsed as the service parses it."""
    return json.loads(UNION.read_text(encoding="utf-8"))


_DECIMAL = re.compile(r'"@decimal:([-0-9.]+)"')


def population_json(population: emulation.Population) -> dict[str, Any]:
    """The nested JSON form of a population built from frames (a Hypothesis population), as
    a client would send it: the same subjects, facts by period and nested records."""
    frames = {name: frame.drop("_origin") for name, frame in population.frames().items()}
    subjects: dict[str, dict[str, Any]] = {}
    for row in frames["subjects"].iter_rows(named=True):
        subjects[row["id"]] = {k: _plain(v) for k, v in row.items() if v is not None}
        subjects[row["id"]]["facts"] = {}
    for row in frames["facts"].iter_rows(named=True):
        values = {
            k: _plain(v) for k, v in row.items() if v is not None and k not in ("subject", "period")
        }
        subjects[row["subject"]]["facts"][row["period"]] = values
    for table in ("evidence", "awards", "service", "discipline", "registrations", "votes"):
        for row in frames[table].iter_rows(named=True):
            entry = {k: _plain(v) for k, v in row.items() if v is not None and k != "subject"}
            subjects[row["subject"]].setdefault(table, []).append(entry)
    return {"format": "emulation.population/1", "subjects": list(subjects.values())}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"@decimal:{value}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dumps(document: Any) -> bytes:
    """``document`` as JSON, the decimals written as JSON numbers with all their digits."""
    return _DECIMAL.sub(r"\1", json.dumps(document, ensure_ascii=False)).encode()
