import copy
import re
from datetime import UTC, datetime

import pytest
from aioresponses import aioresponses

from collectors.google_play.parse import parse
from reputation.core.errors import RetriableSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://androidpublisher.googleapis.com/androidpublisher/v3"
URL = re.compile(rf"^{re.escape(BASE)}/applications/com\.example\.app/reviews\?.*$")
PAGE = fixture_json("google_play", "reviews_list.json")


def test_parse_keeps_text_rating_language_and_developer_reply():
    parsed = parse(PAGE, "com.example.app")
    assert not parsed.rejects
    first, second = parsed.items
    assert first.external_id == "gp:AAAA"
    assert first.rating == 2
    assert first.text == "Crashes on settings"  # the leading tab (empty title) is dropped
    assert first.lang == "en"
    assert first.author == "Maya K."
    assert first.created_at == datetime(2025, 9, 12, 18, 0, tzinfo=UTC)
    assert first.reply is not None
    assert first.reply.text == "Sorry! Fix coming."
    assert first.location == "com.example.app"
    assert second.reply is None
    assert second.lang == "de"


def test_parse_prefers_the_original_text_over_a_translation():
    page = copy.deepcopy(PAGE)
    comment = page["reviews"][1]["comments"][0]["userComment"]
    comment["text"] = "Great app"
    comment["originalText"] = "Tolle App\tLäuft super"
    review = parse(page).items[1]
    assert review.title == "Tolle App"
    assert review.text == "Läuft super"


def test_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE)
    del page["reviews"][0]["comments"][0]["userComment"]["lastModified"]
    page["reviews"].append({"reviewId": "gp:CCCC"})
    parsed = parse(page)
    assert [r.external_id for r in parsed.items] == ["gp:BBBB"]
    assert len(parsed.rejects) == 2
    assert "lastModified" in parsed.rejects[0].reason
    assert "gp:CCCC" in parsed.rejects[1].raw


def test_other_json_is_not_a_play_response():
    with pytest.raises(ValueError, match="Google Play"):
        parse({"response": {}})


async def test_fetch_follows_tokens_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    last = {"reviews": [copy.deepcopy(PAGE["reviews"][1])]}
    last["reviews"][0]["reviewId"] = "gp:ZZZZ"
    collector = make_collector(
        "google_play", session, sleep, ids=["com.example.app"], token="secret-token-1"
    )
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE)
        mock.get(URL, status=429, headers={"Retry-After": "7"})
        mock.get(URL, status=503)
        mock.get(URL, payload=last)
        pages = await all_pages(collector, "com.example.app")
        requests = [(key[1], call.kwargs) for key, calls in mock.requests.items() for call in calls]
    assert [p.resume for p in pages] == ["NEXT123", None]
    assert [r.external_id for p in pages for r in p.items] == ["gp:AAAA", "gp:BBBB", "gp:ZZZZ"]
    assert sleep.calls[0] == 7.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 503
    second = [kw for url, kw in requests if "token=NEXT123" in str(url)]
    assert second, "the next page was asked for with the page token"
    assert all(kw["headers"]["Authorization"] == "Bearer secret-token-1" for _, kw in requests)


async def test_fetch_stops_at_the_high_water_mark(session):  # noqa: F811
    collector = make_collector("google_play", session, RecordingSleep(), ids=["a"], token="t0k3n")
    with aioresponses() as mock:
        mock.get(re.compile(r".*/applications/a/reviews.*"), payload=PAGE)
        pages = await all_pages(collector, "a", since=datetime(2025, 9, 12, tzinfo=UTC))
    assert len(pages) == 1  # gp:BBBB is older than `since`: no need for the next page


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector("google_play", session, RecordingSleep(), ids=["a"], token="s3cret!")
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), status=401, body='{"error": "bad token s3cret!"}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, "a")
    assert "HTTP 401" in str(caught.value)
    assert "s3cret!" not in str(caught.value)


async def test_persistent_5xx_gives_up_with_a_retriable_error(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("google_play", session, sleep, ids=["a"], token="tok1", attempts=3)
    with aioresponses() as mock:
        for _ in range(3):
            mock.get(re.compile(r".*"), status=502)
        with pytest.raises(RetriableSourceError, match="502 after 3 attempts"):
            await all_pages(collector, "a")
    assert len(sleep.calls) == 2
