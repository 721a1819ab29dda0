import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.ozon.collector  # noqa: F401 - registers the source
from collectors._http import MalformedPayloadError
from collectors.ozon.parse import parse, seller_reply
from reputation.core.errors import ConfigError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://api-seller.ozon.ru"
LIST = f"{BASE}/v1/review/list"
COMMENTS = f"{BASE}/v1/review/comment/list"
OFFICIAL = fixture_json("ozon", "review_list_official.json")
REALISTIC = fixture_json("ozon", "review_list_realistic.json")
LAST = fixture_json("ozon", "review_list_last.json")
COMMENT_LIST = fixture_json("ozon", "comment_list.json")
OPTIONS = {"client_id": "836271"}


def _requests(mock: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (key[0], str(key[1]), call.kwargs) for key, calls in mock.requests.items() for call in calls
    ]


def test_parse_the_realistic_page():
    parsed = parse(REALISTIC)
    assert not parsed.rejects
    (review,) = parsed.items
    assert review.external_id == "017c0d1c-66d3-b838-3d29-cf9b95a6ac48"
    assert review.rating == 2
    assert review.text == "Не лучший товар, встречал и получше за те же деньги."
    assert review.created_at == datetime(2024, 10, 10, 7, 23, 55, 970000, tzinfo=UTC)
    assert review.lang is None
    assert review.author is None
    assert review.location == "148591503"  # sku, given as a string here
    assert review.url == "https://www.ozon.ru/product/148591503/"


def test_the_official_placeholder_is_rejected_for_its_zero_rating():
    parsed = parse(OFFICIAL)  # sku is an int there, rating the schema's placeholder 0
    assert parsed.items == []
    (reject,) = parsed.rejects
    assert "rating" in reject.reason
    assert json.loads(reject.raw)["sku"] == 0


def test_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(LAST)
    del page["reviews"][0]["published_at"]
    parsed = parse(page)
    assert [r.external_id for r in parsed.items] == ["017c0c2e-1f44-9a10-0bb2-5e61d0a4c9f3"]
    assert "published_at" in parsed.rejects[0].reason
    assert parsed.items[0].text == ""  # a rating-only review is kept


@pytest.mark.parametrize("payload", [{"result": {}}, [], {"reviews": [], "data": 1}])
def test_other_json_is_not_an_ozon_response(payload):
    with pytest.raises(ValueError, match="Ozon"):
        parse(payload)


def test_the_seller_reply_is_the_owners_top_level_comment():
    reply = seller_reply(COMMENT_LIST)
    assert reply is not None
    assert reply.text.startswith("Здравствуйте! Нам очень жаль.")
    assert reply.created_at == datetime(2024, 10, 9, 8, 30, tzinfo=UTC)
    buyer_only = {"comments": [{**COMMENT_LIST["comments"][0], "is_owner": False}], "offset": 1}
    assert seller_reply(buyer_only) is None


async def test_fetch_follows_last_id_attaches_replies_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "ozon", session, sleep, token="ozon-api-key-1", options=OPTIONS, page_size=50
    )
    with aioresponses() as mock:
        mock.post(LIST, payload=REALISTIC)
        mock.post(LIST, status=429, headers={"Retry-After": "3"})
        mock.post(LIST, status=502)
        mock.post(LIST, payload=LAST)
        mock.post(COMMENTS, payload=COMMENT_LIST)
        pages = await all_pages(collector)
        requests = _requests(mock)
    assert [p.resume for p in pages] == ["017c0d53-a7c8-81ef-53de-7d32fcbd7421", None]
    assert sleep.calls[0] == 3.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 502
    bodies = [kw["json"] for _, url, kw in requests if url == LIST]
    assert bodies[0] == {"last_id": "", "limit": 50, "sort_dir": "DESC", "status": "ALL"}
    assert bodies[-1]["last_id"] == "017c0d53-a7c8-81ef-53de-7d32fcbd7421"
    # Only the review with comments costs a comment-list request.
    (comment_call,) = [kw for _, url, kw in requests if url == COMMENTS]
    assert comment_call["json"]["review_id"] == "017c0d53-a7c8-81ef-53de-7d32fcbd7421"
    commented, plain = pages[1].items
    assert commented.reply is not None
    assert commented.reply.text.startswith("Здравствуйте!")
    assert plain.reply is None
    assert all(
        kw["headers"] == {"Client-Id": "836271", "Api-Key": "ozon-api-key-1"} for *_, kw in requests
    )


async def test_fetch_resumes_and_stops_at_the_high_water_mark(session):  # noqa: F811
    collector = make_collector("ozon", session, RecordingSleep(), token="k3y!", options=OPTIONS)
    with aioresponses() as mock:
        mock.post(LIST, payload=REALISTIC)
        pages = await all_pages(
            collector, resume="017c0d00-aaaa", since=datetime(2024, 10, 11, tzinfo=UTC)
        )
        ((_, _, kwargs),) = _requests(mock)
    assert kwargs["json"]["last_id"] == "017c0d00-aaaa"
    assert kwargs["json"]["limit"] == 100
    assert len(pages) == 1  # has_next, but everything further is older than `since`


async def test_a_garbage_page_is_kept_for_quarantine(session):  # noqa: F811
    collector = make_collector("ozon", session, RecordingSleep(), token="k3y!", options=OPTIONS)
    with aioresponses() as mock:
        mock.post(LIST, payload={"result": {"items": []}})
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector)
    assert '"items"' in caught.value.raw


async def test_an_unreadable_comment_list_keeps_the_review_and_quarantines_the_response(
    session,  # noqa: F811
):
    collector = make_collector("ozon", session, RecordingSleep(), token="k3y!", options=OPTIONS)
    with aioresponses() as mock:
        mock.post(LIST, payload=LAST)
        mock.post(COMMENTS, payload={"comments": "maintenance"})
        (page,) = await all_pages(collector)
    commented, plain = page.items
    assert commented.reply is None
    assert commented.reply_unknown  # storage keeps the reply it already holds
    assert not plain.reply_unknown
    (reject,) = page.rejects
    assert "comments of review 017c0d53-a7c8-81ef-53de-7d32fcbd7421 unreadable" in reject.reason
    assert "maintenance" in reject.raw


async def test_a_missing_client_id_is_a_config_error(session):  # noqa: F811
    collector = make_collector("ozon", session, RecordingSleep(), token="k3y!")
    with pytest.raises(ConfigError, match="client_id"):
        await all_pages(collector)


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector(
        "ozon", session, RecordingSleep(), token="s3cret-oz", options=OPTIONS
    )
    with aioresponses() as mock:
        mock.post(LIST, status=403, body='{"code": 7, "message": "Api-Key s3cret-oz is invalid"}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector)
    assert "HTTP 403" in str(caught.value)
    assert "s3cret-oz" not in str(caught.value)


async def test_reply_creates_a_comment_and_marks_the_review_processed(session):  # noqa: F811
    collector = make_collector("ozon", session, RecordingSleep(), token="api-key", options=OPTIONS)
    with aioresponses() as mock:
        mock.post(
            f"{BASE}/v1/review/comment/create", payload=fixture_json("ozon", "comment_create.json")
        )
        await collector.reply("", "017c0d1c-66d3", "Спасибо!")  # type: ignore[attr-defined]
        ((method, url, kwargs),) = _requests(mock)
    assert (method, url) == ("POST", f"{BASE}/v1/review/comment/create")
    assert kwargs["json"] == {
        "review_id": "017c0d1c-66d3",
        "text": "Спасибо!",
        "mark_review_as_processed": True,
    }
    assert kwargs["headers"] == {"Client-Id": "836271", "Api-Key": "api-key"}
