"""The gettext catalogues are current and complete (the CI check of the languages).

- the template ``emulation.pot`` holds exactly the texts marked in the source (re-extracted into a
  temporary file with the options of ``scripts/catalogues.py`` and compared);
- every catalogue (``vi``, ``en``) has exactly the template's entries, each translated, none
  fuzzy, with the same ``{placeholders}`` as its source, in NFC;
- the compiled ``.mo`` the package loads says what its ``.po`` says.

``python scripts/catalogues.py`` repairs the first and the last; a translator the second.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import string
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "emulation" / "locale"
LANGUAGES = ("vi", "en")


def _script():  # type: ignore[no-untyped-def]
    """scripts/catalogues.py as a module (it is no package)."""
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "scripts" / "catalogues.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("catalogues", module)
    spec.loader.exec_module(module)
    return module


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale=locale)


def _key(message: Message) -> tuple[str | None, object]:
    return message.context, message.id


def _keys(catalogue: Catalog) -> set[tuple[str | None, object]]:
    return {_key(message) for message in catalogue if message.id}


def _fields(text: str) -> list[str]:
    """The ``{placeholders}`` of a brace-format text and the ``%(name)s`` / ``%s`` of a
    printf-style one (argparse's), sorted, each once (a translation may repeat one; ``{{`` and
    ``%%`` are no placeholders)."""
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    printf = set(re.findall(r"%(?:\(\w+\))?[sdrf]", text.replace("%%", "")))
    return sorted(braces | printf)


def _texts(value: object) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [str(value)]


def problems(extracted: Path | None = None, locale: Path = LOCALE) -> list[str]:
    """Every way the catalogues under ``locale`` fall short, as sentences (empty when all is
    well); with ``extracted``, a template freshly extracted from the source to compare with."""
    found: list[str] = []
    template = _read(locale / "emulation.pot")
    if extracted is not None:
        fresh = _read(extracted)
        for key in sorted(_keys(fresh) - _keys(template), key=repr):
            found.append(f"emulation.pot lacks {key!r}: run scripts/catalogues.py")
        for key in sorted(_keys(template) - _keys(fresh), key=repr):
            found.append(f"emulation.pot still has {key!r}, no longer in the source")
    for lang in LANGUAGES:
        po = locale / lang / "LC_MESSAGES" / "emulation.po"
        catalogue = _read(po, lang)
        where = f"{lang}/emulation.po"
        if _keys(catalogue) != _keys(template):
            found.append(f"{where} differs from emulation.pot: run scripts/catalogues.py")
        for message in catalogue:
            if not message.id:
                continue
            sources, translations = _texts(message.id), _texts(message.string)
            if message.fuzzy:
                found.append(f"{where}: {_key(message)!r} is fuzzy")
            plurals_wrong = message.pluralizable and len(translations) != catalogue.num_plurals
            if not all(translations) or plurals_wrong:
                found.append(f"{where}: {_key(message)!r} is not translated")
                continue
            for translation in translations:
                if not any(_fields(translation) == _fields(source) for source in sources):
                    found.append(
                        f"{where}: {_key(message)!r}: placeholders {_fields(translation)} "
                        f"differ from the source's {_fields(sources[0])}"
                    )
                if unicodedata.normalize("NFC", translation) != translation:
                    found.append(f"{where}: {_key(message)!r} is not in NFC")
        compiled = locale / lang / "LC_MESSAGES" / "emulation.mo"
        if not compiled.exists() or _mo(catalogue) != _loaded(compiled):
            found.append(f"{lang}/emulation.mo is older than its .po: run scripts/catalogues.py")
    return found


def _mo(catalogue: Catalog) -> dict[object, str]:
    """What gettext would read from ``catalogue`` compiled afresh."""
    path = Path(_scratch()) / "fresh.mo"
    with path.open("wb") as stream:
        write_mo(stream, catalogue, use_fuzzy=True)
    return _loaded(path)


def _loaded(path: Path) -> dict[object, str]:
    with path.open("rb") as stream:
        found = gettext.GNUTranslations(stream)
    return {key: value for key, value in found._catalog.items() if key != ""}  # type: ignore[attr-defined]


_SCRATCH: list[str] = []


def _scratch() -> str:
    if not _SCRATCH:
        import tempfile  # lazy: only when a catalogue is compiled

        _SCRATCH.append(tempfile.mkdtemp(prefix="emulation-catalogues-"))
    return _SCRATCH[0]


def test_the_template_holds_every_marked_text_and_the_catalogues_are_complete(
    tmp_path: Path,
) -> None:
    extracted = tmp_path / "fresh.pot"
    _script().extract(extracted)
    assert problems(extracted) == []


def test_the_check_finds_a_stale_template_a_missing_translation_fuzz_and_other_placeholders(
    tmp_path: Path,
) -> None:
    """The check can fail: a locale folder with each fault is reported for each."""
    template = Catalog()
    for context, text in (("a", "Granted {label}"), ("b", "Blocked {label}"), ("c", "Short {n}")):
        template.add(text, context=context)
    _write(template, tmp_path / "emulation.pot")
    vi = Catalog(locale="vi")
    vi.add("Granted {label}", "", context="a")
    vi.add("Blocked {label}", "Tạm dừng {label}", context="b", flags=("fuzzy",))
    vi.add("Short {n}", "Thiếu {m}", context="c")
    en = Catalog(locale="en")
    en.add("Granted {label}", "Granted {label}", context="a")
    en.add("Blocked {label}", "Blocked {label}", context="b")  # "c" left out
    for lang, catalogue in (("vi", vi), ("en", en)):
        _write(catalogue, tmp_path / lang / "LC_MESSAGES" / "emulation.po")
    extracted = tmp_path / "fresh.pot"
    template.add("New {thing}", context="d")
    _write(template, extracted)

    found = problems(extracted, locale=tmp_path)

    assert "emulation.pot lacks ('d', 'New {thing}'): run scripts/catalogues.py" in found
    assert "vi/emulation.po: ('a', 'Granted {label}') is not translated" in found
    assert "vi/emulation.po: ('b', 'Blocked {label}') is fuzzy" in found
    assert any("vi/emulation.po: ('c', 'Short {n}'): placeholders ['m']" in f for f in found)
    assert "en/emulation.po differs from emulation.pot: run scripts/catalogues.py" in found
    assert "vi/emulation.mo is older than its .po: run scripts/catalogues.py" in found


def _write(catalogue: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        write_po(stream, catalogue)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plural_forms_are_those_of_the_language(lang: str) -> None:
    catalogue = _read(LOCALE / lang / "LC_MESSAGES" / "emulation.po", lang)
    assert catalogue.num_plurals == {"vi": 1, "en": 2}[lang]


@pytest.mark.slow
def test_a_wheel_carries_the_compiled_catalogues(tmp_path: Path) -> None:
    """The .mo files are package data: a wheel built from the tree holds them (an editable
    install reads them in place)."""
    import subprocess  # lazy: only this slow test builds
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=600,
    )
    [wheel] = tmp_path.glob("emulation-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in LANGUAGES:
        assert f"emulation/locale/{lang}/LC_MESSAGES/emulation.mo" in names


#: The names whose calls Babel extracts (its defaults and scripts/catalogues.py's keywords).
MARKS = {
    *("_", "gettext", "ngettext", "pgettext", "npgettext"),
    *("N_", "NP_", "C_", "L_", "Message", "Plural"),
}


def test_no_marked_text_hides_inside_an_f_string() -> None:
    """Before Python 3.12 an f-string is one token: Babel cannot see a call inside it, so the
    text would never reach the catalogues."""
    import ast  # lazy: only this test reads the source

    hidden = []
    for path in sorted((ROOT / "src" / "emulation").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    if name in MARKS:
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {name}(…)")
    assert hidden == []
