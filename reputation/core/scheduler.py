"""The service's jobs, declared in one table, and the runner that fires them.

:func:`job_table` is the only place a job is declared: its id, when it runs (an apscheduler
trigger built from the settings), the coroutine (:mod:`reputation.core.jobs`) and how long
the cluster waits between two runs. :class:`JobRunner` registers every row with one
apscheduler ``AsyncIOScheduler`` (``max_instances=1``, ``coalesce=True``, jitter) and wraps
each run:

1. take the job's lease in MongoDB (:mod:`reputation.storage.leases`) — if another process
   holds it, or ran the job moments ago, this process skips the run, so several ``serve``
   processes never collect or send twice;
2. run the coroutine while renewing the lease; if the lease is lost, the run is asked to stop
   at its next safe point;
3. log one line with the duration and counts; a :class:`ReputationError` is logged and
   counted, and the scheduler keeps going;
4. release the lease, recording the outcome.

On :meth:`JobRunner.stop` no new run starts, running ones are asked to stop (collection ends
after the page in hand is stored) and get ``grace_s`` to finish; what is still running then
is cancelled — every job keeps its progress in storage, so the next run redoes at most the
interrupted page or batch.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config.settings import Settings
from reputation.core import jobs
from reputation.core.errors import ReputationError, StorageError
from reputation.core.jobs import Counts, JobContext
from reputation.storage.leases import LeaseRepository

log = logging.getLogger(__name__)

JobFunc = Callable[[JobContext, asyncio.Event], Awaitable[Counts]]
# Another process may start a job again only after this share of its interval has passed
# since the last start: the cluster keeps each job's pace however many processes run.
GAP_SHARE = 0.8
DAILY_GAP_S = 3600.0  # a daily job fires at the same time everywhere: one run per tick


@dataclass(frozen=True)
class JobSpec:
    """One row of the job table."""

    id: str
    func: JobFunc
    trigger: BaseTrigger
    gap_s: float  # minimum time between two starts, across processes
    misfire_s: int  # how late a run may still start (a busy loop, a slow previous run)
    enabled: bool = True
    disabled_because: str = ""
    needs_model: bool = False  # not tried (no lease taken) before the model is loaded
    max_instances: int = 1
    coalesce: bool = True


def _every(seconds: float, jitter_s: float) -> IntervalTrigger:
    # Jitter spreads the processes' runs; capped so it never eats the pacing gap.
    jitter = min(jitter_s, seconds / 5)
    return IntervalTrigger(seconds=seconds, jitter=jitter or None, timezone=UTC)


def job_table(settings: Settings) -> list[JobSpec]:
    """Every job the service runs, in one table (disabled rows say why)."""
    sch = settings.scheduler

    def every(job_id: str, seconds: float, func: JobFunc, **extra: Any) -> JobSpec:
        return JobSpec(
            id=job_id,
            func=func,
            trigger=_every(seconds, sch.jitter_seconds),
            gap_s=seconds * GAP_SHARE,
            misfire_s=max(1, round(seconds)),
            **extra,
        )

    no_slack = settings.slack.bot_token is None
    return [
        *(
            every(
                f"collect:{name}", config.interval_minutes * 60, partial(jobs.collect, source=name)
            )
            for name, config in sorted(settings.collectors.items())
            if config.enabled
        ),
        every("classify", sch.classify_seconds, jobs.classify, needs_model=True),
        every(
            "outbox",
            sch.outbox_seconds,
            jobs.flush_outbox,
            enabled=not no_slack,
            disabled_because="SLACK_BOT_TOKEN is not set: alerts wait in the outbox "
            "(`reputation alerts flush --console` prints them)",
        ),
        every("checks", sch.checks_seconds, jobs.run_checks),
        every("inbox_sync", sch.inbox_sync_seconds, jobs.sync_inbox),
        JobSpec(
            id="trend_snapshot",
            func=jobs.snapshot_trends,
            trigger=CronTrigger(
                hour=sch.snapshot_hour, minute=5, jitter=sch.jitter_seconds or None, timezone=UTC
            ),
            gap_s=DAILY_GAP_S,
            misfire_s=6 * 3600,
        ),
    ]


@dataclass
class JobStats:
    """What this process did with one job since it started."""

    runs: int = 0
    failures: int = 0
    skipped: int = 0  # another process held the lease or had just run the job
    last_error: str | None = None
    last_duration_s: float | None = None
    last_counts: Counts = field(default_factory=dict)


class JobRunner:
    """Runs the job table on one event loop, one lease-guarded run at a time per job."""

    def __init__(
        self,
        *,
        context: JobContext,
        leases: LeaseRepository,
        table: list[JobSpec],
        lease_s: float,
    ) -> None:
        self.context = context
        self.owner = context.worker
        self._leases = leases
        self._table = table
        self._lease_s = lease_s
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._run_stops: set[asyncio.Event] = set()
        self._stopping = False
        self.stats: dict[str, JobStats] = {spec.id: JobStats() for spec in table}

    @property
    def jobs(self) -> list[JobSpec]:
        return [spec for spec in self._table if spec.enabled]

    def start(self, *, run_now: bool = True) -> None:
        """Register every enabled job; with ``run_now`` each first runs within its jitter
        of now (the lease gap stops a restart from running a job again too soon)."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)
        jitter = self.context.settings.scheduler.jitter_seconds
        for spec in self._table:
            if not spec.enabled:
                log.warning("job %s is off: %s", spec.id, spec.disabled_because)
                continue
            first = now + timedelta(seconds=random.uniform(0, jitter))  # noqa: S311 - spread only
            scheduler.add_job(
                self._fire,
                trigger=spec.trigger,
                args=(spec,),
                id=spec.id,
                name=spec.id,
                max_instances=spec.max_instances,
                coalesce=spec.coalesce,
                misfire_grace_time=spec.misfire_s,
                **({"next_run_time": first} if run_now else {}),
            )
        scheduler.start()
        self._scheduler = scheduler

    async def _fire(self, spec: JobSpec) -> None:
        """What apscheduler calls. The run is a task of our own, so that the scheduler's
        shutdown (which cancels what it started) cannot cut it off mid-page."""
        if self._stopping:
            return
        task = asyncio.create_task(self.run_once(spec), name=f"job:{spec.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            # The scheduler is shutting down: stop() now decides how long the run may take.
            return

    async def run_once(self, spec: JobSpec) -> None:
        """One lease-guarded run of ``spec``; never raises a ReputationError."""
        stats = self.stats.setdefault(spec.id, JobStats())
        if spec.needs_model and self.context.model is None:
            stats.skipped += 1  # a process that has its model loaded will do it
            return
        try:
            lease = await self._leases.acquire(
                spec.id, self.owner, ttl_s=self._lease_s, min_gap_s=spec.gap_s
            )
        except StorageError as exc:
            stats.failures += 1
            stats.last_error = str(exc)
            log.warning("job %s not started: %s", spec.id, exc, extra={"job_id": spec.id})
            return
        if lease is None:
            stats.skipped += 1
            log.debug("job %s: run elsewhere or just now; skipped", spec.id)
            return
        stop = asyncio.Event()
        if self._stopping:
            stop.set()
        self._run_stops.add(stop)
        renewer = asyncio.create_task(self._renew(spec.id, stop), name=f"lease:{spec.id}")
        started = time.monotonic()
        error: str | None = "stopped before the run finished"  # until it returns
        counts: Counts = {}
        try:
            counts = await spec.func(self.context, stop)
            error = None
        except ReputationError as exc:
            error = str(exc)
        except Exception as exc:
            # A bug, not an outage: keep the traceback, keep the scheduler running.
            error = f"{type(exc).__name__}: {exc}"
            log.exception("job %s crashed", spec.id, extra={"job_id": spec.id})
        finally:
            renewer.cancel()
            self._run_stops.discard(stop)
            await self._release(spec.id, ok=error is None, error=error)
        duration = time.monotonic() - started
        stats.runs += 1
        stats.last_duration_s = duration
        stats.last_counts = counts
        stats.last_error = error
        summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing to do"
        if error is None:
            log.info(
                "job %s by %s: %s (%.2f s)",
                spec.id,
                self.owner,
                summary,
                duration,
                extra={"job_id": spec.id},
            )
        else:
            stats.failures += 1
            log.warning(
                "job %s by %s failed after %.2f s: %s",
                spec.id,
                self.owner,
                duration,
                error,
                extra={"job_id": spec.id},
            )

    async def _renew(self, job_id: str, stop: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self._lease_s / 3)
            try:
                still_ours = await self._leases.renew(job_id, self.owner, ttl_s=self._lease_s)
            except StorageError as exc:
                log.warning("job %s: lease not renewed: %s", job_id, exc)
                continue
            if not still_ours:
                log.warning("job %s: lease taken over by another process; stopping", job_id)
                stop.set()
                return

    async def _release(self, job_id: str, *, ok: bool, error: str | None) -> None:
        try:
            if not await self._leases.release(job_id, self.owner, ok=ok, error=error):
                log.warning("job %s: the lease had expired before the run ended", job_id)
        except StorageError as exc:
            log.warning("job %s: lease not released (it expires on its own): %s", job_id, exc)

    @property
    def running(self) -> int:
        return len(self._running)

    async def stop(self, *, grace_s: float) -> None:
        """No new runs; running ones stop at their next safe point within ``grace_s``, then
        are cancelled. Leases still held are released."""
        self._stopping = True
        for event in list(self._run_stops):
            event.set()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the shutdown runs on the loop
        running = set(self._running)
        if running:
            log.info("waiting up to %.0f s for %d running jobs", grace_s, len(running))
            _, late = await asyncio.wait(running, timeout=grace_s)
            for task in late:
                log.warning("job %s did not finish in time; cancelled", task.get_name())
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        try:
            released = await self._leases.release_all(self.owner)
        except StorageError as exc:
            log.warning("leases not released (they expire on their own): %s", exc)
        else:
            if released:
                log.warning("released %d leases of runs that did not finish", released)
