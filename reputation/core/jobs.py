"""The work ``reputation serve`` schedules, one coroutine per job (the table that says when
each runs is :data:`reputation.core.scheduler.job_table`).

Every job has the signature ``async def job(ctx, stop) -> Counts``: ``ctx`` holds the
long-lived collaborators, ``stop`` is set when the run should end at its next safe point (the
service is shutting down, or another process took the job's lease over). Each job does only
what storage says is pending, so a run cut short is finished by the next one; a failure is a
:class:`~reputation.core.errors.ReputationError`, which the scheduler logs and counts.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp

from config.settings import Settings
from reputation.core.errors import NotifyError, SourceError
from reputation.core.pipeline import Pipeline, RunReport
from reputation.core.protocols import Drafter, Notifier, SentimentModel

if TYPE_CHECKING:
    from reputation.storage import Store

log = logging.getLogger(__name__)

Counts = dict[str, int]
OUTBOX_CHUNK = 5  # send attempts per flush: a stop waits for at most this many
OUTBOX_RUN_LIMIT = 200  # send attempts per run; the next run sends the rest


@dataclass
class JobContext:
    """What the jobs share for the life of the process. ``model`` is None until loaded."""

    settings: Settings
    store: Store
    notifier: Notifier
    drafter: Drafter
    session: aiohttp.ClientSession
    worker: str
    model: SentimentModel | None = None


def _progress(message: str) -> None:
    log.debug("%s", message)


async def collect(ctx: JobContext, stop: asyncio.Event, *, source: str) -> Counts:
    """One run of one source, every location; ``stop`` ends it after the page in hand."""
    import collectors
    from collectors.runner import collect_source

    config = ctx.settings.collectors[source]
    collector = collectors.build(source, config, ctx.session)  # ConfigError: logged per run
    report = await collect_source(collector, ctx.store, progress=_progress, stop=stop)
    counts = {
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "quarantined": report.quarantined,
        "removed": report.removed,
        "pages": report.pages,
        "skipped": int(report.skipped is not None),
    }
    if report.error:
        # Pages stored before the error stay stored; the cursor resumes after them.
        raise SourceError(f"{source}: {report.error} (after {report.pages} pages)")
    return counts


async def classify(ctx: JobContext, stop: asyncio.Event) -> Counts:
    """Classify every review whose current text has no sentiment, then respond: a case,
    a draft and a queued alert per flagged review (the outbox job sends them)."""
    if ctx.model is None:
        return {"waiting_for_model": 1}
    pipeline = Pipeline(
        store=ctx.store,
        model=ctx.model,
        drafter=ctx.drafter,
        notifier=ctx.notifier,
        settings=ctx.settings,
    )
    report = RunReport()
    # ``stop`` ends the run after the batch (or review) in hand; the rest stays pending.
    await pipeline.classify_pending(report, stop=stop)
    await pipeline.respond(report, stop=stop)
    return {
        "classified": report.classified,
        "flagged": report.flagged,
        "cases_opened": report.cases_opened,
        "drafts": report.drafts_created,
        "alerts_queued": report.alerts_queued,
    }


async def flush_outbox(ctx: JobContext, stop: asyncio.Event) -> Counts:
    """Send the alerts that are due, a few at a time so that ``stop`` is heard between
    chunks (Slack's pace is about one message per second per channel)."""
    from responders.outbox import Outbox

    outbox = Outbox(
        alerts=ctx.store.alerts, cases=ctx.store.cases, notifier=ctx.notifier, worker=ctx.worker
    )
    counts = {"sent": 0, "failed": 0, "pending": 0}
    for _ in range(OUTBOX_RUN_LIMIT // OUTBOX_CHUNK):
        report = await outbox.flush(limit=OUTBOX_CHUNK, respect_backoff=True)
        counts["sent"] += report.sent
        counts["failed"] += report.failed
        counts["pending"] = report.pending
        if report.stopped_early:
            raise NotifyError(
                f"Slack failed {report.failed} times in a row; {report.pending} alerts wait "
                f"in the outbox ({counts['sent']} sent this run)"
            )
        if stop.is_set() or report.sent + report.failed < OUTBOX_CHUNK:
            break  # stopping, or nothing more is due now
    return counts


async def run_checks(ctx: JobContext, stop: asyncio.Event) -> Counts:
    """SLA deadlines and follow-ups, the low-severity digest, negative spikes."""
    del stop
    from responders.checks import run_checks as checks

    return (await checks(ctx.store, ctx.settings)).counts()


async def sync_inbox(ctx: JobContext, stop: asyncio.Event) -> Counts:
    """Rebuild the inbox entries touched since the last sync (the web app also syncs before
    it reads; this keeps the inbox current when nobody is looking, and pays the cost off the
    request path). ``stop`` ends it after the batch of events in hand."""
    return {"entries": await ctx.store.inbox.sync(force=True, stop=stop)}


async def snapshot_trends(ctx: JobContext, stop: asyncio.Event) -> Counts:
    """Daily trend snapshots of the last few full days (late arrivals are counted)."""
    del stop
    from reputation.storage.trends import snapshot_recent

    return {"cells": await snapshot_recent(ctx.store, days=3)}
