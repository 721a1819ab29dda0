"""SLA checks against a real MongoDB server and the fake Slack: overdue cases escalate once in
their thread with the owners mentioned, compliance is stored, follow-ups come after the delay."""

import argparse
import asyncio
import json
import uuid
from datetime import timedelta

import pytest

from config.settings import Settings, load_settings
from reputation.core.models import AlertStatus, Case, Severity, utcnow
from reputation.core.pipeline import Pipeline
from reputation.storage import Store
from responders.drafts import TemplateDrafter
from responders.notifiers import SlackNotifier
from responders.outbox import Outbox
from responders.sla import check_slas
from tests.fakes import FakeSentimentModel
from tests.slack_fake import FakeSlack

pytestmark = pytest.mark.integration

ROUTING = {
    "default_team": "care",
    "default_mention": ["<@U0ONCALL1>"],
    "rules": [
        {
            "name": "logistics",
            "topics": ["delivery"],
            "team": "logistics",
            "channel": "#care-logistics",
            "mention": ["<!subteam^S0LOGI|logistics>"],
        }
    ],
}


@pytest.fixture
def routed(clean_env, tmp_path) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        routing=ROUTING,
        slack={"channel": "#reputation"},
        sla={"follow_up_hours": 48},
    )


def notifier(slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(token=slack.token, base_url=slack.base_url, timeout_s=2)


def outbox(store: Store, slack: FakeSlack) -> Outbox:
    return Outbox(
        alerts=store.alerts, cases=store.cases, notifier=notifier(slack), channel_interval_s=0.05
    )


async def late_delivery_case(store: Store, settings: Settings, slack: FakeSlack) -> Case:
    """A real case through the pipeline: routed to logistics, its thread started in Slack."""
    line = json.dumps(
        {
            "source": "trustpilot",
            "external_id": "late-1",
            "rating": 2,
            "lang": "en",
            "author": "Ana",
            "text": "The parcel was late, delivery took three weeks <!channel>",
            "created_at": "2026-11-01T10:00:00Z",
        }
    )
    pipeline = Pipeline(
        store=store,
        model=FakeSentimentModel(),
        drafter=TemplateDrafter(),
        notifier=notifier(slack),
        settings=settings,
    )
    report = await pipeline.run([line], source="import")
    assert report.alerts_sent == 1
    case = await store.cases.for_review("trustpilot", "late-1")
    assert case is not None
    assert case.slack_thread_ts == slack.received[0].ts
    return case


async def plain_case(store: Store, n: int) -> Case:
    now = utcnow()
    case, _ = await store.cases.open_for(
        Case(
            ref="RP-0000",
            source="google_play",
            external_id=f"g{n}",
            lang="pt",
            severity=Severity.MEDIUM,
            created_at=now,
            reply_due_at=now + timedelta(hours=24),
            private_contact_due_at=now + timedelta(hours=72),
            team="care",
            slack_channel="#reputation",
        )
    )
    return case


async def test_an_overdue_reply_escalates_once_in_the_thread_mentioning_the_owners(
    store, routed, slack
):
    case = await late_delivery_case(store, routed, slack)
    (top,) = slack.received
    before = case.reply_due_at - timedelta(minutes=1)
    assert (await check_slas(store, routed, before)).alerts_queued == 0

    now = case.reply_due_at + timedelta(minutes=30)
    report = await check_slas(store, routed, now)
    assert (report.overdue_replies, report.overdue_private_contacts) == (1, 0)
    assert report.alerts_queued == 1
    again = await check_slas(store, routed, now + timedelta(hours=1))  # nothing new
    assert (again.overdue_replies, again.alerts_queued) == (0, 0)

    flushed = await outbox(store, slack).flush()
    assert (flushed.sent, flushed.failed) == (1, 0)
    _, overdue = slack.received
    assert (overdue.channel, overdue.thread_ts) == ("#care-logistics", top.ts)
    assert overdue.blocks[0]["text"]["text"] == "<!subteam^S0LOGI|logistics>"
    assert overdue.text.startswith("<!subteam^S0LOGI|logistics> Overdue: public reply")
    assert "30 min ago" in json.dumps(overdue.blocks)
    assert "<!channel>" not in json.dumps(overdue.body)  # nothing from the review pings

    stored = await store.cases.get(case.ref)
    assert stored.replied_within_sla is False
    assert stored.reply_breached_at == now
    assert (stored.private_contact_within_sla, stored.private_contact_breached_at) == (None, None)
    history = [e for e in await store.events.for_key("case", case.ref) if e.type == "sla_breached"]
    assert [e.data["sla"] for e in history] == ["reply"]

    # A late reply is recorded but stays out of the SLA; then private contact runs out too.
    assert await store.cases.mark_replied(case.ref, at=now + timedelta(hours=2), actor="ana")
    later = case.private_contact_due_at + timedelta(minutes=5)
    report = await check_slas(store, routed, later)
    assert (report.overdue_replies, report.overdue_private_contacts) == (0, 1)
    assert (await outbox(store, slack).flush()).sent == 1
    contact = slack.received[-1]
    assert contact.thread_ts == top.ts
    assert "Private contact" in json.dumps(contact.blocks)
    stored = await store.cases.get(case.ref)
    assert (stored.replied_within_sla, stored.private_contact_within_sla) == (False, False)
    assert stored.replied_at == now + timedelta(hours=2)
    kinds = [(a.kind, a.dedupe) for a in await store.alerts.for_case(case.ref)]
    assert kinds == [("new_case", ""), ("overdue", "reply"), ("overdue", "private_contact")]


async def test_on_time_reply_and_contact_are_stored_as_compliant_and_never_escalate(store, routed):
    case = await plain_case(store, 1)
    replied = case.created_at + timedelta(hours=3)
    assert await store.cases.mark_replied(case.ref, at=replied, actor="ana")
    assert not await store.cases.mark_replied(case.ref, at=replied + timedelta(days=2))
    assert await store.cases.mark_private_contact(case.ref, at=replied + timedelta(hours=1))

    report = await check_slas(store, routed, case.created_at + timedelta(days=10))
    assert report.alerts_queued == 0
    assert await store.alerts.for_case(case.ref) == []
    stored = await store.cases.get(case.ref)
    assert (stored.replied_at, stored.replied_within_sla) == (replied, True)
    assert stored.private_contact_within_sla is True
    assert (stored.reply_breached_at, stored.private_contact_breached_at) == (None, None)
    events = await store.events.for_key("case", case.ref)
    assert [(e.type, e.actor) for e in events if e.type != "opened"] == [
        ("replied", "ana"),
        ("private_contact", "system"),
    ]
    assert events[1].data["within_sla"] is True


async def test_two_checks_at_once_queue_one_escalation(store, routed, mongo_uri):
    case = await plain_case(store, 2)
    now = case.reply_due_at + timedelta(minutes=1)
    other = await Store.connect(mongo_uri, store.db.name)
    try:
        first, second = await asyncio.gather(
            check_slas(store, routed, now), check_slas(other, routed, now)
        )
    finally:
        other.close()
    assert first.overdue_replies + second.overdue_replies == 1
    assert first.alerts_queued + second.alerts_queued == 1
    (alert,) = await store.alerts.for_case(case.ref)
    assert (alert.kind, alert.channel, alert.status) == (
        "overdue",
        "#reputation",
        AlertStatus.PENDING,
    )
    assert alert.payload["text"].startswith("<@U0ONCALL1> ")  # the care team's default


async def test_a_resolved_case_gets_one_follow_up_after_the_delay(store, routed, slack):
    case = await late_delivery_case(store, routed, slack)
    resolved = case.created_at + timedelta(minutes=20)  # before the reply was due
    assert await store.cases.resolve(case.ref, at=resolved, actor="ana")
    assert not await store.cases.resolve(case.ref, at=resolved + timedelta(hours=1))

    early = await check_slas(store, routed, resolved + timedelta(hours=47))
    assert (early.follow_ups, early.overdue_replies, early.alerts_queued) == (0, 0, 0)
    due = resolved + timedelta(hours=48, minutes=1)
    report = await check_slas(store, routed, due)
    assert (report.follow_ups, report.alerts_queued) == (1, 1)
    assert (await check_slas(store, routed, due + timedelta(days=3))).alerts_queued == 0

    assert (await outbox(store, slack).flush()).sent == 1
    top, follow_up = slack.received
    assert follow_up.thread_ts == top.ts
    assert follow_up.text.startswith("<!subteam^S0LOGI|logistics> Follow-up for case")
    assert "Was the problem solved?" in json.dumps(follow_up.blocks)
    stored = await store.cases.get(case.ref)
    assert (stored.status, stored.resolved_at, stored.follow_up_queued_at) == (
        "resolved",
        resolved,
        due,
    )
    assert stored.replied_within_sla is None  # resolved before any deadline passed
    types = [e.type for e in await store.events.for_key("case", case.ref)]
    assert types.count("resolved") == 1
    assert types.count("follow_up_queued") == 1


async def test_follow_ups_can_be_switched_off(store, clean_env, tmp_path):
    settings = load_settings(data_dir=tmp_path, sla={"follow_up_hours": 0})
    case = await plain_case(store, 3)
    await store.cases.mark_replied(case.ref, at=case.created_at)
    await store.cases.mark_private_contact(case.ref, at=case.created_at)
    await store.cases.resolve(case.ref, at=case.created_at)
    report = await check_slas(store, settings, case.created_at + timedelta(days=30))
    assert (report.follow_ups, report.alerts_queued) == (0, 0)
    assert await store.alerts.for_case(case.ref) == []


def test_the_sla_check_command_prints_counts_and_queues_once(
    clean_env, tmp_path, mongo_uri, capsys
):
    from reputation.sla_commands import check

    database = f"test_{uuid.uuid4().hex[:12]}"

    async def seed() -> str:
        store = await Store.connect(mongo_uri, database)
        try:
            case = await plain_case(store, 9)
            await store.cases.resolve(case.ref, at=case.created_at - timedelta(days=3))
            overdue = await plain_case(store, 10)
            await store.cases.mark_replied(overdue.ref, at=overdue.created_at)
            return overdue.ref
        finally:
            store.close()

    asyncio.run(seed())
    settings = load_settings(data_dir=tmp_path, mongo={"uri": mongo_uri, "database": database})
    args = argparse.Namespace(json=True)
    assert check(settings, args) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts == {
        "overdue_replies": 0,
        "overdue_private_contacts": 0,
        "follow_ups": 1,
        "digests": 0,
        "alerts_digested": 0,
        "spikes": 0,
        "alerts_queued": 1,
    }
    assert check(settings, argparse.Namespace(json=False)) == 0
    assert capsys.readouterr().out.strip() == (
        "overdue replies 0, overdue private contacts 0, follow-ups 0, digests 0 "
        "(0 low alerts), spikes 0; 0 alerts queued"
    )
