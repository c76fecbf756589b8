"""The bearer token (RFC 6750): every request but those to ``open_paths`` must carry
``Authorization: Bearer <token>``, compared in constant time (:func:`hmac.compare_digest`);
otherwise 401 with ``WWW-Authenticate: Bearer``. A plain ASGI middleware, so that no endpoint
can be reached before it."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from emulation.service.problems import PROBLEM_JSON, ServiceProblem

_REALM = 'Bearer realm="emulation"'


class BearerToken:
    """Let through requests that carry ``token``, and those to ``open_paths``."""

    def __init__(self, app: ASGIApp, token: str, open_paths: Sequence[str] = ()) -> None:
        self.app, self._token, self._open = app, token.encode(), frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._open:
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, credentials = given.partition(b" ")
        if scheme.lower() == b"bearer" and hmac.compare_digest(credentials.strip(), self._token):
            await self.app(scope, receive, send)
            return
        challenge = _REALM if not given else f'{_REALM}, error="invalid_token"'
        problem = ServiceProblem(
            401,
            "unauthorized",
            "send Authorization: Bearer <token>" if not given else "the token is not accepted",
            headers={"WWW-Authenticate": challenge},
        )
        body = problem.body()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", challenge.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
