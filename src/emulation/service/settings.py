"""What a running service is allowed to do: where it listens, who may call it, and how much
time and memory one request may take. Plain data; no web library is imported here."""

from __future__ import annotations

import attrs

#: The largest request body read, in bytes, unless ``--max-body`` says otherwise (10 MiB: the
#: example union of 63 subjects is 96 KB, so several thousand subjects fit).
DEFAULT_MAX_BODY = 10 * 1024 * 1024
#: The most subjects one population may hold, unless ``--max-subjects`` says otherwise.
DEFAULT_MAX_SUBJECTS = 10_000
#: Seconds one request may take, reading its body included, unless ``--timeout`` says otherwise.
DEFAULT_TIMEOUT = 30.0
#: Evaluations run at once (each in its own worker thread) unless ``--threads`` says otherwise.
DEFAULT_THREADS = 2
#: Milliseconds a batch of evaluate requests waits for more requests, unless
#: ``--batch-window-ms`` says otherwise (0: every request is evaluated alone).
DEFAULT_BATCH_WINDOW_MS = 2.0
#: The longest batch window allowed: a wait longer than this only adds latency.
MAX_BATCH_WINDOW_MS = 1000.0
#: The most requests decided in one batch, unless ``--batch-max`` says otherwise.
DEFAULT_BATCH_MAX = 32


@attrs.frozen(kw_only=True)
class Settings:
    """The limits and the access rules of one service."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: The bearer token every endpoint but health requires; None: no token is asked for.
    token: str | None = None
    #: Origins allowed by CORS; empty: no CORS header is ever sent.
    cors_origins: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    max_subjects: int = DEFAULT_MAX_SUBJECTS
    timeout: float = DEFAULT_TIMEOUT
    threads: int = DEFAULT_THREADS
    #: How long a batch of concurrent evaluate requests waits for more; 0: no batching.
    batch_window_ms: float = DEFAULT_BATCH_WINDOW_MS
    #: The most requests one batch decides.
    batch_max: int = DEFAULT_BATCH_MAX
