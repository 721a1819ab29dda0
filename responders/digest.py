"""The low-severity digest: held alerts become one message per channel and interval.

With ``slack.digest_low``, routing holds a low case's new-case and update alerts (status
``held``; the outbox never sends them alone). :func:`send_low_digest` gathers a channel's
held alerts once ``slack.digest_interval_hours`` have passed since its previous digest (or
since the oldest held alert, for the first one), queues one digest alert listing their cases
and marks them ``digested``. The digest's outbox id is derived from the alerts it carries, so
a check that runs twice, or crashes before marking them, never queues the same digest twice.
Held alerts are digested even after ``digest_low`` is switched off, so none is stranded.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from config.settings import Settings
from reputation.core.models import Alert, AlertKind, Case, Severity, utcnow
from responders.notices import digest_payload

if TYPE_CHECKING:
    from reputation.storage import Store

log = logging.getLogger(__name__)

MAX_HELD = 1000  # per channel and digest; more wait for the next one


@dataclass
class DigestReport:
    digests: int = 0  # digest messages queued
    alerts_digested: int = 0  # held alerts they carry
    channels_waiting: int = 0  # channels with held alerts whose interval has not passed


def digest_ref(channel: str) -> str:
    """The outbox key of a channel's digests (they are about no single case)."""
    return f"digest:{channel}"


async def send_low_digest(
    store: Store, settings: Settings, now: datetime | None = None
) -> DigestReport:
    """Queue one digest per channel whose interval has passed; see the module docstring."""
    now = now or utcnow()
    interval = timedelta(hours=settings.slack.digest_interval_hours)
    report = DigestReport()
    for channel, oldest in sorted((await store.alerts.held_channels()).items()):
        previous = await store.alerts.latest(digest_ref(channel), AlertKind.DIGEST.value)
        since = previous.created_at if previous is not None else oldest
        if now - since < interval:
            report.channels_waiting += 1
            continue
        held = await store.alerts.held(channel, limit=MAX_HELD)
        if not held:
            continue  # digested meanwhile by another check
        cases = await _cases_of(store, held)
        ids = sorted(store.alerts.alert_id(a) for a in held)
        digest = Alert(
            case_ref=digest_ref(channel),
            kind=AlertKind.DIGEST.value,
            dedupe=hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16],
            channel=channel,
            severity=Severity.LOW,
            payload=digest_payload(cases, channel=channel, since=since, now=now),
            created_at=now,
        )
        report.digests += int(await store.alerts.enqueue(digest))
        report.alerts_digested += await store.alerts.mark_digested(held, digest)
        log.info("digest for %s: %d low cases", channel, len(cases))
    return report


async def _cases_of(store: Store, alerts: list[Alert]) -> list[Case]:
    """Each alert's case once, in the order the alerts were queued."""
    cases: list[Case] = []
    seen: set[str] = set()
    for alert in alerts:
        if alert.case_ref in seen:
            continue
        seen.add(alert.case_ref)
        case = await store.cases.get(alert.case_ref)
        if case is not None:
            cases.append(case)
    return cases
