"""What the report tests share: the two example evaluations and a reader of the HTML they
give (with Python's own HTML parser, so the tests do not lean on the template's layout)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import emulation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MOVEMENT = EXAMPLES / "movement"
KPIS = EXAMPLES / "kpis"


def movement_engine() -> emulation.Engine:
    """The movement example alone: score sheets, standings with a tie, a quota."""
    return emulation.build_engine(entry_points=False, ruleset_paths=[MOVEMENT / "movement.toml"])


def movement_evaluation(units: Path = MOVEMENT / "units.json") -> emulation.Evaluation:
    engine = movement_engine()
    return engine.evaluate(engine.read_population(units), "2026")


def kpi_evaluation() -> emulation.Evaluation:
    """The congress KPI over the example union tree, 2024."""
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[KPIS])
    return engine.evaluate(engine.read_population(KPIS / "union_tree.json"), "2024")


def renamed_units(folder: Path, subject: str, name: str) -> Path:
    """The movement example's units with ``subject`` named ``name``."""
    document = json.loads((MOVEMENT / "units.json").read_text(encoding="utf-8"))
    for item in document["subjects"]:
        if item["id"] == subject:
            item["name"] = name
    path = folder / "units.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


class Page(HTMLParser):
    """The elements of a page: every tag with its attributes and the id of the nearest
    ancestor that has one, and the text of every element by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)
        self.close()

    _VOID = frozenset({"meta", "br", "img", "link", "input", "hr", "path", "use", "rect"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        self.tags.append((tag, found, self.ancestors()))
        if tag not in self._VOID:
            self._open.append((tag, found.get("id")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {key: value or "" for key, value in attrs}, self.ancestors()))

    def handle_endtag(self, tag: str) -> None:
        if tag not in {name for name, _ in self._open}:
            return  # the end of a void element, as a browser writes it (``<path></path>``)
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.texts.setdefault(ident, []).append(data)

    def ancestors(self) -> tuple[str, ...]:
        return tuple(ident for _, ident in self._open if ident)

    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs, _ in self.tags if "id" in attrs]

    def text(self, ident: str) -> str:
        return "".join(self.texts.get(ident, []))

    def within(self, ident: str, tag: str | None = None) -> list[dict[str, Any]]:
        """The attributes of the elements (of ``tag``) inside the element ``ident``."""
        return [
            attrs
            for name, attrs, above in self.tags
            if ident in above and (tag is None or name == tag)
        ]

    def marks(self, chart: str, kind: str = "bar") -> list[str]:
        """The ids of the bars (or target marks) a chart draws."""
        prefix = f"{chart}-{kind}-"
        return sorted(i for i in self.ids() if i.startswith(prefix))
