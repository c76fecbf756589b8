"""The HTTP service (``emulation serve``): the engine behind a small JSON API.

Takes an :class:`~emulation.engine.Engine` built once at start and :class:`Settings`; gives an
ASGI application (:func:`~emulation.service.app.create_app`, Starlette) and a server that runs it
(:func:`~emulation.service.server.serve`, uvicorn). The endpoints evaluate a population, explain
one decision, list rulesets, awards, facts and parameters, check a ruleset and report health;
they are described by the OpenAPI 3.1 document ``emulation/schemas/openapi.json``
(:mod:`emulation.service.spec` writes it), and every request body is validated against its
schemas there. Errors are RFC 9457 problem details (:mod:`emulation.service.problems`).

The web stack is an optional extra (``pip install 'emulation[serve]'``): nothing outside this
package imports it, and ``import emulation`` never loads it. This module itself imports nothing
but :class:`Settings`, so the command line can read the settings before it needs Starlette.
"""

from __future__ import annotations

from emulation.service.settings import Settings

__all__ = ["Settings"]
