import logging
import re
from datetime import UTC, datetime

import pytest
from aioresponses import aioresponses

from collectors.snappfood.collector import SnappFoodCollector  # registers the source
from collectors.snappfood.parse import local_time, parse, rating
from reputation.core.errors import ConfigError, RetriableSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

VENDOR = "0qqwd9"
URL = re.compile(r"^https://snappfood\.ir/mobile/v1/restaurant/vendor-comment\?.*$")
PAGE0 = fixture_json("snappfood", "vendor_comment_page0.json")
PAGE1 = fixture_json("snappfood", "vendor_comment_page1.json")
EMPTY = fixture_json("snappfood", "vendor_comment_empty.json")
SHAPE = fixture_json("snappfood", "vendor_comment_shape.json")


def test_parse_fields_reply_and_tehran_times():
    parsed = parse(PAGE0, VENDOR)
    assert not parsed.rejects
    cold, great, silent = parsed.items
    assert cold.external_id == "90412311"
    assert cold.author == "مهسا"
    assert cold.text == "غذا سرد رسید و نوشابه هم نبود."  # Arabic ي → Persian ی
    assert cold.lang == "fa"
    assert cold.location == VENDOR
    assert cold.created_at == datetime(2024, 1, 14, 17, 1, 12, tzinfo=UTC)  # 20:31 Tehran
    assert cold.reply is not None
    assert cold.reply.text.startswith("سلام")
    assert cold.reply.created_at == datetime(2024, 1, 14, 18, 35, tzinfo=UTC)
    assert great.reply is None
    assert (silent.text, silent.rating) == ("", 3)


def test_rating_scales():
    assert [r.rating for r in parse(PAGE0).items] == [1, 5, 3]  # 2/10, 9/10, rate 3
    assert rating({"rating": 7}) == 4  # 1..10 halved, half up
    assert rating({"rate": 4.5}) == 5  # only the 0..5 rate: rounded half up
    assert rating({"rate": 0, "rating": 0}) is None  # 0 = not rated
    assert rating({}) is None


def test_dates_in_other_shapes():
    assert local_time("1402/10/24") == datetime(2024, 1, 13, 20, 30, tzinfo=UTC)  # Jalali
    assert local_time("2024-01-14T10:00:00Z") == datetime(2024, 1, 14, 10, tzinfo=UTC)
    assert local_time(1705250000) == datetime.fromtimestamp(1705250000, UTC)


def test_a_comment_without_a_date_is_rejected_and_the_rest_kept():
    parsed = parse(PAGE1, VENDOR)
    assert [r.external_id for r in parsed.items] == ["90388820"]
    [reject] = parsed.rejects
    assert "date" in reject.reason
    assert "90388000" in reject.raw


def test_the_shared_illustrative_shape_lacks_id_and_date():
    parsed = parse(SHAPE, VENDOR)
    assert not parsed.items
    assert len(parsed.rejects) == 1


def test_other_json_is_not_a_snappfood_response():
    digikala = fixture_json("digikala", "rate_review_page1.json")
    garbage: list[object] = [
        {"data": {}},
        {"comments": []},
        [],
        {"data": {"comments": {}}},
        digikala,
    ]
    for payload in garbage:
        with pytest.raises(ValueError, match="SnappFood"):
            parse(payload)


async def test_refuses_to_run_without_accepting_the_unofficial_endpoint(session):  # noqa: F811
    with pytest.raises(ConfigError, match="terms of service"):
        make_collector("snappfood", session, RecordingSleep(), ids=[VENDOR])


async def test_fetch_pages_from_zero_until_an_empty_page(session, caplog):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "snappfood",
        session,
        sleep,
        ids=[VENDOR],
        accept_unofficial=True,
        options={"udid": "11111111-2222-3333-4444-555555555555"},
    )
    with aioresponses() as mock, caplog.at_level(logging.WARNING):
        mock.get(URL, payload=PAGE0)
        mock.get(URL, status=429, headers={"Retry-After": "5"})
        mock.get(URL, status=503)
        mock.get(URL, payload=PAGE1)
        mock.get(URL, payload=EMPTY)
        pages = await all_pages(collector, VENDOR)
        urls = [str(key[1]) for key, calls in mock.requests.items() for _ in calls]
    assert [p.resume for p in pages] == ["1", "2", None]
    assert [len(p.items) for p in pages] == [3, 1, 0]
    assert sleep.calls[0] == 5.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # and one backoff for the 503
    first = urls[0]
    for part in ("vendorCode=0qqwd9", "page=0", "sortType=newest", "client=WEBSITE"):
        assert part in first
    assert "UDID=11111111-2222-3333-4444-555555555555" in first
    assert any("page=1" in u for u in urls)
    assert any("page=2" in u for u in urls)
    assert len([r for r in caplog.records if "unofficial" in r.getMessage()]) == 1


async def test_fetch_resumes_and_stops_at_since(session):  # noqa: F811
    collector = make_collector(
        "snappfood", session, RecordingSleep(), ids=[VENDOR], accept_unofficial=True
    )
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE1)
        mock.get(URL, payload=EMPTY)
        pages = await all_pages(collector, VENDOR, resume="1")
        urls = [str(key[1]) for key in mock.requests]
    assert "page=1" in urls[0]
    assert [p.resume for p in pages] == ["2", None]
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE0)
        pages = await all_pages(collector, VENDOR, since=datetime(2024, 1, 14, tzinfo=UTC))
    assert len(pages) == 1  # page 0 already reaches back past `since`


async def test_auth_failure_and_persistent_5xx(session):  # noqa: F811
    collector = make_collector(
        "snappfood",
        session,
        RecordingSleep(),
        ids=[VENDOR],
        accept_unofficial=True,
        token="t0ken-y",
    )
    with aioresponses() as mock:
        mock.get(URL, status=401, body="no t0ken-y")
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, VENDOR)
    assert "HTTP 401" in str(caught.value)
    assert "t0ken-y" not in str(caught.value)
    with aioresponses() as mock:
        for _ in range(3):
            mock.get(URL, status=504)
        with pytest.raises(RetriableSourceError, match="504 after 3 attempts"):
            await all_pages(collector, VENDOR)


def test_read_only():
    assert not hasattr(SnappFoodCollector, "reply")
