"""The docs stay in step with the code: hooks, public names, CLI options, examples, outputs."""

from __future__ import annotations

import ast
import doctest
import importlib.util
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import emulation
from emulation import hookspecs
from emulation.cases import load_case_file, run_case
from emulation.cli import _parser
from emulation.lang.checker import Checker
from emulation.lang.scope import Scope
from emulation.messages import CATALOGUE
from emulation.rules.loader import SUBJECT_FACTS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TESTS = Path(__file__).resolve().parent


def load_script(name: str) -> ModuleType:
    """A script of ``docs/`` (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hooks() -> list[str]:
    return sorted(
        name
        for name, value in vars(hookspecs).items()
        if name.startswith("emulation_") and hasattr(value, "emulation_spec")
    )


def page(relative: str) -> str:
    return (DOCS / relative).read_text(encoding="utf-8")


# -- hooks -------------------------------------------------------------------------------------


def test_hooks_page_is_generated_from_hookspecs() -> None:
    gen_hooks = load_script("gen_hooks")
    assert page("reference/hooks.md") == gen_hooks.render(), (
        "docs/reference/hooks.md is out of date: run python docs/gen_hooks.py"
    )


def test_hooks_page_groups_every_hook_under_its_phase() -> None:
    gen_hooks = load_script("gen_hooks")
    phases = [phase for phase, _ in gen_hooks.phases()]
    assert phases == ["configure", "load", "prepare data", "evaluate", "report"]
    grouped = sorted(hook.__name__ for _, members in gen_hooks.phases() for hook in members)
    assert grouped == hooks()


@pytest.mark.parametrize("name", hooks())
def test_every_hook_is_documented(name: str) -> None:
    hook = getattr(hookspecs, name)
    doc = inspect.getdoc(hook) or ""
    assert doc.strip(), f"{name} has no docstring"
    contract = re.search(r"\breturn|\bgathered\b|first non-none", doc, re.IGNORECASE)
    assert contract, f"the docstring of {name} does not state what to return"
    options = hook.emulation_spec
    if options["firstresult"]:
        assert "first non-none" in doc.lower(), f"{name} is firstresult: say so"
    if options["historic"]:
        assert "historic" in doc.lower(), f"{name} is historic: say so"
    assert f"### `{name}`" in page("reference/hooks.md")


@pytest.mark.parametrize("name", hooks())
def test_every_hook_is_exercised_by_a_test(name: str) -> None:
    files = [path for path in TESTS.rglob("test_*.py") if path.name != Path(__file__).name]
    assert any(name in path.read_text(encoding="utf-8") for path in files), (
        f"no test under tests/ mentions {name}"
    )


# -- the public API ----------------------------------------------------------------------------


def reexported_names() -> set[str]:
    """The names ``emulation/__init__.py`` re-exports: imported from its modules (for type
    checkers) and listed in its table of lazy imports."""
    tree = ast.parse(Path(emulation.__file__).read_text(encoding="utf-8"))
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("emulation")
        for alias in node.names
    }


def test_all_is_sorted_and_is_exactly_the_reexported_names() -> None:
    assert emulation.__all__ == sorted(emulation.__all__)
    assert len(set(emulation.__all__)) == len(emulation.__all__)
    assert set(emulation.__all__) == reexported_names()
    public = {
        name
        for name in dir(emulation)
        if not name.startswith("_")
        and not isinstance(getattr(emulation, name), ModuleType)
        and name not in ("TYPE_CHECKING", "Any", "annotations", "importlib")
    }
    assert public | {"__version__"} == set(emulation.__all__)
    assert set(emulation._HOMES) | {"__version__"} == set(emulation.__all__)


@pytest.mark.parametrize("name", emulation.__all__)
def test_every_public_name_is_in_the_python_api_page(name: str) -> None:
    assert re.search(rf"`{re.escape(name)}[`(]", page("reference/python-api.md")), (
        f"{name} is not described in docs/reference/python-api.md"
    )


def test_plugin_docs_name_every_argument_kind_and_context_member() -> None:
    from typing import get_args

    from emulation.functions import ArgumentKind, BuildContext

    members = [name for name in vars(BuildContext) if not name.startswith("_")]
    for relative in ("how-to/write-a-plugin.md", "reference/python-api.md"):
        text = page(relative)
        missing = [kind for kind in get_args(ArgumentKind) if f"`{kind}`" not in text]
        assert not missing, f"argument kinds missing from {relative}: {missing}"
    text = page("reference/python-api.md")
    assert not [m for m in members if f"`{m}" not in text], members


# -- the command line --------------------------------------------------------------------------


def subcommands() -> dict[str, list[str]]:
    """Each subcommand of ``emulation`` with its long options."""
    parser = _parser()
    [action] = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    choices: dict[str, object] = action.choices  # type: ignore[assignment]
    return {
        name: sorted(
            option
            for a in sub._actions  # type: ignore[attr-defined]
            for option in a.option_strings
            if option.startswith("--")
        )
        for name, sub in choices.items()
    }


def test_every_subcommand_and_option_is_in_the_cli_page() -> None:
    text = page("reference/cli.md")
    parser = _parser()
    top = [o for a in parser._actions for o in a.option_strings if o.startswith("--")]
    missing = [option for option in top if f"`{option}" not in text and option != "--help"]
    for name, options in subcommands().items():
        if f"## `emulation {name}`" not in text:
            missing.append(name)
        missing += [f"{name} {option}" for option in options if f"`{option}" not in text]
    assert "--help" in text
    assert not missing, f"not in docs/reference/cli.md: {missing}"


# -- pages that quote the code -----------------------------------------------------------------


def test_every_key_the_loader_accepts_is_in_the_ruleset_format_page() -> None:
    from emulation.rules import loader as _loader

    text = page("reference/ruleset-format.md")
    tables = {
        name: value
        for name, value in vars(_loader).items()
        if re.fullmatch(r"_[A-Z]+", name) and isinstance(value, (set, frozenset))
    }
    assert {"_TOP", "_META", "_FACT", "_PARAM", "_AWARD", "_RULE"} <= set(tables)
    forms = ("`{}`", ".{}]", "[{}.", "[{}]")
    missing = sorted(
        f"{table}: {key}"
        for table, keys in tables.items()
        for key in keys
        if not any(form.format(key) in text for form in forms)
    )
    assert not missing, f"not in docs/reference/ruleset-format.md: {missing}"


def test_every_key_of_the_json_output_is_in_the_file_formats_page() -> None:
    folder = DOCS / "tutorial"
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[folder / "my-rules"])
    population = emulation.Population.from_json((folder / "members.json").read_text("utf-8"))
    [decision, *_] = engine.evaluate(population, "2024").decisions(["m-02"])
    document = decision.to_dict("en")
    keys = set(document) | {key for c in document["criteria"] for key in c}
    keys |= {key for c in document["criteria"] if c.get("gap") for key in c["gap"]}
    text = page("reference/file-formats.md")
    assert not sorted(key for key in keys if f"`{key}`" not in text and f'"{key}"' not in text)


def test_reason_codes_page_lists_every_code_and_parameter() -> None:
    text = page("reference/reason-codes.md")
    which = text.split("## Which reasons a decision carries", 1)[1].split("\n## ", 1)[0]
    parameters = text.split("## Parameters", 1)[1]
    for code, (vi, en) in CATALOGUE.items():
        assert f"| `{code}` | {vi} | {en} |" in text, code
        assert f"`{code}`" in which, f"{code}: say when a decision carries it"
        for name in set(re.findall(r"{(\w+)}", vi + en)) - {"label"}:
            assert f"`{name}`" in parameters, f"{code}: parameter {name} is not described"


def installed_plugins() -> set[str]:
    """The plugins the ``emulation`` entry points bring (the built-in ones left out)."""
    names = emulation.build_engine().plugins.plugin_names()
    return {name for name in names if not name.startswith("emulation._builtins.")}


def state_plugin_installed() -> bool:
    return "state" in installed_plugins()


@pytest.mark.slow
def test_generated_parts_of_pages_are_current() -> None:
    if installed_plugins() != {"state"}:
        pytest.skip("the outputs in the docs are made with the state plugin alone installed")
    gen_pages = load_script("gen_pages")
    stale = [str(p.relative_to(ROOT)) for p in gen_pages.stale()]
    assert not stale, f"out of date, run python docs/gen_pages.py: {stale}"


DOCTEST_PAGES = sorted(
    str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md") if ">>> " in p.read_text("utf-8")
)


@pytest.mark.parametrize("relative", DOCTEST_PAGES)
def test_python_examples_in_pages_run(relative: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if "build_engine()" in (ROOT / relative).read_text("utf-8") and not state_plugin_installed():
        pytest.skip("the example uses the installed state plugin")
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "emulation_example", raising=False)
    result = doctest.testfile(
        str(ROOT / relative), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) of {relative} failed (see above)"


def table_after(text: str, mark: str) -> list[list[str]]:
    """The cells of the Markdown table that follows ``mark`` (header rows dropped)."""
    block = text.split(mark + "\n", 1)[1].split("\n\n", 1)[0]
    return [
        [cell.strip() for cell in row.strip().strip("|").split(" | ")]
        for row in block.splitlines()[2:]
    ]


@pytest.fixture(scope="module")
def example_scope() -> Scope:
    engine = emulation.build_engine(
        entry_points=False, ruleset_paths=[DOCS / "reference" / "examples"]
    )
    [ruleset] = engine.rulesets
    return Scope(
        facts={**SUBJECT_FACTS, **ruleset.facts},
        parameters=ruleset.parameters,
        functions=engine.functions,
        awards=frozenset(ruleset.awards),
    )


def test_valid_expressions_of_the_rule_language_page_check(example_scope: Scope) -> None:
    rows = table_after(page("reference/rule-language.md"), "<!-- checked: valid -->")
    assert len(rows) >= 10
    for expr, *_ in rows:
        checker = Checker(expr.strip("`"), example_scope)
        assert checker.check("bool") is not None, (expr, checker.errors)


def test_rejected_expressions_of_the_rule_language_page_say_what_it_says(
    example_scope: Scope,
) -> None:
    rows = table_after(page("reference/rule-language.md"), "<!-- checked: rejected -->")
    assert len(rows) >= 30
    for expr, message in rows:
        checker = Checker(expr.strip("`"), example_scope)
        assert checker.check("bool") is None
        found = [error.message for error in checker.errors]
        assert message.replace("\\_", "_") in found, (expr, found)


def test_the_tutorial_ruleset_passes_its_cases() -> None:
    folder = DOCS / "tutorial" / "my-rules"
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[folder])
    cases = load_case_file(folder / "union_member.cases.toml")
    assert len(cases) >= 5
    failures = [f for case in cases for f in run_case(engine, case).failures]
    assert not failures, failures


def test_the_broken_tutorial_ruleset_is_broken_as_the_tutorial_says() -> None:
    with pytest.raises(emulation.RulesetError) as caught:
        emulation.build_engine(entry_points=False, ruleset_paths=[DOCS / "tutorial" / "broken"])
    assert [p.location for p in caught.value.problems] == [
        "awards.dvcd_xuat_sac.criteria[0].expr",
        "awards.dvcd_xuat_sac.criteria[1].expr",
    ]


def test_the_member_shown_in_the_first_tutorial_is_the_example_data() -> None:
    import json

    text = page("tutorial/evaluate-the-example.md")
    shown = json.loads(
        text.split("Here is one member", 1)[1].split("```json\n", 1)[1].split("```")[0]
    )
    document = json.loads((ROOT / "examples" / "union.json").read_text(encoding="utf-8"))
    [actual] = [s for s in document["subjects"] if s["id"] == shown["id"]]
    assert {key: actual.get(key) for key in shown} == shown


LINK = re.compile(r"\]\((?!https?://|#)([^)#\s]+)(?:#[^)]*)?\)")


def test_relative_links_between_pages_resolve() -> None:
    broken = []
    for path in sorted(DOCS.rglob("*.md")):
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not broken, broken
