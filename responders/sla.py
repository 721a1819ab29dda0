"""SLA checks: overdue cases escalate once per deadline, resolved cases get one follow-up.

Every deadline of a case (public reply, private contact) escalates at most once: one alert
in the case's Slack thread (the outbox puts it there) mentioning the owning team, and the
breach is stored on the case (``reply_breached_at``, ``replied_within_sla = False``...).
The alert is queued before the breach is marked and its outbox id is fixed per case and
deadline, so a crash in between, or two checks at once, still make exactly one alert.

A resolved case's thread gets one "was the problem solved?" reminder
``sla.follow_up_hours`` after resolution.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from config.settings import Settings
from reputation.core.models import Alert, AlertKind, Case, utcnow
from responders.notices import SLA_NAMES, follow_up_payload, overdue_payload
from responders.routing import Router, addressed

if TYPE_CHECKING:
    from reputation.storage import Store
    from reputation.storage.cases import Sla

log = logging.getLogger(__name__)

SLAS: tuple[Sla, ...] = ("reply", "private_contact")
_MAX_ROUNDS = 20  # batches per check; whatever is left waits for the next check


@dataclass
class SlaReport:
    """What one check did: breaches newly recorded, follow-ups queued, alerts added."""

    overdue_replies: int = 0
    overdue_private_contacts: int = 0
    follow_ups: int = 0
    alerts_queued: int = 0


def overdue_alert(case: Case, sla: Sla, *, router: Router, now: datetime) -> Alert:
    """The escalation for a missed deadline: in the case's channel, mentioning its owners."""
    channel = case.slack_channel or router.default.channel
    payload = overdue_payload(case, sla, now=now, channel=channel)
    return Alert(
        case_ref=case.ref,
        kind=AlertKind.OVERDUE.value,
        dedupe=sla,  # one per deadline and case, however often the check runs
        channel=channel,
        severity=case.severity,
        payload=addressed(payload, mention=router.mention_for(case.team)),
        created_at=now,
    )


def follow_up_alert(case: Case, *, router: Router, now: datetime) -> Alert:
    channel = case.slack_channel or router.default.channel
    return Alert(
        case_ref=case.ref,
        kind=AlertKind.FOLLOW_UP.value,
        channel=channel,
        severity=case.severity,
        payload=addressed(
            follow_up_payload(case, channel=channel), mention=router.mention_for(case.team)
        ),
        created_at=now,
    )


async def check_slas(
    store: Store, settings: Settings, now: datetime | None = None, *, batch: int = 500
) -> SlaReport:
    """Escalate the cases past a deadline and queue the follow-ups that are due.

    Args:
        store: the repositories; alerts go into its outbox (send them with an Outbox).
        settings: routing (who is mentioned) and ``sla.follow_up_hours``.
        now: the time to check against (tests, replays); default: the current time.
        batch: cases read per query.
    """
    now = now or utcnow()
    router = Router.from_settings(settings)
    report = SlaReport()
    for sla in SLAS:
        for _ in range(_MAX_ROUNDS):
            cases = await store.cases.overdue(sla, now=now, limit=batch)
            for case in cases:
                queued = await store.alerts.enqueue(
                    overdue_alert(case, sla, router=router, now=now)
                )
                breached = await store.cases.mark_breached(case.ref, sla, now=now)
                report.alerts_queued += int(queued)
                if breached and sla == "reply":
                    report.overdue_replies += 1
                elif breached:
                    report.overdue_private_contacts += 1
                if breached:
                    log.info("case %s: %s overdue, escalated", case.ref, SLA_NAMES[sla])
            if len(cases) < batch:
                break
    await _follow_ups(store, settings, router, now, report, batch)
    return report


async def _follow_ups(
    store: Store, settings: Settings, router: Router, now: datetime, report: SlaReport, batch: int
) -> None:
    hours = settings.sla.follow_up_hours
    if hours <= 0:
        return
    cutoff = now - timedelta(hours=hours)
    for _ in range(_MAX_ROUNDS):
        cases = await store.cases.follow_ups_due(resolved_before=cutoff, limit=batch)
        for case in cases:
            queued = await store.alerts.enqueue(follow_up_alert(case, router=router, now=now))
            report.alerts_queued += int(queued)
            report.follow_ups += int(await store.cases.mark_follow_up_queued(case.ref, now=now))
        if len(cases) < batch:
            break
