"""The outbox against a real MongoDB server and a local fake Slack (tests/slack_fake.py)."""

import asyncio
import itertools
import json
import re
from datetime import timedelta
from typing import Any

import pytest

from config.settings import Settings, load_settings
from reputation.core.models import Alert, AlertStatus, Case, Severity, utcnow
from reputation.core.pipeline import Pipeline, RunReport
from reputation.storage import Store
from responders.drafts import TemplateDrafter
from responders.notifiers import SlackNotifier
from responders.outbox import Outbox
from tests.fakes import FakeSentimentModel
from tests.slack_fake import FakeSlack, Posted

pytestmark = pytest.mark.integration


def notifier(slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(token=slack.token, base_url=slack.base_url, timeout_s=2)


def outbox(store: Store, slack: FakeSlack, **options: Any) -> Outbox:
    options.setdefault("channel_interval_s", 0.05)
    return Outbox(alerts=store.alerts, cases=store.cases, notifier=notifier(slack), **options)


async def open_case(store: Store, n: int, *, channel: str = "#alerts") -> Case:
    now = utcnow()
    case, _ = await store.cases.open_for(
        Case(
            ref="RP-0000",
            source="trustpilot",
            external_id=f"r{n}",
            lang="en",
            severity=Severity.HIGH,
            created_at=now,
            reply_due_at=now + timedelta(hours=4),
            private_contact_due_at=now + timedelta(hours=72),
            team="care",
            slack_channel=channel,
        )
    )
    return case


async def queue(
    store: Store, case: Case, *, kind: str = "new_case", dedupe: str = "", text: str | None = None
) -> Alert:
    alert = Alert(
        case_ref=case.ref,
        kind=kind,
        dedupe=dedupe,
        channel=case.slack_channel or "#alerts",
        severity=Severity.HIGH,
        payload={
            "channel": case.slack_channel,
            "text": text or f"{kind} {case.ref}",
            "blocks": [{"type": "section", "text": {"type": "plain_text", "text": case.ref}}],
        },
        created_at=utcnow(),
    )
    assert await store.alerts.enqueue(alert)
    return alert


async def test_two_concurrent_flushes_send_each_alert_exactly_once(store, slack, mongo_uri):
    cases = [await open_case(store, n, channel=f"#team-{n % 3}") for n in range(9)]
    for case in cases:
        await queue(store, case)
    # A second connection plays a second process.
    other = await Store.connect(mongo_uri, store.db.name)
    try:
        first, second = await asyncio.gather(
            outbox(store, slack, worker="a").flush(),
            outbox(other, slack, worker="b").flush(),
        )
    finally:
        other.close()
    assert first.sent + second.sent == 9
    assert sorted(p.text for p in slack.received) == sorted(f"new_case {c.ref}" for c in cases)
    assert slack.attempts == 9
    assert await store.alerts.count(AlertStatus.SENT) == 9
    for case in cases:
        (alert,) = await store.alerts.for_case(case.ref)
        posted = next(p for p in slack.received if p.text.endswith(case.ref))
        assert alert.receipt == posted.ts
        assert (alert.claim, alert.lease_until) == (None, None)


async def test_a_channel_gets_at_most_one_message_per_second(store, slack, mongo_uri):
    for n in range(3):
        await queue(store, await open_case(store, n, channel="#busy"))
    other = await Store.connect(mongo_uri, store.db.name)
    try:
        # Slack's pace comes from the notifier (1 s), shared by both workers through MongoDB.
        await asyncio.gather(
            outbox(store, slack, worker="a", channel_interval_s=None).flush(),
            outbox(other, slack, worker="b", channel_interval_s=None).flush(),
        )
    finally:
        other.close()
    times = [p.at for p in slack.by_channel("#busy")]
    assert len(times) == 3
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(times))


async def test_a_short_retry_after_is_waited_out_in_the_same_flush(store, slack):
    case = await open_case(store, 1)
    await queue(store, case)
    slack.fail_next("ratelimited", retry_after=1)
    report = await outbox(store, slack).flush()
    assert (report.sent, report.failed, report.pending) == (1, 1, 0)
    assert len(slack.received) == 1
    rate_limited_at, accepted_at = slack.attempt_times
    assert accepted_at - rate_limited_at >= 0.95
    (alert,) = await store.alerts.for_case(case.ref)
    assert (alert.status, alert.attempts, alert.last_error) == (AlertStatus.SENT, 2, None)


async def test_a_long_retry_after_holds_the_alert_and_its_channel(store, slack):
    first, second = await open_case(store, 1), await open_case(store, 2)
    await queue(store, first)
    slack.fail_next("ratelimited", retry_after=30)
    report = await outbox(store, slack).flush()
    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    (alert,) = await store.alerts.for_case(first.ref)
    assert alert.status is AlertStatus.PENDING
    assert "ratelimited" in alert.last_error
    assert timedelta(seconds=28) < alert.not_before - utcnow() <= timedelta(seconds=30)

    await queue(store, second)  # same channel: Slack asked the whole channel to wait
    again = await outbox(store, slack).flush(respect_backoff=False)
    assert (again.sent, again.pending) == (0, 2)
    assert slack.attempts == 1


async def test_slack_outage_then_recovery_loses_nothing(store, slack):
    cases = [await open_case(store, n) for n in range(3)]
    for case in cases:
        await queue(store, case)
    await queue(store, cases[0], kind="update", dedupe="v2")
    await slack.stop()
    down = await outbox(store, slack).flush()
    assert (down.sent, down.pending) == (0, 4)
    assert down.failed == 3  # the update waits for its case's first message
    for alert in await store.alerts.pending():
        assert alert.status is AlertStatus.PENDING
        assert alert.attempts == (0 if alert.kind == "update" else 1)
    assert all("unreachable" in a.last_error for a in await store.alerts.pending() if a.attempts)
    history = await store.events.for_key("case", cases[0].ref)
    assert "alert_failed" in [e.type for e in history]

    await slack.start()  # same port
    later = await outbox(store, slack).flush()
    assert (later.sent, later.pending) == (0, 4)  # the backoff is respected by the worker
    now = await outbox(store, slack).flush(respect_backoff=False)
    assert (now.sent, now.failed, now.pending) == (4, 0, 0)
    first = next(p for p in slack.received if p.text == f"new_case {cases[0].ref}")
    update = next(p for p in slack.received if p.text == f"update {cases[0].ref}")
    assert update.thread_ts == first.ts
    assert len(slack.received) == 4


async def test_server_errors_back_off_exponentially(store, slack):
    case = await open_case(store, 1)
    await queue(store, case)
    slack.fail_next("server_error", times=2)
    for attempt, expected_s in ((1, 30), (2, 60)):
        report = await outbox(store, slack).flush(respect_backoff=False)
        assert (report.sent, report.failed) == (0, 1)
        (alert,) = await store.alerts.for_case(case.ref)
        assert alert.attempts == attempt
        assert "HTTP 500" in alert.last_error
        wait = (alert.next_attempt_at - utcnow()).total_seconds()
        assert expected_s - 2 < wait <= expected_s
    assert (await outbox(store, slack).flush()).sent == 0  # still backing off
    assert (await outbox(store, slack).flush(respect_backoff=False)).sent == 1


async def test_a_crashed_workers_lease_expires_and_the_alert_is_sent_once(store, slack):
    case = await open_case(store, 1)
    await queue(store, case)
    dead = await store.alerts.claim(worker="dead", token="t-dead", lease_s=0.5)
    assert dead is not None
    leased = await outbox(store, slack, max_wait_s=0.1).flush()
    assert (leased.sent, leased.pending) == (0, 1)  # leased: not claimable yet
    await asyncio.sleep(0.6)
    assert (await outbox(store, slack).flush()).sent == 1
    assert len(slack.received) == 1
    # The dead worker waking up cannot claim the delivery as its own.
    assert not await store.alerts.mark_sent(dead, "1.1")
    (alert,) = await store.alerts.for_case(case.ref)
    assert alert.receipt == slack.received[0].ts


async def test_queued_updates_wait_for_the_first_message_and_go_to_its_thread(
    store, slack, mongo_uri
):
    case = await open_case(store, 1)
    await queue(store, case)
    await queue(store, case, kind="update", dedupe="v2")
    await queue(store, case, kind="escalation", dedupe="critical")
    other = await Store.connect(mongo_uri, store.db.name)
    try:
        await asyncio.gather(
            outbox(store, slack, worker="a").flush(), outbox(other, slack, worker="b").flush()
        )
    finally:
        other.close()
    top, *replies = slack.received
    assert top.text.startswith("new_case")
    assert top.thread_ts is None
    assert sorted(p.text.split()[0] for p in replies) == ["escalation", "update"]
    assert all(p.thread_ts == top.ts and p.channel == "#alerts" for p in replies)
    stored = await store.cases.get(case.ref)
    assert (stored.slack_thread_ts, stored.slack_channel) == (top.ts, "#alerts")


# --- through the pipeline: routing, threads, escalation, inert review text -------------------

ROUTING = {
    "default_team": "care",
    "rules": [
        {
            "name": "critical",
            "min_severity": "critical",
            "team": "safety",
            "channel": "#care-critical",
            "mention": ["<!subteam^S0CRIT>"],
        },
        {
            "name": "logistics",
            "topics": ["delivery"],
            "team": "logistics",
            "channel": "#care-logistics",
            "mention": ["<!subteam^S0LOGI|logistics>"],
        },
    ],
}


@pytest.fixture
def routed(clean_env, tmp_path, slack):
    return load_settings(data_dir=tmp_path, routing=ROUTING, slack={"channel": "#reputation"})


def review(external_id: str, text: str, **extra: Any) -> str:
    row = {
        "source": "trustpilot",
        "external_id": external_id,
        "rating": 2,
        "lang": "en",
        "author": "Ana",
        "text": text,
        "url": f"https://www.trustpilot.com/reviews/{external_id}",
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


async def test_routing_by_severity_and_topic_with_the_owners_mentioned(store, routed, slack):
    report = await run(
        store,
        routed,
        slack,
        review("late", "The parcel was late, delivery took three weeks"),
        review("fire", "The kettle caught fire and burned my hand"),
        review("rude", "Staff were rude at the counter"),
    )
    assert (report.alerts_sent, report.alerts_failed) == (3, 0)
    (late,) = slack.by_channel("#care-logistics")
    (fire,) = slack.by_channel("#care-critical")
    (rude,) = slack.by_channel("#reputation")
    assert late.text.startswith("<!subteam^S0LOGI|logistics> ")
    assert late.blocks[0]["text"]["text"] == "<!subteam^S0LOGI|logistics>"
    assert fire.text.startswith("<!subteam^S0CRIT> ")
    assert "<!subteam" not in rude.text
    case = await store.cases.for_review("trustpilot", "late")
    assert (case.team, case.slack_channel, case.slack_thread_ts) == (
        "logistics",
        "#care-logistics",
        late.ts,
    )


async def test_edits_and_escalations_go_to_the_cases_thread_without_bouncing(store, routed, slack):
    await run(store, routed, slack, review("r1", "The parcel was late, delivery took 3 weeks"))
    (top,) = slack.received
    # Now critical: routing alone would say #care-critical, but the case keeps its owner.
    worse = "The parcel was late and the kettle caught fire and burned my hand"
    await run(store, routed, slack, review("r1", worse, updated_at="2026-11-02T10:00:00Z"))
    # Same severity, new text: a quiet update in the thread, no second escalation.
    again = worse + ", still no answer"
    await run(store, routed, slack, review("r1", again, updated_at="2026-11-03T10:00:00Z"))
    # The same content once more: nothing new to say.
    report = await run(store, routed, slack, review("r1", again, updated_at="2026-11-03T10:00:00Z"))
    assert report.alerts_queued == 0

    top, escalation, update = slack.received
    assert top.thread_ts is None
    assert [escalation.thread_ts, update.thread_ts] == [top.ts, top.ts]
    assert {p.channel for p in slack.received} == {"#care-logistics"}
    assert escalation.blocks[0]["text"]["text"] == (
        "<!subteam^S0LOGI|logistics> Escalated to CRITICAL"
    )
    assert "<!subteam" not in update.text
    assert update.blocks[0]["text"]["text"].startswith("Update: the review was edited")
    case = await store.cases.for_review("trustpilot", "r1")
    assert (case.severity, case.team) == (Severity.CRITICAL, "logistics")
    assert [a.kind for a in await store.alerts.for_case(case.ref)] == [
        "new_case",
        "escalation",
        "update",
    ]
    assert not await store.cases.escalate(case.ref, Severity.CRITICAL)


def mrkdwn_texts(posted: Posted) -> list[str]:
    """Every string Slack would parse as mrkdwn: the fallback text and mrkdwn objects."""
    texts = [posted.text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(posted.blocks)
    return texts


async def test_a_hostile_review_reaches_slack_inert(store, routed, slack):
    hostile = "<!channel> refund now <https://evil.example|click> the product is broken <@U123>"
    await run(
        store,
        routed,
        slack,
        review("evil", hostile, author="<!here> Bob", url="https://evil.example/x|y>"),
    )
    (posted,) = slack.received
    allowed = {"<https://evil.example/x%7Cy&gt;|Open the review>"}
    for text in mrkdwn_texts(posted):
        specials = set(re.findall(r"<[^<>]*>", text))
        assert specials <= allowed, text
        assert "<!channel>" not in text
        assert "<!here>" not in text
    plain = [
        b["text"]["text"] for b in posted.blocks if b.get("text", {}).get("type") == "plain_text"
    ]
    assert any(
        hostile in t for t in plain
    )  # shown verbatim as plain text, which Slack never parses
    assert posted.body["unfurl_links"] is False
