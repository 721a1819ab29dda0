import copy
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.yandex_market.collector  # noqa: F401 - registers the source
from collectors._http import MalformedPayloadError
from collectors.yandex_market.parse import parse
from reputation.core.errors import FatalSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://api.partner.market.yandex.ru"
LIST = re.compile(rf"^{re.escape(BASE)}/v2/businesses/918273/goods-feedback\?.*$")
PAGE1 = fixture_json("yandex_market", "goods_feedback_page1.json")
PAGE2 = fixture_json("yandex_market", "goods_feedback_page2.json")
TOKEN1 = PAGE1["result"]["paging"]["nextPageToken"]


def _requests(mock: Any) -> list[tuple[str, Any, dict[str, Any]]]:
    return [(key[0], key[1], call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_parse_joins_the_form_and_converts_times_to_utc():
    parsed = parse(PAGE1, "918273")
    assert not parsed.rejects
    first, second = parsed.items
    assert first.external_id == "143087216"
    assert first.rating == 4
    assert first.text == (
        "Быстро кипятит, тихий\nПластиковый запах первые дни\n"
        "В целом доволен, за свои деньги нормально."
    )
    assert first.author == "Дмитрий К."
    assert first.created_at == datetime(2025, 9, 21, 11, 5, 33, tzinfo=UTC)  # +03:00 → UTC
    assert first.location == "918273"
    assert first.lang is None
    assert first.reply is None  # comments are a separate endpoint
    assert second.text == "Протекает из-под крышки, вернула."
    assert second.rating == 1


def test_a_rating_only_review_has_empty_text():
    (review,) = parse(PAGE2).items
    assert review.text == ""
    assert review.rating == 5


def test_a_malformed_feedback_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE1)
    del page["result"]["feedbacks"][0]["statistics"]
    page["result"]["feedbacks"][1]["statistics"]["rating"] = 7
    page["result"]["feedbacks"].append(copy.deepcopy(PAGE2["result"]["feedbacks"][0]))
    parsed = parse(page)
    assert [r.external_id for r in parsed.items] == ["142998305"]
    assert "statistics" in parsed.rejects[0].reason
    assert "rating" in parsed.rejects[1].reason


@pytest.mark.parametrize(
    "payload",
    [{"reviews": []}, [], fixture_json("yandex_market", "error_400.json"), {"status": "OK"}],
)
def test_other_json_is_not_a_yandex_market_response(payload):
    with pytest.raises(ValueError, match="Yandex Market"):
        parse(payload)


async def test_fetch_follows_page_tokens_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "yandex_market", session, sleep, ids=["918273"], token="ym-api-key-1", page_size=200
    )
    with aioresponses() as mock:
        mock.post(LIST, payload=PAGE1)
        mock.post(LIST, status=429, headers={"Retry-After": "12"})
        mock.post(LIST, status=503)
        mock.post(LIST, payload=PAGE2)
        pages = await all_pages(collector, "918273")
        requests = _requests(mock)
    assert [p.resume for p in pages] == [f" {TOKEN1}", None]  # no dateTimeFrom: empty part
    assert [r.external_id for p in pages for r in p.items] == [
        "143087216",
        "143051877",
        "142998305",
    ]
    assert sleep.calls[0] == 12.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 503
    queries = [dict(url.query) for _, url, _ in requests]
    assert queries[0] == {"limit": "50"}  # capped at the documented maximum
    assert queries[-1] == {"limit": "50", "pageToken": TOKEN1}
    assert all(kw["json"] == {} for *_, kw in requests)
    assert all(kw["headers"] == {"Api-Key": "ym-api-key-1"} for *_, kw in requests)


async def test_since_becomes_a_server_side_filter_kept_in_the_cursor(session):  # noqa: F811
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    start = since.isoformat().replace("+00:00", "Z")
    collector = make_collector(
        "yandex_market", session, RecordingSleep(), ids=["918273"], token="k"
    )
    with aioresponses() as mock:
        mock.post(LIST, payload=PAGE1)
        pages = await all_pages(collector, "918273", since=since)
        ((_, _, kwargs),) = _requests(mock)
    assert kwargs["json"] == {"dateTimeFrom": start}
    assert pages[0].resume == f"{start} {TOKEN1}"


async def test_resume_repeats_the_filter_the_token_came_with(session):  # noqa: F811
    collector = make_collector(
        "yandex_market",
        session,
        RecordingSleep(),
        ids=["918273"],
        token="k",
        options={"auth": "oauth", "need_reaction_only": True},
    )
    with aioresponses() as mock:
        mock.post(LIST, payload=PAGE2)
        await all_pages(collector, "918273", resume=f"2025-09-01T00:00:00Z {TOKEN1}")
        ((_, url, kwargs),) = _requests(mock)
    assert url.query["pageToken"] == TOKEN1
    assert kwargs["json"] == {
        "dateTimeFrom": "2025-09-01T00:00:00Z",
        "reactionStatus": "NEED_REACTION",
    }
    assert kwargs["headers"] == {"Authorization": "Bearer k"}


async def test_an_error_status_is_a_fatal_error(session):  # noqa: F811
    collector = make_collector(
        "yandex_market", session, RecordingSleep(), ids=["918273"], token="k"
    )
    with aioresponses() as mock:
        mock.post(LIST, payload=fixture_json("yandex_market", "error_400.json"))
        with pytest.raises(FatalSourceError, match="BAD_REQUEST"):
            await all_pages(collector, "918273")


async def test_a_page_with_malformed_paging_is_kept_for_quarantine(session):  # noqa: F811
    collector = make_collector(
        "yandex_market", session, RecordingSleep(), ids=["918273"], token="k"
    )
    body = {"status": "OK", "result": {"feedbacks": [], "paging": "end"}}
    with aioresponses() as mock:
        mock.post(LIST, payload=body)
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector, "918273")
    assert '"paging": "end"' in caught.value.raw


async def test_a_body_nested_past_the_parsers_limit_is_malformed_not_a_crash(session):  # noqa: F811
    collector = make_collector(
        "yandex_market", session, RecordingSleep(), ids=["918273"], token="k"
    )
    deep = "[" * 5_000 + "]" * 5_000  # past the recursion limit
    with aioresponses() as mock:
        mock.post(LIST, body=deep, content_type="application/json")
        with pytest.raises(MalformedPayloadError, match="nested too deeply") as caught:
            await all_pages(collector, "918273")
    assert caught.value.raw == deep


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector(
        "yandex_market", session, RecordingSleep(), ids=["918273"], token="s3cret-ym"
    )
    body = '{"status": "ERROR", "errors": [{"code": "UNAUTHORIZED", "message": "s3cret-ym"}]}'
    with aioresponses() as mock:
        mock.post(LIST, status=401, body=body)
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, "918273")
    assert "HTTP 401" in str(caught.value)
    assert "s3cret-ym" not in str(caught.value)


async def test_reply_posts_a_shop_comment(session):  # noqa: F811
    collector = make_collector(
        "yandex_market", session, RecordingSleep(), ids=["918273"], token="k"
    )
    url = f"{BASE}/v2/businesses/918273/goods-feedback/comments/update"
    with aioresponses() as mock:
        mock.post(url, payload=fixture_json("yandex_market", "comment_update.json"))
        await collector.reply("918273", "143051877", "Анна, здравствуйте!")  # type: ignore[attr-defined]
        ((method, called, kwargs),) = _requests(mock)
    assert (method, str(called)) == ("POST", url)
    assert kwargs["json"] == {"feedbackId": 143051877, "comment": {"text": "Анна, здравствуйте!"}}
    assert kwargs["headers"] == {"Api-Key": "k"}
