"""Every hook of ``hookspecs.py``, driven through a tiny in-test plugin.

Each test builds its own engine with ``entry_points=False`` so installed plugins never leak in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest

import emulation
from emulation import (
    Argument,
    BuildContext,
    EmulationError,
    Evaluation,
    FunctionSpec,
    Period,
    Population,
    RulesetError,
)
from emulation.rules.loader import load_ruleset, load_ruleset_file

HEADER = """\
format = 1

[ruleset]
id = "{ruleset_id}"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = {{ vi = "Bộ quy tắc thử", en = "Test ruleset" }}
"""

AWARD = """
[awards.{award}]
kind = "title"
subject = "person"
label = {{ vi = "Danh hiệu thử", en = "Test title" }}

[[awards.{award}.criteria]]
id = "rule"
expr = '{expr}'
label = {{ vi = "Tiêu chí thử", en = "Test criterion" }}
basis = "test"
certainty = "C"
"""


def ruleset_text(ruleset_id: str, award: str, expr: str, extra: str = "") -> str:
    """A ruleset with one award of one criterion; ``extra`` holds more TOML (facts ...)."""
    return HEADER.format(ruleset_id=ruleset_id) + extra + AWARD.format(award=award, expr=expr)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def person(sid: str, facts: Mapping[str, Any] | None = None, **members: Any) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "facts": {"2024": dict(facts or {})}, **members}


def outcomes(evaluation: Evaluation) -> dict[tuple[str, str], str]:
    return {(d.subject, d.award): d.outcome for d in evaluation.decisions()}


# -- configure ---------------------------------------------------------------------------------


class ConfigRecorder:
    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []

    @emulation.hookimpl
    def emulation_configure(self, config: dict[str, str]) -> None:
        self.seen.append(dict(config))


class LateConfigRecorder(ConfigRecorder):
    pass


def test_emulation_configure_receives_the_config_even_when_registered_late() -> None:
    early = ConfigRecorder()
    engine = emulation.build_engine(
        plugins=[early], entry_points=False, config={"province": "Bắc Ninh"}
    )
    assert early.seen == [{"province": "Bắc Ninh"}]
    late = LateConfigRecorder()
    engine.plugins.manager.register(late, name="late")
    assert late.seen == [{"province": "Bắc Ninh"}]  # historic: replayed on registration


# -- load --------------------------------------------------------------------------------------


class RulesetFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @emulation.hookimpl
    def emulation_ruleset_paths(self) -> list[Path]:
        return [self.folder]


def test_emulation_ruleset_paths_contributes_folders_searched_recursively(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    write(rules / "nested", "a.toml", ruleset_text("test.a", "award_a", "True"))
    write(rules, "b.toml", ruleset_text("test.b", "award_b", "False"))
    write(rules, "b.cases.toml", "this is a case file, never offered to a loader")
    engine = emulation.build_engine(plugins=[RulesetFolder(rules)], entry_points=False)
    assert [r.id for r in engine.rulesets] == ["test.a", "test.b"]
    assert sorted(engine.awards_in_force("2024")) == ["award_a", "award_b"]


def _tested_held(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, back = arguments["award"], arguments["back"]
    period = str(context.period.back(back))
    key = f"fn::tested_held(award={award!r}, back={back})"

    def make() -> pl.LazyFrame:
        held = context.population.awards.lazy().filter(
            (pl.col("award") == award) & (pl.col("period") == period)
        )
        return held.select("subject").unique().with_columns(pl.lit(True).alias(key))

    return context.derived(key, make, default=False)


TESTED_HELD = FunctionSpec(
    name="tested_held",
    arguments=(
        Argument(name="award", kind="text", doc="an award id as recorded in the input"),
        Argument(name="back", kind="int", default=1, doc="how many periods back"),
    ),
    returns="bool",
    build=_tested_held,
    doc="True when the subject holds ``award`` for the period ``back`` steps before.",
    reads="awards held",
)

TWICE = FunctionSpec(
    name="twice",
    arguments=(Argument(name="x", kind="value", accepts=("int", "decimal")),),
    returns="numeric",
    build=lambda arguments, context: arguments["x"] * 2,
    doc="Twice ``x``: a function whose argument is any number expression.",
)


class TestFunctions:
    @emulation.hookimpl
    def emulation_register_functions(self) -> list[FunctionSpec]:
        return [TWICE, TESTED_HELD]


def test_emulation_register_functions_adds_functions_rulesets_can_call(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "chain.toml",
        ruleset_text(
            "test.chain",
            "two_running",
            'tested_held("cstdcs") and tested_held("cstdcs", back=2) and twice(months) >= 12',
            extra='[facts.months]\ntype = "int"\nlabel = { vi = "Số tháng", en = "Months" }\n',
        ),
    )
    engine = emulation.build_engine(
        plugins=[TestFunctions()], entry_points=False, ruleset_paths=[path]
    )
    assert engine.functions["tested_held"] is TESTED_HELD
    assert engine.functions["twice"] is TWICE
    both = [{"award": "cstdcs", "period": "2023"}, {"award": "cstdcs", "period": "2022"}]
    population = Population.from_json(
        {
            "subjects": [
                person("both", {"months": 6}, awards=both),
                person("short", {"months": 5}, awards=both),
                person("one", {"months": 12}, awards=both[:1]),
                person("old", {"months": 12}, awards=[{"award": "cstdcs", "period": "2021"}]),
            ]
        }
    )
    assert outcomes(engine.evaluate(population, "2024")) == {
        ("both", "two_running"): "granted",
        ("old", "two_running"): "not_eligible",
        ("one", "two_running"): "not_eligible",
        ("short", "two_running"): "not_eligible",
    }
    decision = engine.evaluate(population, "2024").decision("one", "two_running")
    inputs = dict(decision.criteria[0].inputs)
    assert inputs["months"] == 12
    assert inputs["tested_held(award='cstdcs', back=1)"] is True
    assert inputs["tested_held(award='cstdcs', back=2)"] is False


def test_a_ruleset_calling_an_unregistered_function_does_not_load(tmp_path: Path) -> None:
    expr = 'tested_held("cstdcs")'
    path = write(tmp_path, "chain.toml", ruleset_text("test.chain", "x", expr))
    with pytest.raises(RulesetError) as caught:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    [problem] = caught.value.problems
    assert (problem.location, problem.column) == ("awards.x.criteria[0].expr", 1)
    assert problem.message == 'unknown function "tested_held"'


class TwiceAgain:
    @emulation.hookimpl
    def emulation_register_functions(self) -> list[FunctionSpec]:
        return [TWICE]


def test_two_plugins_registering_one_function_name_is_an_error() -> None:
    with pytest.raises(EmulationError) as caught:
        emulation.build_engine(plugins=[TestFunctions(), TwiceAgain()], entry_points=False)
    message = str(caught.value)
    assert '"twice" is registered by both' in message
    assert "TestFunctions" in message
    assert "TwiceAgain" in message


class JsonRulesets:
    """Reads rulesets written as JSON (same structure as the TOML, dates as text)."""

    @emulation.hookimpl
    def emulation_load_ruleset(self, path: Path, functions: dict[str, FunctionSpec]) -> Any:
        if path.suffix != ".json":
            return None
        import datetime as dt

        raw = path.read_bytes()
        document = json.loads(raw)
        meta = document["ruleset"]
        meta["effective_from"] = dt.date.fromisoformat(meta["effective_from"])
        return load_ruleset(document, raw, str(path), functions)


class TomlOverride:
    """Takes over ``.toml`` files ahead of the built-in (``trylast``) TOML loader."""

    def __init__(self) -> None:
        self.offered: list[str] = []

    @emulation.hookimpl
    def emulation_load_ruleset(self, path: Path, functions: dict[str, FunctionSpec]) -> Any:
        self.offered.append(path.name)
        assert {"granted", "disciplined", "evidence_count"} <= set(functions)
        ruleset = load_ruleset_file(path, functions)
        return attrs.evolve(ruleset, organisation="overridden")


def test_emulation_load_ruleset_first_result_wins_over_the_builtin(tmp_path: Path) -> None:
    toml = write(tmp_path / "rules", "a.toml", ruleset_text("test.a", "award_a", "True"))
    write(tmp_path / "rules", "a.cases.toml", "not offered")
    override = TomlOverride()
    engine = emulation.build_engine(
        plugins=[override], entry_points=False, ruleset_paths=[toml.parent]
    )
    assert override.offered == ["a.toml"]
    assert [r.organisation for r in engine.rulesets] == ["overridden"]


def test_emulation_load_ruleset_adds_a_format(tmp_path: Path) -> None:
    from emulation.rules.toml import parse_toml

    document = parse_toml(ruleset_text("test.json", "award_j", "True").encode(), "<text>")
    document["ruleset"]["effective_from"] = "2024-01-01"
    path = write(tmp_path, "rules.json", json.dumps(document))
    with pytest.raises(RulesetError, match="no loader reads this file"):
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    engine = emulation.build_engine(
        plugins=[JsonRulesets()], entry_points=False, ruleset_paths=[path]
    )
    assert [(r.id, r.source) for r in engine.rulesets] == [("test.json", str(path))]


class JsonRulesetFolder(JsonRulesets):
    """Declares the suffix it reads, so ``.json`` files in a ruleset folder are offered."""

    @emulation.hookimpl
    def emulation_ruleset_suffixes(self) -> list[str]:
        return [".json"]


def test_emulation_ruleset_suffixes_decides_which_files_of_a_folder_are_offered(
    tmp_path: Path,
) -> None:
    from emulation.rules.toml import parse_toml

    document = parse_toml(ruleset_text("test.json", "award_j", "True").encode(), "<text>")
    document["ruleset"]["effective_from"] = "2024-01-01"
    folder = tmp_path / "rules"
    write(folder / "nested", "rules.json", json.dumps(document))
    write(folder, "b.toml", ruleset_text("test.b", "award_b", "False"))
    write(folder, "notes.txt", "neither a ruleset nor offered to any loader")
    # a loader that does not declare its suffix is offered only the files named directly
    plain = emulation.build_engine(
        plugins=[JsonRulesets()], entry_points=False, ruleset_paths=[folder]
    )
    assert [r.id for r in plain.rulesets] == ["test.b"]
    engine = emulation.build_engine(
        plugins=[JsonRulesetFolder()], entry_points=False, ruleset_paths=[folder]
    )
    assert [r.id for r in engine.rulesets] == ["test.b", "test.json"]
    assert engine.plugins.ruleset_suffixes() == [".json", ".toml"]


# -- prepare data ------------------------------------------------------------------------------


class SemicolonReader:
    """Reads ``*.members`` files: one ``id;rating`` line per person, for 2024."""

    @emulation.hookimpl
    def emulation_read_population(self, path: Path) -> Population | None:
        if path.suffix != ".members":
            return None
        subjects = []
        for line in path.read_text(encoding="utf-8").splitlines():
            sid, rating = line.split(";")
            subjects.append(person(sid, {"grade": rating}))
        return Population.from_json({"subjects": subjects}, source=str(path))


def test_emulation_read_population_first_result_wins(tmp_path: Path) -> None:
    engine = emulation.build_engine(plugins=[SemicolonReader()], entry_points=False)
    members = write(tmp_path, "team.members", "an;A\nbinh;C\n")
    population = engine.read_population(members)
    assert population.facts.get_column("grade").to_list() == ["A", "C"]
    team = {"format": "emulation.population/1", "subjects": [person("chi")]}
    as_json = write(tmp_path, "team.json", json.dumps(team))
    assert engine.read_population(as_json).subjects.get_column("id").to_list() == ["chi"]
    with pytest.raises(EmulationError, match="no reader for this input"):
        engine.read_population(write(tmp_path, "team.txt", "an;A\n"))


class GradeToRating:
    """Derives the declared fact ``rating`` from a legacy letter ``grade``."""

    def __init__(self) -> None:
        self.periods: list[Period] = []

    @emulation.hookimpl
    def emulation_adapt_population(self, population: Population, period: Period) -> Population:
        self.periods.append(period)
        facts = population.facts.with_columns(
            pl.col("grade").replace_strict({"A": "HTXS", "B": "HTT", "C": "HT"}).alias("rating")
        )
        return attrs.evolve(population, facts=facts)


class ZRatingAudit:
    """Runs after ``GradeToRating`` (plugins are called in name order) and reads its result."""

    def __init__(self) -> None:
        self.ratings: list[str] = []

    @emulation.hookimpl
    def emulation_adapt_population(self, population: Population) -> None:
        self.ratings = population.facts.get_column("rating").to_list()


RATING = """
[facts.rating]
type = "enum"
values = ["KHT", "HT", "HTT", "HTXS"]
ordered = true
label = { vi = "Mức độ hoàn thành nhiệm vụ", en = "Task rating" }
"""
RATING_RULES = ruleset_text("test.rating", "good", 'rating >= "HTT"', extra=RATING)


@pytest.mark.parametrize("reverse", [False, True])
def test_emulation_adapt_population_derives_facts_in_plugin_name_order(
    tmp_path: Path, reverse: bool
) -> None:
    path = write(tmp_path, "rating.toml", RATING_RULES)
    adapter, audit = GradeToRating(), ZRatingAudit()
    plugins: list[object] = [adapter, audit]
    engine = emulation.build_engine(
        plugins=plugins[::-1] if reverse else plugins, entry_points=False, ruleset_paths=[path]
    )
    population = Population.from_json(
        {"subjects": [person("an", {"grade": "A"}), person("binh", {"grade": "C"})]}
    )
    evaluation = engine.evaluate(population, "2024")
    assert outcomes(evaluation) == {("an", "good"): "granted", ("binh", "good"): "not_eligible"}
    assert adapter.periods == [Period.calendar(2024)]
    assert audit.ratings == ["HTXS", "HT"]
    assert "rating" not in population.facts.columns  # the caller's population is untouched


# -- evaluate ----------------------------------------------------------------------------------


class Observer:
    def __init__(self) -> None:
        self.evaluations: list[Evaluation] = []

    @emulation.hookimpl
    def emulation_observe_evaluation(self, evaluation: Evaluation) -> None:
        self.evaluations.append(evaluation)


def test_emulation_observe_evaluation_sees_every_finished_evaluation(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", ruleset_text("test.a", "award_a", "True"))
    observer = Observer()
    engine = emulation.build_engine(plugins=[observer], entry_points=False, ruleset_paths=[path])
    population = Population.from_json({"subjects": [person("an")]})
    first = engine.evaluate(population, "2024")
    second = engine.evaluate(population, "2025")
    assert observer.evaluations == [first, second]
    assert outcomes(first) == {("an", "award_a"): "granted"}
    assert outcomes(second) == {}  # "an" has no facts row for 2025, so is no candidate
    assert [str(e.period) for e in observer.evaluations] == ["2024", "2025"]


# -- report ------------------------------------------------------------------------------------


class Markdown:
    @emulation.hookimpl
    def emulation_report_formats(self) -> list[str]:
        return ["markdown"]

    @emulation.hookimpl
    def emulation_render(self, evaluation: Evaluation, format: str, lang: str) -> str | None:
        if format != "markdown":
            return None
        rows = [f"| {d.subject} | {d.award_label.get(lang)} | {d.outcome} |" for d in evaluation]
        return "\n".join(["| subject | award | outcome |", "|---|---|---|", *rows]) + "\n"


def test_emulation_render_and_report_formats_add_an_output_format(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", ruleset_text("test.a", "award_a", "True"))
    engine = emulation.build_engine(plugins=[Markdown()], entry_points=False, ruleset_paths=[path])
    assert engine.plugins.report_formats() == ["csv", "json", "markdown", "table"]
    evaluation = engine.evaluate(Population.from_json({"subjects": [person("an")]}), "2024")
    assert engine.plugins.render(evaluation, "markdown", "vi").splitlines()[-1] == (
        "| an | Danh hiệu thử | granted |"
    )
    assert json.loads(engine.plugins.render(evaluation, "json", "en"))["lang"] == "en"
    with pytest.raises(EmulationError, match='unknown output format "xml"'):
        engine.plugins.render(evaluation, "xml", "en")


# -- building the plugin manager ---------------------------------------------------------------


def test_blocked_builtin_plugins_are_not_registered(tmp_path: Path) -> None:
    path = write(tmp_path, "d.toml", ruleset_text("test.d", "clean", "not disciplined()"))
    assert emulation.build_engine(entry_points=False, ruleset_paths=[path]).rulesets
    with pytest.raises(RulesetError) as caught:
        emulation.build_engine(
            entry_points=False, ruleset_paths=[path], blocked=["emulation._builtins.functions"]
        )
    [problem] = caught.value.problems
    assert problem.message.startswith('unknown function "disciplined"')


def test_emulation_disable_plugins_blocks_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "a.toml", ruleset_text("test.a", "award_a", "True"))
    monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", "Markdown, emulation._builtins.toml_loader")
    with pytest.raises(RulesetError, match="no loader reads this file"):
        emulation.build_engine(plugins=[Markdown()], entry_points=False, ruleset_paths=[path])
    engine = emulation.build_engine(plugins=[Markdown()], entry_points=False, blocked=[])
    assert "Markdown" in engine.plugins.plugin_names()
    monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", "Markdown")
    engine = emulation.build_engine(plugins=[Markdown()], entry_points=False)
    assert "Markdown" not in engine.plugins.plugin_names()
    assert "markdown" not in engine.plugins.report_formats()


class Misspelt:
    @emulation.hookimpl
    def emulation_ruleset_path(self) -> list[Path]:  # not a hook: the name lacks an "s"
        return []


def test_a_misspelt_hook_fails_loudly() -> None:
    with pytest.raises(EmulationError, match="plugin error: unknown hook 'emulation_ruleset_path'"):
        emulation.build_engine(plugins=[Misspelt()], entry_points=False)


# -- wrappers ----------------------------------------------------------------------------------


class NewStyleWrappers:
    """A ``wrapper=True`` implementation of every hook but the historic one."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def _wrap(self, name: str) -> Any:
        self.calls.append(name)
        result = yield
        return result

    @emulation.hookimpl(wrapper=True)
    def emulation_ruleset_paths(self) -> Any:
        return (yield from self._wrap("emulation_ruleset_paths"))

    @emulation.hookimpl(wrapper=True)
    def emulation_ruleset_suffixes(self) -> Any:
        return (yield from self._wrap("emulation_ruleset_suffixes"))

    @emulation.hookimpl(wrapper=True)
    def emulation_load_ruleset(self, path: Path) -> Any:
        return (yield from self._wrap("emulation_load_ruleset"))

    @emulation.hookimpl(wrapper=True)
    def emulation_register_functions(self) -> Any:
        return (yield from self._wrap("emulation_register_functions"))

    @emulation.hookimpl(wrapper=True)
    def emulation_read_population(self, path: Path) -> Any:
        return (yield from self._wrap("emulation_read_population"))

    @emulation.hookimpl(wrapper=True)
    def emulation_adapt_population(self, population: Population) -> Any:
        return (yield from self._wrap("emulation_adapt_population"))

    @emulation.hookimpl(wrapper=True)
    def emulation_observe_evaluation(self, evaluation: Evaluation) -> Any:
        return (yield from self._wrap("emulation_observe_evaluation"))

    @emulation.hookimpl(wrapper=True)
    def emulation_report_formats(self) -> Any:
        return (yield from self._wrap("emulation_report_formats"))

    @emulation.hookimpl(wrapper=True)
    def emulation_render(self, format: str) -> Any:
        return (yield from self._wrap("emulation_render"))


class OldStyleWrappers:
    """A ``hookwrapper=True`` implementation of every hook but the historic one."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def _wrap(self, name: str) -> Any:
        self.calls.append(name)
        outcome = yield
        outcome.get_result()  # an old-style wrapper sees the result (or the exception)

    @emulation.hookimpl(hookwrapper=True)
    def emulation_ruleset_paths(self) -> Any:
        yield from self._wrap("emulation_ruleset_paths")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_ruleset_suffixes(self) -> Any:
        yield from self._wrap("emulation_ruleset_suffixes")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_load_ruleset(self, path: Path) -> Any:
        yield from self._wrap("emulation_load_ruleset")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_register_functions(self) -> Any:
        yield from self._wrap("emulation_register_functions")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_read_population(self, path: Path) -> Any:
        yield from self._wrap("emulation_read_population")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_adapt_population(self, population: Population) -> Any:
        yield from self._wrap("emulation_adapt_population")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_observe_evaluation(self, evaluation: Evaluation) -> Any:
        yield from self._wrap("emulation_observe_evaluation")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_report_formats(self) -> Any:
        yield from self._wrap("emulation_report_formats")

    @emulation.hookimpl(hookwrapper=True)
    def emulation_render(self, format: str) -> Any:
        yield from self._wrap("emulation_render")


class MarkGood:
    """An adapter the wrappers wrap: every person is good."""

    @emulation.hookimpl
    def emulation_adapt_population(self, population: Population) -> Population:
        return attrs.evolve(population, facts=population.facts.with_columns(good=pl.lit(True)))


WRAPPABLE = sorted(
    name
    for name in dir(__import__("emulation.hookspecs", fromlist=["x"]))
    if name.startswith("emulation_") and name != "emulation_configure"
)


@pytest.mark.parametrize("style", [NewStyleWrappers, OldStyleWrappers])
def test_a_wrapper_on_every_hook_builds_evaluates_and_renders(tmp_path: Path, style: type) -> None:
    wrappers = style()
    extra = '[facts.good]\ntype = "bool"\nlabel = { vi = "Tốt", en = "Good" }\n'
    rules = write(tmp_path / "rules", "a.toml", ruleset_text("test.a", "award_a", "good", extra))
    people = {"format": "emulation.population/1", "subjects": [person("p1", {"good": False})]}
    data = write(tmp_path, "people.json", json.dumps(people))
    engine = emulation.build_engine(
        plugins=[MarkGood(), wrappers], entry_points=False, ruleset_paths=[rules.parent]
    )
    evaluation = engine.evaluate(engine.read_population(data), "2024")
    assert outcomes(evaluation) == {("p1", "award_a"): "granted"}
    assert json.loads(engine.render(evaluation, "json"))["decisions"][0]["outcome"] == "granted"
    assert engine.report_formats() == ["csv", "json", "table"]
    assert sorted(set(wrappers.calls)) == WRAPPABLE


def test_the_wrapped_hooks_are_every_hook_but_the_historic_one() -> None:
    for style in (NewStyleWrappers, OldStyleWrappers):
        assert sorted(n for n in vars(style) if n.startswith("emulation_")) == WRAPPABLE


class ConfigureWrapper:
    @emulation.hookimpl(wrapper=True)
    def emulation_configure(self) -> Any:
        return (yield)


def test_a_wrapper_on_the_historic_configure_hook_is_a_plugin_error() -> None:
    with pytest.raises(EmulationError, match="plugin error"):
        emulation.build_engine(plugins=[ConfigureWrapper()], entry_points=False)
