"""The shape of the house: imports point one way, modules stay small.

The import graph of ``src/emulation`` is read from the source with :mod:`ast`, counting every
import — at module level, inside functions and under ``TYPE_CHECKING`` — so a cycle cannot hide
behind a function-local import. See ``docs/explanation/architecture.md``.
"""

from __future__ import annotations

import ast
import importlib
import re
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "emulation"

#: The largest a module may grow; past it, split it along its seams.
MAX_LINES = 450


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``, by dotted name."""
    return {module_name(path, root): path for path in sorted((root / package).rglob("*.py"))}


def imports(tree: ast.AST, known: set[str], here: str) -> Iterator[tuple[str, ast.AST]]:
    """The modules of ``known`` that ``tree`` imports anywhere, with the import node."""
    package = here if here in known and _is_package(here, known) else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name, node
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            children = [f"{base}.{alias.name}" for alias in node.names]
            for child in children:
                if child in known:
                    yield child, node
            # ``from package import submodule`` depends on the submodule, not on the package
            if base in known and not all(child in known for child in children):
                yield base, node


def _is_package(name: str, known: set[str]) -> bool:
    return any(other.startswith(name + ".") for other in known)


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of the package it imports (self-imports left out)."""
    found = modules(root, package)
    known = set(found)
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[name] = {target for target, _ in imports(tree, known, name) if target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_engine_has_no_import_cycle() -> None:
    graph = import_graph(SRC, PACKAGE)
    assert len(graph) > 50  # the whole package was read
    assert cycles(graph) == []


def test_a_planted_cycle_through_a_function_local_import_is_found(tmp_path: Path) -> None:
    package = tmp_path / "house"
    (package / "rooms").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "rooms" / "__init__.py").write_text("")
    (package / "rooms" / "kitchen.py").write_text("from house.rooms import hall\n")
    (package / "rooms" / "hall.py").write_text(
        "def late():\n    from house.rooms.kitchen import stove\n    return stove\n"
    )
    (package / "garden.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import shed\n"
    )
    (package / "shed.py").write_text("from .garden import rake\n")
    graph = import_graph(tmp_path, "house")
    assert graph["house.rooms.hall"] == {"house.rooms.kitchen"}
    assert cycles(graph) == [
        ["house.garden", "house.shed"],
        ["house.rooms.hall", "house.rooms.kitchen"],
    ]


def test_function_local_imports_say_why() -> None:
    """A function-local import survives only for lazy loading, with a comment saying so."""
    unexplained = []
    for name, path in modules(SRC, PACKAGE).items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    around = " ".join(lines[max(node.lineno - 5, 0) : node.lineno]).lower()
                    if "lazy" not in around:
                        unexplained.append(f"{name}:{node.lineno}")
    assert unexplained == []


def test_modules_stay_small() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in modules(SRC, PACKAGE).items()
    }
    assert {name: size for name, size in sizes.items() if size > MAX_LINES} == {}
    assert statistics.median(sizes.values()) < 150


@pytest.mark.parametrize(
    "package", ["lang", "data", "rules", "evaluate", "results", "_testing", "_builtins"]
)
def test_every_room_says_what_it_takes_and_gives(package: str) -> None:
    init = SRC / PACKAGE / package / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring, f"{package}/__init__.py needs a docstring"


#: Import paths the docs, the README or the examples give to users, with a name from each.
PUBLIC_PATHS = {
    "emulation": "build_engine",
    "emulation.population": "Population",
    "emulation.records": "Subject",
    "emulation.ruleset": "Ruleset",
    "emulation.evaluation": "Evaluation",
    "emulation.decision": "Decision",
    "emulation.functions": "FunctionSpec",
    "emulation.hookspecs": "hookimpl",
    "emulation.cases": "run_case",
    "emulation.strategies": "from_ruleset",
    "emulation.properties": "assert_monotonic",
    "emulation.engine": "build_engine",
    "emulation.errors": "RulesetError",
    "emulation.period": "Period",
    "emulation.types": "OUTCOMES",
    "emulation.cli": "main",
    "emulation.i18n": "translator",
    "emulation.messages": "CATALOGUE",
}


@pytest.mark.parametrize("module", sorted(PUBLIC_PATHS))
def test_every_public_import_path_still_works(module: str) -> None:
    imported = importlib.import_module(module)
    assert hasattr(imported, PUBLIC_PATHS[module])
    for name in getattr(imported, "__all__", ()):
        assert hasattr(imported, name), f"{module}.__all__ names {name}, which it lacks"


def test_the_docs_import_only_public_paths() -> None:
    root = SRC.parent
    texts = [p.read_text(encoding="utf-8") for p in (root / "docs").rglob("*.md")]
    texts += [(root / "README.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (root / "examples").glob("*.py")]
    used = {
        match
        for text in texts
        for match in re.findall(r"(?:from|import) (emulation(?:\.\w+)*)", text)
    }
    assert used <= set(PUBLIC_PATHS), sorted(used - set(PUBLIC_PATHS))
