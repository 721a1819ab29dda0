import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.google_business.collector  # noqa: F401 - registers the source
from collectors._http import MalformedPayloadError
from collectors.google_business.collector import GoogleBusinessCollector
from collectors.google_business.parse import original_text, parse, parse_any, parse_batch
from reputation.core.errors import SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://mybusiness.googleapis.com/v4"
LOCATION = "accounts/111/locations/222"
LIST_URL = re.compile(rf"^{re.escape(BASE)}/accounts/111/locations/222/reviews\?.*$")
BATCH_URL = f"{BASE}/accounts/111/locations:batchGetReviews"
PAGE = fixture_json("google_business", "reviews_list.json")
PAGE2 = fixture_json("google_business", "reviews_list_page2.json")
BATCH = fixture_json("google_business", "batch_get_reviews.json")
BATCH2 = fixture_json("google_business", "batch_get_reviews_page2.json")


def calls(mock: aioresponses) -> list[tuple[str, str, dict[str, Any]]]:
    return [(key[0], str(key[1]), call.kwargs) for key, cs in mock.requests.items() for call in cs]


def test_parse_keeps_fields_times_reply_and_the_original_text():
    parsed = parse(PAGE, LOCATION)
    assert not parsed.rejects
    (review,) = parsed.items
    assert review.external_id == "AbFvOq..."
    assert review.author == "Example Reviewer"
    assert review.rating == 2  # "TWO"
    assert review.text == "..."  # what follows "(Original)", not the translation
    assert review.lang is None  # Google gives no language
    assert review.created_at == datetime(2014, 10, 2, 15, 1, 23, 45000, tzinfo=UTC)
    assert review.reply is not None
    assert review.reply.text.startswith("Sorry to hear this")
    assert review.reply.created_at == datetime(2014, 10, 2, 15, 1, 23, tzinfo=UTC)
    assert review.location == LOCATION


def test_parse_maps_star_enums_anonymous_and_rating_only_reviews():
    lucia, anonymous, jonas = parse(PAGE2, LOCATION).items
    assert (lucia.rating, anonymous.rating, jonas.rating) == (5, 4, None)  # UNSPECIFIED → None
    assert lucia.text == "El personal fue muy amable."  # "(Original)" first, translation after
    assert lucia.updated_at == datetime(2014, 9, 21, 10, 0, tzinfo=UTC)
    assert lucia.reply is not None
    assert lucia.reply.text == "¡Gracias, Lucía!"
    assert anonymous.author is None  # "A Google User" is a placeholder
    assert anonymous.text == ""  # rating-only: no comment
    assert anonymous.reply is None
    assert jonas.text == "Tolles Café, langsamer Service"


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("Plain text, untouched", "Plain text, untouched"),
        ("(Translated by Google) Good food\n\n(Original)\nBuen comida", "Buen comida"),
        ("(Original)\nBuen comida\n\n(Translated by Google)\nGood food", "Buen comida"),
        ("Loved the (Original) recipe", "Loved the (Original) recipe"),
        ("Buen comida\n\n(Translated by Google)\nGood food", "Buen comida"),
        ("Quoting (Translated by Google) here", "Quoting (Translated by Google) here"),
    ],
)
def test_original_text_drops_google_translations_in_either_order(comment, expected):
    assert original_text(comment) == expected


def test_a_trailing_translation_without_original_marker_is_dropped_from_review_and_reply():
    page = fixture_json("google_business", "reviews_list_translation_trailer.json")
    (review,) = parse(page, LOCATION).items
    assert review.text == "Очень вкусно, но долго ждали заказ."
    assert review.reply is not None
    assert review.reply.text == "Спасибо за отзыв! Мы уже работаем над скоростью."


def test_parse_tolerates_missing_optional_times():
    # Verbatim mock from a public connector's tests: no updateTime anywhere.
    first, second = parse(fixture_json("google_business", "reviews_list_client_mock.json")).items
    assert first.updated_at is None
    assert first.rating == 1
    assert second.reply is not None
    assert second.reply.created_at is None
    assert second.location is None  # no location given and no review name to infer it from


def test_parse_batch_keeps_each_reviews_location():
    parsed = parse_batch(BATCH)
    assert [(r.external_id, r.location) for r in parsed.items] == [
        ("AbFvOq...", "accounts/111/locations/222"),
        ("AbFvOqE5w", "accounts/111/locations/333"),
    ]
    assert parsed.items[1].rating == 3
    assert parse_any(BATCH).items == parsed.items  # what `reputation parse` uses


def test_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE2)
    del page["reviews"][0]["createTime"]
    page["reviews"][1]["starRating"] = "SIX"
    page["reviews"].append("not a review")
    parsed = parse(page, LOCATION)
    assert [r.external_id for r in parsed.items] == ["AbFvOqD4z"]
    assert len(parsed.rejects) == 3
    assert "createTime" in parsed.rejects[0].reason
    assert "SIX" in parsed.rejects[1].reason
    assert parsed.rejects[2].raw == "not a review"


def test_a_batch_entry_without_review_is_rejected():
    page = copy.deepcopy(BATCH)
    page["locationReviews"].append({"name": "accounts/111/locations/444"})
    parsed = parse_batch(page)
    assert len(parsed.items) == 2
    assert "review" in parsed.rejects[0].reason


@pytest.mark.parametrize(
    "payload", [{"response": {}}, [], "reviews", {"reviews": "x"}, {"locationReviews": {}}]
)
def test_other_payloads_are_not_business_profile_responses(payload):
    with pytest.raises(ValueError, match=r"Business Profile|not a list"):
        parse_any(payload)


async def test_fetch_follows_page_tokens_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "google_business", session, sleep, ids=[LOCATION], token="secret-token-1"
    )
    with aioresponses() as mock:
        mock.get(LIST_URL, payload=PAGE)
        mock.get(LIST_URL, status=429, headers={"Retry-After": "7"})
        mock.get(LIST_URL, status=503)
        mock.get(LIST_URL, payload=PAGE2)
        pages = await all_pages(collector, LOCATION)
        requests = calls(mock)
    assert [p.resume for p in pages] == ["opaque-token", None]
    assert [r.external_id for p in pages for r in p.items] == [
        "AbFvOq...",
        "AbFvOqB2x",
        "AbFvOqC3y",
        "AbFvOqD4z",
    ]
    assert sleep.calls[0] == 7.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 503
    urls = [url for _, url, _ in requests]
    assert "pageToken" not in urls[0]
    assert any("pageToken=opaque-token" in url for url in urls[1:])
    assert all("pageSize=50" in url and "orderBy=updateTime" in url for url in urls)
    assert all(kw["headers"]["Authorization"] == "Bearer secret-token-1" for *_, kw in requests)


async def test_fetch_resumes_from_a_cursor_with_the_configured_page_size(session):  # noqa: F811
    collector = make_collector(
        "google_business", session, RecordingSleep(), ids=[LOCATION], token="tok1", page_size=20
    )
    with aioresponses() as mock:
        mock.get(LIST_URL, payload=PAGE2)
        pages = await all_pages(collector, LOCATION, resume="opaque-token")
        (url,) = [url for _, url, _ in calls(mock)]
    assert "pageToken=opaque-token" in url
    assert "pageSize=20" in url
    assert len(pages) == 1


async def test_fetch_stops_at_the_high_water_mark(session):  # noqa: F811
    collector = make_collector(
        "google_business", session, RecordingSleep(), ids=[LOCATION], token="t0k3n"
    )
    with aioresponses() as mock:
        mock.get(LIST_URL, payload=PAGE2 | {"nextPageToken": "more"})
        pages = await all_pages(collector, LOCATION, since=datetime(2014, 9, 15, tzinfo=UTC))
    assert len(pages) == 1  # older reviews reached: the next page is not asked for
    assert pages[0].resume == "more"


async def test_batch_mode_posts_every_location_for_the_account(session):  # noqa: F811
    ids = ["accounts/111/locations/222", "accounts/111/locations/333"]
    collector = make_collector(
        "google_business",
        session,
        RecordingSleep(),
        ids=ids,
        token="tok1",
        options={"batch_account": "accounts/111"},
    )
    assert collector.locations() == ["accounts/111"]
    with aioresponses() as mock:
        mock.post(BATCH_URL, payload=BATCH)
        mock.post(BATCH_URL, payload=BATCH2)
        pages = await all_pages(collector, "accounts/111")
        bodies = [kw["json"] for method, _, kw in calls(mock) if method == "POST"]
    assert [p.resume for p in pages] == ["batch-opaque-token", None]
    assert [r.location for p in pages for r in p.items] == [ids[0], ids[1], ids[0]]
    assert bodies[0] == {"locationNames": ids, "pageSize": 50, "orderBy": "updateTime desc"}
    assert bodies[1]["pageToken"] == "batch-opaque-token"


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector(
        "google_business", session, RecordingSleep(), ids=[LOCATION], token="s3cret!"
    )
    with aioresponses() as mock:
        mock.get(LIST_URL, status=401, body='{"error": {"message": "bad token s3cret!"}}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, LOCATION)
    assert "HTTP 401" in str(caught.value)
    assert "s3cret!" not in str(caught.value)


async def test_an_unexpected_body_is_a_malformed_payload(session):  # noqa: F811
    collector = make_collector(
        "google_business", session, RecordingSleep(), ids=[LOCATION], token="tok1"
    )
    with aioresponses() as mock:
        mock.get(LIST_URL, payload={"error": "surprise"})
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector, LOCATION)
    assert "surprise" in caught.value.raw  # kept for quarantine


def business(session: Any, **config: Any) -> GoogleBusinessCollector:  # noqa: F811
    collector = make_collector("google_business", session, RecordingSleep(), **config)
    assert isinstance(collector, GoogleBusinessCollector)
    return collector


async def test_reply_puts_the_comment_on_the_review(session):  # noqa: F811
    collector = business(session, ids=[LOCATION], token="tok1")
    url = f"{BASE}/{LOCATION}/reviews/AbFvOqB2x/reply"
    with aioresponses() as mock:
        mock.put(url, payload=fixture_json("google_business", "update_reply.json"))
        await collector.reply(LOCATION, "AbFvOqB2x", "Thanks for the feedback")
        ((method, called, kw),) = calls(mock)
    assert (method, called) == ("PUT", url)
    assert kw["json"] == {"comment": "Thanks for the feedback"}
    assert kw["headers"]["Authorization"] == "Bearer tok1"


async def test_reply_needs_a_location_not_an_account(session):  # noqa: F811
    collector = business(session, ids=[LOCATION], token="tok1")
    with pytest.raises(ValueError, match="location name"):
        await collector.reply("accounts/111", "AbFvOqB2x", "Thanks")
