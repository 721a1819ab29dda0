"""Google Business Profile ``reviews.list`` and ``locations.batchGetReviews`` → reviews.

A review has ``reviewId``, ``reviewer`` {displayName, isAnonymous}, ``starRating`` (an enum,
``STAR_RATING_UNSPECIFIED`` or ``ONE``..``FIVE``), ``comment`` (absent for rating-only
reviews), ``createTime``/``updateTime`` and, once answered, ``reviewReply`` {comment,
updateTime}. Google may return a machine translation next to what the reviewer wrote:
"(Translated by Google) …\\n\\n(Original)\\n…", or the original first and then
"\\n\\n(Translated by Google)\\n…" (with or without an "(Original)" marker); we keep the
original, of the review and of the owner's reply.
The API gives no review language and no public review URL.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, optional_time, parse_items, parse_time
from reputation.core.models import Kind, ReplyAtSource, Review

SOURCE = "google_business"
LIST_KEYS = frozenset({"reviews", "averageRating", "totalReviewCount", "nextPageToken"})
BATCH_KEYS = frozenset({"locationReviews", "nextPageToken"})
STARS = {"STAR_RATING_UNSPECIFIED": None, "ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
TRANSLATED = "(Translated by Google)"
ORIGINAL = "(Original)"


def original_text(comment: str) -> str:
    """What the reviewer wrote, without Google's translation (either order)."""
    translated_at = comment.find(TRANSLATED)
    original_at = comment.find(ORIGINAL)
    if translated_at < 0:
        return comment.strip()
    if original_at < 0:
        # "X\n\n(Translated by Google)\nY": the original comes first, unmarked. Only a
        # marker on a line of its own, after some text, is Google's.
        head = comment[:translated_at]
        return head.strip() if head.strip() and head.endswith("\n") else comment.strip()
    start = original_at + len(ORIGINAL)
    # "(Translated by Google) …(Original) X": X runs to the end; the reverse order ends it
    # where the translation starts.
    end = len(comment) if original_at > translated_at else translated_at
    return comment[start:end].strip()


def rating(value: Any) -> int | None:
    if value is None:
        return None
    if value not in STARS:
        raise ValueError(f"unknown starRating {value!r}")
    return STARS[value]


def review(raw: dict[str, Any], location: str = "") -> Review:
    reviewer = raw.get("reviewer") or {}
    answer = raw.get("reviewReply")
    reply = None
    if answer and answer.get("comment"):
        reply = ReplyAtSource(
            # Google annotates a reply with its translation too; keep what the owner wrote.
            text=original_text(answer["comment"]),
            created_at=optional_time(answer.get("updateTime")),
        )
    created = parse_time(raw["createTime"])
    return Review(
        source=SOURCE,
        external_id=str(raw["reviewId"]),
        kind=Kind.REVIEW,
        # Anonymous reviewers carry a placeholder name, not theirs.
        author=None if reviewer.get("isAnonymous") else reviewer.get("displayName") or None,
        rating=rating(raw.get("starRating")),
        text=original_text(raw.get("comment") or ""),
        lang=None,
        created_at=created,
        updated_at=optional_time(raw.get("updateTime")),
        reply=reply,
        location=location or _location_of(raw.get("name")) or None,
    )


def _location_of(name: Any) -> str:
    """``accounts/1/locations/2/reviews/X`` → ``accounts/1/locations/2``."""
    if not isinstance(name, str) or "/reviews/" not in name:
        return ""
    return name.rsplit("/reviews/", 1)[0]


def parse(payload: Any, location: str = "") -> Parsed:
    """One ``reviews.list`` page of ``location`` (``accounts/*/locations/*``)."""
    if not isinstance(payload, dict) or not set(payload) <= LIST_KEYS:
        raise ValueError(
            "not a Google Business Profile reviews.list response (reviews, nextPageToken)"
        )
    return parse_items(_list(payload, "reviews"), lambda raw: review(raw, location), source=SOURCE)


def parse_batch(payload: Any) -> Parsed:
    """One ``locations:batchGetReviews`` page: each review keeps its own location."""
    if not isinstance(payload, dict) or not set(payload) <= BATCH_KEYS:
        raise ValueError("not a Google Business Profile batchGetReviews response (locationReviews)")
    return parse_items(
        _list(payload, "locationReviews"),
        lambda raw: review(raw["review"], raw["name"]),
        source=SOURCE,
    )


def _list(payload: dict[str, Any], key: str) -> list[Any]:
    items = payload.get(key)
    if items is None or isinstance(items, list):
        return items or []
    raise ValueError(f"{key!r} is not a list")


def parse_any(payload: Any, location: str = "") -> Parsed:
    """Either response shape (what ``reputation parse`` is given)."""
    if isinstance(payload, dict) and "locationReviews" in payload:
        return parse_batch(payload)
    return parse(payload, location)


def next_token(payload: dict[str, Any]) -> str | None:
    token = payload.get("nextPageToken")
    return str(token) if token else None
