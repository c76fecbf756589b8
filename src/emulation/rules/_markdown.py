"""The few ways the rules catalogue writes Markdown: a label in both languages, text safe in
a table cell, an expression as inline code."""

from __future__ import annotations

from emulation.types import Label


def both(label: Label) -> str:
    """A label as "Vietnamese / English" (once when both are the same)."""
    return label.vi if label.vi == label.en else f"{label.vi} / {label.en}"


def cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    """``text`` as inline code inside a table cell (backticks doubled when it holds one)."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {cell(text)} {fence}" if fence == "``" else f"`{cell(text)}`"
