"""The servers the service tests talk to, started once per session or module."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from service_http import TOKEN, running

import emulation
from emulation.service import Settings


@pytest.fixture(scope="session")
def engine() -> emulation.Engine:
    """The installed plugins' engine (the state plugin alone, see tests/conftest.py)."""
    return emulation.build_engine()


@pytest.fixture(scope="session")
def base_url(engine: emulation.Engine) -> Iterator[str]:
    """A server with a token and the default limits."""
    with running(engine, Settings(token=TOKEN, timeout=120)) as url:
        yield url


@pytest.fixture(scope="session")
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of ``base_url`` that sends the token."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as session:
        yield session
