"""The low-severity digest through the real pipeline, a real MongoDB server and the fake Slack."""

import json
import re
from datetime import timedelta

import pytest

from config.settings import Settings, load_settings
from reputation.core.models import AlertStatus, Severity, utcnow
from reputation.core.pipeline import Pipeline, RunReport
from reputation.storage import Store
from responders.digest import digest_ref, send_low_digest
from responders.drafts import TemplateDrafter
from responders.notifiers import SlackNotifier
from responders.outbox import Outbox
from tests.fakes import FakeSentimentModel
from tests.slack_fake import FakeSlack

pytestmark = pytest.mark.integration


@pytest.fixture
def digesting(clean_env, tmp_path) -> Settings:
    # A low threshold makes plain, neutral texts flagged but low-severity with the fake model.
    return load_settings(
        data_dir=tmp_path,
        slack={"channel": "#reputation", "digest_low": True, "digest_interval_hours": 24},
        sentiment={"negative_threshold": 0.15},
    )


def notifier(slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(token=slack.token, base_url=slack.base_url, timeout_s=2)


def outbox(store: Store, slack: FakeSlack) -> Outbox:
    return Outbox(
        alerts=store.alerts, cases=store.cases, notifier=notifier(slack), channel_interval_s=0.05
    )


def line(external_id: str, text: str, rating: int, **extra: str) -> str:
    row = {
        "source": "google_play",
        "external_id": external_id,
        "rating": rating,
        "lang": "en",
        "text": text,
        "created_at": "2026-11-01T10:00:00Z",
    }
    return json.dumps(row | extra)


async def run(store: Store, settings: Settings, slack: FakeSlack, *lines: str) -> RunReport:
    pipeline = Pipeline(
        store=store,
        model=FakeSentimentModel(),
        drafter=TemplateDrafter(),
        notifier=notifier(slack),
        settings=settings,
    )
    return await pipeline.run(list(lines), source="import")


async def test_low_alerts_are_held_and_batched_into_one_digest_per_interval(
    store, digesting, slack
):
    start = utcnow()
    report = await run(
        store,
        digesting,
        slack,
        line("q1", "It was fine I suppose, nothing to add", 3),
        line("q2", "Average, does what it says", 3, brand="<!channel> Shop"),
        line("q3", "Okay-ish, it opens", 3),
        line("m1", "The app is broken since the update", 2),
    )
    assert report.cases_opened == 4
    # Only the high case went out on its own; the three low ones wait for the digest.
    (high,) = slack.received
    assert "HIGH" in high.text
    held = await store.alerts.held("#reputation")
    assert len(held) == 3
    assert {a.severity for a in held} == {Severity.LOW}
    assert (await outbox(store, slack).flush()).pending == 0  # held ones are not "pending"

    soon = await send_low_digest(store, digesting, start + timedelta(hours=1))
    assert (soon.digests, soon.channels_waiting) == (0, 1)
    now = start + timedelta(hours=25)
    first = await send_low_digest(store, digesting, now)
    assert (first.digests, first.alerts_digested) == (1, 3)
    again = await send_low_digest(store, digesting, now + timedelta(hours=30))
    assert (again.digests, again.alerts_digested) == (0, 0)

    assert (await outbox(store, slack).flush()).sent == 1
    _, digest = slack.received
    assert (digest.channel, digest.thread_ts) == ("#reputation", None)
    assert digest.text == "Low-severity digest: 3 new cases"
    body = json.dumps(digest.blocks)
    for external_id in ("q1", "q2", "q3"):
        case = await store.cases.for_review("google_play", external_id)
        assert case.ref in body
        assert case.slack_thread_ts is None  # never posted alone
    assert "&lt;!channel&gt; Shop" in body
    assert "<!channel>" not in body
    assert "<!channel>" not in digest.text
    assert await store.alerts.pending(50) == []
    statuses = {a.status for a in (await store.alerts.for_case(held[0].case_ref))}
    assert statuses == {AlertStatus.DIGESTED}
    (digested,) = await store.alerts.for_case(held[0].case_ref)
    assert digested.digest is not None
    assert digested.digest.startswith(digest_ref("#reputation") + ":digest:")

    # A later low case waits for the next interval, counted from the previous digest.
    await run(store, digesting, slack, line("q4", "Neutral experience overall", 3))
    waiting = await send_low_digest(store, digesting, now + timedelta(hours=12))
    assert (waiting.digests, waiting.channels_waiting) == (0, 1)
    second = await send_low_digest(store, digesting, now + timedelta(hours=24))
    assert (second.digests, second.alerts_digested) == (1, 1)
    assert (await outbox(store, slack).flush()).sent == 1
    assert slack.received[-1].text == "Low-severity digest: 1 new case"
    q4 = await store.cases.for_review("google_play", "q4")
    assert re.search(re.escape(q4.ref), json.dumps(slack.received[-1].blocks))


async def test_without_digest_low_every_low_case_alerts_on_its_own(
    store, clean_env, tmp_path, slack
):
    settings = load_settings(
        data_dir=tmp_path,
        slack={"channel": "#reputation"},
        sentiment={"negative_threshold": 0.15},
    )
    report = await run(
        store,
        settings,
        slack,
        line("q1", "It was fine I suppose", 3),
        line("q2", "Average, does what it says", 3),
    )
    assert (report.alerts_sent, len(slack.received)) == (2, 2)
    assert all("LOW" in p.text for p in slack.received)
    assert (await send_low_digest(store, settings, utcnow() + timedelta(days=2))).digests == 0
