import copy
from datetime import UTC, datetime

import pytest
from aioresponses import aioresponses

# Register this source, and load the whole registry too: once any source has registered
# itself, collectors.source() stops loading the others.
from collectors import sources as _all_sources  # noqa: F401
from collectors.apple_app_store import collector as _apple  # noqa: F401
from collectors.apple_app_store.parse import last_page, parse, split_location
from reputation.core.errors import ConfigError, FatalSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

LOCATION = "us:284882215"
FEED = "https://itunes.apple.com/us/rss/customerreviews"
PAGE_1 = fixture_json("apple_app_store", "customerreviews_page1.json")
SINGLE = fixture_json("apple_app_store", "customerreviews_page2_single_entry.json")
EMPTY = fixture_json("apple_app_store", "customerreviews_empty.json")
WITH_APP = fixture_json("apple_app_store", "customerreviews_with_app_entry.json")


def page_url(n: int) -> str:
    return f"{FEED}/page={n}/id=284882215/sortby=mostrecent/json"


def test_parse_maps_fields_and_times_to_utc():
    parsed = parse(PAGE_1, LOCATION)
    assert not parsed.rejects
    first = parsed.items[0]
    assert first.source == "apple_app_store"
    assert first.external_id == "12239017655"
    assert first.author == "quietmoth"
    assert first.rating == 1
    assert first.title == "Keeps logging me out"
    assert first.text.endswith("every time I open the app.\nPlease fix.")
    assert first.lang is None  # the feed gives none; a storefront is not a language
    assert first.created_at == datetime(2025, 3, 1, 21, 5, 11, tzinfo=UTC)  # -07:00 → UTC
    assert first.reply is None
    assert first.location == LOCATION
    assert first.url == "https://apps.apple.com/us/app/id284882215?see-all=reviews"
    assert [r.rating for r in parsed.items] == [1, 5, 3]


def test_a_single_review_page_has_an_object_entry():
    (only,) = parse(SINGLE, LOCATION).items
    assert only.external_id == "12220044417"
    assert only.rating == 4


def test_an_empty_page_has_no_entry_key():
    parsed = parse(EMPTY, LOCATION)
    assert parsed.items == []
    assert parsed.rejects == []


def test_the_app_entry_of_older_feeds_is_skipped():
    parsed = parse(WITH_APP, LOCATION)
    assert [r.external_id for r in parsed.items] == ["12239017655", "12238512203"]
    assert not parsed.rejects


def test_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE_1)
    page["feed"]["entry"][0]["im:rating"]["label"] = "five"
    del page["feed"]["entry"][1]["updated"]
    parsed = parse(page, LOCATION)
    assert [r.external_id for r in parsed.items] == ["12231100870"]
    assert len(parsed.rejects) == 2
    assert "ValueError" in parsed.rejects[0].reason
    assert "updated" in parsed.rejects[1].reason


@pytest.mark.parametrize("garbage", [{"reviews": []}, [], {"feed": []}, {"feed": {"entry": 3}}])
def test_other_payloads_are_not_apple_feeds(garbage):
    with pytest.raises(ValueError, match="feed"):
        parse(garbage)


def test_last_page_is_read_from_the_last_link_and_capped_at_ten():
    assert last_page(PAGE_1) == 2
    assert last_page(EMPTY) == 1
    assert last_page(WITH_APP) == 10
    assert last_page({"feed": {}}) == 10


def test_locations_are_country_and_app_id():
    assert split_location("US:284882215") == ("us", "284882215")
    assert split_location("284882215") is None
    assert split_location("us:abc") is None


async def test_fetch_walks_pages_until_the_last_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("apple_app_store", session, sleep, ids=[LOCATION])
    with aioresponses() as mock:
        mock.get(page_url(1), payload=PAGE_1)
        mock.get(page_url(2), status=429, headers={"Retry-After": "11"})
        mock.get(page_url(2), status=502)
        mock.get(page_url(2), payload=SINGLE)
        pages = await all_pages(collector, LOCATION)
        requested = [str(key[1]) for key, calls in mock.requests.items() for _ in calls]
        headers = [c.kwargs["headers"] for calls in mock.requests.values() for c in calls]
    assert [p.resume for p in pages] == ["2", None]  # page 2 is the `last` link's page
    assert [r.external_id for p in pages for r in p.items][-1] == "12220044417"
    assert requested == [page_url(1), page_url(2), page_url(2), page_url(2)]
    assert sleep.calls[0] == 11.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # and one backoff for the 502
    assert all("Authorization" not in h for h in headers)  # a public feed


async def test_fetch_resumes_stops_on_an_empty_page(session):  # noqa: F811
    collector = make_collector("apple_app_store", session, RecordingSleep(), ids=[LOCATION])
    with aioresponses() as mock:
        mock.get(page_url(7), payload={"feed": {"author": {"name": {"label": "iTunes Store"}}}})
        pages = await all_pages(collector, LOCATION, resume="7")
    assert len(pages) == 1
    assert pages[0].resume is None
    assert pages[0].items == []


async def test_fetch_stops_at_since(session):  # noqa: F811
    collector = make_collector("apple_app_store", session, RecordingSleep(), ids=[LOCATION])
    with aioresponses() as mock:
        mock.get(page_url(1), payload=PAGE_1)
        pages = await all_pages(collector, LOCATION, since=datetime(2025, 3, 1, 10, tzinfo=UTC))
    assert len(pages) == 1  # the third review (02:12 UTC) is older than `since`


async def test_a_bad_location_is_a_config_error(session):  # noqa: F811
    collector = make_collector("apple_app_store", session, RecordingSleep(), ids=["284882215"])
    with pytest.raises(ConfigError, match="country:appId"):
        await all_pages(collector, "284882215")


async def test_a_refused_feed_is_a_fatal_error(session):  # noqa: F811
    # A removed app or unknown storefront answers 404: an error, not an empty run.
    collector = make_collector("apple_app_store", session, RecordingSleep(), ids=[LOCATION])
    with aioresponses() as mock:
        mock.get(page_url(1), status=404, body="Not Found")
        with pytest.raises(FatalSourceError, match="HTTP 404"):
            await all_pages(collector, LOCATION)


async def test_a_forbidden_feed_is_an_auth_error(session):  # noqa: F811
    collector = make_collector("apple_app_store", session, RecordingSleep(), ids=[LOCATION])
    with aioresponses() as mock:
        mock.get(page_url(1), status=403, body="Forbidden")
        with pytest.raises(SourceAuthError, match="HTTP 403"):
            await all_pages(collector, LOCATION)
