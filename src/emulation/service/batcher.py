"""Gathering concurrent evaluate requests into batches (:mod:`emulation.service.batch` decides
them).

A request is read and checked on a thread of its own (so that a large body never holds the
event loop), then joins the open batch of its key, or opens one. A batch waits at most
``batch_window_ms`` for more requests, or until it holds ``batch_max`` requests or as many
subjects as one request may send (``max_subjects``); then it waits for a free evaluation
thread, still taking requests of its key meanwhile, and is decided on that thread. Each request
waits for its answer within its own deadline (503 past it, as alone); a request that stopped
waiting before its batch starts is left out of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor

import attrs

from emulation.engine import Engine
from emulation.service import operations
from emulation.service.batch import Plan, Policy, answer_together, batch_key
from emulation.service.pool import Pool, awaited
from emulation.service.settings import Settings


@attrs.define(eq=False)
class _Waiting:
    request: operations.EvaluateRequest
    answer: asyncio.Future[bytes]
    deadline: float
    #: The request stopped waiting (its time ran out) before its batch started.
    gone: bool = False


@attrs.define(eq=False)
class _Batch:
    key: Hashable
    plan: Plan
    waiting: list[_Waiting] = attrs.field(factory=list)
    subjects: int = 0
    full: asyncio.Event = attrs.field(factory=asyncio.Event)


@attrs.define(eq=False)
class _Prepared:
    request: operations.EvaluateRequest
    key: Hashable | None
    plan: Plan | None


class Batcher:
    """Evaluate requests of one service, batched when they can be."""

    def __init__(self, engine: Engine, settings: Settings, pool: Pool) -> None:
        self._engine = engine
        self._settings = settings
        self._pool = pool
        self._policy = Policy(engine)
        self._readers = ThreadPoolExecutor(settings.threads, thread_name_prefix="emulation-read")
        self._open: dict[Hashable, _Batch] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def evaluate(self, raw: bytes, deadline: float) -> bytes:
        """The answer to ``POST /v1/evaluate`` with the body ``raw``."""
        loop = asyncio.get_running_loop()
        reading = loop.run_in_executor(self._readers, self._prepare, raw)
        prepared = await awaited(reading, deadline - time.monotonic())
        request = prepared.request
        if prepared.key is None or prepared.plan is None:
            return await self._pool.run(
                lambda: operations.evaluate_alone(self._engine, request),
                deadline - time.monotonic(),
            )
        waiting = _Waiting(request, loop.create_future(), deadline)
        self._join(prepared.key, prepared.plan, waiting)
        try:
            return await awaited(waiting.answer, deadline - time.monotonic())
        except BaseException:
            waiting.gone = True
            raise

    def _prepare(self, raw: bytes) -> _Prepared:
        request = operations.prepare_evaluate(self._settings, raw)
        key = batch_key(self._policy, request, raw)
        return _Prepared(request, key, None if key is None else self._policy.plan(request))

    def _join(self, key: Hashable, plan: Plan, waiting: _Waiting) -> None:
        size = len(waiting.request.body["population"]["subjects"])
        batch = self._open.get(key)
        if batch is not None and batch.subjects + size > self._settings.max_subjects:
            self._close(batch)
            batch = None
        if batch is None:
            batch = self._open[key] = _Batch(key, plan)
            task = asyncio.get_running_loop().create_task(self._decide(batch))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        batch.waiting.append(waiting)
        batch.subjects += size
        if len(batch.waiting) >= self._settings.batch_max:
            self._close(batch)

    def _close(self, batch: _Batch) -> None:
        """Take no more requests into ``batch``."""
        if self._open.get(batch.key) is batch:
            del self._open[batch.key]
        batch.full.set()

    async def _decide(self, batch: _Batch) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(batch.full.wait(), self._settings.batch_window_ms / 1000)
        last = max(waiting.deadline for waiting in batch.waiting)
        try:
            await self._pool.acquire(last - time.monotonic())
        except Exception as error:  # no thread in time: every request is told so
            self._close(batch)
            for waiting in batch.waiting:
                if not waiting.answer.done():
                    waiting.answer.set_exception(error)
            return
        self._close(batch)
        chosen = [waiting for waiting in batch.waiting if not waiting.gone]
        if not chosen:  # every request stopped waiting
            self._pool.release()
            return
        requests = [waiting.request for waiting in chosen]
        work = self._pool.start(lambda: answer_together(self._engine, requests, batch.plan))
        answers: list[bytes | BaseException]
        try:
            answers = await work
        except Exception as error:  # pragma: no cover - answer_together answers each
            answers = [error] * len(chosen)
        for waiting, answer in zip(chosen, answers, strict=True):
            if waiting.answer.done():
                continue
            if isinstance(answer, BaseException):
                waiting.answer.set_exception(answer)
            else:
                waiting.answer.set_result(answer)

    def close(self) -> None:
        self._readers.shutdown(wait=False, cancel_futures=True)
