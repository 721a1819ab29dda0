"""``reputation alerts flush``: send the alerts waiting in the outbox now, and say how it went."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from config.settings import Settings
from reputation.app import open_store
from reputation.core.errors import ConfigError
from reputation.core.protocols import Notifier
from responders.notifiers import ConsoleNotifier, SlackNotifier
from responders.outbox import FlushReport, Outbox


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def _notifier(settings: Settings, *, console: bool) -> Notifier:
    if console:
        return ConsoleNotifier(sys.stdout)
    if settings.slack.bot_token is None:
        # Printing would mark the alerts delivered: they would never reach Slack.
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set, so nothing was sent and the alerts stay in the "
            "outbox; set it, or pass --console to print them (and mark them delivered)"
        )
    return SlackNotifier(
        token=settings.slack.bot_token.get_secret_value(),
        base_url=settings.slack.base_url,
        timeout_s=settings.slack.timeout_s,
    )


async def flush_outbox(
    settings: Settings, *, notifier: Notifier, limit: int, respect_backoff: bool
) -> FlushReport:
    async with open_store(settings, _say) as store:
        outbox = Outbox(alerts=store.alerts, cases=store.cases, notifier=notifier)
        return await outbox.flush(limit=limit, respect_backoff=respect_backoff)


def flush(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when every attempt succeeded, 1 when some failed (they stay pending)."""
    notifier = _notifier(settings, console=bool(getattr(args, "console", False)))
    report = asyncio.run(
        flush_outbox(
            settings,
            notifier=notifier,
            limit=int(getattr(args, "limit", 500)),
            respect_backoff=bool(getattr(args, "due_only", False)),
        )
    )
    for error in report.errors:
        _say(f"not delivered: {error}")
    if report.stopped_early:
        _say("stopped after repeated failures: Slack looks unreachable; nothing was lost")
    counts = {"sent": report.sent, "failed": report.failed, "pending": report.pending}
    if getattr(args, "json", False):
        print(json.dumps(counts))
    else:
        print(f"sent {report.sent}, failed {report.failed}, still pending {report.pending}")
    return 1 if report.failed else 0
