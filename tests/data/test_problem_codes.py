"""Every problem the data room reports has a code, and every code is in the reference page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from emulation.messages import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "src" / "emulation" / "data").glob("*.py")),
    ROOT / "src" / "emulation" / "evaluate" / "candidates.py",
    ROOT / "src" / "emulation" / "evaluate" / "inputs.py",
    ROOT / "src" / "emulation" / "_builtins" / "readers.py",
]
PAGE = (ROOT / "docs" / "reference" / "file-formats.md").read_text("utf-8")


def problem_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem"
    ]


def test_every_problem_of_the_data_room_carries_a_code() -> None:
    missing = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in SOURCES
        for call in problem_calls(path)
        if not any(keyword.arg == "code" for keyword in call.keywords)
    ]
    assert not missing, f"Problem without a code: {missing}"


def codes_in_the_sources() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text("utf-8")
        found |= set(re.findall(r'\bcode\s*=\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'\bcode,\s*\w+\s*=\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'return\s+\(?\s*"([a-z_]+)",', text))
    return found - set(CATALOGUE)  # the codes of subjects set aside are reason codes


def test_every_code_is_in_the_problem_codes_table() -> None:
    table = PAGE.split("### Problem codes", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    codes = codes_in_the_sources()
    assert len(codes) > 30, codes  # the scan finds the codes at all
    assert sorted(codes - listed) == [], "codes missing from docs/reference/file-formats.md"
    assert sorted(listed - codes) == [], "codes in the table that no source gives"
