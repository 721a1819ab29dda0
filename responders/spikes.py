"""Spike detection: one crisis alert when negative volume jumps for a brand on a source.

For every (brand, source), the flagged items created in the last ``spike.window_hours`` are
compared with the same-sized windows of the trailing ``spike.baseline_days`` (windows with
no flagged item count as zero): a spike is at least ``spike.min_count`` items and more than
``mean + spike.stdevs × stdev``. A spike alerts once: its outbox id names the brand, source
and hour, and no second alert follows for the same brand and source within
``spike.cooldown_hours`` while the spike goes on.
"""

from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from config.settings import Settings, SpikeSettings
from reputation.core.models import Alert, AlertKind, Severity, utcnow
from responders.notices import spike_payload
from responders.routing import Router, addressed

if TYPE_CHECKING:
    from reputation.storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spike:
    brand: str | None
    source: str
    count: int
    mean: float
    stdev: float


@dataclass
class SpikeReport:
    spikes: int = 0  # spikes alerted now
    ongoing: int = 0  # spikes already alerted within the cooldown
    alerts_queued: int = 0
    found: list[Spike] = field(default_factory=list)


def baseline_windows(spike: SpikeSettings) -> int:
    """How many windows the baseline holds (at least one)."""
    return max(1, math.floor(spike.baseline_days * 24 / spike.window_hours))


def judge(
    brand: str | None, source: str, buckets: dict[int, int], spike: SpikeSettings
) -> Spike | None:
    """A spike, if bucket 0 (the recent window) stands out from buckets -n..-1."""
    count = buckets.get(0, 0)
    history = [buckets.get(-i, 0) for i in range(1, baseline_windows(spike) + 1)]
    mean = statistics.fmean(history)
    stdev = statistics.pstdev(history, mu=mean)
    if count >= spike.min_count and count > mean + spike.stdevs * stdev:
        return Spike(brand=brand, source=source, count=count, mean=mean, stdev=stdev)
    return None


def spike_ref(brand: str | None, source: str) -> str:
    """The outbox key of a brand and source's spike alerts."""
    return f"spike:{brand or '-'}:{source}"


async def detect_spikes(
    store: Store, settings: Settings, now: datetime | None = None
) -> SpikeReport:
    """Find the spikes of the window ending at ``now`` and queue one alert for each new one."""
    # Storage is the only package that talks to MongoDB; this read-only view lives there.
    from reputation.storage.volume import VolumeRepository

    spike = settings.spike
    report = SpikeReport()
    if not spike.enabled:
        return report
    now = now or utcnow()
    window = timedelta(hours=spike.window_hours)
    origin = now - window
    buckets = await VolumeRepository(store.db).flagged_buckets(
        start=origin - window * baseline_windows(spike), end=now, origin=origin, bucket=window
    )
    router = Router.from_settings(settings)
    channel = spike.channel or router.default.channel
    mention = tuple(spike.mention) or router.default.mention
    cooldown = timedelta(hours=spike.cooldown_hours)
    for (brand, source), counts in sorted(buckets.items(), key=lambda kv: str(kv[0])):
        found = judge(brand, source, counts, spike)
        if found is None:
            continue
        report.found.append(found)
        ref = spike_ref(brand, source)
        previous = await store.alerts.latest(ref, AlertKind.SPIKE.value)
        if previous is not None and now - previous.created_at < cooldown:
            report.ongoing += 1
            continue
        payload = spike_payload(
            brand=brand,
            source=source,
            count=found.count,
            mean=found.mean,
            stdev=found.stdev,
            window=window,
            baseline=window * baseline_windows(spike),
            channel=channel,
        )
        queued = await store.alerts.enqueue(
            Alert(
                case_ref=ref,
                kind=AlertKind.SPIKE.value,
                dedupe=f"{now:%Y%m%dT%H}",
                channel=channel,
                severity=Severity.CRITICAL,
                payload=addressed(payload, mention=mention),
                created_at=now,
            )
        )
        report.alerts_queued += int(queued)
        report.spikes += int(queued)
        if queued:
            log.warning("negative spike for %s on %s: %d items", brand, source, found.count)
    return report
