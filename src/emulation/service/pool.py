"""The worker threads of the service: at most ``threads`` functions running at once, each
awaited until a deadline. A function whose caller stopped waiting runs to its end unobserved
(Python cannot stop a thread) and its thread stays counted until then."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from emulation.service.problems import ServiceProblem

T = TypeVar("T")


class Pool:
    """At most ``threads`` functions running at once, each awaited until a deadline."""

    def __init__(self, threads: int, name: str = "emulation-serve") -> None:
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix=name)
        self._threads = threads
        self._free: asyncio.Semaphore | None = None

    async def acquire(self, seconds: float) -> None:
        """Wait at most ``seconds`` for a free thread (503 past them); :meth:`start` uses it."""
        if self._free is None:
            self._free = asyncio.Semaphore(self._threads)
        try:
            await asyncio.wait_for(self._free.acquire(), max(seconds, 0))
        except asyncio.TimeoutError:
            raise busy("no worker became free in time") from None

    def release(self) -> None:
        """Give back a thread :meth:`acquire` reserved and no work used."""
        assert self._free is not None, "acquire a thread first"
        self._free.release()

    def start(self, work: Callable[[], T]) -> asyncio.Future[T]:
        """Run ``work`` on the thread :meth:`acquire` reserved; the thread is given back when
        the work ends, even when nobody waits for it any more."""
        free = self._free
        assert free is not None, "acquire a thread first"
        future = asyncio.get_running_loop().run_in_executor(self._executor, work)
        future.add_done_callback(lambda _: free.release())
        return future

    async def run(self, work: Callable[[], T], seconds: float) -> T:
        """``work`` run on a free thread, its result awaited at most ``seconds`` in all."""
        started = time.monotonic()
        await self.acquire(seconds)
        future = self.start(work)
        return await awaited(future, seconds - (time.monotonic() - started))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def awaited(future: asyncio.Future[T], seconds: float) -> T:
    """The result of ``future``, awaited at most ``seconds`` (503 past them; the work goes on)."""
    try:
        return await asyncio.wait_for(asyncio.shield(future), max(seconds, 0))
    except asyncio.TimeoutError:
        future.add_done_callback(forget)
        raise busy("the request took longer than its time limit") from None


def forget(future: asyncio.Future[Any]) -> None:
    """Collect the outcome of work nobody waits for, so that its error is not reported."""
    if not future.cancelled():
        future.exception()


def busy(detail: str) -> ServiceProblem:
    return ServiceProblem(503, "timeout", detail, headers={"Retry-After": "1"})
