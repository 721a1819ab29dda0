"""X API v2 ``GET /2/tweets/search/recent`` → mentions.

The body is ``{data: [Tweet], includes: {users: [User]}, meta: {newest_id, oldest_id,
result_count, next_token}, errors: [Problem]}``; ``data`` is absent when nothing matched.
A Tweet holds ``id``, ``text``, ``created_at`` (ISO, ms), ``lang`` (BCP 47 as X detected it;
``und``/``zxx``/``q*`` mean "no language"), ``author_id`` and ``edit_history_tweet_ids``
(oldest first). An edited post gets a new id; keying on the first id of the history makes the
edit a revision of one mention instead of a second mention.

``text`` comes HTML-escaped (``&amp;``, ``&lt;``, ``&gt;``: "Q&amp;A") and, for a post longer
than 280 characters, cut short; the whole post is then in ``note_tweet.text`` (asked for with
``tweet.fields=note_tweet``). A mention keeps the whole post as its author wrote it.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.base import Parsed, lang_code, parse_items, parse_time
from reputation.core.models import Kind, Review

SOURCE = "x"
SITE = "https://x.com"
KNOWN_KEYS = frozenset({"data", "includes", "meta", "errors"})
# Snowflake ids carry their creation time: milliseconds since this epoch, shifted by 22 bits.
SNOWFLAKE_EPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)


def snowflake_time(tweet_id: str) -> datetime:
    return SNOWFLAKE_EPOCH + timedelta(milliseconds=int(tweet_id) >> 22)


def _lang(value: Any) -> str | None:
    code = lang_code(value)
    # X's codes for "undetermined", "no linguistic content" and its q* pseudo-languages
    # (qme media only, qht hashtags only, qam mentions only...).
    if code is None or code in ("und", "zxx") or (len(code) == 3 and code.startswith("q")):
        return None
    return code


def post_text(raw: dict[str, Any]) -> str:
    """The whole post, unescaped: ``note_tweet.text`` when X cut ``text`` short."""
    note = raw.get("note_tweet")
    whole = note.get("text") if isinstance(note, dict) else None
    return html.unescape(whole if isinstance(whole, str) and whole.strip() else str(raw["text"]))


def mention(raw: dict[str, Any], users: dict[str, str], query: str = "") -> Review:
    tweet_id = str(raw["id"])
    history = [str(i) for i in raw.get("edit_history_tweet_ids") or [tweet_id]]
    written = parse_time(raw["created_at"])  # the creation time of this (latest) version
    edited = history[0] != tweet_id
    username = users.get(str(raw.get("author_id")))
    return Review(
        source=SOURCE,
        external_id=history[0],
        kind=Kind.MENTION,
        author=f"@{username}" if username else None,
        text=post_text(raw),
        lang=_lang(raw.get("lang")),
        # x.com/i/web/status/<id> resolves without knowing the author.
        url=f"{SITE}/{username or 'i/web'}/status/{tweet_id}",
        created_at=snowflake_time(history[0]) if edited else written,
        updated_at=written if edited else None,
        location=query or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    tweets = payload.get("data", []) if isinstance(payload, dict) else None
    if not isinstance(tweets, list) or not payload or not set(payload) <= KNOWN_KEYS:
        raise ValueError("not an X recent search response (data, includes, meta)")
    users = {
        str(u["id"]): str(u["username"])
        for u in (payload.get("includes") or {}).get("users") or []
        if isinstance(u, dict) and u.get("id") and u.get("username")
    }
    return parse_items(tweets, lambda raw: mention(raw, users, location), source=SOURCE)


def next_token(payload: dict[str, Any]) -> str | None:
    token = (payload.get("meta") or {}).get("next_token")
    return str(token) if token else None
