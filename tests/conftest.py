"""Shared fixtures: one real MongoDB wire server per session, a fresh database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from reputation.storage import Store
from reputation.storage.server import EmbeddedMongo
from tests import aiohttp_compat
from tests.slack_fake import FakeSlack

aiohttp_compat.apply()

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``REPUTATION_TEST_MONGO_URI``, or an embedded server on a free port in a temp dir."""
    uri = os.environ.get("REPUTATION_TEST_MONGO_URI")
    if uri:
        yield uri
        return
    server = EmbeddedMongo(tmp_path_factory.mktemp("mongo"), start_timeout_s=60)
    with server:
        yield server.uri


@pytest.fixture
async def store(mongo_uri: str) -> AsyncIterator[Store]:
    """A connected store on a database of its own (nothing is ever dropped)."""
    opened = await Store.connect(mongo_uri, f"test_{uuid.uuid4().hex[:12]}")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No REPUTATION_* or Slack variables from the developer's shell leak into a test."""
    for name in list(os.environ):
        if name.startswith(("REPUTATION_", "SLACK_")):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def settings(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path)


@pytest.fixture
async def web(store: Store, settings: Settings) -> AsyncIterator[object]:
    """Web app clients over the test's store (tests/web_kit.py)."""
    from tests.web_kit import Web

    kit = Web(store, settings)
    try:
        yield kit
    finally:
        await kit.close()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    """A local fake Slack Web API (tests/slack_fake.py), stopped after the test."""
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()
