import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.google_places.collector  # noqa: F401 - registers both sources
from collectors._http import MalformedPayloadError
from collectors.base import stable_id
from collectors.google_places import parse as places
from collectors.google_places import parse_legacy as legacy
from reputation.core.errors import (
    FatalSourceError,
    RetriableSourceError,
    SourceAuthError,
)
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

PLACE = "ChIJj61dQgK6j4AR4GeTYWZsKWw"
NEW_URL = re.compile(rf"^https://places\.googleapis\.com/v1/places/{PLACE}(\?.*)?$")
LEGACY_URL = re.compile(r"^https://maps\.googleapis\.com/maps/api/place/details/json\?.*$")
NEW = fixture_json("google_places", "place_details_new.json")
NEW_TRANSLATED = fixture_json("google_places", "place_details_new_translated.json")
LEGACY = fixture_json("google_places", "place_details_legacy.json")
SYDNEY = "ChIJN1t_tDeuEmsRUsoyG83frY4"


def calls(mock: aioresponses) -> list[tuple[str, str, dict[str, Any]]]:
    return [(key[0], str(key[1]), call.kwargs) for key, cs in mock.requests.items() for call in cs]


# --- Places API (New) ---------------------------------------------------------------------


def test_new_parse_keeps_fields_times_rating_and_url():
    parsed = places.parse(NEW, PLACE)
    assert not parsed.rejects
    first, second = parsed.items
    assert first.external_id == f"places/{PLACE}/reviews/ChZDSUhNMG9nS0VJQ0FnSUNwcDdTY2N3EAE"
    assert first.author == "Manuela T."
    assert first.rating == 2
    assert first.text.startswith("So disapointed!")
    assert first.lang == "en"
    assert first.created_at == datetime(2023, 8, 11, 18, 11, 45, 700000, tzinfo=UTC)
    assert first.updated_at is None
    assert first.reply is None  # the Places API shows no owner replies
    assert first.url is not None
    assert first.url.startswith("https://www.google.com/maps/reviews/data=")
    assert first.location == PLACE
    assert second.rating == 5


def test_new_parse_keeps_the_original_text_and_its_language():
    (review,) = places.parse(NEW_TRANSLATED).items
    assert review.text == "Schöner Campus, aber das Besucherzentrum war geschlossen."
    assert review.lang == "de"
    assert review.location == PLACE  # taken from the review's resource name


def test_new_parse_falls_back_to_text_without_original():
    page = copy.deepcopy(NEW_TRANSLATED)
    del page["reviews"][0]["originalText"]
    (review,) = places.parse(page).items
    assert review.text == "Nice campus, but the visitor centre was closed."
    assert review.lang == "en"


def test_new_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(NEW)
    del page["reviews"][0]["publishTime"]
    page["reviews"].append({"rating": 3})
    parsed = places.parse(page, PLACE)
    assert [r.rating for r in parsed.items] == [5]
    assert len(parsed.rejects) == 2
    assert "publishTime" in parsed.rejects[0].reason
    assert "name" in parsed.rejects[1].reason


def test_new_place_without_reviews_is_an_empty_page():
    assert (
        places.parse({"id": PLACE, "displayName": {"text": "X", "languageCode": "en"}}).items == []
    )


@pytest.mark.parametrize("payload", [LEGACY, {"error": {"code": 400}}, [], {"reviews": {}}])
def test_new_other_payloads_are_rejected(payload):
    with pytest.raises(ValueError, match=r"Places API \(New\)|not a list"):
        places.parse(payload)


async def test_new_fetch_sends_key_and_field_mask_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("google_places", session, sleep, ids=[PLACE], token="AIzaKey-1")
    with aioresponses() as mock:
        mock.get(NEW_URL, status=429, headers={"Retry-After": "3"})
        mock.get(NEW_URL, status=500)
        mock.get(NEW_URL, payload=NEW)
        pages = await all_pages(collector, PLACE)
        requests = calls(mock)
    assert len(pages) == 1
    assert pages[0].resume is None  # one page, nothing to resume
    assert len(pages[0].items) == 2
    assert sleep.calls[0] == 3.0
    assert len(sleep.calls) == 2
    _, url, kw = requests[-1]
    assert "key=" not in url  # the key travels in a header
    assert kw["headers"]["X-Goog-Api-Key"] == "AIzaKey-1"
    assert kw["headers"]["X-Goog-FieldMask"] == "id,displayName,rating,userRatingCount,reviews"


async def test_new_fetch_asks_for_the_configured_language(session):  # noqa: F811
    collector = make_collector(
        "google_places",
        session,
        RecordingSleep(),
        ids=[PLACE],
        token="AIzaKey-1",
        options={"language": "de"},
    )
    with aioresponses() as mock:
        mock.get(NEW_URL, payload=NEW_TRANSLATED)
        await all_pages(collector, PLACE)
        ((_, url, _),) = calls(mock)
    assert "languageCode=de" in url


async def test_new_invalid_key_is_an_auth_error_without_the_key(session):  # noqa: F811
    collector = make_collector(
        "google_places", session, RecordingSleep(), ids=[PLACE], token="AIzaBad-9"
    )
    body = (
        '{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", '
        '"status": "INVALID_ARGUMENT", "details": [{"reason": "API_KEY_INVALID"}]}}'
    )
    with aioresponses() as mock:
        mock.get(NEW_URL, status=400, body=body)
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, PLACE)
    assert "HTTP 400" in str(caught.value)
    assert "AIzaBad-9" not in str(caught.value)


async def test_new_forbidden_is_an_auth_error_without_the_key(session):  # noqa: F811
    collector = make_collector(
        "google_places", session, RecordingSleep(), ids=[PLACE], token="AIzaBad-9"
    )
    with aioresponses() as mock:
        mock.get(NEW_URL, status=403, body='{"error": {"message": "key AIzaBad-9 is blocked"}}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, PLACE)
    assert "AIzaBad-9" not in str(caught.value)


async def test_new_other_client_errors_stay_fatal(session):  # noqa: F811
    collector = make_collector(
        "google_places", session, RecordingSleep(), ids=[PLACE], token="AIzaKey-1"
    )
    with aioresponses() as mock:
        mock.get(NEW_URL, status=404, body='{"error": {"status": "NOT_FOUND"}}')
        with pytest.raises(FatalSourceError) as caught:
            await all_pages(collector, PLACE)
    assert not isinstance(caught.value, SourceAuthError)


async def test_new_unexpected_body_is_a_malformed_payload(session):  # noqa: F811
    collector = make_collector(
        "google_places", session, RecordingSleep(), ids=[PLACE], token="AIzaKey-1"
    )
    with aioresponses() as mock:
        mock.get(NEW_URL, payload={"result": {}, "status": "OK"})
        with pytest.raises(MalformedPayloadError):
            await all_pages(collector, PLACE)


# --- legacy Place Details -----------------------------------------------------------------


def test_legacy_parse_builds_stable_ids_and_epoch_times():
    parsed = legacy.parse(LEGACY, SYDNEY)
    assert not parsed.rejects
    first, second = parsed.items
    author_url = "https://www.google.com/maps/contrib/100341567599258416785/reviews"
    assert first.external_id == stable_id(author_url, 1496880715)
    assert first.external_id == legacy.parse(copy.deepcopy(LEGACY), SYDNEY).items[0].external_id
    assert first.external_id != second.external_id
    assert first.author == "Mark Sales"
    assert first.rating == 1
    assert first.lang == "en"
    assert first.created_at == datetime(2017, 6, 8, 0, 11, 55, tzinfo=UTC)
    assert first.text.startswith("You have to  FIX")
    assert first.url == f"https://www.google.com/maps/place/?q=place_id:{SYDNEY}"
    assert first.location == SYDNEY
    assert first.reply is None


def test_legacy_parse_takes_the_place_from_the_result_and_the_language_of_the_text():
    (review,) = legacy.parse(
        fixture_json("google_places", "place_details_legacy_translated.json")
    ).items
    assert review.location == SYDNEY  # result.place_id
    assert review.lang == "en"  # the language of the text we store (a translation here)
    assert review.rating == 5


def test_legacy_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(LEGACY)
    del page["result"]["reviews"][0]["time"]
    page["result"]["reviews"].append({"author_name": "X", "time": 1490000000, "rating": 9})
    parsed = legacy.parse(page, SYDNEY)
    assert [r.author for r in parsed.items] == ["Paul Sutherland"]
    assert len(parsed.rejects) == 2
    assert "time" in parsed.rejects[0].reason
    assert "rating" in parsed.rejects[1].reason


def test_legacy_zero_results_is_an_empty_page():
    payload = fixture_json("google_places", "place_details_legacy_zero_results.json")
    assert legacy.parse(payload, SYDNEY).items == []


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (NEW, "legacy Place Details"),
        ({"result": {}}, "legacy Place Details"),  # no status
        ([], "legacy Place Details"),
        (
            fixture_json("google_places", "place_details_legacy_request_denied.json"),
            "REQUEST_DENIED",
        ),
        ({"status": "OK", "result": []}, "not an object"),
    ],
)
def test_legacy_other_payloads_are_rejected(payload, match):
    with pytest.raises(ValueError, match=match):
        legacy.parse(payload)


async def test_legacy_fetch_sends_the_documented_query_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "google_places_legacy", session, sleep, ids=[SYDNEY], token="AIzaKey-2"
    )
    with aioresponses() as mock:
        mock.get(LEGACY_URL, status=429, headers={"Retry-After": "5"})
        mock.get(LEGACY_URL, status=502)
        mock.get(LEGACY_URL, payload=LEGACY)
        pages = await all_pages(collector, SYDNEY)
        requests = calls(mock)
    assert [p.resume for p in pages] == [None]
    assert len(pages[0].items) == 2
    assert sleep.calls[0] == 5.0
    assert len(sleep.calls) == 2
    _, url, _ = requests[-1]
    for part in (
        f"place_id={SYDNEY}",
        "fields=reviews",
        "key=AIzaKey-2",
        "reviews_no_translations=true",
        "reviews_sort=newest",
    ):
        assert part in url


async def test_legacy_request_denied_is_an_auth_error_without_the_key(session):  # noqa: F811
    collector = make_collector(
        "google_places_legacy", session, RecordingSleep(), ids=[SYDNEY], token="AIzaBad-7"
    )
    denied = fixture_json("google_places", "place_details_legacy_request_denied.json")
    denied["error_message"] += " (key AIzaBad-7)"  # even if Google echoed it
    with aioresponses() as mock:
        mock.get(LEGACY_URL, payload=denied)
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, SYDNEY)
    message = str(caught.value)
    assert "REQUEST_DENIED" in message
    assert "The provided API key is invalid." in message
    assert "AIzaBad-7" not in message


async def test_legacy_http_auth_failure_hides_the_key(session):  # noqa: F811
    collector = make_collector(
        "google_places_legacy", session, RecordingSleep(), ids=[SYDNEY], token="AIzaBad-7"
    )
    with aioresponses() as mock:
        mock.get(LEGACY_URL, status=403, body="forbidden")
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, SYDNEY)
    assert "AIzaBad-7" not in str(caught.value)
    assert "key=" not in str(caught.value)  # the query string is stripped


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("INVALID_REQUEST", FatalSourceError),
        ("NOT_FOUND", FatalSourceError),
        ("OVER_QUERY_LIMIT", RetriableSourceError),
        ("UNKNOWN_ERROR", RetriableSourceError),
    ],
)
async def test_legacy_error_statuses_surface(session, status, error):  # noqa: F811
    collector = make_collector(
        "google_places_legacy", session, RecordingSleep(), ids=[SYDNEY], token="AIzaKey-3"
    )
    with aioresponses() as mock:
        mock.get(LEGACY_URL, payload={"html_attributions": [], "status": status})
        with pytest.raises(error) as caught:
            await all_pages(collector, SYDNEY)
    assert not isinstance(caught.value, SourceAuthError)
    assert status in str(caught.value)
    assert "AIzaKey-3" not in str(caught.value)


async def test_legacy_invalid_request_fixture_is_fatal(session):  # noqa: F811
    collector = make_collector(
        "google_places_legacy", session, RecordingSleep(), ids=[SYDNEY], token="AIzaKey-3"
    )
    with aioresponses() as mock:
        mock.get(
            LEGACY_URL,
            payload=fixture_json("google_places", "place_details_legacy_invalid_request.json"),
        )
        with pytest.raises(FatalSourceError, match="INVALID_REQUEST"):
            await all_pages(collector, SYDNEY)
