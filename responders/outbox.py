"""The outbox worker: sends stored alerts so that each reaches Slack once, in its case's thread.

Safe with any number of workers in any number of processes:

* an alert is *claimed* atomically (status ``sending``, a lease and a claim token) before it
  is sent, so two flushes never send the same alert; a worker that dies mid-send leaves a
  lease that expires, and the alert is claimable again (at-least-once: Slack has no
  idempotency key, so a crash between Slack's answer and the database write can repeat one);
* a failure puts the alert back to ``pending`` with ``attempts`` + 1 and an exponential
  backoff; Slack's 429 ``Retry-After`` is a hard wait for the alert and its whole channel;
* every channel gets at most one message per ``channel_interval_s`` (Slack documents about
  one per second for ``chat.postMessage``), through slots reserved in MongoDB;
* the first alert of a case is a top-level message and its ``ts`` is stored on the case;
  every later alert of the case waits for it and is posted into that thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from reputation.core.errors import NotifyError
from reputation.core.models import Alert, AlertStatus, utcnow
from reputation.core.protocols import Notifier

if TYPE_CHECKING:
    from reputation.storage.cases import AlertRepository, CaseRepository

log = logging.getLogger(__name__)

# A Slack message timestamp; other notifiers' receipts (console:…) never start a thread.
SLACK_TS = re.compile(r"^\d+\.\d+$")
MAX_DEFERRALS = 20  # per alert and flush: then it waits for the next flush


@dataclass
class FlushReport:
    """What one flush did; ``pending`` is what the outbox still holds unsent afterwards."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    pending: int = 0
    stopped_early: bool = False
    errors: list[str] = field(default_factory=list)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Outbox:
    """Delivers pending alerts through a :class:`~reputation.core.protocols.Notifier`."""

    def __init__(
        self,
        *,
        alerts: AlertRepository,
        cases: CaseRepository,
        notifier: Notifier,
        worker: str | None = None,
        lease_s: float = 120.0,
        channel_interval_s: float | None = None,
        max_wait_s: float = 5.0,
        backoff_s: float = 30.0,
        max_backoff_s: float = 3600.0,
        max_consecutive_failures: int = 5,
    ) -> None:
        self._alerts = alerts
        self._cases = cases
        self._notifier = notifier
        self.worker = worker or default_worker_id()
        self._lease_s = lease_s
        # The notifier knows its service's pace (Slack: 1/s per channel); the console has none.
        self._interval_s = (
            channel_interval_s
            if channel_interval_s is not None
            else float(getattr(notifier, "min_interval_s", 0.0))
        )
        self._max_wait_s = max_wait_s
        self._backoff_s = backoff_s
        self._max_backoff_s = max_backoff_s
        self._max_failures = max_consecutive_failures

    async def flush(self, *, limit: int = 500, respect_backoff: bool = True) -> FlushReport:
        """Send what is due now, waiting at most ``max_wait_s`` at a time (channel pacing, a
        short Retry-After, a case's first message still on its way).

        Args:
            limit: at most this many send attempts.
            respect_backoff: False retries failed alerts at once (a person asked for it);
                Slack's Retry-After is honoured either way.
        """
        started = time.monotonic()
        report = FlushReport()
        skip: set[str] = set()
        deferrals: dict[str, int] = {}
        attempts = failures_in_a_row = 0
        while attempts < limit:
            alert = await self._alerts.claim(
                worker=self.worker,
                token=uuid.uuid4().hex,
                lease_s=self._lease_s,
                respect_backoff=respect_backoff,
                exclude=skip,
            )
            if alert is None:
                ready = await self._alerts.next_ready_at(
                    respect_backoff=respect_backoff, exclude=skip
                )
                wait = None if ready is None else (ready - utcnow()).total_seconds()
                if wait is None or wait > self._max_wait_s:
                    break
                await asyncio.sleep(max(wait, 0.05))
                continue
            alert_id = self._alerts.alert_id(alert)
            outcome = await self._deliver(alert, skip, report, respect_backoff)
            if outcome == "deferred":
                deferrals[alert_id] = deferrals.get(alert_id, 0) + 1
                if deferrals[alert_id] >= MAX_DEFERRALS:
                    skip.add(alert_id)
                continue
            attempts += 1
            if outcome != "retry_soon":
                skip.add(alert_id)
            failures_in_a_row = failures_in_a_row + 1 if outcome != "sent" else 0
            if failures_in_a_row >= self._max_failures:
                # Slack is down or refusing us: stop hammering it; everything stays pending.
                report.stopped_early = True
                break
        report.pending = await self._alerts.count_unsent()
        log.info(
            "outbox flush by %s: %d sent, %d failed, %d deferred, %d still pending (%.1f s)",
            self.worker,
            report.sent,
            report.failed,
            report.deferred,
            report.pending,
            time.monotonic() - started,
        )
        return report

    async def _deliver(
        self, alert: Alert, skip: set[str], report: FlushReport, respect_backoff: bool
    ) -> str:
        """Send one claimed alert. Returns "sent", "failed", "retry_soon" (Slack asked for a
        short wait, so this flush tries again) or "deferred" (given back untried)."""
        case = await self._cases.get(alert.case_ref)
        thread_ts = case.slack_thread_ts if case else None
        channel = case.slack_channel if case and thread_ts and case.slack_channel else alert.channel
        if thread_ts is None:
            earlier = await self._alerts.earlier_unsent(alert)
            if earlier is not None:
                # The case's first message is not out yet: this one belongs in its thread.
                if self._blocked_for_this_flush(earlier, skip, respect_backoff):
                    skip.add(self._alerts.alert_id(alert))
                soon = utcnow() + timedelta(seconds=0.5)
                until = max(soon, earlier.not_before) if earlier.not_before else soon
                return await self._defer(alert, until, report)
        slot, reserved = await self._alerts.reserve_slot(
            channel, interval_s=self._interval_s, max_wait_s=self._max_wait_s
        )
        if not reserved:
            return await self._defer(alert, slot, report)
        await asyncio.sleep(max(0.0, (slot - utcnow()).total_seconds()))
        payload = alert.payload | {"channel": channel}
        if thread_ts is not None:
            payload["thread_ts"] = thread_ts
        try:
            receipt = await self._notifier.send(
                alert.model_copy(update={"payload": payload, "channel": channel})
            )
        except NotifyError as exc:
            await self._failed(alert, channel, exc, report)
            short = exc.retry_after is not None and exc.retry_after <= self._max_wait_s
            return "retry_soon" if short else "failed"
        except Exception as exc:
            # A bug, not an outage: give the alert back before the error propagates.
            await self._failed(alert, channel, NotifyError(type(exc).__name__), report)
            raise
        if thread_ts is None and case is not None and SLACK_TS.match(receipt):
            await self._cases.set_thread(alert.case_ref, channel=channel, ts=receipt)
        if not await self._alerts.mark_sent(alert, receipt, channel=channel, thread_ts=thread_ts):
            log.warning(
                "alert %s: the lease expired while sending; it may have been sent twice",
                self._alerts.alert_id(alert),
            )
        report.sent += 1
        return "sent"

    def _blocked_for_this_flush(self, earlier: Alert, skip: set[str], backoff: bool) -> bool:
        """Whether the earlier alert cannot go out during this flush (so neither can this)."""
        if self._alerts.alert_id(earlier) in skip:
            return True
        waiting = earlier.next_attempt_at is not None and earlier.next_attempt_at > utcnow()
        return backoff and earlier.status is AlertStatus.PENDING and waiting

    async def _defer(self, alert: Alert, until: datetime, report: FlushReport) -> str:
        await self._alerts.release(alert, not_before=until)
        report.deferred += 1
        return "deferred"

    async def _failed(
        self, alert: Alert, channel: str, exc: NotifyError, report: FlushReport
    ) -> None:
        now = utcnow()
        attempt = alert.attempts + 1
        backoff = min(self._max_backoff_s, self._backoff_s * 2 ** min(attempt - 1, 20))
        not_before = None
        if exc.retry_after is not None and exc.retry_after > 0:
            # Rate limited, not broken: wait exactly as long as Slack asks, channel-wide.
            not_before = now + timedelta(seconds=exc.retry_after)
            await self._alerts.hold_channel(channel, not_before)
            backoff = exc.retry_after
        await self._alerts.mark_failed(
            alert,
            str(exc),
            next_attempt_at=now + timedelta(seconds=backoff),
            not_before=not_before,
        )
        report.failed += 1
        report.errors.append(f"{alert.case_ref} ({alert.kind}): {exc}")
        log.warning(
            "alert %s not delivered (attempt %d, next in %.0f s): %s",
            self._alerts.alert_id(alert),
            attempt,
            backoff,
            exc,
        )
