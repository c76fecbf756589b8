"""The hostile-ruleset corpus, and the mutation families generated from the bundled rulesets.

Every case goes through the real loader: the hand-written cases of ``rulesets/corpus.toml``
through ``build_engine`` (a sample also through ``emulation check``), the generated mutations
of ``rulesets/state/*.toml`` through ``load_ruleset``. Each must end in our own error naming
the expected code and location (or load, where the case says so): any other exception is a
traceback a user would have seen, and fails the test.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emulation
from emulation import RulesetError
from emulation.cli import main
from emulation.errors import Problem
from emulation.rules.loader import load_ruleset
from emulation.rules.model import Ruleset
from emulation.rules.toml import parse_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent / "rulesets"
STATE = Path(__file__).resolve().parents[2] / "rulesets" / "state"
CASES: list[dict[str, Any]] = tomllib.loads((HERE / "corpus.toml").read_text("utf-8"))["case"]
STATE_FILES = sorted(p for p in STATE.glob("*.toml") if not p.name.endswith(".cases.toml"))

#: The longest message a problem may carry, whatever the size of the value it quotes.
MAX_MESSAGE = 600


# -- the hand-written corpus ---------------------------------------------------------------------


def build_case(case: dict[str, Any], folder: Path) -> Path:
    """Write the case's files into ``folder``; the path to hand to the loader."""
    files = case.get("files", {"r.toml": "minimal.toml"})
    for name, source in files.items():
        origin = STATE / source.split("/", 1)[1] if source.startswith("state/") else HERE / source
        shutil.copy(origin, folder / name)
    for edit in case.get("edits", []):
        target = folder / edit["file"]
        text = target.read_text("utf-8")
        if "append" in edit:
            text += edit["append"]
        else:
            assert edit["replace"] in text, f"{case['name']}: {edit['replace']!r} not found"
            text = text.replace(edit["replace"], edit["with"], 1)
        target.write_bytes(text.encode("utf-8"))
    generate = case.get("generate")
    if generate:
        target = folder / generate["file"]
        if generate["shape"] == "absent":
            return target
        base = (HERE / "minimal.toml").read_text("utf-8")
        target.write_bytes(SHAPES[generate["shape"]](base, generate))
    return folder


SHAPES: dict[str, Callable[[str, dict[str, Any]], bytes]] = {
    "nested_arrays": lambda base, g: (
        "deep = " + "[" * g["depth"] + "]" * g["depth"] + "\n" + base
    ).encode(),
    "nested_inline_tables": lambda base, g: (
        "deep = " + "{ x = " * g["depth"] + "1" + " }" * g["depth"] + "\n" + base
    ).encode(),
    "nested_header": lambda base, g: (base + "\n[" + ".".join(["x"] * g["depth"]) + "]\n").encode(),
    "nested_dotted_key": lambda base, g: (".".join(["x"] * g["depth"]) + " = 1\n" + base).encode(),
    "padded": lambda base, g: (base + "#" + "x" * g["bytes"] + "\n").encode(),
    "long_comment": lambda base, g: (base + "# " + "x" * g["characters"] + "\n").encode(),
    "long_value": lambda base, g: ('long = "' + "x" * g["characters"] + '"\n' + base).encode(),
    "long_id": lambda base, g: base.replace(
        'id = "corpus.minimal"', 'id = "' + "a" * g["characters"] + '"'
    ).encode(),
    "many_values": lambda base, g: base.replace(
        'values = ["HT", "HTT"]',
        "values = " + json.dumps(["HT", "HTT", *(f"v{i}" for i in range(g["count"]))]),
    ).encode(),
    "many_equal_values": lambda base, g: base.replace(
        'values = ["HT", "HTT"]', "values = " + json.dumps(["HT", "HTT", *["HT"] * g["count"]])
    ).encode(),
    "many_unknown_keys": lambda base, g: (
        "".join(f"u{i} = 1\n" for i in range(g["count"])) + base
    ).encode(),
    "huge_integer": lambda base, g: ("huge = " + "9" * g["digits"] + "\n" + base).encode(),
    "huge_hex": lambda base, g: ("huge = 0x" + "f" * g["digits"] + "\n" + base).encode(),
    "latin1": lambda base, g: base.replace("format = 1\n", "format = 1\n# café\n", 1).encode(
        "latin-1", errors="replace"
    ),
    "utf16": lambda base, g: base.encode("utf-16"),
    "empty": lambda base, g: b"",
    "without_awards": lambda base, g: base[: base.index("[awards.a]")].encode(),
}


def problems_of(case: dict[str, Any], path: Path) -> tuple[Ruleset | None, list[Problem], float]:
    """The rulesets' problems (or warnings, when the load succeeds) and the time taken."""
    start = time.perf_counter()
    try:
        engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    except RulesetError as error:
        return None, list(error.problems), time.perf_counter() - start
    return engine.rulesets[0], list(engine.warnings), time.perf_counter() - start


def matches(problem: Problem, expect: dict[str, Any], folder: Path) -> bool:
    return (
        problem.code == expect["code"]
        and problem.file == str(folder / expect.get("file", "r.toml"))
        and problem.location == expect["location"]
        and ("line" not in expect or problem.line == expect["line"])
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus_case(case: dict[str, Any], tmp_path: Path) -> None:
    path = build_case(case, tmp_path)
    ruleset, found, seconds = problems_of(case, path)
    expect = case["expect"]
    # a guard against a hostile ruleset that hangs the loader (each loads in a fraction of a
    # second), not a speed target: speed is measured in benchmarks/
    assert seconds < 10, f"{case['name']}: {seconds:.1f} s"
    for problem in found:
        assert problem.code, f"a problem without a code: {problem}"
        assert len(problem.message) < MAX_MESSAGE, problem.message[:200]
    if expect == "ok":
        assert ruleset is not None, found
        assert not found, found
        return
    assert (ruleset is not None) == expect.get("warning", False), [str(p) for p in found]
    assert any(matches(p, expect, tmp_path) for p in found), [
        (p.code, p.location, p.line, p.file) for p in found
    ]


CLI_CASES = [c for c in CASES if c.get("cli")]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c["name"] for c in CLI_CASES])
def test_corpus_case_through_check(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build_case(case, tmp_path)
    status = main(["check", str(path)])
    out, err = capsys.readouterr()
    expect = case["expect"]
    lines = err.splitlines()
    assert lines, err
    assert all(line.startswith("emulation: ") for line in lines), err
    where = str(tmp_path / expect.get("file", "r.toml"))
    wanted = [
        line
        for line in lines
        if line.startswith(f"emulation: {'warning: ' * bool(expect.get('warning'))}{where}")
    ]
    assert wanted, err
    if expect["location"]:
        assert any(f": {expect['location']}" in line for line in wanted), err
    if expect.get("warning"):
        assert status == 0
        assert out.startswith("ok: ")
    else:
        assert status == 1
        assert out == ""


def test_every_problem_code_is_documented_and_exercised() -> None:
    """The codes the loader and the catalogue give are those the format page lists, and the
    corpus exercises each of them."""
    source = "\n".join(
        p.read_text("utf-8")
        for p in (STATE.parents[1] / "src" / "emulation" / "rules").rglob("*.py")
    )
    given_codes = set(re.findall(r'code="([a-z_]+)"', source))
    page = (STATE.parents[1] / "docs" / "reference" / "ruleset-format.md").read_text("utf-8")
    table = page.split("### Problem codes", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert given_codes <= documented, given_codes - documented
    exercised = {c["expect"]["code"] for c in CASES if isinstance(c["expect"], dict)}
    assert documented - exercised <= {"unreadable", "no_loader"}, documented - exercised


# -- mutation families generated from the bundled rulesets -------------------------------------

#: One value of each TOML type, to put where another type is expected.
VALUES_OF_EACH_TYPE: dict[str, Any] = {
    "text": "text",
    "integer": 7,
    "float": 1.5,
    "boolean": True,
    "date": dt.date(2024, 1, 1),
    "date-time": dt.datetime(2024, 1, 1, 8, 30),
    "time": dt.time(8, 30),
    "array": ["x"],
    "table": {"x": 1},
}

_TEXT, _INT, _BOOL, _DATE = {"text"}, {"integer"}, {"boolean"}, {"date"}
_ARRAY, _TABLE, _DECIMAL = {"array"}, {"table"}, {"text", "integer"}

#: The TOML types each key of the format accepts, by path pattern (names of facts,
#: parameters, services, awards and weights as ``*``, array indices as ``[]``); the types of
#: a value or a default follow the declared type (:func:`accepted`).
ACCEPTS: dict[str, set[str]] = {
    "format": _INT,
    "ruleset": _TABLE,
    "ruleset.id": _TEXT,
    "ruleset.organisation": _TEXT,
    "ruleset.version": _TEXT,
    "ruleset.effective_from": _DATE,
    "ruleset.effective_to": _DATE,
    "ruleset.references": _ARRAY,
    "ruleset.references[]": _TABLE,
    "ruleset.references[].id": _TEXT,
    "ruleset.references[].document": _TEXT,
    "ruleset.references[].url": _TEXT,
    "facts": _TABLE,
    "facts.*": _TABLE,
    "facts.*.type": _TEXT,
    "facts.*.values": _ARRAY,
    "facts.*.values[]": _TEXT,
    "facts.*.ordered": _BOOL,
    "facts.*.unit": _TEXT,
    "facts.*.minimum": _DECIMAL,
    "facts.*.maximum": _DECIMAL,
    "facts.*.better": _TEXT,
    "parameters": _TABLE,
    "parameters.*": _TABLE,
    "parameters.*.type": _TEXT,
    "parameters.*.basis": _TEXT,
    "parameters.*.certainty": _TEXT,
    "parameters.*.confirmed": _BOOL,
    "parameters.*.unit": _TEXT,
    "parameters.*.values": _ARRAY,
    "parameters.*.values[]": _TABLE,
    "parameters.*.values[].from": _DATE,
    "service": _TABLE,
    "service.*": _TABLE,
    "service.*.weights": _TABLE,
    "service.*.weights.*": _DECIMAL,
    "service.*.exclude_discipline": _BOOL,
    "service.*.basis": _TEXT,
    "service.*.certainty": _TEXT,
    "awards": _TABLE,
    "awards.*": _TABLE,
    "awards.*.kind": _TEXT,
    "awards.*.subject": _TEXT,
    "awards.*.frequency": _TEXT,
    "awards.*.history_type": _TEXT,
    "awards.*.basis": _TEXT,
    "awards.*.certainty": _TEXT,
    "awards.*.quota": _TABLE | _ARRAY,  # one table, or an array of tables applied in order
    "awards.*.quota.per": _TEXT,
    "awards.*.quota.rounding": _TEXT,
    "awards.*.quota.of": _TEXT,
    "awards.*.quota.ratio": _DECIMAL,
    "awards.*.quota.count": _INT | _TEXT,  # a whole number, or an int parameter's name
    "awards.*.quota.enabled": _BOOL | _TEXT,
    "awards.*.quota.rank": _ARRAY,
    "awards.*.quota.rank[]": _TABLE,
    "awards.*.quota.rank[].expr": _TEXT,
    "awards.*.quota.rank[].order": _TEXT,
    "awards.*.quota.ties": _TEXT,
    "awards.*.quota.rank_scope": _TEXT,
    "awards.*.quota.basis": _TEXT,
    "awards.*.quota.certainty": _TEXT,
    "awards.*.bonus": _TABLE,
    "awards.*.bonus.coefficient": _DECIMAL,
    "awards.*.bonus.base": _TEXT,
    "awards.*.bonus.round_up_to": _INT | _TEXT,
    "awards.*.bonus.basis": _TEXT,
    "awards.*.bonus.certainty": _TEXT,
    "awards.*.consumes": _TABLE,
    "awards.*.consumes.kinds": _ARRAY,
    "awards.*.consumes.kinds[]": _TEXT,
    "awards.*.consumes.min_scope": _TEXT,
    "awards.*.consumes.window": _INT,
    "awards.*.consumes.count": _INT,
    "awards.*.consumes.unless": _TEXT,
    "awards.*.consumes.basis": _TEXT,
    "awards.*.consumes.certainty": _TEXT,
    **{f"awards.*.{section}": _ARRAY for section in ("criteria", "exclusions", "blocking")},
    **{f"awards.*.{section}[]": _TABLE for section in ("criteria", "exclusions", "blocking")},
    **{
        f"awards.*.{section}[].{key}": _TEXT
        for section in ("criteria", "exclusions", "blocking")
        for key in ("id", "expr", "basis", "certainty")
    },
    "awards.*.paths": _ARRAY,
    "awards.*.paths[]": _TABLE,
    **{f"awards.*.paths[].{key}": _TEXT for key in ("id", "basis", "certainty")},
    "awards.*.paths[].criteria": _ARRAY,
    "awards.*.paths[].criteria[]": _TABLE,
    **{f"awards.*.paths[].criteria[].{key}": _TEXT for key in ("id", "expr", "basis", "certainty")},
}

#: The types a value of each declared type is written as.
WRITTEN_AS = {"bool": _BOOL, "int": _INT, "decimal": _DECIMAL, "text": _TEXT, "enum": _TEXT}

_NAMED = re.compile(r"^(facts|parameters|service|awards)\.[^.\[]+")


def pattern_of(path: str) -> str:
    """``awards.ldtt.criteria[1].expr`` → ``awards.*.criteria[].expr``."""
    pattern = _NAMED.sub(lambda m: m.group(1) + ".*", path)
    pattern = re.sub(r"\.weights\.[^.\[]+", ".weights.*", pattern)
    return re.sub(r"\[\d+\]", "[]", pattern)


def accepted(document: dict[str, Any], path: str) -> set[str] | None:
    """The TOML types accepted at ``path`` of ``document``; None for a path this family does
    not mutate."""
    pattern = pattern_of(path)
    if pattern.endswith((".label", ".title")):
        return _TABLE
    if pattern.endswith((".label.vi", ".label.en", ".title.vi", ".title.en")):
        return _TEXT
    if pattern in ("facts.*.default", "parameters.*.values[].value"):
        section, name = path.split(".")[:2]
        return WRITTEN_AS[document[section][name]["type"]]
    return ACCEPTS.get(pattern)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every ``(TOML path, value)`` of a parsed document, tables and arrays included."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            yield where, item
            yield from walk(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            yield where, item
            yield from walk(item, where)


def _steps(path: str) -> list[str | int]:
    return [
        int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"[^.\[\]]+|\[\d+\]", path)
    ]


def _changed(node: Any, steps: list[str | int], change: Callable[[Any, Any], None]) -> Any:
    """A copy of ``node`` with ``change(container, last step)`` made at the end of ``steps``;
    only the containers along the path are copied (the rest is shared, never changed)."""
    copied = dict(node) if isinstance(node, dict) else list(node)
    if len(steps) == 1:
        change(copied, steps[0])
    else:
        copied[steps[0]] = _changed(node[steps[0]], steps[1:], change)  # type: ignore[index]
    return copied


def replaced(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    def put(container: Any, key: Any) -> None:
        container[key] = value

    result: dict[str, Any] = _changed(document, _steps(path), put)
    return result


def deleted(document: dict[str, Any], path: str) -> dict[str, Any]:
    def remove(container: Any, key: Any) -> None:
        del container[key]

    result: dict[str, Any] = _changed(document, _steps(path), remove)
    return result


def load(document: dict[str, Any], source: Path, functions: Any) -> list[Problem]:
    """The problems of loading ``document`` as if read from ``source``; none when it loads."""
    try:
        load_ruleset(document, RAW[source], str(source), functions)
    except RulesetError as error:
        return list(error.problems)
    return []


RAW = {file: file.read_bytes() for file in STATE_FILES}
DOCUMENTS = {file: tomllib.loads(raw.decode("utf-8")) for file, raw in RAW.items()}


def first_of_each_pattern(
    mutations: list[tuple[Path, str, str]], exhaustive: bool
) -> list[tuple[Path, str, str]]:
    """All ``mutations``, or (the default run) the first of each path pattern, the kinds of
    value taking turns across patterns so that every kind is tried."""
    if exhaustive:
        return mutations
    chosen: dict[str, list[tuple[Path, str, str]]] = {}
    for mutation in mutations:
        chosen.setdefault(pattern_of(mutation[1]), []).append(mutation)
    picked = []
    for turn, candidates in enumerate(chosen.values()):
        kinds = sorted({kind for _, _, kind in candidates})
        kind = kinds[turn % len(kinds)]
        picked.append(next(m for m in candidates if m[2] == kind))
    return picked


def wrong_types(exhaustive: bool) -> list[tuple[Path, str, str]]:
    """``(file, path, type name)``: every path of every bundled ruleset with every TOML type
    it does not accept (the default run: one of each path pattern)."""
    found = []
    for file, document in DOCUMENTS.items():
        for path, _ in walk(document):
            kinds = accepted(document, path)
            if kinds is not None:
                found.extend(
                    (file, path, kind) for kind in VALUES_OF_EACH_TYPE if kind not in kinds
                )
    return first_of_each_pattern(found, exhaustive)


#: Keys that may be left out (the loader's defaults apply).
OPTIONAL = {
    "effective_to",
    "references",
    "url",
    "facts",
    "parameters",
    "service",
    "ordered",
    "unit",
    "default",
    "minimum",
    "maximum",
    "better",
    "confirmed",
    "exclude_discipline",
    "frequency",
    "exclusions",
    "blocking",
    "quota",
    "bonus",
    "consumes",
    "rounding",
    "of",
    "enabled",
    "rank",
    "order",
    "round_up_to",
    "min_scope",
    "window",
    "unless",
    "ties",
    "rank_scope",
    "paths",
    "history_type",
}


def required_keys(exhaustive: bool) -> list[tuple[Path, str, str]]:
    """``(file, path, "")`` for every key of a fixed table that may not be left out."""
    found = []
    for file, document in DOCUMENTS.items():
        for path, _ in walk(document):
            key = re.split(r"[.\[]", path)[-1]
            if path.endswith("]") or re.match(r"^(facts|parameters|service|awards)\.[^.]+$", path):
                continue  # array items and named tables are not keys of a fixed table
            if re.search(r"\.weights\.[^.]+$", path):
                continue
            optional = key in OPTIONAL
            if re.match(r"^ruleset\.references\[\d+\]\.title$", path):
                optional = True
            if re.match(r"^awards\.[^.]+\.(basis|certainty)$", path):
                optional = document["awards"][path.split(".")[1]].get("frequency") != "once"
            if re.match(r"^awards\.[^.]+\.consumes\.count$", path):
                optional = True
            if re.match(r"^awards\.[^.]+\.criteria$", path):  # an award with paths needs none
                optional = "paths" in document["awards"][path.split(".")[1]]
            if not optional:
                found.append((file, path, ""))
    return first_of_each_pattern(found, exhaustive)


def fixed_tables(exhaustive: bool) -> list[tuple[Path, str, str]]:
    """``(file, path, "")`` for every table of a fixed set of keys (not one keyed by names)."""
    found = [
        (file, path, "")
        for file, document in DOCUMENTS.items()
        for path, value in walk(document)
        if isinstance(value, dict)
        and not re.match(r"^(facts|parameters|service|awards)$", path)
        and not path.endswith(".weights")
    ]
    return first_of_each_pattern(found, exhaustive)


def wrong_type_problems(file: Path, path: str, kind: str, functions: Any) -> str | None:
    """What is wrong with the loader's answer to ``kind`` at ``path``, or None."""
    found = load(replaced(DOCUMENTS[file], path, VALUES_OF_EACH_TYPE[kind]), file, functions)
    if any(p.code == "wrong_type" and p.location == path for p in found):
        return None
    return f"{file.name}: {path} = <{kind}>: {[(p.code, p.location) for p in found]}"


def missing_key_problems(file: Path, path: str, _: str, functions: Any) -> str | None:
    found = load(deleted(DOCUMENTS[file], path), file, functions)
    where = path.rsplit(".", 1)[0] if re.search(r"\.quota\.(ratio|count)$", path) else path
    if any(p.code == "missing_key" and p.location == where for p in found):
        return None
    # a path without its criteria is refused as an empty path, at the same place
    if re.search(r"\.paths\[\d+\]\.criteria$", path) and any(
        p.code == "empty_path" and p.location == path for p in found
    ):
        return None
    return f"{file.name}: without {path}: {[(p.code, p.location) for p in found]}"


def unknown_key_problems(file: Path, path: str, _: str, functions: Any) -> str | None:
    found = load(replaced(DOCUMENTS[file], f"{path}.colour", "blue"), file, functions)
    if any(p.code == "unknown_key" and p.location == f"{path}.colour" for p in found):
        return None
    return f"{file.name}: {path}.colour: {[(p.code, p.location) for p in found]}"


FAMILIES = {
    "wrong type": (wrong_types, wrong_type_problems),
    "missing required key": (required_keys, missing_key_problems),
    "unknown key": (fixed_tables, unknown_key_problems),
}


def run_family(name: str, exhaustive: bool, functions: Any) -> int:
    """Run one mutation family; fails listing every mutation answered wrongly."""
    mutations, check = FAMILIES[name]
    chosen = mutations(exhaustive)
    wrong = [w for m in chosen if (w := check(*m, functions)) is not None]
    assert not wrong, f"{len(wrong)} of {len(chosen)}:\n" + "\n".join(wrong[:40])
    return len(chosen)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_mutation_family(family: str, state_engine: emulation.Engine) -> None:
    """One mutation of each path pattern of the bundled rulesets (the slow test does all)."""
    assert run_family(family, exhaustive=False, functions=state_engine.functions) > 20


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_mutation_family_at_every_path(family: str, state_engine: emulation.Engine) -> None:
    assert run_family(family, exhaustive=True, functions=state_engine.functions) > 300


def test_every_key_of_the_bundled_rulesets_has_a_known_type() -> None:
    """The wrong-type family reaches every key: a key the table above does not know fails."""
    unknown = {
        pattern_of(path)
        for document in DOCUMENTS.values()
        for path, _ in walk(document)
        if accepted(document, path) is None
    }
    assert not unknown, unknown


def test_a_duplicate_rule_id_is_named_in_every_award(state_engine: emulation.Engine) -> None:
    for file, document in DOCUMENTS.items():
        for award_id in document["awards"]:
            mutated = copy.deepcopy(document)
            award = mutated["awards"][award_id]
            # an award made of paths alone repeats a rule of its first path
            at = f"awards.{award_id}" + ("" if "criteria" in award else ".paths[0]")
            criteria = (award if "criteria" in award else award["paths"][0])["criteria"]
            criteria.append(copy.deepcopy(criteria[0]))
            found = load(mutated, file, state_engine.functions)
            where = f"{at}.criteria[{len(criteria) - 1}].id"
            assert any(p.code == "duplicate_id" and p.location == where for p in found), (
                f"{file.name}: {where}: {[(p.code, p.location) for p in found]}"
            )


# -- the property: the loader builds a model or raises our error, never anything else --------


def to_toml(document: dict[str, Any]) -> str:
    """A TOML text of ``document``: one line per top-level key, every table inline."""
    return "".join(f"{json.dumps(key)} = {_inline(value)}\n" for key, value in document.items())


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if value != value else repr(value).replace("inf", "inf")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_inline(v)}" for k, v in value.items()) + "}"


_KEYS = sorted({key for pattern in ACCEPTS for key in re.findall(r"[a-z_]+", pattern)})

toml_scalars = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    st.sampled_from(["HTT", "0.5", "1e40", "NaN", "title", "person", "unit", "C", "R", "bool"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
corruptions = st.lists(
    st.tuples(st.floats(0, 1), st.sampled_from([*list("[]{}=\"'\n.,#\\"), "[[", "]]", "\x00"])),
    max_size=3,
)


def nodes(value: Any, steps: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every ``(steps, value)`` below ``value``: keys and indices, whatever the keys hold."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        yield (*steps, key), item
        if isinstance(item, dict | list):
            yield from nodes(item, (*steps, key))


def mutate(data: st.DataObject, document: dict[str, Any]) -> dict[str, Any]:
    """A few random replacements, deletions and additions at random places of ``document``."""
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        places = list(nodes(document))
        tables = [()] + [steps for steps, value in places if isinstance(value, dict)]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        if action == "add":
            table = data.draw(st.sampled_from(tables), label="table")
            key = data.draw(st.sampled_from(_KEYS) | st.text(min_size=1, max_size=8), label="key")
            value = data.draw(toml_values, label="value")
            document = _changed(document, [*table, key], lambda c, k, v=value: c.__setitem__(k, v))
        elif places:
            steps = list(data.draw(st.sampled_from([s for s, _ in places]), label="place"))
            if action == "delete":
                document = _changed(document, steps, lambda c, k: c.__delitem__(k))
            else:
                value = data.draw(toml_values, label="value")
                document = _changed(document, steps, lambda c, k, v=value: c.__setitem__(k, v))
    return document


def loads_or_refuses(text: bytes, source: str, functions: Any) -> None:
    try:
        load_ruleset(parse_toml(text, source), text, source, functions)
    except RulesetError as error:
        for problem in error.problems:
            assert problem.code, problem
            assert len(problem.message) < MAX_MESSAGE, problem.message[:200]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), which=st.sampled_from(STATE_FILES), corrupt=corruptions)
def test_the_loader_builds_a_model_or_raises_our_error(
    data: st.DataObject,
    which: Path,
    corrupt: list[tuple[float, str]],
    state_engine: emulation.Engine,
) -> None:
    text = to_toml(mutate(data, DOCUMENTS[which]))
    for where, fragment in corrupt:
        at = int(where * len(text))
        text = text[:at] + fragment + text[at:]
    loads_or_refuses(text.encode("utf-8"), str(which), state_engine.functions)


def test_the_serialised_bundled_rulesets_load(state_engine: emulation.Engine) -> None:
    """The property's TOML writer is faithful: an unmutated document loads."""
    for file, document in DOCUMENTS.items():
        text = to_toml(document).encode("utf-8")
        ruleset = load_ruleset(parse_toml(text, str(file)), text, str(file), state_engine.functions)
        assert ruleset.awards
