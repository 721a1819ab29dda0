"""Composition root: settings → storage, model, drafter, notifier."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TextIO

from config.settings import Settings
from reputation.core.protocols import Drafter, Notifier, SentimentModel
from reputation.storage import Store
from reputation.storage.server import EmbeddedMongo
from responders.drafts import TemplateDrafter
from responders.notifiers import ConsoleNotifier, SlackNotifier

Progress = Callable[[str], None]


@asynccontextmanager
async def open_store(settings: Settings, progress: Progress = print) -> AsyncIterator[Store]:
    """Connect to ``mongo.uri``, or start the embedded server for the duration."""
    server: EmbeddedMongo | None = None
    uri = settings.mongo.uri.get_secret_value() if settings.mongo.uri else None
    if uri is None:
        server = EmbeddedMongo(
            settings.embedded_data_dir,
            command=settings.embedded.command,
            host=settings.embedded.host,
            port=settings.embedded.port,
            start_timeout_s=settings.embedded.start_timeout_s,
        )
        progress(f"starting the embedded MongoDB server (data in {server.data_dir})")
        uri = await asyncio.to_thread(server.start)
    try:
        store = await Store.connect(
            uri, settings.mongo.database, timeout_ms=settings.mongo.timeout_ms
        )
        try:
            yield store
        finally:
            store.close()
    finally:
        if server is not None:
            await asyncio.to_thread(server.stop)


def build_model(settings: Settings, progress: Progress = print) -> SentimentModel:
    from sentiment import build_model as build

    return build(settings, progress)


def build_notifier(settings: Settings, console: TextIO | None = None) -> Notifier:
    """Slack when a bot token is configured, otherwise the console."""
    if settings.slack.bot_token is not None:
        return SlackNotifier(
            token=settings.slack.bot_token.get_secret_value(),
            base_url=settings.slack.base_url,
            timeout_s=settings.slack.timeout_s,
        )
    return ConsoleNotifier(console or sys.stdout)


def build_drafter(settings: Settings) -> Drafter:
    return TemplateDrafter()
