"""``Engine.catalogue`` and ``emulation catalogue``: the published rules say what the engine
applies, the same bytes every time, and the bundled plugins' copies in the docs are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulation import EmulationError, build_engine, hookimpl
from emulation.cli import main
from emulation.engine import assemble
from emulation.rules.publish import UNCONFIRMED

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = ROOT / "tests" / "rulesets" / "patterns.toml"


def state_installed() -> bool:
    return "state" in build_engine().plugins.ruleset_paths_by_plugin()


needs_state = pytest.mark.skipif(not state_installed(), reason="the state plugin is not installed")


@needs_state
def test_every_award_rule_and_parameter_of_the_plugin_is_listed() -> None:
    engine = build_engine()
    text = engine.catalogue("state")
    rulesets = [r for r in engine.rulesets if r.organisation == "state"]
    assert rulesets
    sections = text.split('<a id="')[1:]
    for ruleset in rulesets:
        heading = f"## {ruleset.id} {ruleset.version}: {ruleset.title.vi} / {ruleset.title.en}"
        section = next(part for part in sections if heading in part)
        for award in ruleset.awards.values():
            assert f"### `{award.id}`: {award.label.vi}" in section
            for rule in award.rules:
                assert f"| `{rule.id}` | {rule.label.vi}" in section
                assert rule.basis.replace("|", "\\|") in section
        for parameter in ruleset.parameters.values():
            row = next(
                line for line in section.splitlines() if line.startswith(f"| `{parameter.name}` |")
            )
            assert row.endswith(f"{parameter.certainty} |") == parameter.confirmed
            assert (UNCONFIRMED in row) != parameter.confirmed


@needs_state
def test_the_catalogue_names_files_relative_to_the_plugin() -> None:
    text = build_engine().catalogue("state")
    assert "`state/individual_titles_2024.toml`" in text
    assert str(ROOT) not in text


def test_only_the_rules_of_the_plugin_asked_for() -> None:
    engine = assemble(ruleset_paths=[PATTERNS])
    everything = engine.catalogue()
    assert "patterns.toml" in everything
    if state_installed():
        assert "`state/" in everything
        assert "patterns.toml" not in engine.catalogue("state")


def test_same_rules_same_bytes() -> None:
    first = assemble(ruleset_paths=[PATTERNS]).catalogue()
    again = assemble(ruleset_paths=[PATTERNS]).catalogue()
    assert first == again
    assert first.endswith("\n")
    assert not first.endswith("\n\n")


def test_a_plugin_without_rulesets_is_an_error_naming_those_with() -> None:
    with pytest.raises(EmulationError, match='plugin "stat" contributes no ruleset'):
        build_engine().catalogue("stat")


def test_a_pipe_in_an_expression_cannot_break_the_table(tmp_path: Path) -> None:
    ruleset = PATTERNS.read_text("utf-8").replace('basis = "', 'basis = "a | b; ')
    path = tmp_path / "patterns.toml"
    path.write_text(ruleset, "utf-8")
    text = assemble(ruleset_paths=[path], installed="ignore").catalogue()
    assert "a \\| b; " in text


def test_the_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rules.md"
    assert main(["catalogue", "--rulesets", str(PATTERNS), "-o", str(out)]) == 0
    assert out.read_text("utf-8") == assemble(ruleset_paths=[PATTERNS]).catalogue()
    assert main(["catalogue", "nope"]) == 1
    assert 'plugin "nope" contributes no ruleset' in capsys.readouterr().err


@needs_state
@pytest.mark.organisation_plugins
@pytest.mark.parametrize(
    "plugin", sorted(p.name for p in (ROOT / "plugins").iterdir() if p.is_dir())
)
def test_the_published_catalogue_of_each_bundled_plugin_is_current(plugin: str) -> None:
    page = ROOT / "docs" / "catalogue" / f"{plugin}.md"
    assert page.exists(), f"{page} is missing: run python docs/gen_pages.py"
    engine = build_engine()
    if plugin not in engine.plugins.ruleset_paths_by_plugin():
        # a bundled plugin not installed here: register its folder under its name, as its
        # entry point would
        engine = build_engine([_bundled(plugin)])
    assert page.read_text("utf-8") == engine.catalogue(plugin), (
        f"{page.relative_to(ROOT)} is out of date: run python docs/gen_pages.py"
    )


def _bundled(plugin: str) -> object:
    """A plugin object named ``plugin`` contributing the repository's ``rulesets/<plugin>``."""

    class Bundled:
        __name__ = plugin

        @hookimpl
        def emulation_ruleset_paths(self) -> list[Path]:
            return [ROOT / "rulesets" / plugin]

    return Bundled()


def test_score_sheets_standings_and_kpis_are_listed() -> None:
    engine = assemble(
        ruleset_paths=[
            ROOT / "examples" / "movement",
            ROOT / "examples" / "kpis",
            ROOT / "tests" / "rulesets" / "standings",
        ],
        installed="ignore",
    )
    text = engine.catalogue()
    sheets = [s for r in engine.rulesets for s in r.scores.values()]
    kpis = [k for r in engine.rulesets for k in r.kpis.values()]
    assert sheets
    assert kpis
    for sheet in sheets:
        assert f"### Bảng điểm / Score sheet `{sheet.id}`: {sheet.label.vi}" in text
        for part in (*sheet.items, *sheet.groups, *sheet.floors, *sheet.bands):
            assert f"| `{part.id}` | {part.label.vi}" in text
        for rule in (*sheet.knockouts, *sheet.caps):
            effect = f"tối đa / at most `{rule.at_most}`" if rule.at_most else "lowest band"
            row = next(line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |"))
            assert effect in row
    for kpi in kpis:
        assert f"### Chỉ tiêu / KPI `{kpi.id}`: {kpi.label.vi}" in text
        assert f"`{kpi.numerator.expr}`" in text
        assert f"tham số / parameter `{kpi.target}`" in text
    standings = [s for r in engine.rulesets for s in r.standings.values()]
    assert standings
    for item in standings:
        keys = ", ".join(f"`{k.expr}` {'desc' if k.descending else 'asc'}" for k in item.rank)
        assert f"### Xếp hạng / Standings `{item.id}`: {item.label.vi}" in text
        assert f"Ranked by: {keys}" in text
