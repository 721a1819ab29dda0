"""SnappFood ``restaurant/vendor-comment`` → reviews.

``data.comments[]`` as public clients read it: ``commentId``, ``createdDate``, ``sender``,
``commentText``, ``rate`` (0..5, may be fractional), ``rating`` (0..10), ``feeling``,
``expeditionType``, ``foods[]`` and ``replies[]`` (the restaurant's answers, ``commentText``).
Ratings: ``rating`` on 1..10 is halved rounding half up (9-10 → 5, 1-2 → 1), as a public
client does; without it ``rate`` on 1..5 is rounded; 0 means no rating. ``createdDate`` is
``YYYY-MM-DD HH:MM:SS`` Tehran time (a Jalali year, < 1700, is converted). An empty
``comments`` list means the previous page was the last.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from collectors.base import Parsed, parse_items, parse_time, stable_id
from collectors.digikala.jalali import TEHRAN, normalize, parse_jalali
from collectors.web.rating import number, scale_rating
from reputation.core.models import Kind, ReplyAtSource, Review

SOURCE = "snappfood"
_LETTERS = str.maketrans("يك", "یک")


def parse(payload: Any, location: str = "") -> Parsed:
    data = payload.get("data") if isinstance(payload, dict) else None
    items = data.get("comments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(  # noqa: TRY004 - the parse contract
            "not a SnappFood vendor-comment response (data.comments)"
        )
    if items and not any(isinstance(i, dict) and "commentText" in i for i in items):
        raise ValueError("not SnappFood comments: no item has commentText")
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def review(raw: dict[str, Any], vendor: str = "") -> Review:
    text = _clean(raw.get("commentText"))
    created = local_time(raw.get("createdDate") or raw["date"])
    sender = _clean(raw.get("sender")) or None
    ident = raw.get("commentId") or raw.get("id")
    return Review(
        source=SOURCE,
        external_id=str(ident) if ident else stable_id(vendor, sender, created, text[:200]),
        kind=Kind.REVIEW,
        author=sender,
        rating=rating(raw),
        text=text,
        lang="fa",
        created_at=created,
        reply=_reply(raw.get("replies")),
        location=vendor or None,
    )


def rating(raw: dict[str, Any]) -> int | None:
    ten = number(raw.get("rating"))
    if ten:
        return scale_rating(ten, best=10)
    five = number(raw.get("rate"))
    return scale_rating(five, best=5) if five else None


def local_time(value: Any) -> datetime:
    """Tehran wall-clock text (or a Jalali date) → UTC; epochs and zoned ISO pass through."""
    text = normalize(value).strip() if isinstance(value, str) else ""
    if not text[:4].isdigit() or text.isdigit():
        return parse_time(value)
    if int(text[:4]) < 1700:
        return parse_jalali(text)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TEHRAN)
    return parsed.astimezone(UTC)


def _reply(replies: Any) -> ReplyAtSource | None:
    for answer in replies or []:
        text = _clean(answer.get("commentText"))
        if text:
            when = answer.get("createdDate")
            return ReplyAtSource(text=text, created_at=local_time(when) if when else None)
    return None


def _clean(value: Any) -> str:
    return value.translate(_LETTERS).strip() if isinstance(value, str) else ""
