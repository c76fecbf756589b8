"""The ``emulation serve`` command: the engine behind an HTTP API (``emulation.service``).

The web stack is an optional extra; it is imported only when the command runs, and its absence
is one line saying what to install.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from emulation.errors import EmulationError
from emulation.i18n import N_, Message
from emulation.i18n import gettext as _
from emulation.service.settings import (
    DEFAULT_BATCH_MAX,
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_SUBJECTS,
    DEFAULT_THREADS,
    DEFAULT_TIMEOUT,
    MAX_BATCH_WINDOW_MS,
    Settings,
)

#: The variable that holds the bearer token when ``--token-file`` is not given.
TOKEN_VARIABLE = "EMULATION_TOKEN"
HELP = N_("serve the engine over HTTP (needs: pip install 'emulation[serve]')")
MISSING = N_(
    "emulation serve needs the web server: install emulation[serve] "
    "(pip install 'emulation[serve]')"
)
NO_TOKEN_OUTSIDE = N_(
    "warning: listening on {host} without a token: anyone who reaches this address can call "
    "the service (give --token-file or set EMULATION_TOKEN)"
)


def add_serve_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``serve`` subcommand's parser (``--plugin`` and ``--rulesets`` are added by the
    caller, as for every command)."""
    serve: argparse.ArgumentParser = commands.add_parser("serve", help=_(HELP))
    serve.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)")
    )
    serve.add_argument("--port", type=int, default=8000, help=_("port to listen on (default 8000)"))
    serve.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help=_(
            "require this bearer token (the file's first line) on every endpoint but health; "
            "default: the {variable} variable, or no token"
        ).format(variable=TOKEN_VARIABLE),
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        dest="cors_origins",
        metavar="ORIGIN",
        help=_("allow browsers on this origin to call the service (repeatable; default: none)"),
    )
    serve.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help=_("largest request body read (default {n})").format(n=DEFAULT_MAX_BODY),
    )
    serve.add_argument(
        "--max-subjects",
        type=int,
        default=DEFAULT_MAX_SUBJECTS,
        metavar="N",
        help=_("most subjects in one population (default {n})").format(n=DEFAULT_MAX_SUBJECTS),
    )
    serve.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=_("seconds one request may take, its body included (default {n})").format(
            n=f"{DEFAULT_TIMEOUT:g}"
        ),
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        metavar="N",
        help=_("evaluations run at once (default {n})").format(n=DEFAULT_THREADS),
    )
    serve.add_argument(
        "--batch-window-ms",
        type=float,
        default=DEFAULT_BATCH_WINDOW_MS,
        metavar="MS",
        help=_(
            "wait up to this many milliseconds to decide concurrent evaluate requests of the "
            "same shape as one population (default {n}; 0: each request alone)"
        ).format(n=f"{DEFAULT_BATCH_WINDOW_MS:g}"),
    )
    serve.add_argument(
        "--batch-max",
        type=int,
        default=DEFAULT_BATCH_MAX,
        metavar="N",
        help=_("most requests decided as one population (default {n})").format(n=DEFAULT_BATCH_MAX),
    )
    return serve


def settings_of(args: argparse.Namespace) -> Settings:
    """The service's settings from the command line and the environment."""
    for name in ("max_body", "max_subjects", "threads", "timeout", "batch_max"):
        if getattr(args, name) <= 0:
            raise EmulationError(
                Message("--{option} must be positive", option=name.replace("_", "-"))
            )
    if not 0 <= args.batch_window_ms <= MAX_BATCH_WINDOW_MS:
        raise EmulationError(
            Message(
                "--batch-window-ms must be between 0 and {most}", most=f"{MAX_BATCH_WINDOW_MS:g}"
            )
        )
    if args.token_file is not None:
        lines = args.token_file.read_text(encoding="utf-8").splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise EmulationError(
                Message("{file}: the token file is empty", file=str(args.token_file))
            )
    else:
        token = os.environ.get(TOKEN_VARIABLE, "").strip()
    return Settings(
        host=args.host,
        port=args.port,
        token=token or None,
        cors_origins=tuple(args.cors_origins),
        max_body=args.max_body,
        max_subjects=args.max_subjects,
        timeout=args.timeout,
        threads=args.threads,
        batch_window_ms=args.batch_window_ms,
        batch_max=args.batch_max,
    )


def run(args: argparse.Namespace, engine_of: Any) -> int:
    """Build the engine once, then serve until interrupted."""
    if importlib.util.find_spec("starlette") is None or importlib.util.find_spec("uvicorn") is None:
        raise EmulationError(Message(MISSING))
    settings = settings_of(args)
    # lazy: the web stack is an optional extra that no other command loads
    from emulation.service.server import serve

    if settings.token is None and settings.host not in ("127.0.0.1", "::1", "localhost"):
        line = _(NO_TOKEN_OUTSIDE).format(host=settings.host)
        print(f"emulation: {line}", file=sys.stderr)
    serve(engine_of(args), settings)
    return 0
