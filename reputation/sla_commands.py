"""``reputation sla check``: overdue cases, follow-ups, the low digest and spikes, once."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from config.settings import Settings
from reputation.app import open_store
from responders.checks import ChecksReport, run_checks


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


async def check_once(settings: Settings) -> ChecksReport:
    async with open_store(settings, _say) as store:
        return await run_checks(store, settings)


def check(settings: Settings, args: argparse.Namespace) -> int:
    """Queue what is due into the outbox and print the counts; `alerts flush` sends them."""
    report = asyncio.run(check_once(settings))
    counts = report.counts()
    if getattr(args, "json", False):
        print(json.dumps(counts))
        return 0
    print(
        f"overdue replies {counts['overdue_replies']}, overdue private contacts "
        f"{counts['overdue_private_contacts']}, follow-ups {counts['follow_ups']}, "
        f"digests {counts['digests']} ({counts['alerts_digested']} low alerts), "
        f"spikes {counts['spikes']}; {counts['alerts_queued']} alerts queued"
    )
    if counts["alerts_queued"]:
        _say("run `reputation alerts flush` to send them")
    return 0
