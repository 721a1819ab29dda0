import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

# Load the whole registry: once any source registers itself, collectors.source() stops loading.
from collectors import sources as _all_sources  # noqa: F401
from collectors.trustpilot.collector import TrustpilotCollector
from collectors.trustpilot.parse import next_page, parse
from reputation.core.errors import SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://api.trustpilot.com/v1"
UNIT = "46d6a890ffa235a75b00021d"
URL_RE = re.compile(rf"^{re.escape(BASE)}/business-units/{UNIT}/reviews\?.*$")
PAGE_1 = fixture_json("trustpilot", "business_unit_reviews_page1.json")
PAGE_2 = fixture_json("trustpilot", "business_unit_reviews_page2.json")
SHARED = fixture_json("trustpilot", "business_unit_reviews_shared.json")
TOKEN_1 = fixture_json("trustpilot", "business_unit_reviews_token_page1.json")
TOKEN_LAST = fixture_json("trustpilot", "business_unit_reviews_token_last.json")


def sent(mock: aioresponses) -> list[tuple[str, Any]]:
    return [(str(key[1]), call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_parse_maps_stars_language_times_and_company_reply():
    parsed = parse(PAGE_1, UNIT)
    assert not parsed.rejects
    first, second = parsed.items
    assert first.source == "trustpilot"
    assert first.external_id == "6582f0c4a3b1d70f9c1e2a01"
    assert first.rating == 1
    assert first.title == "Encomenda nunca chegou"
    assert first.text.startswith("Paguei há três semanas")
    assert first.lang == "pt"
    assert first.author == "Joana Silva"
    assert first.created_at == datetime(2024, 1, 5, 9, 30, 12, tzinfo=UTC)
    assert first.updated_at == datetime(2024, 1, 6, 10, 0, tzinfo=UTC)
    assert first.url == "https://www.trustpilot.com/reviews/6582f0c4a3b1d70f9c1e2a01"
    assert first.location == UNIT
    assert first.reply is not None
    assert first.reply.text.startswith("Lamentamos, Joana")
    assert first.reply.created_at == datetime(2024, 1, 6, 11, 15, tzinfo=UTC)
    assert second.lang == "en"  # en-GB
    assert second.created_at == datetime(2024, 1, 4, 18, 2, 44, tzinfo=UTC)  # no offset: UTC
    assert second.updated_at is None
    assert second.reply is None


def test_the_shared_schema_sample_parses():
    (only,) = parse(SHARED).items
    assert only.rating == 1
    assert only.lang == "pt"
    assert only.location == "46..."  # from businessUnit when no location is given
    assert only.reply is not None
    assert only.reply.text == "..."


def test_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE_1)
    page["reviews"][0]["stars"] = 7
    page["reviews"].append({"id": "broken", "stars": 4})
    parsed = parse(page, UNIT)
    assert [r.external_id for r in parsed.items] == ["6582f0c4a3b1d70f9c1e2a02"]
    assert "rating" in parsed.rejects[0].reason
    assert "createdAt" in parsed.rejects[1].reason


def test_a_cursor_paged_response_without_links_parses():
    # The documented ReviewListResponse: reviews, nextPageToken, totalNumberOfReviews; no links.
    (first,) = parse(TOKEN_1, UNIT).items
    assert first.external_id == "66a1f0c4a3b1d70f9c1e2b01"
    assert first.rating == 2
    assert first.title == "Entrega con retraso"
    assert first.lang == "es"
    assert first.author == "Lucía Fernández"
    assert first.created_at == datetime(2024, 7, 25, 8, 41, 9, 513000, tzinfo=UTC)
    assert first.updated_at is None
    assert first.reply is not None
    assert first.reply.text.startswith("Hola Lucía")
    (last,) = parse(TOKEN_LAST, UNIT).items
    assert last.lang == "pt"  # pt-BR
    assert last.updated_at == datetime(2024, 7, 24, 20, 0, tzinfo=UTC)
    assert last.reply is None
    assert next_page(TOKEN_1, 1) == f"token:{TOKEN_1['nextPageToken']}"
    assert next_page(TOKEN_LAST, 1) is None  # no token: the last page


MERCADOLIBRE_PAGE = {"paging": {"total": 0}, "reviews": [], "rating_average": 0}


@pytest.mark.parametrize("garbage", [{"feed": {}}, [], {"reviews": {}}, None, MERCADOLIBRE_PAGE])
def test_other_payloads_are_not_trustpilot_responses(garbage):
    with pytest.raises(ValueError, match="Trustpilot"):
        parse(garbage)


def test_next_page_comes_from_the_next_page_link():
    assert next_page(PAGE_1, 1) == "2"
    assert next_page(PAGE_2, 2) is None  # only prev-page
    no_number = {"links": [{"href": "https://x/y", "method": "GET", "rel": "next-page"}]}
    assert next_page(no_number, 4) == "5"


async def test_fetch_follows_next_page_with_the_apikey_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "trustpilot", session, sleep, ids=[UNIT], token="tp-api-key-1", page_size=2
    )
    with aioresponses() as mock:
        mock.get(URL_RE, payload=PAGE_1)
        mock.get(URL_RE, status=429, headers={"Retry-After": "3"})
        mock.get(URL_RE, status=503)
        mock.get(URL_RE, payload=PAGE_2)
        pages = await all_pages(collector, UNIT)
        requests = sent(mock)
    assert [p.resume for p in pages] == ["2", None]
    assert [r.external_id for p in pages for r in p.items][-1] == "6582f0c4a3b1d70f9c1e2a03"
    assert sleep.calls[0] == 3.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # and one backoff for the 503
    queries = [URL(u).query for u, _ in requests]
    assert [q["page"] for q in queries] == ["1", "2", "2", "2"]
    assert all(q["perPage"] == "2" and q["orderBy"] == "createdat.desc" for q in queries)
    assert all(kw["headers"]["apikey"] == "tp-api-key-1" for _, kw in requests)


async def test_fetch_follows_the_next_page_token(session):  # noqa: F811
    collector = make_collector("trustpilot", session, RecordingSleep(), ids=[UNIT], token="k3y1")
    with aioresponses() as mock:
        mock.get(URL_RE, payload=TOKEN_1)
        mock.get(URL_RE, payload=TOKEN_LAST)
        pages = await all_pages(collector, UNIT)
        queries = [URL(u).query for u, _ in sent(mock)]
    assert [r.external_id for p in pages for r in p.items] == [
        "66a1f0c4a3b1d70f9c1e2b01",
        "66a1f0c4a3b1d70f9c1e2b02",
    ]
    assert [p.resume for p in pages] == [f"token:{TOKEN_1['nextPageToken']}", None]
    assert queries[0]["page"] == "1"
    assert queries[1]["pageToken"] == TOKEN_1["nextPageToken"]
    assert "page" not in queries[1]


async def test_fetch_resumes_and_stops_at_since(session):  # noqa: F811
    collector = make_collector("trustpilot", session, RecordingSleep(), ids=[UNIT], token="k3y1")
    with aioresponses() as mock:
        mock.get(URL_RE, payload=PAGE_1)
        pages = await all_pages(collector, UNIT, resume="3", since=datetime(2024, 1, 5, tzinfo=UTC))
        ((url, _),) = sent(mock)
    assert URL(url).query["page"] == "3"  # started from the cursor
    assert URL(url).query["perPage"] == "100"  # the documented maximum by default
    assert len(pages) == 1  # the second review predates `since`


async def test_reply_posts_the_message_to_the_private_api(session):  # noqa: F811
    collector = make_collector(
        "trustpilot",
        session,
        RecordingSleep(),
        ids=[UNIT],
        token="oauth-token-9",
        options={"author_business_user_id": "5f0000000000000000000001"},
    )
    assert isinstance(collector, TrustpilotCollector)
    review_id = "6582f0c4a3b1d70f9c1e2a01"
    with aioresponses() as mock:
        mock.post(f"{BASE}/private/reviews/{review_id}/reply", status=201, body="")
        await collector.reply(UNIT, review_id, "Thanks, we are on it.")
        (((method, url), calls),) = mock.requests.items()
    assert (method, str(url)) == ("POST", f"{BASE}/private/reviews/{review_id}/reply")
    assert calls[0].kwargs["json"] == {
        "message": "Thanks, we are on it.",
        "authorBusinessUserId": "5f0000000000000000000001",
    }
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer oauth-token-9"


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector("trustpilot", session, RecordingSleep(), ids=[UNIT], token="s3cret!")
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), status=403, body='{"fault": "invalid apikey s3cret!"}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, UNIT)
    assert "HTTP 403" in str(caught.value)
    assert "s3cret!" not in str(caught.value)
