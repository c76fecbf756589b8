"""Running the application with uvicorn: one process, the asyncio loop, the settings' address
and port (the loopback address unless told otherwise), no ``Server`` header."""

from __future__ import annotations

import socket

import uvicorn

from emulation.engine import Engine
from emulation.service.app import create_app
from emulation.service.settings import Settings


def config(engine: Engine, settings: Settings, *, log_level: str = "info") -> uvicorn.Config:
    """The uvicorn configuration serving ``engine`` within ``settings``."""
    return uvicorn.Config(
        create_app(engine, settings),
        host=settings.host,
        port=settings.port,
        loop="asyncio",
        http="h11",
        lifespan="on",
        server_header=False,
        log_level=log_level,
        # a client that sends nothing on an open connection is dropped after this many seconds
        timeout_keep_alive=5,
    )


def serve(engine: Engine, settings: Settings) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    uvicorn.Server(config(engine, settings)).run()


def serve_on(server: uvicorn.Server, sock: socket.socket) -> None:
    """Serve on an already bound socket (tests and benchmarks bind port 0 to get a free one)."""
    server.run(sockets=[sock])
