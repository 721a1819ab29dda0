"""``reputation alerts flush``: the handler, against a real MongoDB server and a fake Slack."""

import argparse
import asyncio
import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest

from config.settings import load_settings
from reputation.alert_commands import flush
from reputation.core.errors import ConfigError
from reputation.core.models import Alert, AlertStatus, Case, Severity, utcnow
from reputation.storage import Store
from tests.slack_fake import FakeSlack

pytestmark = pytest.mark.integration


def args(**values: Any) -> argparse.Namespace:
    defaults = {"console": False, "limit": 500, "due_only": False, "json": False}
    return argparse.Namespace(**(defaults | values))


async def seed(uri: str, database: str, count: int) -> None:
    store = await Store.connect(uri, database)
    try:
        now = utcnow()
        for n in range(count):
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
                    slack_channel="#alerts",
                )
            )
            await store.alerts.enqueue(
                Alert(
                    case_ref=case.ref,
                    channel="#alerts",
                    severity=Severity.MEDIUM,
                    payload={"channel": "#alerts", "text": f"case {case.ref}"},
                    created_at=now,
                )
            )
    finally:
        store.close()


async def statuses(uri: str, database: str) -> tuple[list[AlertStatus], int]:
    store = await Store.connect(uri, database)
    try:
        return [a.status for a in await store.alerts.pending(100)], await store.alerts.count(
            AlertStatus.SENT
        )
    finally:
        store.close()


@pytest.fixture
def database():
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fake_slack():
    """A fake Slack on its own event loop, since the command runs its own with asyncio.run."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(FakeSlack().start(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_flush_sends_pending_alerts_and_prints_counts(
    clean_env, tmp_path, mongo_uri, database, fake_slack, capsys
):
    asyncio.run(seed(mongo_uri, database, 2))
    clean_env.setenv("SLACK_BOT_TOKEN", fake_slack.token)
    settings = load_settings(
        data_dir=tmp_path,
        mongo={"uri": mongo_uri, "database": database},
        slack={"base_url": fake_slack.base_url},
    )
    assert flush(settings, args()) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == "sent 2, failed 0, still pending 0"
    assert len(fake_slack.received) == 2
    assert fake_slack.token not in captured.out + captured.err
    assert asyncio.run(statuses(mongo_uri, database)) == ([], 2)

    assert flush(settings, args(json=True)) == 0  # nothing twice
    assert capsys.readouterr().out.strip() == '{"sent": 0, "failed": 0, "pending": 0}'
    assert len(fake_slack.received) == 2


def test_flush_while_slack_is_down_keeps_everything_and_says_so(
    clean_env, tmp_path, mongo_uri, database, fake_slack, capsys
):
    asyncio.run(seed(mongo_uri, database, 2))
    clean_env.setenv("SLACK_BOT_TOKEN", "xoxb-wrong-token-0000")
    settings = load_settings(
        data_dir=tmp_path,
        mongo={"uri": mongo_uri, "database": database},
        slack={"base_url": fake_slack.base_url},
    )
    assert flush(settings, args()) == 1
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == "sent 0, failed 2, still pending 2"
    assert "invalid_auth" in captured.err
    assert "xoxb-wrong-token-0000" not in captured.out + captured.err
    assert asyncio.run(statuses(mongo_uri, database)) == ([AlertStatus.PENDING] * 2, 0)


def test_flush_without_a_token_sends_nothing_and_marks_nothing(
    clean_env, tmp_path, mongo_uri, database
):
    asyncio.run(seed(mongo_uri, database, 1))
    settings = load_settings(data_dir=tmp_path, mongo={"uri": mongo_uri, "database": database})
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        flush(settings, args())
    assert asyncio.run(statuses(mongo_uri, database)) == ([AlertStatus.PENDING], 0)


def test_flush_to_the_console_prints_the_block_kit_payloads(
    clean_env, tmp_path, mongo_uri, database, capsys
):
    asyncio.run(seed(mongo_uri, database, 1))
    settings = load_settings(data_dir=tmp_path, mongo={"uri": mongo_uri, "database": database})
    assert flush(settings, args(console=True)) == 0
    payload, counts = capsys.readouterr().out.strip().splitlines()
    assert '"text": "case RP-' in payload
    assert counts == "sent 1, failed 0, still pending 0"
