import re
from datetime import UTC, datetime

import aiohttp
import pytest
from aioresponses import aioresponses

from reputation.core.errors import NotifyError
from reputation.core.models import Alert, Severity
from responders.notifiers import ConsoleNotifier, SlackNotifier

TOKEN = "xoxb-0000-not-a-real-token"
BASE = "http://slack.test/api/"
POST = re.compile(r"^http://slack\.test/api/chat\.postMessage")


def alert():
    payload = {
        "channel": "#alerts",
        "text": "HIGH review",
        "unfurl_links": False,
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": "hi"}}],
    }
    return Alert(
        case_ref="RP-7K2Q",
        channel="#alerts",
        severity=Severity.HIGH,
        payload=payload,
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


async def test_slack_returns_the_message_ts():
    notifier = SlackNotifier(token=TOKEN, base_url=BASE)
    with aioresponses() as mocked:
        mocked.post(POST, payload={"ok": True, "channel": "C123ABC456", "ts": "1417671948.000006"})
        assert await notifier.send(alert()) == "1417671948.000006"
        (_method, _url), calls = next(iter(mocked.requests.items()))
        sent = calls[0].kwargs
        assert sent["headers"]["Authorization"] == f"Bearer {TOKEN}"
        assert sent["json"]["blocks"][0]["text"]["text"] == "hi"


async def test_rate_limit_carries_retry_after_and_no_token():
    notifier = SlackNotifier(token=TOKEN, base_url=BASE)
    with aioresponses() as mocked:
        mocked.post(
            POST,
            status=429,
            headers={"Retry-After": "30"},
            payload={"ok": False, "error": "ratelimited"},
        )
        with pytest.raises(NotifyError) as info:
            await notifier.send(alert())
    assert info.value.retry_after == 30
    assert "ratelimited" in str(info.value)
    assert TOKEN not in str(info.value)


async def test_auth_error_is_a_notify_error():
    notifier = SlackNotifier(token=TOKEN, base_url=BASE)
    with aioresponses() as mocked:
        mocked.post(POST, payload={"ok": False, "error": "invalid_auth"})
        with pytest.raises(NotifyError, match="invalid_auth") as info:
            await notifier.send(alert())
    assert TOKEN not in str(info.value)


async def test_unreachable_slack_is_a_notify_error():
    notifier = SlackNotifier(token=TOKEN, base_url=BASE)
    with aioresponses() as mocked:
        mocked.post(POST, exception=aiohttp.ClientConnectionError("refused"))
        with pytest.raises(NotifyError, match="unreachable"):
            await notifier.send(alert())


async def test_console_prints_the_same_block_kit_payload(capsys):
    import json
    import sys

    receipt = await ConsoleNotifier(sys.stdout).send(alert())
    printed = json.loads(capsys.readouterr().out)
    assert printed == alert().payload
    assert receipt == "console:RP-7K2Q"
