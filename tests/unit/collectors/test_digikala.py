import logging
import re
from datetime import UTC, date, datetime

import pytest
from aioresponses import aioresponses

from collectors.digikala.collector import DigikalaCollector  # registers the source
from collectors.digikala.jalali import parse_jalali, to_gregorian
from collectors.digikala.parse import parse
from reputation.core.errors import ConfigError, RetriableSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

PRODUCT = "14116027"
URL = re.compile(r"^https://api\.digikala\.com/v1/rate-review/products/14116027/\?.*$")
PAGE1 = fixture_json("digikala", "rate_review_page1.json")
PAGE2 = fixture_json("digikala", "rate_review_page2.json")
MINIMAL = fixture_json("digikala", "rate_review_minimal.json")


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1300, 1, 1), date(1921, 3, 21)),
        ((1399, 12, 30), date(2021, 3, 20)),  # 1399 is a leap year
        ((1400, 1, 1), date(2021, 3, 21)),
        ((1402, 10, 24), date(2024, 1, 14)),
        ((1403, 1, 1), date(2024, 3, 20)),
        ((1403, 6, 4), date(2024, 8, 25)),
        ((1403, 12, 30), date(2025, 3, 20)),
        ((1404, 1, 1), date(2025, 3, 21)),
    ],
)
def test_jalali_to_gregorian(jalali, gregorian):
    assert to_gregorian(*jalali) == gregorian


def test_impossible_jalali_dates_are_refused():
    for bad in [(1402, 12, 30), (1403, 7, 31), (1403, 13, 1), (1403, 1, 0)]:
        with pytest.raises(ValueError, match="Jalali"):
            to_gregorian(*bad)
    with pytest.raises(ValueError, match="month"):
        parse_jalali("4 Shahrivar 1403")


def test_jalali_text_is_midnight_in_tehran():
    assert parse_jalali("4 شهریور 1403") == datetime(2024, 8, 24, 20, 30, tzinfo=UTC)  # +03:30
    assert parse_jalali("۱۴۰۳/۰۶/۰۴ ۱۸:۳۰") == datetime(2024, 8, 25, 15, 0, tzinfo=UTC)
    assert parse_jalali("1 تیر 1400") == datetime(2021, 6, 21, 19, 30, tzinfo=UTC)  # DST then


def test_parse_fields_rating_and_persian_text():
    parsed = parse(PAGE1, PRODUCT)
    assert not parsed.rejects
    best, poor, silent, unrated = parsed.items
    assert best.external_id == "58213377"
    assert best.rating == 5
    assert best.title == "عالی"
    assert best.text == (
        "کیفیت فوق‌العاده بود، بسته‌بندی هم سالم رسید.\n+ نور گرم\n+ نصب آسان\n- کابل کوتاه"
    )  # Arabic ي became Persian ی; pros and cons follow the body
    assert best.lang == "fa"
    assert best.author == "کاربر دیجی‌کالا"
    assert best.url == "https://www.digikala.com/product/dkp-14116027/"
    assert best.location == PRODUCT
    assert best.created_at == datetime(2024, 8, 24, 20, 30, tzinfo=UTC)
    assert best.reply is None  # the listing has no seller replies
    assert poor.title is None
    assert poor.created_at == datetime(2024, 8, 21, 20, 30, tzinfo=UTC)  # Persian digits
    assert (silent.rating, silent.text) == (4, "")  # a rating without words
    assert unrated.rating is None  # rate 0: no stars given


def test_a_comment_without_a_date_is_rejected_and_the_rest_kept():
    parsed = parse(PAGE2, PRODUCT)
    assert [r.external_id for r in parsed.items] == ["57940112"]
    assert parsed.items[0].created_at == datetime(2024, 3, 18, 20, 30, tzinfo=UTC)
    [reject] = parsed.rejects
    assert "created_at" in reject.reason
    assert "57900001" in reject.raw


def test_the_shared_minimal_sample_has_no_ids_or_dates():
    parsed = parse(MINIMAL, PRODUCT)
    assert not parsed.items
    assert len(parsed.rejects) == 4


def test_items_instead_of_comments_is_accepted():
    page = {"data": {"items": PAGE1["data"]["comments"], "pager": {"total_pages": 1}}}
    assert len(parse(page).items) == 4


def test_other_json_is_not_a_digikala_response():
    snappfood = {"data": {"comments": [{"commentText": "x", "rate": 1}], "sort": {}}}
    garbage: list[object] = [
        {"reviews": []},
        {"data": []},
        {"data": {"product": {}}},
        [],
        snappfood,
    ]
    for payload in garbage:
        with pytest.raises(ValueError, match="Digikala"):
            parse(payload)


async def test_refuses_to_run_without_accepting_the_unofficial_endpoint(session):  # noqa: F811
    with pytest.raises(ConfigError, match="terms of service"):
        make_collector("digikala", session, RecordingSleep(), ids=[PRODUCT])


async def test_fetch_pages_newest_first_with_retries(session, caplog):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("digikala", session, sleep, ids=[PRODUCT], accept_unofficial=True)
    with aioresponses() as mock, caplog.at_level(logging.WARNING):
        mock.get(URL, payload=PAGE1)
        mock.get(URL, status=429, headers={"Retry-After": "3"})
        mock.get(URL, status=500)
        mock.get(URL, payload=PAGE2)
        pages = await all_pages(collector, PRODUCT)
        urls = [str(key[1]) for key, calls in mock.requests.items() for _ in calls]
    assert [p.resume for p in pages] == ["2", None]
    assert [len(p.items) for p in pages] == [4, 1]
    assert sleep.calls[0] == 3.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # and one backoff for the 500
    assert "page=1" in urls[0]
    assert "sort=newest" in urls[0]
    assert any("page=2" in u for u in urls)
    warnings = [r for r in caplog.records if "unofficial" in r.getMessage()]
    assert len(warnings) == 1


async def test_fetch_resumes_and_stops_at_since(session):  # noqa: F811
    collector = make_collector(
        "digikala", session, RecordingSleep(), ids=[PRODUCT], accept_unofficial=True
    )
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE2)
        pages = await all_pages(collector, PRODUCT, resume="2")
        [(_, url)] = list(mock.requests)
    assert "page=2" in str(url)
    assert [p.resume for p in pages] == [None]
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE1)
        pages = await all_pages(collector, PRODUCT, since=datetime(2024, 8, 22, tzinfo=UTC))
    assert len(pages) == 1  # page 1 already reaches back past `since`


async def test_auth_failure_and_persistent_5xx(session):  # noqa: F811
    collector = make_collector(
        "digikala",
        session,
        RecordingSleep(),
        ids=[PRODUCT],
        accept_unofficial=True,
        token="t0ken-x",
    )
    with aioresponses() as mock:
        mock.get(URL, status=403, body="blocked t0ken-x")
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, PRODUCT)
    assert "HTTP 403" in str(caught.value)
    assert "t0ken-x" not in str(caught.value)
    with aioresponses() as mock:
        for _ in range(3):
            mock.get(URL, status=502)
        with pytest.raises(RetriableSourceError, match="502 after 3 attempts"):
            await all_pages(collector, PRODUCT)


def test_read_only():
    assert not hasattr(DigikalaCollector, "reply")
