"""``emulation new plugin NAME``: a plugin package to start from, written whole or not at all.

The package holds one ruleset with one dated award (a title for persons, one criterion reading
one declared fact), a case file on both sides of that criterion, a README, a pytest test, a
``pyproject.toml`` built with hatchling like the bundled ``state`` plugin, and a copy of the
ruleset format's JSON Schema that the ruleset's ``#:schema`` line and ``.taplo.toml`` point
editors at. Every file is written
into a hidden temporary folder beside the target, forced to disk, and the folder is then renamed
to ``NAME``: the target is either absent or complete, and a failure leaves nothing behind.

The default ``effective_from`` is a fixed date, :data:`DEFAULT_EFFECTIVE_FROM`, not the first
day of the current year: the same command then writes the same files in any year, so the
scaffold, its documentation and its tests stay reproducible.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import keyword
import os
import re
import secrets
import shutil
from pathlib import Path
from string import Template

from emulation.errors import EmulationError

#: The first day of the scaffold's ruleset when ``--effective-from`` is not given.
DEFAULT_EFFECTIVE_FROM = "2025-01-01"

#: A plugin name: a lower-case Python identifier (it names the module ``emulation_NAME``).
NAME = re.compile(r"[a-z][a-z0-9_]*")

DEFAULT_LABEL_VI = "Danh hiệu thi đua mẫu (thay bằng danh hiệu thật)"
DEFAULT_LABEL_EN = "Example emulation title (replace with the real one)"

_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "emulation-$dist"
version = "0.1.0"
description = $description
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["emulation>=0.1"]

[project.optional-dependencies]
test = ["pytest>=7.4", "hypothesis>=6.90"]

# The engine finds the plugin through this entry point; "$name" is the plugin's name.
[project.entry-points.emulation]
$name = "emulation_$name"

# Hatchling puts every file under src/emulation_$name/ into the wheel, the rulesets included.
[tool.hatch.build.targets.wheel]
packages = ["src/emulation_$name"]

[tool.pytest.ini_options]
# tests/ holds the Python tests; the case files (*.cases.toml) beside the rulesets are collected
# by emulation's pytest plugin, which fails the run below this criterion coverage.
testpaths = ["tests", "src/emulation_$name/rulesets"]
emulation_min_coverage = 100
"""

_MODULE = '''\
"""The ``$name`` plugin: $organisation_text's emulation rules as TOML rulesets.

Registered through the ``emulation`` entry-point group under the name ``$name``; block it with
``EMULATION_DISABLE_PLUGINS=$name``.
"""

from __future__ import annotations

from pathlib import Path

import emulation

__all__ = ["RULESETS", "emulation_ruleset_paths"]

#: This plugin's rulesets (and their case files), inside the package so a wheel carries them.
RULESETS = Path(__file__).parent / "rulesets"


@emulation.hookimpl
def emulation_ruleset_paths() -> list[Path]:
    """This plugin's ruleset folder: every ``*.toml`` under ``rulesets/``."""
    return [RULESETS]
'''

#: Where the engine ships the JSON Schema of the ruleset format.
SCHEMA = Path(__file__).parent / "schemas" / "ruleset.schema.json"

_RULESET = """\
#:schema ../../../ruleset.schema.json
# The ruleset of the $name plugin, written by `emulation new plugin`: one award with one
# criterion, to be replaced with the organisation's real rules.
format = 1

[ruleset]
id = "$name.titles"
organisation = $organisation
version = "1.0.0"
effective_from = $effective_from
title = { vi = $label_vi, en = $label_en }

[facts.task_rating]
type = "enum"
values = ["weak", "fair", "good", "excellent"]
ordered = true
label = { vi = "Mức độ hoàn thành nhiệm vụ trong năm", en = "How well the person did their tasks in the year" }

[awards.${name}_title]
kind = "title"
subject = "person"
label = { vi = $label_vi, en = $label_en }

[[awards.${name}_title.criteria]]
id = "tasks"
expr = 'task_rating >= "good"'
label = { vi = "Hoàn thành tốt nhiệm vụ trở lên", en = "Did their tasks well or better" }
# TODO: replace this basis with the article and clause of the regulation this criterion comes
# from, then set certainty to what you know of it ("C" when the text says it plainly).
basis = "Chưa có căn cứ: thay bằng điều, khoản của văn bản quy định"
certainty = "U"
"""

_CASES = """\
# Cases for the ruleset $name.titles: one on each side of the criterion "tasks", so that
# `emulation test $name` reports 100 % criterion coverage. Add a case for every rule you add.
format = 1

[[case]]
name = "tasks done well earn the title"
period = "$year"
subject = { id = "a", facts = { task_rating = "good" } }
[[case.expect]]
award = "${name}_title"
outcome = "granted"
reasons = ["granted", "criterion_met:tasks"]

[[case]]
name = "tasks done fairly do not"
period = "$year"
subject = { id = "b", facts = { task_rating = "fair" } }
[[case.expect]]
award = "${name}_title"
outcome = "not_eligible"
reasons = ["criterion_failed:tasks"]
"""

_TEST = '''\
"""The plugin's own tests; the case files beside the rulesets run under pytest too."""

from __future__ import annotations

import emulation
import emulation_$name


def test_the_ruleset_loads() -> None:
    engine = emulation.build_engine(plugins=[emulation_$name], entry_points=False)
    assert [ruleset.id for ruleset in engine.rulesets] == ["$name.titles"]


def test_the_plugin_is_installed_under_its_name() -> None:
    engine = emulation.build_engine()
    assert "$name" in engine.plugins.plugin_names()
'''

_README = """\
# emulation-$dist

The `$name` plugin for the `emulation` engine: the emulation rules of $organisation_text as
TOML rulesets. It was written by `emulation new plugin $name` and holds one example award, to
be replaced with the real ones.

## Files

| file | what it is |
|---|---|
| `pyproject.toml` | the package: built with hatchling, depends on `emulation`, and declares the entry point `$name = "emulation_$name"` in the `emulation` group, through which the engine finds the plugin (`$name` is the plugin's name) |
| `src/emulation_$name/__init__.py` | the plugin module: its hook `emulation_ruleset_paths` hands the engine the `rulesets/` folder |
| `src/emulation_$name/rulesets/titles.toml` | the ruleset `$name.titles`, in force from $effective_from: a fact `task_rating`, and a title for persons with one criterion. Its `basis` is a placeholder with certainty `U`: replace it with the regulation's article |
| `src/emulation_$name/rulesets/titles.cases.toml` | case files: a person who meets the criterion and one who does not, so every rule is seen both true and false |
| `tests/test_plugin.py` | pytest tests: the ruleset loads, and the installed plugin is registered under its name |
| `ruleset.schema.json` | the JSON Schema of the ruleset format, copied from the `emulation` that wrote the package. The ruleset's first line, `#:schema ../../../ruleset.schema.json`, and `.taplo.toml` (for every ruleset you add) point TOML editors (Taplo, Even Better TOML) at it, so they complete and check keys as you type. After upgrading `emulation`, copy its `schemas/ruleset.schema.json` over it |
| `.taplo.toml` | gives the schema to every `*.toml` under `rulesets/` except the case files |

## Use it

```sh
pip install '.[test]'
emulation list
emulation test $name --min-coverage 100
python -m pytest
```

`emulation test $name` runs the case files and the engine's properties and reports criterion
coverage; `python -m pytest` runs `tests/` and, through emulation's pytest plugin, the case files.
Before installing, name the folder instead: `emulation test src/emulation_$name/rulesets` (not
the package's root folder, whose `pyproject.toml` is not a ruleset).
"""


_TAPLO = """\
# Taplo and Even Better TOML: check every ruleset against the ruleset format's JSON Schema
# (the case files are not rulesets).
[[rule]]
include = ["src/emulation_$name/rulesets/**/*.toml"]
exclude = ["**/*.cases.toml"]

[rule.schema]
path = "ruleset.schema.json"
"""


def check_name(name: str) -> None:
    """Refuse a name that cannot name the plugin and its module ``emulation_NAME``."""
    if not NAME.fullmatch(name) or keyword.iskeyword(name):
        raise EmulationError(
            f"{name!r} is not a valid plugin name: use lower-case letters, digits and "
            "underscores, starting with a letter (e.g. hoi_nong_dan)"
        )


def render(
    name: str,
    *,
    organisation: str | None = None,
    label_vi: str = DEFAULT_LABEL_VI,
    label_en: str = DEFAULT_LABEL_EN,
    effective_from: str = DEFAULT_EFFECTIVE_FROM,
) -> dict[str, str]:
    """The scaffold's files, by path relative to its folder."""
    check_name(name)
    try:
        day = dt.date.fromisoformat(effective_from)
    except ValueError:
        raise EmulationError(
            f"--effective-from expects an ISO date such as 2025-01-01, got {effective_from!r}"
        ) from None
    organisation = organisation or name
    for option, value in (
        ("--organisation", organisation),
        ("--label-vi", label_vi),
        ("--label-en", label_en),
    ):
        if not value.strip() or any(c in value for c in "\r\n"):
            raise EmulationError(f"{option} expects one non-empty line of text")
    values = {
        "name": name,
        "dist": name.replace("_", "-"),
        "organisation": _toml(organisation),
        "organisation_text": organisation.replace("`", "'"),
        "label_vi": _toml(label_vi),
        "label_en": _toml(label_en),
        "effective_from": day.isoformat(),
        "year": str(day.year),
        "description": _toml(f"Emulation rules of {organisation} for the emulation engine"),
    }
    package = f"src/emulation_{name}"
    templates = {
        "pyproject.toml": _PYPROJECT,
        "README.md": _README,
        f"{package}/__init__.py": _MODULE,
        f"{package}/rulesets/titles.toml": _RULESET,
        f"{package}/rulesets/titles.cases.toml": _CASES,
        "tests/test_plugin.py": _TEST,
        ".taplo.toml": _TAPLO,
    }
    files = {path: Template(text).substitute(values) for path, text in templates.items()}
    files["ruleset.schema.json"] = SCHEMA.read_text(encoding="utf-8")
    return files


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def create(
    name: str,
    into: Path = Path("."),
    *,
    organisation: str | None = None,
    label_vi: str = DEFAULT_LABEL_VI,
    label_en: str = DEFAULT_LABEL_EN,
    effective_from: str = DEFAULT_EFFECTIVE_FROM,
) -> Path:
    """Write the scaffold of plugin ``name`` to ``into/name``; returns that folder.

    Refuses (:class:`EmulationError`) a bad name or option, a missing ``into`` and an existing
    target. Writes atomically: see the module docs.
    """
    files = render(
        name,
        organisation=organisation,
        label_vi=label_vi,
        label_en=label_en,
        effective_from=effective_from,
    )
    target = into / name
    if not into.is_dir():
        raise EmulationError(f"{into}: no such folder")
    if target.exists() or target.is_symlink():
        raise EmulationError(f"{target}: already exists; choose another name or --into folder")
    temporary = into / f".{name}.emulation-tmp-{os.getpid()}-{secrets.token_hex(4)}"
    os.mkdir(temporary)
    try:
        for relative, text in files.items():
            path = temporary / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
        # checked again just before the rename, which would replace an empty folder
        if target.exists() or target.is_symlink():
            raise EmulationError(f"{target}: already exists; choose another name or --into folder")
        os.rename(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    _sync(into)
    return target


def _sync(folder: Path) -> None:
    """Force the rename to disk where the platform can sync a folder."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
