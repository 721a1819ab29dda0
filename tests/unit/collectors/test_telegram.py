import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses

import collectors.telegram.collector  # noqa: F401 - registers "telegram"
from collectors._http import MalformedPayloadError
from collectors.telegram.parse import parse, read
from reputation.core.errors import SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_text,
    make_collector,
    session,  # noqa: F401 - fixture
)

URL = re.compile(r"^https://t\.me/s/gadgetbazaar(\?.*)?$")
LATEST = fixture_text("telegram", "channel_latest.html")
OLDER = fixture_text("telegram", "channel_before_1195.html")
EMPTY = fixture_text("telegram", "channel_empty.html")
KEYWORDS = {"keywords": ["Acme", "اکمه", "Акме"]}


def requests_of(mock: aioresponses) -> list[tuple[str, Any]]:
    return [(str(key[1]), call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_parse_posts_newest_first_with_text_author_and_time():
    page = read(LATEST, "gadgetbazaar")
    assert page.oldest_id == 1195
    assert not page.parsed.rejects
    # The service message (1196) and the captionless photo (1198) are not mentions.
    ids = [r.external_id for r in page.parsed.items]
    assert ids == [f"gadgetbazaar/{i}" for i in (1200, 1199, 1197, 1195)]
    persian, emoji, russian, _ = page.parsed.items
    assert persian.text == (
        "فروشگاه اکمه از امروز ارسال رایگان را برای سفارش\u200cهای بالای ۵۰۰ هزار تومان فعال کرد."
        "\n\nنظر شما درباره پشتیبانی آکمه\u200c چیست؟ #نظرسنجی"
    )
    assert persian.kind == "mention"
    assert persian.rating is None
    assert persian.lang is None
    assert persian.author == "Gadget Bazaar"  # the channel, when posts are not signed
    assert persian.url == "https://t.me/gadgetbazaar/1200"
    assert persian.location == "gadgetbazaar"
    assert persian.created_at == datetime(2025, 9, 12, 14, 30, tzinfo=UTC)
    assert emoji.text == "🔥🔥"
    assert russian.author == "Ольга К."  # the signature
    assert russian.text == (
        "⚠️ Покупатели жалуются: Акме снова задерживает доставку в Новосибирск.\n"
        "Пишите в комментарии, если у вас то же самое."
    )


def test_a_malformed_post_is_rejected_and_the_rest_kept():
    broken = OLDER.replace('datetime="2025-09-09T16:45:10+00:00"', 'datetime="вчера"', 1)
    broken = broken.replace('data-post="gadgetbazaar/1194"', 'data-post="gadgetbazaar/x"', 1)
    page = read(broken)
    assert [r.external_id for r in page.parsed.items] == ["gadgetbazaar/1190"]
    assert len(page.parsed.rejects) == 2
    bad_id, bad_time = page.parsed.rejects  # newest first, like the items
    assert "gadgetbazaar/x" in bad_id.reason
    assert "вчера" in bad_time.reason
    assert bad_time.raw.startswith('<div class="tgme_widget_message')  # the post's markup
    assert page.oldest_id == 1190


def test_an_empty_history_is_an_empty_page():
    page = read(EMPTY)
    assert page.parsed.items == []
    assert page.oldest_id is None


@pytest.mark.parametrize(
    "garbage", ["<html><body><div class='tgme_page'>Join</div></body></html>", "", {"a": 1}]
)
def test_other_pages_are_not_a_channel_preview(garbage):
    with pytest.raises(ValueError, match="not a Telegram channel preview"):
        parse(garbage)


async def test_fetch_pages_back_with_before_and_keeps_brand_posts(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("telegram", session, sleep, ids=["@gadgetbazaar"], options=KEYWORDS)
    with aioresponses() as mock:
        mock.get(URL, body=LATEST)
        mock.get(URL, status=429, headers={"Retry-After": "3"})
        mock.get(URL, status=502)
        mock.get(URL, body=OLDER)
        mock.get(URL, body=EMPTY)
        pages = await all_pages(collector, "@gadgetbazaar")
        sent = [str(url) for _, url in mock.requests]  # distinct requests, retries folded
    assert [p.resume for p in pages] == ["1195", "1190", None]
    assert pages[0].items[0].location == "@gadgetbazaar"  # the config id, as given
    kept = [[r.external_id for r in p.items] for p in pages]
    assert kept == [
        ["gadgetbazaar/1200", "gadgetbazaar/1197"],
        ["gadgetbazaar/1194", "gadgetbazaar/1191"],  # 1191 spells اكمه with Arabic letters
        [],
    ]
    assert sent == [
        "https://t.me/s/gadgetbazaar",
        "https://t.me/s/gadgetbazaar?before=1195",
        "https://t.me/s/gadgetbazaar?before=1190",
    ]
    assert sleep.calls[0] == 3.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 502


async def test_fetch_resumes_and_stops_at_since(session):  # noqa: F811
    collector = make_collector("telegram", session, RecordingSleep(), ids=["gadgetbazaar"])
    with aioresponses() as mock:
        mock.get(URL, body=OLDER)
        pages = await all_pages(
            collector, "gadgetbazaar", resume="1195", since=datetime(2025, 9, 9, tzinfo=UTC)
        )
        sent = [url for url, _ in requests_of(mock)]
    assert sent == ["https://t.me/s/gadgetbazaar?before=1195"]
    assert len(pages) == 1
    assert pages[0].resume is None  # 1190 is older than `since`
    assert len(pages[0].items) == 3  # no keywords configured: every post kept


async def test_a_page_that_does_not_go_back_ends_the_run(session):  # noqa: F811
    collector = make_collector("telegram", session, RecordingSleep(), ids=["gadgetbazaar"])
    with aioresponses() as mock:
        mock.get(URL, body=LATEST)  # ?before=1195 answered with the same posts again
        pages = await all_pages(collector, "gadgetbazaar", resume="1195")
    assert [p.resume for p in pages] == [None]


async def test_a_missing_channel_page_is_quarantined(session):  # noqa: F811
    collector = make_collector("telegram", session, RecordingSleep(), ids=["nope"])
    not_preview = "<html><body><div class='tgme_page'><a href='tg://resolve'>View</a></div>"
    with aioresponses() as mock:
        mock.get(re.compile(r"^https://t\.me/s/nope.*"), body=not_preview)
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector, "nope")
    assert caught.value.raw == not_preview


async def test_a_403_is_an_auth_error(session):  # noqa: F811
    collector = make_collector("telegram", session, RecordingSleep(), ids=["gadgetbazaar"])
    with aioresponses() as mock:
        mock.get(URL, status=403, body="Forbidden")
        with pytest.raises(SourceAuthError, match="HTTP 403"):
            await all_pages(collector, "gadgetbazaar")
