import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.reddit.collector  # noqa: F401 - registers "reddit"
from collectors._http import MalformedPayloadError
from collectors.reddit.parse import parse
from reputation.core.errors import SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

URL = re.compile(r"^https://oauth\.reddit\.com/search\?.*$")
PAGE1 = fixture_json("reddit", "search_page1.json")
PAGE2 = fixture_json("reddit", "search_page2.json")
SHARED = fixture_json("reddit", "search_listing_shared.json")
KEYWORDS = {"keywords": ["Red Bull", "Ред Булл"]}


def requests_of(mock: aioresponses) -> list[tuple[str, Any]]:
    return [(str(key[1]), call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_parse_posts_and_comments():
    parsed = parse(PAGE1, "red bull")
    assert not parsed.rejects
    post, other, comment = parsed.items
    assert post.external_id == "t3_1nf2k7a"
    assert post.kind == "mention"
    assert post.rating is None
    assert post.text == (
        "Red Bull price went up again?\nPaid 3.49 for a single can at the gas station today "
        "& the fridge was broken, so it was warm too."
    )
    assert post.author == "can_collector"
    assert post.created_at == datetime(2025, 9, 12, 18, 0, tzinfo=UTC)
    assert post.updated_at == datetime(2025, 9, 12, 19, 0, tzinfo=UTC)  # `edited` epoch
    assert post.url == (
        "https://www.reddit.com/r/energydrinks/comments/1nf2k7a/red_bull_price_went_up_again/"
    )
    assert post.location == "red bull"
    assert post.lang is None  # Reddit gives no language
    assert other.updated_at is None  # edited: false
    assert other.text == "Weekend thread: qualifying results"  # link post: title only
    assert comment.external_id == "t1_lx9k2mq"
    assert comment.text == "Ред Булл в этом магазине всегда тёплый.\nБольше не покупаю."
    assert comment.url is not None
    assert comment.url.endswith("/energetiki_podorozhali/lx9k2mq/")


def test_deleted_author_is_none_and_non_mention_kinds_are_skipped():
    page = copy.deepcopy(PAGE2)
    page["data"]["children"].append({"kind": "more", "data": {"count": 3, "children": ["a"]}})
    gone = copy.deepcopy(PAGE1["data"]["children"][2])
    gone["data"]["body"] = "[removed]"
    page["data"]["children"].append(gone)
    parsed = parse(page)
    assert not parsed.rejects
    (only,) = parsed.items
    assert only.author is None  # "[deleted]"
    assert only.text == "🔥😆"


def test_a_malformed_child_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PAGE1)
    del page["data"]["children"][1]["data"]["created_utc"]
    parsed = parse(page)
    assert [r.external_id for r in parsed.items] == ["t3_1nf2k7a", "t1_lx9k2mq"]
    assert len(parsed.rejects) == 1
    assert "created_utc" in parsed.rejects[0].reason
    assert "t3_1nf1z0c" in parsed.rejects[0].raw


def test_the_trimmed_shared_listing_is_recognised_but_its_child_lacks_a_time():
    parsed = parse(SHARED)
    assert parsed.items == []
    assert "created_utc" in parsed.rejects[0].reason


@pytest.mark.parametrize("garbage", [{"data": {"children": []}}, [], "x", {"kind": "Listing"}])
def test_other_payloads_are_not_a_reddit_listing(garbage):
    with pytest.raises(ValueError, match="Reddit Listing"):
        parse(garbage)


async def test_fetch_follows_after_keeps_matches_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "reddit", session, sleep, ids=["red bull"], token="reddit-token-1", options=KEYWORDS
    )
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE1)
        mock.get(URL, status=429, headers={"Retry-After": "12"})
        mock.get(URL, status=500)
        mock.get(URL, payload=PAGE2)
        pages = await all_pages(collector, "red bull")
        sent = requests_of(mock)
    assert [p.resume for p in pages] == ["t1_lx9k2mq", None]
    # The F1 thread and the emoji post came back from search but do not mention the brand.
    assert [r.external_id for p in pages for r in p.items] == ["t3_1nf2k7a", "t1_lx9k2mq"]
    assert sleep.calls[0] == 12.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 500
    first = sent[0][1]["params"]
    assert first == {"q": "red bull", "sort": "new", "limit": "100", "raw_json": "1"}
    assert all(kw["params"].get("after") == "t1_lx9k2mq" for _, kw in sent[1:])
    for _, kw in sent:
        assert kw["headers"]["Authorization"] == "Bearer reddit-token-1"
        assert kw["headers"]["User-Agent"] == "reputation/0.1 (review monitoring)"


async def test_fetch_resumes_from_the_cursor_with_options(session):  # noqa: F811
    collector = make_collector(
        "reddit",
        session,
        RecordingSleep(),
        ids=["acme"],
        token="tok-2",
        page_size=25,
        options={"user_agent": "acme-monitor/2.0 by u/acme", "type": "link"},
    )
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE2)
        pages = await all_pages(collector, "acme", resume="t3_zzz")
        ((_, kw),) = requests_of(mock)
    assert kw["params"]["after"] == "t3_zzz"
    assert kw["params"]["limit"] == "25"
    assert kw["params"]["type"] == "link"
    assert kw["headers"]["User-Agent"] == "acme-monitor/2.0 by u/acme"
    assert [r.external_id for r in pages[0].items] == ["t3_116yyx6"]  # no keywords: all kept


async def test_fetch_stops_at_since(session):  # noqa: F811
    collector = make_collector("reddit", session, RecordingSleep(), ids=["q"], token="tok-3")
    with aioresponses() as mock:
        mock.get(URL, payload=PAGE1)
        pages = await all_pages(collector, "q", since=datetime(2025, 9, 12, 17, tzinfo=UTC))
    assert len(pages) == 1
    assert pages[0].resume is None  # the run is complete: the next one starts from the newest


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector("reddit", session, RecordingSleep(), ids=["q"], token="s3cret-r!")
    with aioresponses() as mock:
        mock.get(URL, status=401, body='{"message": "Unauthorized s3cret-r!", "error": 401}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, "q")
    assert "HTTP 401" in str(caught.value)
    assert "s3cret-r!" not in str(caught.value)


async def test_an_unexpected_body_is_quarantined_whole(session):  # noqa: F811
    collector = make_collector("reddit", session, RecordingSleep(), ids=["q"], token="tok-4")
    with aioresponses() as mock:
        mock.get(URL, payload={"error": "weird"})
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector, "q")
    assert "weird" in caught.value.raw
