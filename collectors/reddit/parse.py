"""Reddit ``/search`` Listing → mentions.

A Listing is ``{kind: "Listing", data: {after, before, dist, children}}``; each child is
``{kind, data}`` with kind ``t3`` (post: ``title`` + ``selftext``) or ``t1`` (comment:
``body``). Other kinds (``more``, subreddits, users) are not mentions and are skipped.
``created_utc`` and ``edited`` are epoch seconds (``edited`` is ``false`` when never edited).
Reddit gives no language; ``lang`` is read only in case a proxy adds one.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, join_text, lang_code, parse_items, parse_time
from reputation.core.models import Kind, Review

SOURCE = "reddit"
SITE = "https://www.reddit.com"
# What Reddit shows instead of content the author deleted or a moderator removed.
GONE = frozenset({"[deleted]", "[removed]"})


def _kept(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):  # malformed, not deleted: quarantine it, do not skip it
        raise TypeError(f"text is a {type(value).__name__}, not a string")
    return "" if value.strip() in GONE else value


def mention(child: dict[str, Any], query: str = "") -> Review | None:
    kind = child["kind"]
    if kind not in ("t3", "t1"):
        return None
    data = child["data"]
    text = (
        join_text(_kept(data.get("title")), _kept(data.get("selftext")))
        if kind == "t3"
        else _kept(data["body"]).strip()
    )
    if not text:
        return None  # nothing left to read: deleted/removed content
    edited = data.get("edited")
    author = data.get("author")
    permalink = data.get("permalink")
    return Review(
        source=SOURCE,
        external_id=str(data["name"]),  # the fullname (t3_…/t1_…): unique across kinds
        kind=Kind.MENTION,
        author=author if author and author not in GONE else None,
        text=text,
        lang=lang_code(data.get("lang")),
        url=f"{SITE}{permalink}" if permalink else None,
        created_at=parse_time(data["created_utc"]),
        updated_at=parse_time(edited) if isinstance(edited, int | float) and edited else None,
        location=query or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    data = payload.get("data") if isinstance(payload, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list) or payload.get("kind") != "Listing":
        raise ValueError("not a Reddit Listing (kind: Listing, data.children)")
    return parse_items(children, lambda raw: mention(raw, location), source=SOURCE)


def next_after(payload: dict[str, Any]) -> str | None:
    after = (payload.get("data") or {}).get("after")
    return str(after) if after else None
