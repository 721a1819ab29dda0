import re
from datetime import UTC, datetime

import pytest
from aioresponses import aioresponses

from collectors._http import (
    MalformedPayloadError,
    RateLimiter,
    RetryPolicy,
    SourceHttp,
    retry_after_seconds,
    safe_url,
    wait_hint,
)
from reputation.core.errors import FatalSourceError, RetriableSourceError
from tests.collector_kit import RecordingSleep, session  # noqa: F401 - fixture


def test_retry_after_as_seconds_or_http_date():
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Tue, 24 Nov 2026 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_vendor_headers_when_retry_after_is_missing():
    assert wait_hint({"X-Ratelimit-Retry": "2"}) == 2
    assert wait_hint({"x-rate-limit-reset": "1000000100"}, now=1_000_000_000) == 100
    assert wait_hint({"Retry-After": "5", "X-Ratelimit-Retry": "2"}) == 5
    assert wait_hint({}) is None


def test_messages_never_carry_the_query_string():
    assert safe_url("https://u:p@maps.example.com:8443/details/json?key=SECRET") == (
        "https://maps.example.com:8443/details/json"
    )


async def test_rate_limiter_spaces_requests():
    clock = [0.0]
    sleep = RecordingSleep()

    async def fake_sleep(seconds):
        await sleep(seconds)
        clock[0] += seconds

    limiter = RateLimiter(4.0, clock=lambda: clock[0], sleep=fake_sleep)
    for _ in range(5):
        await limiter.wait()
    assert sleep.calls == pytest.approx([0.25, 0.25, 0.25, 0.25])


async def test_timeouts_are_retried_then_reported(session):  # noqa: F811
    sleep = RecordingSleep()
    http = SourceHttp(session, source="s", policy=RetryPolicy(attempts=2), sleep=sleep, seed=1)
    with aioresponses() as mock:
        mock.get(re.compile(".*"), exception=TimeoutError())
        mock.get(re.compile(".*"), exception=TimeoutError())
        with pytest.raises(RetriableSourceError, match="TimeoutError"):
            await http.get_json("https://example.com/x?token=abc")
    assert len(sleep.calls) == 1


async def test_other_4xx_fail_at_once_and_bad_json_is_malformed(session):  # noqa: F811
    sleep = RecordingSleep()
    http = SourceHttp(session, source="s", sleep=sleep, secrets=["tok-123456"])
    with aioresponses() as mock:
        mock.get(re.compile(".*"), status=404, body="no such item for tok-123456")
        mock.get(re.compile(".*"), status=200, body="<html>maintenance</html>")
        with pytest.raises(FatalSourceError) as caught:
            await http.get_json("https://example.com/item")
        with pytest.raises(MalformedPayloadError) as bad:
            await http.get_json("https://example.com/item")
    assert "tok-123456" not in str(caught.value)
    assert bad.value.raw == "<html>maintenance</html>"
    assert sleep.calls == []
