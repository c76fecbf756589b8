"""Bring the gettext catalogues up to date with the source: extract, update, fill, compile.

Run it after adding or changing a text marked for translation (``_()``, ``C_()``, ``N_()``,
``Message()``…), translate the new entries of ``src/emulation/locale/vi/LC_MESSAGES/emulation.po``
(they have an empty ``msgstr``), and run it again (it compiles the ``.mo`` files the package
loads)::

    .venv/bin/python scripts/catalogues.py

The steps are Babel's own commands (``pybabel extract``, ``pybabel update``, ``pybabel compile``)
with this project's options; the English catalogue is filled with the source texts, since they
are English already. ``--check`` changes nothing and exits 1 if the template is stale or a
catalogue incomplete (the test suite checks the same, see tests/test_catalogues.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "emulation" / "locale"
TEMPLATE = LOCALE / "emulation.pot"
DOMAIN = "emulation"
LANGUAGES = ("vi", "en")

#: The keywords beyond Babel's defaults: C_(context, text), L_(context, text),
#: NP_(singular, plural), Message(text, **params) and Plural(singular, plural, n, **params).
KEYWORDS = ("C_:1c,2", "L_:1c,2", "NP_:1,2", "Message", "Plural:1,2")

#: Options of ``pybabel extract`` (kept in one place so the test extracts the same way).
EXTRACT_OPTIONS = (
    "-F",
    str(ROOT / "babel.cfg"),
    *(option for keyword in KEYWORDS for option in ("-k", keyword)),
    "--ignore-dirs",
    ".* __pycache__",  # Babel skips _* folders by default; _builtins and _testing speak too
    "--no-location",  # line numbers would change with every edit and conflict on every merge
    "--sort-output",
    "--no-wrap",
    "--project",
    "emulation",
    "--copyright-holder",
    "the emulation authors",
)


def pybabel(*arguments: str) -> None:
    """Run one ``pybabel`` command."""
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def extract(output: Path) -> None:
    """Extract every marked text of ``src/emulation`` into the template ``output``."""
    pybabel("extract", *EXTRACT_OPTIONS, "-o", str(output), str(ROOT / "src" / "emulation"))


def refresh_template() -> None:
    """Extract into the template, but leave it untouched (its creation date too) when the
    texts are the same, so that running this script twice changes no file."""
    import tempfile  # lazy: a scratch file for the fresh extraction

    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "fresh.pot"
        extract(fresh)
        if not TEMPLATE.exists() or _entries(fresh) != _entries(TEMPLATE):
            TEMPLATE.write_bytes(fresh.read_bytes())


def _entries(path: Path) -> list[tuple[object, ...]]:
    with path.open("rb") as stream:
        catalogue = read_po(stream)
    return sorted(
        (repr(m.context), repr(m.id), sorted(m.flags), m.auto_comments) for m in catalogue if m.id
    )


def update() -> None:
    """Merge the template into each catalogue (creating a missing one)."""
    for lang in LANGUAGES:
        po = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        options = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
        pybabel(
            command, "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", DOMAIN, "-l", lang, "--no-wrap",
            *options,
        )  # fmt: skip


def fill_english() -> None:
    """The English catalogue translates every text to itself (its plural forms too)."""
    po = LOCALE / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale="en")
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            message.string = tuple(message.id)
        else:
            message.string = message.id
    with po.open("wb") as stream:
        write_po(stream, catalogue, width=0, omit_header=False)


def compile_all() -> None:
    """Compile each ``.po`` into the ``.mo`` the package loads."""
    pybabel("compile", "-d", str(LOCALE), "-D", DOMAIN, "--use-fuzzy")


def main(argv: list[str]) -> int:
    if argv[1:] == ["--check"]:
        sys.path.insert(0, str(ROOT / "tests"))
        import tempfile  # lazy: only the check extracts into a scratch file

        from test_catalogues import problems  # lazy: only the check needs the test's rules

        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / "fresh.pot"
            extract(fresh)
            found = problems(fresh)
        for problem in found:
            print(problem)
        return 1 if found else 0
    refresh_template()
    update()
    fill_english()
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
