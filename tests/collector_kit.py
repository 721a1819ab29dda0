"""Helpers for collector tests: fixtures on disk, a collector wired to aioresponses, and a
sleep that records instead of waiting (so Retry-After and backoff are asserted, not slept)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import collectors
from collectors._http import RetryPolicy, SourceHttp
from collectors.base import Collector, Page
from config.settings import CollectorSettings

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(source: str, name: str) -> str:
    return (FIXTURES / source / name).read_text(encoding="utf-8")


def fixture_json(source: str, name: str) -> Any:
    return json.loads(fixture_text(source, name))


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_collector(
    name: str,
    session: aiohttp.ClientSession,
    sleep: RecordingSleep,
    *,
    attempts: int = 3,
    **config: Any,
) -> Collector:
    """The registered collector ``name`` with a test base URL-free config and no real sleeps."""
    cls = collectors.source(name)
    settings = CollectorSettings(enabled=True, **config)
    token = settings.token.get_secret_value() if settings.token else ""
    http = SourceHttp(
        session,
        source=name,
        rate=None,
        policy=RetryPolicy(attempts=attempts, base_delay=0.01),
        secrets=[token],
        sleep=sleep,
        seed=1,
    )
    return cls(config=settings, http=http)


async def all_pages(
    collector: Collector, location: str = "", *, resume: str | None = None, since: Any = None
) -> list[Page]:
    pages: list[Page] = []
    iterator: AsyncIterator[Page] = collector.pages(location, resume=resume, since=since)
    async for page in iterator:
        pages.append(page)
    return pages


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened
