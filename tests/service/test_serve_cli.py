"""``emulation serve`` on the command line: its settings, the token file, the web stack loaded
only by it, one line when the extra is missing, and a real process answering on its port."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulation import _serve_cli
from emulation.cli import _parser, main
from emulation.service import Settings


def settings(*argv: str) -> Settings:
    return _serve_cli.settings_of(_parser().parse_args(["serve", *argv]))


def test_the_defaults_listen_on_the_loopback_address_without_cors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EMULATION_TOKEN", raising=False)
    assert settings() == Settings()
    assert Settings().host == "127.0.0.1"
    assert Settings().cors_origins == ()


def test_the_options_and_the_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMULATION_TOKEN", " from-the-environment \n")
    assert settings().token == "from-the-environment"
    token = tmp_path / "token"
    token.write_text("from-the-file\nignored\n", encoding="utf-8")
    found = settings(
        "--token-file",
        str(token),
        "--host",
        "0.0.0.0",
        "--port",
        "9000",
        "--cors-origin",
        "https://a.example",
        "--cors-origin",
        "https://b.example",
        "--max-body",
        "100",
        "--max-subjects",
        "5",
        "--timeout",
        "2.5",
        "--threads",
        "3",
        "--batch-window-ms",
        "0",
        "--batch-max",
        "7",
    )
    assert found == Settings(
        host="0.0.0.0",
        port=9000,
        token="from-the-file",
        cors_origins=("https://a.example", "https://b.example"),
        max_body=100,
        max_subjects=5,
        timeout=2.5,
        threads=3,
        batch_window_ms=0,
        batch_max=7,
    )


def test_an_empty_token_file_or_a_limit_of_zero_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "token"
    empty.write_text("\n", encoding="utf-8")
    assert main(["serve", "--token-file", str(empty)]) == 1
    assert main(["serve", "--max-body", "0"]) == 1
    assert main(["serve", "--batch-max", "0"]) == 1
    assert main(["serve", "--batch-window-ms", "-1"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"emulation: {empty}: the token file is empty",
        "emulation: --max-body must be positive",
        "emulation: --batch-max must be positive",
        "emulation: --batch-window-ms must be between 0 and 1000",
    ]


def test_without_the_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def missing(name: str, *args: Any) -> Any:
        return None if name == "starlette" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", missing)
    assert main(["serve"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"emulation: {_serve_cli.MISSING}"]
    assert "install emulation[serve]" in _serve_cli.MISSING


def test_importing_the_package_and_its_command_line_loads_no_web_stack() -> None:
    code = (
        "import sys, emulation, emulation.cli, emulation.service\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'httpx', 'anyio', 'jsonschema'))\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_command_serves_until_stopped(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = tmp_path / "token"
    token.write_text("t0ken\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "emulation.cli",
        "serve",
        "--port",
        str(port),
        "--token-file",
        str(token),
    ]
    log = tmp_path / "log"
    with log.open("wb") as stream:
        process = subprocess.Popen(command, stdout=stream, stderr=stream, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health")
                break
            except httpx.TransportError:
                assert process.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/v1/awards").status_code == 401
        headers = {"Authorization": "Bearer t0ken"}
        assert httpx.get(f"http://127.0.0.1:{port}/v1/awards", headers=headers).status_code == 200
    finally:
        process.terminate()
        process.wait(30)
    assert "server" not in health.headers
    assert "Uvicorn running on http://127.0.0.1:" in log.read_text(encoding="utf-8")
