"""Refresh the parts of the docs that come from the code: command outputs, files, tables.

Three kinds of marks, each an HTML comment that Markdown does not show:

``<!-- run: COMMAND -->`` followed by a fenced ``console`` block
    The block becomes the transcript of ``COMMAND``, an ``emulation`` command run in-process
    through :func:`emulation.cli.main` from the repository root (``<!-- run in DIR: … -->``
    runs it from ``DIR``), with the installed plugins, in a terminal of :data:`COLUMNS` cells. ``| head -n N`` and ``| tail -n N`` may
    follow; a non-zero exit status is shown as a last line ``[exit status N]``.

``<!-- file: PATH -->`` followed by a fenced block of any language
    The block becomes the text of the repository file ``PATH``, so a page shows exactly the
    files its commands run.

``<!-- generated: NAME -->`` … ``<!-- end generated -->``
    The lines between become the table ``NAME`` rendered from the code: ``functions`` (the
    built-in rule-language functions), ``reason-codes`` and ``outcomes``.

    python docs/gen_pages.py           # rewrite every page under docs/ that has marks
    python docs/gen_pages.py --check   # list stale pages and exit 1

And whole pages: ``docs/catalogue/<plugin>.md``, the catalogue of the rules of each plugin
bundled under ``plugins/`` (what ``emulation catalogue <plugin>`` prints).

``tests/test_docs.py`` fails when a page is stale.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from emulation import build_engine, cli
from emulation._plugins import BLOCK_VARIABLE, DEFAULT_PLUGINS
from emulation.functions import FunctionSpec
from emulation.messages import CATALOGUE, OUTCOME_LABELS

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

RUN = re.compile(
    r"(?P<head><!-- run(?: in (?P<cwd>\S+))?: (?P<command>.+?) -->\n```console\n)"
    r"(?P<body>.*?)(?P<tail>^```$)",
    re.DOTALL | re.MULTILINE,
)
FILE = re.compile(
    r"(?P<head><!-- file: (?P<path>\S+) -->\n```[a-z]*\n)(?P<body>.*?)(?P<tail>^```$)",
    re.DOTALL | re.MULTILINE,
)
GENERATED = re.compile(
    r"(?P<head><!-- generated: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(?P<tail>^<!-- end generated -->$)",
    re.DOTALL | re.MULTILINE,
)
MARKS = ("<!-- run", "<!-- file: ", "<!-- generated: ")
#: The terminal width the commands run in (``COLUMNS``): the summary view of ``evaluate`` and
#: argparse's usage lines fit it.
COLUMNS = "80"
_PIPE = re.compile(r"^(?P<which>head|tail) -n (?P<count>\d+)$")
_ROLE = re.compile(r":(?:data|func|class|meth|mod|attr|exc):`~?([^`]+)`")


# -- commands ----------------------------------------------------------------------------------


def run(command: str, cwd: str | None = None) -> str:
    """The console transcript of ``command``: the prompt line, then stdout and stderr."""
    main, *pipes = (part.strip() for part in command.split("|"))
    argv = shlex.split(main)
    if argv[0] != "emulation":
        raise ValueError(f"only emulation commands can be run, not {command!r}")
    buffer = io.StringIO()
    with (
        _state_plugin_alone(),
        _environ("COLUMNS", COLUMNS),
        _cwd(ROOT / cwd if cwd else ROOT),
        contextlib.redirect_stdout(buffer),
        contextlib.redirect_stderr(buffer),
    ):
        try:
            status = cli.main(argv[1:])
        except SystemExit as stop:  # argparse usage errors and --version
            status = stop.code if isinstance(stop.code, int) else 1
    lines = buffer.getvalue().splitlines()
    for pipe in pipes:
        match = _PIPE.match(pipe)
        if match is None:
            raise ValueError(f"unsupported pipe {pipe!r} in {command!r}")
        count = int(match.group("count"))
        lines = lines[:count] if match.group("which") == "head" else lines[-count:]
    if status:
        lines.append(f"[exit status {status}]")
    return "\n".join([f"$ {command}", *lines]) + "\n"


def _state_plugin_alone() -> contextlib.AbstractContextManager[None]:
    """Run with the bundled plugins other than ``state`` blocked: the outputs in the docs are
    made with the state plugin alone (tests/conftest.py does the same for the tests)."""
    others = [p.name for p in (ROOT / "plugins").iterdir() if p.is_dir() and p.name != "state"]
    before = os.environ.get(BLOCK_VARIABLE)
    return _environ(BLOCK_VARIABLE, ",".join(filter(None, [before or "", *others])))


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    """Set the environment variable ``name`` to ``value`` for the block."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# -- tables from the code ----------------------------------------------------------------------


def builtin_functions() -> list[tuple[FunctionSpec, str]]:
    """Every function the built-in plugins register, with the plugin's name, sorted by name."""
    found = []
    for name in DEFAULT_PLUGINS:
        hook = getattr(importlib.import_module(name), "emulation_register_functions", None)
        if hook is not None:
            found.extend((spec, name) for spec in hook())
    return sorted(found, key=lambda item: item[0].name)


def _shown(default: object) -> str:
    """A default as a rule author writes it: a decimal as a number, anything else as repr."""
    return str(default) if isinstance(default, Decimal) else repr(default)


def functions_table() -> str:
    """One section per built-in function: call form, result, arguments, what it reads."""
    out: list[str] = []
    for spec, plugin in builtin_functions():
        arguments = ", ".join(
            a.name if a.required else f"{a.name}={_shown(a.default)}" for a in spec.arguments
        )
        out += [
            f"### `{spec.name}({arguments})`",
            "",
            f"Returns {_type_words(spec.returns)}. Reads {spec.reads or 'only its arguments'}."
            f" Registered by `{plugin}`.",
            "",
            _markdown(spec.doc),
            "",
        ]
        if spec.arguments:
            out += ["| argument | kind | default | meaning |", "|---|---|---|---|"]
            for argument in spec.arguments:
                meaning = _markdown(argument.doc).rstrip(".")
                if argument.choices:
                    meaning += "; one of " + ", ".join(f"`{c}`" for c in argument.choices)
                if argument.accepts:
                    meaning += "; an expression of type " + " or ".join(argument.accepts)
                default = "—" if argument.required else f"`{_shown(argument.default)}`"
                out.append(f"| `{argument.name}` | {argument.kind} | {default} | {meaning} |")
            out.append("")
    return "\n".join(out)


def reason_codes_table() -> str:
    """Every reason code with its Vietnamese and English template."""
    rows = ["| code | Vietnamese | English |", "|---|---|---|"]
    rows += [f"| `{code}` | {vi} | {en} |" for code, (vi, en) in CATALOGUE.items()]
    return "\n".join(rows) + "\n"


def outcomes_table() -> str:
    """Every outcome with its Vietnamese and English label."""
    rows = ["| outcome | Vietnamese | English |", "|---|---|---|"]
    rows += [f"| `{outcome}` | {vi} | {en} |" for outcome, (vi, en) in OUTCOME_LABELS.items()]
    return "\n".join(rows) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "functions": functions_table,
    "reason-codes": reason_codes_table,
    "outcomes": outcomes_table,
}


def _type_words(returns: str) -> str:
    return {
        "bool": "true, false or unknown",
        "int": "a whole number",
        "decimal": "an exact decimal",
        "text": "text",
        "enum": "a value from a list",
        "numeric": "a decimal if any number argument is decimal, else a whole number",
    }.get(returns, returns)


def _markdown(text: str) -> str:
    return _ROLE.sub(r"`\1`", text).replace("``", "`")


# -- pages -------------------------------------------------------------------------------------


def refresh(text: str) -> str:
    """``text`` with every marked block replaced by the current file, table or output."""
    text = FILE.sub(
        lambda m: m["head"] + (ROOT / m["path"]).read_text(encoding="utf-8") + m["tail"], text
    )
    text = GENERATED.sub(lambda m: m["head"] + GENERATORS[m["name"]]() + m["tail"], text)
    return RUN.sub(lambda m: m["head"] + run(m["command"], m["cwd"]) + m["tail"], text)


CATALOGUES = DOCS / "catalogue"


def catalogues() -> dict[Path, str]:
    """The catalogue page of each plugin bundled under ``plugins/`` that is installed."""
    engine = build_engine()
    installed = engine.plugins.ruleset_paths_by_plugin()
    bundled = sorted(p.name for p in (ROOT / "plugins").iterdir() if p.is_dir())
    return {
        CATALOGUES / f"{name}.md": engine.catalogue(name) for name in bundled if name in installed
    }


def pages() -> list[Path]:
    """Every Markdown page under ``docs/`` with at least one mark."""
    return sorted(
        page
        for page in DOCS.rglob("*.md")
        if any(mark in page.read_text(encoding="utf-8") for mark in MARKS)
    )


def stale() -> list[Path]:
    """Pages whose marked blocks (or, for a catalogue, whose whole text) differ from what the
    code gives now."""
    marked = [
        page
        for page in pages()
        if refresh(page.read_text(encoding="utf-8")) != page.read_text(encoding="utf-8")
    ]
    whole = [
        page
        for page, text in catalogues().items()
        if not page.exists() or page.read_text(encoding="utf-8") != text
    ]
    return sorted(marked + whole)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the pages, or with ``--check`` list the stale ones and exit 1."""
    parser = argparse.ArgumentParser(description="Refresh the generated parts of the docs.")
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is stale")
    args = parser.parse_args(argv)
    if args.check:
        old = stale()
        for page in old:
            print(f"{page.relative_to(ROOT)} is out of date: run python docs/gen_pages.py")
        return 1 if old else 0
    for page in pages():
        text = page.read_text(encoding="utf-8")
        new = refresh(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            print(f"updated {page.relative_to(ROOT)}")
    for page, text in catalogues().items():
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.parent.mkdir(exist_ok=True)
            page.write_text(text, encoding="utf-8")
            print(f"updated {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
