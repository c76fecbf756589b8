"""Errors as RFC 9457 problem details: ``application/problem+json`` with ``type``, ``title``,
``status``, ``detail`` and an ``errors`` list naming each field at fault by JSON pointer (or the
query parameter). Nothing of a request is sent back but inside these JSON strings, escaped and
cut to :data:`MAX_TEXT` characters, and never a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from emulation.errors import Problem

#: The media type of every error.
PROBLEM_JSON = "application/problem+json"
#: The longest text of a request quoted back in an error.
MAX_TEXT = 300
#: The most entries of an ``errors`` list; the ``detail`` says how many more there were.
MAX_ERRORS = 50
#: The prefix of the service's own problem types (``about:blank`` for plain HTTP statuses).
TYPE_PREFIX = "urn:emulation:problem:"


#: The title of each problem type of the service (the same for every problem of the type, as
#: RFC 9457 asks); a plain HTTP problem (``about:blank``) has the status's phrase.
TITLES = {
    "body-timeout": "The request body did not arrive in time",
    "body-too-large": "The request body is too large",
    "internal": "The service failed",
    "invalid-json": "The body is not JSON",
    "invalid-population": "The population has problems",
    "invalid-query": "The query is not understood",
    "invalid-request": "The request does not follow its schema",
    "no-decision": "No such decision",
    "not-evaluated": "The engine refuses the evaluation",
    "timeout": "The answer was not ready in time",
    "too-many-subjects": "The population has too many subjects",
    "unauthorized": "A valid bearer token is required",
    "unknown-subject": "No such subject",
}


class ServiceProblem(Exception):
    """A request the service answers with a problem document."""

    def __init__(
        self,
        status: int,
        kind: str = "",
        detail: str = "",
        errors: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or kind)
        self.status, self.kind, self.detail = status, kind, detail
        self.errors, self.headers = list(errors), dict(headers or {})

    def document(self) -> dict[str, Any]:
        """The problem details, JSON-ready."""
        document: dict[str, Any] = {
            "type": f"{TYPE_PREFIX}{self.kind}" if self.kind else "about:blank",
            "title": TITLES[self.kind] if self.kind else HTTPStatus(self.status).phrase,
            "status": self.status,
        }
        detail = clip(self.detail)
        if len(self.errors) > MAX_ERRORS:
            detail += f" ({len(self.errors) - MAX_ERRORS} more errors not listed)"
        if detail:
            document["detail"] = detail
        if self.errors:
            document["errors"] = [
                {key: clip(value) if isinstance(value, str) else value for key, value in e.items()}
                for e in self.errors[:MAX_ERRORS]
            ]
        return document

    def body(self) -> bytes:
        """The problem document as UTF-8 JSON."""
        return json.dumps(self.document(), ensure_ascii=False).encode()


def clip(text: str) -> str:
    """``text`` cut to :data:`MAX_TEXT` characters."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def pointer(*paths: str) -> str:
    """The JSON pointer of the dotted paths the readers write (``subjects[3]`` then
    ``facts.2024.rating``): ``/subjects/3/facts/2024/rating``."""
    steps: list[str] = []
    for path in paths:
        for name, index in _STEP.findall(path):
            steps.append(index or name.replace("~", "~0").replace("/", "~1"))
    return "".join(f"/{step}" for step in steps)


def data_errors(problems: Iterable[Problem], source: str, under: str) -> list[dict[str, Any]]:
    """The ``errors`` of the problems a reader found in a population read from ``source``,
    whose place in the request body is the pointer ``under``."""
    errors = []
    for problem in problems:
        within = problem.file.removeprefix(source).removeprefix(":").strip()
        error: dict[str, Any] = {
            "pointer": under + pointer(within, problem.location),
            "detail": problem.message,
        }
        if problem.code:
            error["code"] = problem.code
        errors.append(error)
    return errors


def ruleset_errors(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    """The problems of a ruleset: TOML path, line, column, code and message."""
    return [
        {
            "path": problem.location,
            "line": problem.line,
            "column": problem.column,
            "code": problem.code,
            "detail": clip(problem.message),
        }
        for problem in problems
    ]
