"""``emulation new plugin NAME``: the scaffold's files, its ruleset and cases, the refusals,
and (slow) the package installed into a fresh environment and tested there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import emulation
from emulation import _scaffold
from emulation.cli import main
from emulation.rules.toml import read_toml

ROOT = Path(__file__).resolve().parents[1]
NAME = "hoi_nong_dan"
FILES = [
    ".taplo.toml",
    "README.md",
    "pyproject.toml",
    f"src/emulation_{NAME}/__init__.py",
    f"src/emulation_{NAME}/rulesets/titles.cases.toml",
    f"src/emulation_{NAME}/rulesets/titles.toml",
    "ruleset.schema.json",
    "tests/test_plugin.py",
]


def scaffold(folder: Path, *options: str) -> Path:
    assert main(["new", "plugin", NAME, "--into", str(folder), *options]) == 0
    return folder / NAME


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_scaffold_has_its_files_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    assert files(target) == sorted(FILES)
    assert [p.name for p in tmp_path.iterdir()] == [NAME]
    pyproject = (target / "pyproject.toml").read_text(encoding="utf-8")
    assert f'{NAME} = "emulation_{NAME}"' in pyproject
    assert 'dependencies = ["emulation>=0.1"]' in pyproject


def test_editors_are_pointed_at_the_engines_schema(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    ruleset = target / "src" / f"emulation_{NAME}" / "rulesets" / "titles.toml"
    first = ruleset.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#:schema ")
    schema_path = (ruleset.parent / first.removeprefix("#:schema ")).resolve()
    assert schema_path == (target / "ruleset.schema.json").resolve()
    assert schema_path.read_bytes() == _scaffold.SCHEMA.read_bytes()
    taplo, _ = read_toml(target / ".taplo.toml")
    assert taplo["rule"][0]["schema"]["path"] == "ruleset.schema.json"
    assert taplo["rule"][0]["exclude"] == ["**/*.cases.toml"]
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    document, _ = read_toml(ruleset)
    # a language server hands the schema TOML dates as text
    as_json = json.loads(json.dumps(document, default=lambda day: day.isoformat()))
    jsonschema.Draft202012Validator(schema).validate(as_json)


def test_its_ruleset_loads_with_the_options_given(tmp_path: Path) -> None:
    target = scaffold(
        tmp_path,
        "--organisation",
        'Hội Nông dân "Việt Nam"',
        "--label-vi",
        "Nông dân sản xuất giỏi",
        "--label-en",
        "Good farmer",
        "--effective-from",
        "2024-07-01",
    )
    rulesets = target / "src" / f"emulation_{NAME}" / "rulesets"
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[rulesets])
    [ruleset] = engine.rulesets
    assert ruleset.id == f"{NAME}.titles"
    assert ruleset.organisation == 'Hội Nông dân "Việt Nam"'
    assert ruleset.effective_from.isoformat() == "2024-07-01"
    [award] = ruleset.awards.values()
    assert (award.subject, award.label.get("vi"), award.label.get("en")) == (
        "person",
        "Nông dân sản xuất giỏi",
        "Good farmer",
    )
    [rule] = award.rules
    assert rule.certainty == "U"


def test_its_cases_pass_with_full_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rulesets = scaffold(tmp_path) / "src" / f"emulation_{NAME}" / "rulesets"
    status = main(["test", str(rulesets), "--examples", "0", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "cases: 2 passed, 0 failed" in out
    assert "total                         1 / 1    100.0 %" in out


def test_the_default_date_is_fixed(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    ruleset = target / "src" / f"emulation_{NAME}" / "rulesets" / "titles.toml"
    assert f"effective_from = {_scaffold.DEFAULT_EFFECTIVE_FROM}\n" in ruleset.read_text("utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Hoi-Nong-Dan"], "'Hoi-Nong-Dan' is not a valid plugin name"),
        (["1st"], "'1st' is not a valid plugin name"),
        (["class"], "'class' is not a valid plugin name"),
        ([NAME, "--effective-from", "2025-02-30"], "--effective-from expects an ISO date"),
        ([NAME, "--label-vi", ""], "--label-vi expects one non-empty line of text"),
        ([NAME, "--into", "missing"], "missing: no such folder"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "plugin", *arguments]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"emulation: {message}"), err
    assert err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "mine.txt").write_text("keep", encoding="utf-8")
    assert main(["new", "plugin", NAME, "--into", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"emulation: {tmp_path / NAME}: already exists; choose another name or --into folder\n"
    )
    assert files(tmp_path) == [f"{NAME}/mine.txt"]


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(source: object, target: object) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(_scaffold.os, "rename", broken)
    assert main(["new", "plugin", NAME, "--into", str(tmp_path)]) == 1
    assert list(tmp_path.iterdir()) == []


def run(command: list[str], cwd: Path | None = None) -> str:
    """Run ``command``; its standard output, or a failure with both outputs."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_scaffold_installs_and_passes_in_a_fresh_environment(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / "python")
    # pip reaches the package index configured on the machine; the scaffold brings pytest and
    # Hypothesis through its "test" extra
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            str(ROOT),
            str(ROOT / "plugins" / "state"),
            f"{target}[test]",
        ]
    )
    # from an empty folder, so that NAME is the installed plugin, not the scaffold's folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    tested = run([str(bindir / "emulation"), "test", NAME, "--min-coverage", "100"], elsewhere)
    assert "result: ok" in tested
    assert "total                         1 / 1    100.0 %" in tested
    assert "4 passed" in run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], target)
