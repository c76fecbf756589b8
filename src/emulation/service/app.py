"""The ASGI application: routes under ``/v1``, the bearer token, CORS when asked for, problem
details for every error, and the time limit of each request.

A request's body is read on the event loop under the request's deadline (408 when it has not
arrived in time, so a client that trickles its body holds nothing but its own connection);
parsing, validating and evaluating run in a pool of ``settings.threads`` worker threads. A
request waits for a free thread within its deadline; past it the answer is 503 and the
evaluation, which a thread cannot be made to drop, finishes unobserved while its thread stays
counted, so no more than ``threads`` evaluations ever run at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulation.engine import Engine
from emulation.service import check as checking
from emulation.service import listings, operations
from emulation.service.auth import BearerToken
from emulation.service.batcher import Batcher
from emulation.service.body import check_media_type, read_body
from emulation.service.pool import Pool
from emulation.service.problems import PROBLEM_JSON, ServiceProblem
from emulation.service.settings import Settings
from emulation.service.spec import served_document

T = TypeVar("T")
JSON = "application/json"
#: The media types ``/v1/check`` reads.
TOML_TYPES = ("application/toml", "text/plain")


def create_app(engine: Engine, settings: Settings) -> Starlette:
    """The application serving ``engine`` (built once, before) within ``settings``."""
    pool = Pool(settings.threads)

    batcher = Batcher(engine, settings, pool) if settings.batch_window_ms > 0 else None

    async def receive(request: Request, accepted: tuple[str, ...]) -> bytes:
        check_media_type(request, accepted)
        try:
            return await asyncio.wait_for(read_body(request, settings.max_body), settings.timeout)
        except asyncio.TimeoutError:
            raise ServiceProblem(
                408,
                "body-timeout",
                f"the body did not arrive within {settings.timeout:g} seconds",
                headers={"Connection": "close"},
            ) from None

    async def run(request: Request, accepted: tuple[str, ...], work: Callable[[bytes], T]) -> T:
        deadline = time.monotonic() + settings.timeout
        raw = await receive(request, accepted)
        return await pool.run(lambda: work(raw), deadline - time.monotonic())

    async def evaluate(request: Request) -> Response:
        if batcher is None:
            body = await run(
                request, (JSON,), lambda raw: operations.evaluate(engine, settings, raw)
            )
        else:
            deadline = time.monotonic() + settings.timeout
            raw = await receive(request, (JSON,))
            body = await batcher.evaluate(raw, deadline)
        return Response(body, media_type=JSON)

    async def explain(request: Request) -> Response:
        found = await run(request, (JSON,), lambda raw: operations.explain(engine, settings, raw))
        return _json(found)

    async def check(request: Request) -> Response:
        found = await run(request, TOML_TYPES, lambda raw: checking.check(engine, raw))
        return _json(found)

    def listing(produce: Callable[[Engine, Any], bytes]) -> Callable[[Request], Any]:
        async def answer(request: Request) -> Response:
            query = dict(request.query_params)
            body = await pool.run(lambda: produce(engine, query), settings.timeout)
            return Response(body, media_type=JSON)

        return answer

    async def health(request: Request) -> Response:
        return _json({"status": "ok"})

    async def openapi(request: Request) -> Response:
        return Response(served_document(), media_type=JSON)

    routes = [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/v1/evaluate", evaluate, methods=["POST"]),
        Route("/v1/explain", explain, methods=["POST"]),
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/rulesets", listing(listings.rulesets), methods=["GET"]),
        Route("/v1/awards", listing(listings.awards), methods=["GET"]),
        Route("/v1/facts", listing(listings.facts), methods=["GET"]),
        Route("/v1/parameters", listing(listings.parameters), methods=["GET"]),
    ]
    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    if settings.token is not None:
        middleware.append(Middleware(BearerToken, token=settings.token, open_paths=("/v1/health",)))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.close()
        if batcher is not None:
            batcher.close()

    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ServiceProblem: _problem,
            HTTPException: _http_problem,
            Exception: _internal_problem,
        },
        lifespan=lifespan,
    )


def _json(document: Any) -> Response:
    return Response(json.dumps(document, ensure_ascii=False).encode(), media_type=JSON)


async def _problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, ServiceProblem)
    return problem_response(error)


def problem_response(error: ServiceProblem) -> Response:
    """The response of a problem: its status, its headers, its document."""
    return Response(error.body(), error.status, error.headers, media_type=PROBLEM_JSON)


async def _http_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    return problem_response(ServiceProblem(error.status_code, headers=headers))


async def _internal_problem(request: Request, error: Exception) -> Response:
    # the traceback goes to the server's log, never to the client
    return problem_response(
        ServiceProblem(500, "internal", "the service failed on this request; see its log")
    )
