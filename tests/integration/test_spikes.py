"""Spike detection over reviews stored and classified by the real pipeline steps."""

import json
from datetime import datetime, timedelta

import pytest

from config.settings import Settings, load_settings
from reputation.core.models import Severity, utcnow
from reputation.core.pipeline import Pipeline, RunReport
from reputation.storage import Store
from responders.drafts import TemplateDrafter
from responders.notifiers import SlackNotifier
from responders.outbox import Outbox
from responders.spikes import detect_spikes, spike_ref
from tests.fakes import FakeSentimentModel, RecordingNotifier

pytestmark = pytest.mark.integration

HOSTILE_BRAND = "<!here> Aurora"


@pytest.fixture
def spiky(clean_env, tmp_path) -> Settings:
    # 6-hour windows over a 2-day baseline: 8 baseline windows, few reviews to store.
    return load_settings(
        data_dir=tmp_path,
        slack={"channel": "#reputation"},
        spike={
            "window_hours": 6,
            "baseline_days": 2,
            "stdevs": 3,
            "min_count": 5,
            "cooldown_hours": 6,
            "channel": "#crisis",
            "mention": ["<!subteam^S0CRISIS>"],
        },
    )


def row(source: str, n: int, at: datetime, brand: str, text: str) -> str:
    return json.dumps(
        {
            "source": source,
            "external_id": f"{source}-{n}",
            "rating": 1,
            "lang": "en",
            "brand": brand,
            "text": f"{text} (#{n})",
            "created_at": at.isoformat(),
        }
    )


async def store_and_classify(store: Store, settings: Settings, lines: list[str]) -> RunReport:
    pipeline = Pipeline(
        store=store,
        model=FakeSentimentModel(),
        drafter=TemplateDrafter(),
        notifier=RecordingNotifier(),
        settings=settings,
    )
    report = RunReport()
    await pipeline.ingest_lines(lines, source="import", report=report)
    await pipeline.classify_pending(report)
    return report


def traffic(now: datetime) -> list[str]:
    lines = []
    # trustpilot: one negative per 6-hour window for two days, then a burst of 7.
    for w in range(1, 9):
        lines.append(row("trustpilot", w, now - timedelta(hours=6 * w + 1), HOSTILE_BRAND, "bad"))
    for n in range(7):
        at = now - timedelta(minutes=20 + 30 * n)
        lines.append(row("trustpilot", 100 + n, at, HOSTILE_BRAND, "Broken on arrival"))
    # google_play: a steady six per window, now too: above min_count, but its usual.
    for w in range(9):
        for n in range(6):
            at = now - timedelta(hours=6 * w, minutes=30 + 50 * n)
            lines.append(row("google_play", w * 10 + n, at, "Aurora Home", "App broken"))
    return lines


async def test_a_burst_fires_one_crisis_alert_and_baseline_traffic_none(store, spiky, slack):
    now = utcnow()
    report = await store_and_classify(store, spiky, traffic(now))
    assert report.flagged == 15 + 54

    found = await detect_spikes(store, spiky, now)
    assert (found.spikes, found.alerts_queued) == (1, 1)
    (spike,) = found.found
    assert (spike.brand, spike.source, spike.count) == (HOSTILE_BRAND, "trustpilot", 7)
    assert (spike.mean, spike.stdev) == (1.0, 0.0)

    # Still spiking later in the same episode: no second alert within the cooldown.
    for later in (now + timedelta(minutes=5), now + timedelta(hours=1)):
        again = await detect_spikes(store, spiky, later)
        assert (again.spikes, again.ongoing) == (0, 1)

    outbox = Outbox(
        alerts=store.alerts,
        cases=store.cases,
        notifier=SlackNotifier(token=slack.token, base_url=slack.base_url, timeout_s=2),
        channel_interval_s=0.05,
    )
    assert (await outbox.flush()).sent == 1
    (posted,) = slack.received
    assert (posted.channel, posted.thread_ts) == ("#crisis", None)
    assert posted.text.startswith("<!subteam^S0CRISIS> Negative spike: 7 negative items")
    assert posted.blocks[0]["text"]["text"] == "<!subteam^S0CRISIS>"
    assert "<!here>" not in posted.text + json.dumps(posted.blocks)
    assert "&lt;!here&gt; Aurora" in posted.text
    (alert,) = await store.alerts.for_case(spike_ref(HOSTILE_BRAND, "trustpilot"))
    assert (alert.kind, alert.severity) == ("spike", Severity.CRITICAL)
    assert await store.alerts.for_case(spike_ref("Aurora Home", "google_play")) == []


async def test_steady_traffic_and_small_bursts_never_fire(store, spiky):
    now = utcnow()
    lines = [
        row(
            "google_play", w * 10 + n, now - timedelta(hours=6 * w, minutes=30 + 50 * n), "A", "bad"
        )
        for w in range(9)
        for n in range(6)
    ]
    lines += [
        row("trustpilot", n, now - timedelta(minutes=10 * n + 5), "A", "bad") for n in range(4)
    ]
    await store_and_classify(store, spiky, lines)
    report = await detect_spikes(store, spiky, now)
    assert (report.spikes, report.found) == (0, [])  # 6 = the usual; 4 < min_count

    off = spiky.model_copy(update={"spike": spiky.spike.model_copy(update={"enabled": False})})
    assert (await detect_spikes(store, off, now)).found == []
