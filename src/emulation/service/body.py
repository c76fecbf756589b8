"""Reading a request body within its limits: the media type checked first, the size limit
enforced while the body streams in (a ``Content-Length`` over the limit is refused before a
byte is read, a chunked or lying body as soon as it passes the limit), and the JSON parsed
exactly as the engine's readers parse a file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request

from emulation.data.decode import parse_json
from emulation.errors import DataError
from emulation.service.problems import ServiceProblem

#: The name problems of the body are reported under.
SOURCE = "request body"


def check_media_type(request: Request, accepted: Sequence[str]) -> None:
    """Refuse (415) a body whose ``Content-Type`` is none of ``accepted``."""
    given = request.headers.get("content-type", "")
    media = given.split(";", 1)[0].strip().lower()
    if media not in accepted:
        raise ServiceProblem(
            415,
            detail=f"send the body as {' or '.join(accepted)}",
            headers={"Accept-Post": ", ".join(accepted)},
        )


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes; 413 as soon as it is known to be longer."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ServiceProblem(400, detail="Content-Length is not a number")
        if int(declared) > limit:
            raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ServiceProblem:
    return ServiceProblem(
        413, "body-too-large", f"the request body is larger than {limit} bytes, the most read"
    )


def parse_body(raw: bytes) -> Any:
    """The JSON document of a body (UTF-8, exact decimals, repeated members marked); 400 with
    the line and column of the first mistake."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceProblem(
            400, "invalid-json", f"the body is not UTF-8 text (byte {error.start})"
        ) from None
    try:
        return parse_json(text, SOURCE)
    except DataError as error:
        found = error.problems[0]
        entry: dict[str, Any] = {"pointer": "", "detail": found.message, "code": found.code}
        if found.location.startswith("line "):
            entry["line"] = int(found.location.removeprefix("line "))
        if found.column is not None:
            entry["column"] = found.column
        raise ServiceProblem(400, "invalid-json", found.message, [entry]) from None
