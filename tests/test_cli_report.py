"""``emulation report`` on the command line: the file it writes and its options (``--lang``,
``--award``, ``--as-of``, ``--decision-date``, ``--set``, ``-o``), the same bytes from two
processes, one-line errors, and what it says when its libraries are missing.

What the report holds is tested in ``results/test_report.py``; how a browser draws it, in
``results/test_report_browser.py``.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import emulation
from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "movement"
DATA = str(EXAMPLE / "units.json")
RULES = ("--rulesets", str(EXAMPLE / "movement.toml"))
PATHS = str(ROOT / "tests" / "rulesets" / "paths")


@pytest.fixture(autouse=True)
def only_the_state_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's own rulesets: an organisation plugin installed beside state is blocked."""
    others = set(emulation.build_engine().plugins.ruleset_paths_by_plugin()) - {"state"}
    if others:
        monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", ", ".join(sorted(others)))


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["report", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_report_goes_to_the_o_file_with_a_shell_redirects_permissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    status, out, err = report(capsys, DATA, "--period", "2026", *RULES, "-o", str(target))
    assert (status, out, err) == (0, "", "")
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<html lang="vi">' in html
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_without_o_the_report_is_written_to_standard_output_in_english_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = report(capsys, DATA, "--period", "2026", *RULES, "--lang", "en")
    assert (status, err) == (0, "")
    assert "<h1>Emulation and commendation report</h1>" in out


def test_award_keeps_the_report_to_the_awards_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = report(capsys, DATA, "--period", "2026", *RULES, "--award", "bk_chair")
    assert status == 0
    assert "(bk_chair)</td>" in out
    status, full, _ = report(capsys, DATA, "--period", "2026", *RULES)
    assert status == 0
    assert "(bk_chair)</td>" in full
    assert len(out) < len(full)  # the state rulesets' collective awards are left out


def test_the_same_input_gives_the_same_bytes_in_two_processes(tmp_path: Path) -> None:
    written = []
    for seed in ("1", "2"):
        target = tmp_path / f"report-{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "emulation.cli",
                "report",
                DATA,
                "--period",
                "2026",
                *RULES,
                "-o",
                str(target),
            ],
            check=True,
            env=env,
            timeout=300,
        )
        written.append(target.read_bytes())
    assert written[0] == written[1]


def test_the_decision_date_and_the_cut_off_reach_the_bonus_and_the_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "one.json"
    person = {"id": "p", "kind": "person", "facts": {"2024": {"rating": "HTT"}}}
    data.write_text(
        json.dumps({"format": "emulation.population/1", "subjects": [person]}), encoding="utf-8"
    )
    common = (str(data), "--period", "2024", "--award", "t_ldtt", "--rulesets", PATHS)
    _, june, _ = report(capsys, *common, "--as-of", "2024-06-30")
    status, july, err = report(
        capsys, *common, "--as-of", "2024-06-30", "--decision-date", "2024-07-01"
    )
    assert (status, err) == (0, "")
    assert '<td class="num">540.000</td>' in june
    assert '<td class="num">710.000</td>' in july
    assert "(tính đến ngày 2024-06-30); ngày quyết định 2024-07-01" in july


def test_bad_input_is_one_line_and_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    status, _, err = report(
        capsys, DATA, "--period", "2026", *RULES, "--set", "no_such=1", "-o", str(target)
    )
    assert status == 1
    assert err.startswith("emulation: ")
    assert "no_such" in err
    assert not target.exists()
    status, _, err = report(capsys, str(tmp_path / "missing.json"), "--period", "2026", *RULES)
    assert status == 1
    assert len(err.splitlines()) == 1


def test_without_the_report_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "emulation.results.report", raising=False)
    monkeypatch.setitem(sys.modules, "jinja2", None)
    status, out, err = report(capsys, DATA, "--period", "2026", *RULES)
    assert (status, out) == (1, "")
    assert "pip install 'emulation[report]'" in err


def test_the_how_to_commands_run_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``$ emulation report`` line of docs/how-to/make-a-report.md, run from the root of
    the repository, its ``-o`` file put in a temporary folder."""
    page = (ROOT / "docs" / "how-to" / "make-a-report.md").read_text(encoding="utf-8")
    commands = [line[2:] for line in page.splitlines() if line.startswith("$ emulation report ")]
    assert len(commands) == 3
    monkeypatch.chdir(ROOT)
    for command in commands:
        argv = shlex.split(command)
        target = tmp_path / argv[argv.index("-o") + 1]
        argv[argv.index("-o") + 1] = str(target)
        status, out, err = report(capsys, *argv[2:])
        assert (status, out, err) == (0, "", ""), command
        assert "<svg" in target.read_text(encoding="utf-8")
