import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.wildberries.collector  # noqa: F401 - registers the source
from collectors.wildberries.parse import parse
from reputation.core.errors import FatalSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://feedbacks-api.wildberries.ru"
LIST = re.compile(rf"^{re.escape(BASE)}/api/v1/feedbacks\?.*$")
UNANSWERED = fixture_json("wildberries", "feedbacks_unanswered.json")
ANSWERED = fixture_json("wildberries", "feedbacks_answered.json")
EMPTY = fixture_json("wildberries", "feedbacks_empty.json")
ERROR = fixture_json("wildberries", "feedbacks_error.json")
ANSWER_STATES = fixture_json("wildberries", "feedbacks_answer_states.json")


def _requests(mock: Any) -> list[tuple[str, Any, dict[str, Any]]]:
    return [(key[0], key[1], call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_parse_joins_pros_cons_and_text_and_keeps_rating_and_product():
    parsed = parse(UNANSWERED)
    assert not parsed.rejects
    first, second = parsed.items
    assert first.external_id == "Os4zhn64gTGhkIq2alPw"
    assert first.rating == 5
    assert first.text.splitlines()[0].startswith("Очень приятная ткань!")
    assert first.text.endswith("Все чудесно\nСпасибо продавцу 🥰")  # pros, cons, then text
    assert first.author == "Виктория"
    assert first.created_at == datetime(2025, 9, 23, 9, 48, 2, tzinfo=UTC)
    assert first.lang is None  # Wildberries does not say
    assert first.reply is None
    assert first.location == "413157507"  # all products: the nmId is the place
    assert first.url == "https://www.wildberries.ru/catalog/413157507/feedbacks"
    assert (
        second.text == "Размер маленький\nТрусы вообще не налезли, хотя размер правильный "
        "заказала, а верх еле как влезает"
    )  # empty pros leave no blank line
    assert second.rating == 3


def test_parse_keeps_the_seller_answer_and_the_configured_location():
    review = parse(ANSWERED, "51322491").items[0]
    assert review.reply is not None
    assert review.reply.text.startswith("Здравствуйте!")
    assert review.reply.created_at is None  # the API gives no answer date
    assert review.location == "51322491"
    assert review.rating == 2


def test_an_answer_moderation_rejected_is_not_the_reply():
    rejected, pending = parse(ANSWER_STATES).items
    assert rejected.external_id == "Rj3kQ8wLmN5pT2vXcY7z"
    assert rejected.reply is None  # state "rejected": not shown on the site
    assert rejected.text == "Качество пошива\nПришла с дефектом, шов разошёлся"
    assert rejected.created_at == datetime(2025, 9, 14, 8, 2, 17, tzinfo=UTC)  # +03:00 → UTC
    assert pending.reply is not None  # "reviewRequired": the seller's answer, in moderation
    assert pending.reply.text == "Спасибо за отзыв!"


def test_a_malformed_feedback_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(UNANSWERED)
    del page["data"]["feedbacks"][0]["createdDate"]
    page["data"]["feedbacks"].append({"id": "bad", "productValuation": 9, "createdDate": "x"})
    parsed = parse(page)
    assert [r.external_id for r in parsed.items] == ["Asy4hn24gTGhkIq3alXw"]
    assert len(parsed.rejects) == 2
    assert "createdDate" in parsed.rejects[0].reason
    assert '"bad"' in parsed.rejects[1].raw


@pytest.mark.parametrize("payload", [{"reviews": []}, [], {"data": []}, ERROR])
def test_other_json_is_not_a_wildberries_response(payload):
    with pytest.raises(ValueError, match="Wildberries"):
        parse(payload)


async def test_fetch_walks_unanswered_then_answered_with_skip_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("wildberries", session, sleep, token="wb-secret-token", page_size=2)
    with aioresponses() as mock:
        mock.get(LIST, payload=UNANSWERED)
        mock.get(LIST, status=429, headers={"Retry-After": "4"})
        mock.get(LIST, status=500)
        mock.get(LIST, payload=EMPTY)
        mock.get(LIST, payload=ANSWERED)
        pages = await all_pages(collector)
        requests = _requests(mock)
    assert [p.resume for p in pages] == ["false:2", "true:0", None]
    assert [r.external_id for p in pages for r in p.items] == [
        "Os4zhn64gTGhkIq2alPw",
        "Asy4hn24gTGhkIq3alXw",
        "Zk7mP1q9WsLxR2tYvB4c",
    ]
    assert sleep.calls[0] == 4.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 500
    queries = [dict(url.query) for _, url, _ in requests]
    assert queries[0] == {"isAnswered": "false", "take": "2", "skip": "0", "order": "dateDesc"}
    assert {"isAnswered": "false", "skip": "2"}.items() <= queries[-2].items()
    assert {"isAnswered": "true", "skip": "0"}.items() <= queries[-1].items()
    # The token goes as is: Wildberries takes no "Bearer" prefix.
    assert all(kw["headers"]["Authorization"] == "wb-secret-token" for *_, kw in requests)


async def test_fetch_resumes_from_the_cursor_and_filters_by_product(session):  # noqa: F811
    collector = make_collector("wildberries", session, RecordingSleep(), token="t0k3n", page_size=2)
    with aioresponses() as mock:
        mock.get(LIST, payload=ANSWERED)
        pages = await all_pages(collector, "51322491", resume="true:40")
        ((_, url, _),) = _requests(mock)
    assert dict(url.query) == {
        "isAnswered": "true",
        "take": "2",
        "skip": "40",
        "order": "dateDesc",
        "nmId": "51322491",
    }
    assert [p.resume for p in pages] == [None]


async def test_fetch_stops_a_list_at_the_high_water_mark(session):  # noqa: F811
    collector = make_collector("wildberries", session, RecordingSleep(), token="t0k3n", page_size=2)
    since = datetime(2025, 9, 23, tzinfo=UTC)  # the second unanswered one is older
    with aioresponses() as mock:
        mock.get(LIST, payload=UNANSWERED)
        mock.get(LIST, payload=ANSWERED)
        pages = await all_pages(collector, since=since)
    assert [p.resume for p in pages] == ["true:0", None]  # no second unanswered page


async def test_an_error_body_is_a_fatal_error(session):  # noqa: F811
    collector = make_collector("wildberries", session, RecordingSleep(), token="t0k3n")
    with aioresponses() as mock:
        mock.get(LIST, payload=ERROR)
        with pytest.raises(FatalSourceError, match="Недопустимое значение параметра take"):
            await all_pages(collector)


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector("wildberries", session, RecordingSleep(), token="s3cret-wb!")
    with aioresponses() as mock:
        mock.get(LIST, status=401, body='{"title": "unauthorized", "detail": "s3cret-wb!"}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector)
    assert "HTTP 401" in str(caught.value)
    assert "s3cret-wb!" not in str(caught.value)


async def test_reply_posts_the_answer(session):  # noqa: F811
    collector = make_collector("wildberries", session, RecordingSleep(), token="wb-token")
    with aioresponses() as mock:
        mock.post(f"{BASE}/api/v1/feedbacks/answer", status=204)
        await collector.reply("", "Os4zhn64gTGhkIq2alPw", "Спасибо за отзыв!")  # type: ignore[attr-defined]
        ((method, url, kwargs),) = _requests(mock)
    assert method == "POST"
    assert str(url) == f"{BASE}/api/v1/feedbacks/answer"
    assert kwargs["json"] == {"id": "Os4zhn64gTGhkIq2alPw", "text": "Спасибо за отзыв!"}
    assert kwargs["headers"]["Authorization"] == "wb-token"
