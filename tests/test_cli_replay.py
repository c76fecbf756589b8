"""``emulation replay``: decisions written by ``evaluate --format json`` derived again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import emulation
from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
STATE = str(ROOT / "rulesets" / "state")
UNION = str(ROOT / "examples" / "union.json")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main([*args, "--rulesets", STATE])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The decisions of the example union for 2023 and 2024, written as the README runs
    ``evaluate``: each period alone, on the union's own award history."""
    folder = tmp_path_factory.mktemp("recorded")
    files = {}
    for period, lang in (("2023", "en"), ("2024", "vi")):
        files[period] = folder / f"decisions-{period}.json"
        status = main(
            [
                *("evaluate", UNION, "--period", period, "--format", "json", "--lang", lang),
                *("-o", str(files[period]), "--rulesets", STATE),
            ]
        )
        assert status == 0
    return files


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2023", "2024"])
def test_every_decision_of_the_example_union_re_derives(
    capsys: pytest.CaptureFixture[str], recorded: dict[str, Path], period: str
) -> None:
    count = len(json.loads(recorded[period].read_text(encoding="utf-8"))["decisions"])
    status, out, err = run(capsys, "replay", str(recorded[period]), UNION)
    assert (status, err) == (0, "")
    assert out == (
        f"replay of {recorded[period]}, period {period}: {count} decisions re-derived "
        f"identically by engine {emulation.__version__}\n"
    )


@pytest.mark.slow
def test_a_decision_whose_input_row_was_edited_is_named(
    capsys: pytest.CaptureFixture[str], recorded: dict[str, Path], tmp_path: Path
) -> None:
    document = json.loads(Path(UNION).read_text(encoding="utf-8"))
    [subject] = [s for s in document["subjects"] if s["id"] == "nd-041"]
    subject["facts"]["2024"]["rating"] = "HT"
    copy = tmp_path / "union.json"
    copy.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    status, out, err = run(capsys, "replay", str(recorded["2024"]), str(copy))
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert any(line.startswith("nd-041 ldtt: input_hash: recorded ") for line in lines)
    assert 'nd-041 ldtt: outcome: recorded "granted", replayed "not_eligible"' in lines
    assert (
        'nd-041 ldtt: criteria[task_rating].inputs.rating: recorded "HTT", replayed "HT"' in lines
    )
    assert lines[-1].startswith(f"replay of {recorded['2024']}, period 2024: ")
    # 40, not 30: LĐTT and (from state.collective_titles 2.3.0) TTLĐTT pay a bonus from 2024
    # (Decree 98/2023 Art 54), so the edited row also changes bonus money (nd-041's 710,000 VND
    # and cd-nguyendu-vp's 1,880,000 VND among the differences); and the individual awards that
    # state.individual_titles 2.1.0 added carry the edited input's hash in nd-041's decisions
    assert lines[-1].endswith("do not re-derive identically (40 differences)")


@pytest.mark.slow
def test_the_parameters_of_the_recorded_run_are_given_with_set(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    decisions = tmp_path / "ldtt.json"
    common = ["--period", "2024", "--award", "ldtt", "--set", "min_months_worked=12"]
    assert main(["evaluate", UNION, *common, "--format", "json", "-o", str(decisions)]) == 0
    status, out, _ = run(capsys, "replay", str(decisions), UNION, "--set", "min_months_worked=12")
    assert status == 0, out
    status, out, _ = run(capsys, "replay", str(decisions), UNION)
    assert status == 1
    assert "inputs.min_months_worked: recorded 12, replayed 6" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{path}: cannot read: No such file or directory"),
        (
            "{",
            "{path}: line 1, column 2: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            '{"period": "2024", "lang": "vi", "decisions": {}}',
            "{path}: decisions: expected a list of decisions",
        ),
        (
            "[" * 100_000,
            "{path}: line 1, column 101: invalid JSON: nested more than 100 levels deep "
            "(no file the engine reads needs more than a few)",
        ),
    ],
)
def test_an_unreadable_decisions_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "decisions.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "replay", str(path), UNION)
    assert (status, out) == (1, "")
    assert err == f"emulation: {message.format(path=path)}\n"


def test_an_unreadable_population_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    decisions = tmp_path / "decisions.json"
    decisions.write_text('{"period": "2024", "lang": "vi", "decisions": []}', encoding="utf-8")
    status, out, err = run(capsys, "replay", str(decisions), str(tmp_path / "none.json"))
    assert (status, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith(f"emulation: {tmp_path / 'none.json'}: ")
