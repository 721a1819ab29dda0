"""The periodic checks as one coroutine: SLAs and follow-ups, the low digest, spikes.

Each part is also a coroutine of its own (``check_slas``, ``send_low_digest``,
``detect_spikes``), safe to run at any interval and from several processes: they only queue
alerts into the outbox (deduplicated), and an Outbox flush sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from config.settings import Settings
from reputation.core.models import utcnow
from responders.digest import DigestReport, send_low_digest
from responders.sla import SlaReport, check_slas
from responders.spikes import SpikeReport, detect_spikes

if TYPE_CHECKING:
    from reputation.storage import Store


@dataclass
class ChecksReport:
    sla: SlaReport
    digest: DigestReport
    spikes: SpikeReport

    @property
    def alerts_queued(self) -> int:
        return self.sla.alerts_queued + self.digest.digests + self.spikes.alerts_queued

    def counts(self) -> dict[str, int]:
        return {
            "overdue_replies": self.sla.overdue_replies,
            "overdue_private_contacts": self.sla.overdue_private_contacts,
            "follow_ups": self.sla.follow_ups,
            "digests": self.digest.digests,
            "alerts_digested": self.digest.alerts_digested,
            "spikes": self.spikes.spikes,
            "alerts_queued": self.alerts_queued,
        }


async def run_checks(store: Store, settings: Settings, now: datetime | None = None) -> ChecksReport:
    """Run every check once against ``now`` (default: the current time)."""
    now = now or utcnow()
    return ChecksReport(
        sla=await check_slas(store, settings, now),
        digest=await send_low_digest(store, settings, now),
        spikes=await detect_spikes(store, settings, now),
    )
