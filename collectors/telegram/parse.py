"""``t.me/s/<channel>`` HTML → mentions.

The preview lists a channel's latest posts oldest-first inside ``section.tgme_channel_history``;
each post is a ``div.tgme_widget_message`` with ``data-post="<channel>/<id>"``, its text in
``div.tgme_widget_message_text`` (``<br>`` for line breaks, emoji as ``<i class="emoji">``),
its time in ``a.tgme_widget_message_date time[datetime]``, the channel's name in
``.tgme_widget_message_owner_name`` and an author signature, when the channel signs posts, in
``.tgme_widget_message_from_author``. Service messages (``service_message``: photo changed,
pinned...) and posts without text (bare media) are not mentions. Telegram gives no language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag

from collectors.base import Parsed, parse_items, parse_time
from reputation.core.models import Kind, Review

SOURCE = "telegram"
SITE = "https://t.me"


@dataclass
class Read:
    parsed: Parsed
    oldest_id: int | None  # the smallest message id on the page: ``?before=`` continues there


def _post_id(tag: Tag) -> int | None:
    _, _, number = str(tag.get("data-post") or "").rpartition("/")
    return int(number) if number.isdigit() else None


def _text(tag: Tag) -> str:
    for br in tag.find_all("br"):
        br.replace_with("\n")
    return "\n".join(line.strip() for line in tag.get_text().splitlines()).strip()


def _name(post: Tag, selector: str) -> str | None:
    found = post.select_one(selector)
    name = found.get_text(" ", strip=True) if found else ""
    return name or None


def mention(html: str, channel: str = "") -> Review | None:
    """One post from its HTML (a string, so a rejected post is quarantined as its markup)."""
    post = BeautifulSoup(html, "html.parser").select_one("div.tgme_widget_message[data-post]")
    if post is None:
        raise ValueError("no div.tgme_widget_message[data-post]")
    if "service_message" in (post.get("class") or []):
        return None
    data_post = str(post["data-post"])
    if _post_id(post) is None:
        raise ValueError(f"data-post is not <channel>/<id>: {data_post!r}")
    body = post.select_one("div.tgme_widget_message_text")
    text = _text(body) if body else ""
    if not text:
        return None  # a photo, video or sticker without caption: nothing to read
    when = post.select_one("a.tgme_widget_message_date time[datetime]")
    if when is None:
        raise ValueError(f"{data_post}: no a.tgme_widget_message_date time[datetime]")
    author = _name(post, ".tgme_widget_message_from_author") or _name(
        post, ".tgme_widget_message_owner_name"
    )
    return Review(
        source=SOURCE,
        external_id=data_post,
        kind=Kind.MENTION,
        author=author,
        text=text,
        url=f"{SITE}/{data_post}",
        created_at=parse_time(str(when["datetime"])),
        location=channel or data_post.partition("/")[0],
    )


def read(html: Any, channel: str = "") -> Read:
    """Posts newest first, and where the next (older) page starts."""
    soup = BeautifulSoup(html if isinstance(html, str) else "", "html.parser")
    if not soup.select_one(".tgme_channel_history, .tgme_channel_info, .tgme_widget_message_wrap"):
        raise ValueError("not a Telegram channel preview (no tgme_channel_history/messages)")
    posts = soup.select("div.tgme_widget_message[data-post]")
    ids = [i for i in map(_post_id, posts) if i is not None]
    raw = [str(post) for post in reversed(posts)]
    parsed = parse_items(raw, lambda html: mention(html, channel), source=SOURCE)
    return Read(parsed, min(ids) if ids else None)


def parse(html: Any, location: str = "") -> Parsed:
    return read(html, location).parsed
