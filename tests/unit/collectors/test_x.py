import copy
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

from collectors.x.collector import XCollector
from collectors.x.parse import parse, snowflake_time
from reputation.core.errors import RetriableSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://api.twitter.com/2"
URL = re.compile(rf"^{re.escape(BASE)}/tweets/search/recent\?.*$")
PAGE1 = fixture_json("x", "search_recent_page1.json")
PAGE2 = fixture_json("x", "search_recent_page2.json")
EMPTY = fixture_json("x", "search_recent_empty.json")
LONG = fixture_json("x", "search_recent_long_post.json")


def requests_of(mock: aioresponses) -> list[tuple[str, Any]]:
    return [(str(key[1]), call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_parse_posts_with_authors_languages_and_urls():
    parsed = parse(PAGE1, "acme")
    assert not parsed.rejects
    first, _, emoji = parsed.items
    assert first.external_id == "1966562451256250369"
    assert first.kind == "mention"
    assert first.rating is None
    assert first.author == "@marina_s"
    assert first.lang == "pt"
    assert first.text == "@acme pior atendimento que já tive, 3 semanas sem resposta"
    assert first.created_at == datetime(2025, 9, 12, 18, 0, tzinfo=UTC)
    assert first.updated_at is None
    assert first.url == "https://x.com/marina_s/status/1966562451256250369"
    assert first.location == "acme"
    assert emoji.lang is None  # "zxx": no linguistic content


def test_an_edited_post_keeps_its_first_id_and_original_time():
    edited = parse(PAGE1).items[1]
    assert edited.external_id == "1966557418091450369"  # edit_history_tweet_ids[0]
    assert edited.created_at == datetime(2025, 9, 12, 17, 40, tzinfo=UTC)  # from the snowflake
    assert edited.updated_at == datetime(2025, 9, 12, 17, 55, tzinfo=UTC)
    assert edited.url == "https://x.com/devpatel/status/1966561192965050369"  # latest version


def test_a_long_post_is_read_whole_and_escaped_text_as_written():
    long, escaped = parse(LONG, "acme").items
    assert LONG["data"][0]["text"].endswith("…")  # what X cut
    assert long.text.endswith("senão vou ao Procon.")
    assert len(long.text) > 280
    assert '"em trânsito" & ninguém' in long.text
    assert escaped.text == "@acme Q&A de hoje: preço < concorrência > qualidade? Não compensa."
    assert escaped.author == "@rui_compara"


def test_an_empty_note_falls_back_to_the_text():
    raw = copy.deepcopy(LONG)
    raw["data"][0]["note_tweet"] = {"text": " "}
    assert parse(raw).items[0].text.endswith("…")


def test_snowflake_time():
    assert snowflake_time("1966562451256250369") == datetime(2025, 9, 12, 18, 0, tzinfo=UTC)


def test_und_language_and_a_missing_author():
    page = copy.deepcopy(PAGE2)
    page["data"][0]["lang"] = "und"
    (post,) = parse(page).items
    assert post.lang is None
    assert post.author is None  # no includes.users
    assert post.url == f"https://x.com/i/web/status/{post.external_id}"
    assert parse(PAGE2).items[0].lang == "fa"


def test_no_results_is_an_empty_page():
    parsed = parse(EMPTY)
    assert parsed.items == []
    assert parsed.rejects == []


def test_a_malformed_post_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE1)
    del page["data"][0]["created_at"]
    page["data"][2]["created_at"] = "yesterday"
    parsed = parse(page)
    assert [r.external_id for r in parsed.items] == ["1966557418091450369"]
    assert len(parsed.rejects) == 2
    assert "created_at" in parsed.rejects[0].reason
    assert "yesterday" in parsed.rejects[1].raw


@pytest.mark.parametrize("garbage", [{}, [], {"data": "x"}, {"statuses": []}, "<html>"])
def test_other_payloads_are_not_an_x_response(garbage):
    with pytest.raises(ValueError, match="X recent search"):
        parse(garbage)


async def test_fetch_follows_next_token_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("x", session, sleep, ids=["acme"], token="x-bearer-1")
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE1)
        mock.get(URL, status=429, headers={"Retry-After": "9"})
        mock.get(URL, status=503)
        mock.get(URL, payload=PAGE2)
        pages = await all_pages(collector, "acme")
        sent = requests_of(mock)
    assert [p.resume for p in pages] == ["b26v89c19zqg8o3fr5qw0wnrkn4g6vlq6ql66bx4xu4wt", None]
    assert len([r for p in pages for r in p.items]) == 4  # no keywords: everything kept
    assert sleep.calls[0] == 9.0
    assert len(sleep.calls) == 2
    first = sent[0][1]["params"]
    assert first == {
        "query": "acme",
        "max_results": "100",
        "tweet.fields": "created_at,lang,author_id,public_metrics,conversation_id,note_tweet",
        "expansions": "author_id",
        "user.fields": "username,name",
    }
    assert all(
        kw["params"]["next_token"] == "b26v89c19zqg8o3fr5qw0wnrkn4g6vlq6ql66bx4xu4wt"
        for _, kw in sent[1:]
    )
    assert all(kw["headers"]["Authorization"] == "Bearer x-bearer-1" for _, kw in sent)


async def test_keywords_filter_mentions_in_any_script(session):  # noqa: F811
    collector = make_collector(
        "x",
        session,
        RecordingSleep(),
        ids=["acme"],
        token="x-bearer-2",
        page_size=5,
        options={"keywords": ["Acme Bank", "اکمه"]},
    )
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE1)
        mock.get(URL, payload=PAGE2)
        pages = await all_pages(collector, "acme")
        sent = requests_of(mock)
    assert [r.external_id for r in pages[0].items] == ["1966557418091450369"]
    assert [r.lang for r in pages[1].items] == ["fa"]  # ك/ي written the Arabic way still match
    assert sent[0][1]["params"]["max_results"] == "10"  # the API's minimum


async def test_x_rate_limit_reset_is_honoured_without_retry_after(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("x", session, sleep, ids=["q"], token="x-bearer-3")
    soon = str(int(time.time()) + 30)
    with aioresponses() as mock:
        mock.get(URL, status=429, headers={"x-rate-limit-reset": soon})
        mock.get(URL, payload=EMPTY)
        pages = await all_pages(collector, "q", resume="tok-from-last-run")
        sent = requests_of(mock)
    assert len(sleep.calls) == 1
    assert 25 < sleep.calls[0] <= 30  # waits until the window resets
    assert sent[0][1]["params"]["next_token"] == "tok-from-last-run"
    assert pages[0].resume is None


async def test_a_far_rate_limit_reset_ends_the_run_for_a_later_retry(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("x", session, sleep, ids=["q"], token="x-bearer-3")
    later = str(int(time.time()) + 900)
    with aioresponses() as mock:
        mock.get(URL, status=429, headers={"x-rate-limit-reset": later})
        with pytest.raises(RetriableSourceError) as caught:
            await all_pages(collector, "q")
    assert sleep.calls == []
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 800


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector("x", session, RecordingSleep(), ids=["q"], token="xs3cret-9")
    body = '{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "xs3cret-9"}'
    with aioresponses() as mock:
        mock.get(URL, status=401, body=body)
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, "q")
    assert "HTTP 401" in str(caught.value)
    assert "xs3cret-9" not in str(caught.value)


async def test_reply_posts_to_the_tweets_endpoint(session):  # noqa: F811
    collector = make_collector("x", session, RecordingSleep(), ids=["q"], token="user-ctx-1")
    with aioresponses() as mock:
        mock.post(
            f"{BASE}/tweets",
            status=201,
            payload={"data": {"id": "1966570000000000000", "text": "Sorry! DM us."}},
        )
        assert isinstance(collector, XCollector)
        await collector.reply("q", "1966562451256250369", "Sorry! DM us.")
        ((method, url), calls), *_ = mock.requests.items()
    assert method == "POST"
    assert str(url) == f"{BASE}/tweets"
    assert calls[0].kwargs["json"] == {
        "text": "Sorry! DM us.",
        "reply": {"in_reply_to_tweet_id": "1966562451256250369"},
    }
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer user-ctx-1"
