import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

from reputation.core.errors import NotifyError
from reputation.core.models import Alert, Severity
from responders.notifiers import SlackNotifier

TOKEN = "xoxb-0000-not-a-real-token"
POST = re.compile(r"^http://slack\.test/api/chat\.postMessage")


def alert() -> Alert:
    return Alert(
        case_ref="RP-7K2Q",
        channel="#alerts",
        severity=Severity.HIGH,
        payload={"channel": "#alerts", "text": "HIGH review", "thread_ts": "1700000001.000001"},
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


async def send(**response: Any) -> tuple[Any, Any]:
    notifier = SlackNotifier(token=TOKEN, base_url="http://slack.test/api/")
    with aioresponses() as mocked:
        mocked.post(POST, **response)
        try:
            return await notifier.send(alert()), mocked
        except NotifyError as exc:
            return exc, mocked


async def test_a_5xx_html_page_is_a_retriable_notify_error_naming_the_status():
    error, _ = await send(status=502, body="<html>bad gateway</html>", content_type="text/html")
    assert isinstance(error, NotifyError)
    assert "HTTP 502" in str(error)
    assert error.retry_after is None
    assert TOKEN not in str(error)


@pytest.mark.parametrize(("header", "expected"), [({}, 1.0), ({"Retry-After": "soon"}, 1.0)])
async def test_a_429_without_a_usable_retry_after_waits_one_second(header, expected):
    error, _ = await send(status=429, headers=header, payload={"ok": False, "error": "ratelimited"})
    assert error.retry_after == expected


async def test_a_thread_reply_is_posted_with_thread_ts():
    receipt, mocked = await send(payload={"ok": True, "channel": "C1", "ts": "1700000002.000002"})
    assert receipt == "1700000002.000002"
    (calls,) = mocked.requests.values()
    assert calls[0].kwargs["json"]["thread_ts"] == "1700000001.000001"


def test_slack_declares_its_documented_pace():
    assert SlackNotifier.min_interval_s == 1.0
