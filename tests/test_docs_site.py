"""The documentation site: the API page names every public name, and the site builds strictly.

The strict build needs the ``docs`` extra (MkDocs, Material, mkdocstrings); without it the build
test is skipped, saying what to install. CI installs the extra after the tests and builds the
site itself (``.ci/run``), so a broken site fails CI either way.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import emulation

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"

DIRECTIVE = re.compile(r"^::: emulation\.(\S+)$", re.MULTILINE)


def nav_pages() -> list[str]:
    """Every page the nav of ``mkdocs.yml`` names, in order (read without PyYAML: one page a
    line, ``- Title: path.md`` or ``- path.md``)."""
    text = CONFIG.read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    return re.findall(r"^\s+- (?:[^:\n]+: )?(\S+\.md)$", text, re.MULTILINE)


def test_the_api_page_names_exactly_the_public_names() -> None:
    names = DIRECTIVE.findall((DOCS / "reference" / "api.md").read_text(encoding="utf-8"))
    assert len(names) == len(set(names)), "a name is rendered twice on docs/reference/api.md"
    missing = sorted(set(emulation.__all__) - set(names))
    assert not missing, f"add `::: emulation.NAME` to docs/reference/api.md for: {missing}"
    assert not sorted(set(names) - set(emulation.__all__)), "api.md renders a name not public"


def test_the_nav_places_every_page_that_exists_by_diataxis_kind() -> None:
    pages = nav_pages()
    assert pages[0] == "index.md"
    assert not [page for page in pages if not (DOCS / page).is_file()], "nav names a missing page"
    kinds = [page.split("/", 1)[0] for page in pages if "/" in page]
    order = list(dict.fromkeys(kinds))
    assert order == ["tutorial", "how-to", "reference", "catalogue", "explanation"]
    catalogues = {path.name for path in (DOCS / "catalogue").glob("*.md")}
    assert {"state.md", "moet.md", "vgcl.md", "vape.md", "danvan.md"} <= catalogues
    assert {f"catalogue/{name}" for name in catalogues} <= set(pages)
    assert "reference/python-api.md" in pages
    assert "reference/api.md" in pages


def have_docs_extra() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("mkdocs", "material", "mkdocstrings_handlers.python", "griffe_sphinx")
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not have_docs_extra():
        pytest.skip(
            "the docs extra is not installed: pip install -e '.[docs]' to build the site "
            "(CI builds it in its own step of .ci/run)"
        )
    folder = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return folder


@pytest.mark.slow
def test_the_site_builds_strictly_with_every_page(site: Path) -> None:
    for page in nav_pages():
        assert (site / page).with_suffix(".html").is_file(), page
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    for name in emulation.__all__:
        assert f'id="emulation.{name}"' in api, f"{name} is not rendered on the API page"
    # The Sphinx roles of the docstrings became links or code, never literal text.
    assert not re.search(r":(func|class|meth|attr|data|mod|exc):`", api)
    assert 'href="#emulation.RulesetError"' in api  # build_engine's :class:`RulesetError`


@pytest.mark.slow
def test_the_site_works_offline_and_searches_vietnamese(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        external = re.findall(r'<(?:link|script)[^>]+(?:href|src)="(https?://[^"]+)"', text)
        assert not external, f"{page.relative_to(site)} loads {external}"
        assert "fonts.googleapis.com" not in text
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en", "vi"]
    assert (site / "assets" / "javascripts" / "lunr" / "min" / "lunr.vi.min.js").is_file()
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "khen thưởng" in text, "the index lost the Vietnamese words or their diacritics"


# -- the Griffe extension that turns Sphinx roles into links --------------------------------

PACKAGE = {
    "__init__.py": '"""A package."""\nfrom pkg.core import Thing, make\n\n__all__ = ["Thing", "make"]\n',
    "core.py": '''"""The core; see :func:`_hidden`, :mod:`ast` and :func:`gone`."""

import ast


class Thing:
    """Made by :func:`make`, checked by :meth:`Thing.check`; :class:`str`, :func:`nowhere`."""

    def check(self):
        """Check it."""

    def _private(self):
        """Private."""


def make():
    """Make a :class:`Thing` with :func:`~pkg.core._hidden` and :meth:`Thing._private`."""


def _hidden():
    """Hidden."""
''',
}


def test_sphinx_roles_become_links_to_the_api_page_or_code(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    griffe = pytest.importorskip("griffe", reason="the docs extra is not installed")
    for name, text in PACKAGE.items():
        (tmp_path / "pkg").mkdir(exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text, encoding="utf-8")
    extensions = griffe.load_extensions(f"{DOCS / 'griffe_roles.py'}:SphinxRoles")
    with caplog.at_level("WARNING"):
        package = griffe.load("pkg", search_paths=[tmp_path], extensions=extensions)
    core = package["core"]
    assert core["Thing"].docstring.value == (
        "Made by [`make`][pkg.make], checked by [`Thing.check`][pkg.Thing.check]; `str`, `nowhere`."
    )
    assert core["make"].docstring.value == (
        "Make a [`Thing`][pkg.Thing] with `_hidden` and `Thing._private`."
    )
    # The module is not on the API page: a name found nowhere is code, with no warning.
    assert core.docstring.value == "The core; see `_hidden`, `ast` and `gone`."
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["pkg.core.Thing: the docstring names 'nowhere', which is nowhere"]
