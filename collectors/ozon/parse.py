"""Ozon ``POST /v1/review/list`` and ``/v1/review/comment/list`` → reviews and replies.

A review is ``{id, sku, text, published_at, rating 1–5, status, comments_amount, ...}``: no
author, no language, no title. ``sku`` is int64 in the schema but arrives as a string too.
The seller's answer is not in the list; it is a comment (``is_owner``) from the comment list.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, parse_items, parse_time
from collectors.web.rating import stars
from reputation.core.models import Kind, ReplyAtSource, Review

SOURCE = "ozon"
KNOWN_KEYS = frozenset({"reviews", "last_id", "has_next"})


def review(raw: dict[str, Any], location: str = "") -> Review:
    sku = str(raw["sku"]) if raw.get("sku") not in (None, "", 0) else ""
    return Review(
        source=SOURCE,
        external_id=str(raw["id"]),
        kind=Kind.REVIEW,
        # Already 1–5; anything else (the docs' placeholder 0) is rejected by the model.
        rating=stars(raw["rating"]),
        text=(raw.get("text") or "").strip(),
        url=f"https://www.ozon.ru/product/{sku}/" if sku else None,
        created_at=parse_time(raw["published_at"]),
        location=location or sku or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    if not isinstance(payload, dict) or "reviews" not in payload or not set(payload) <= KNOWN_KEYS:
        raise ValueError("not an Ozon review/list response (reviews, last_id, has_next)")
    items = payload["reviews"] or []
    if not isinstance(items, list):
        raise ValueError("'reviews' is not a list")  # noqa: TRY004 - parse contract: ValueError
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def next_cursor(payload: dict[str, Any]) -> str | None:
    last_id = payload.get("last_id")
    return str(last_id) if payload.get("has_next") and last_id else None


def commented_ids(payload: dict[str, Any]) -> set[str]:
    """Ids of the reviews that have comments (only those can hold a seller reply)."""
    return {
        str(raw["id"])
        for raw in payload.get("reviews") or []
        if isinstance(raw, dict) and raw.get("id") and raw.get("comments_amount")
    }


def seller_reply(payload: Any) -> ReplyAtSource | None:
    """The seller's first top-level comment in a ``/v1/review/comment/list`` response."""
    if not isinstance(payload, dict) or not isinstance(payload.get("comments"), list):
        raise ValueError("not an Ozon review/comment/list response (comments)")  # noqa: TRY004
    for comment in payload["comments"]:
        if not isinstance(comment, dict) or not comment.get("is_owner"):
            continue
        if not comment.get("parent_comment_id") and comment.get("text"):
            published = comment.get("published_at")
            return ReplyAtSource(
                text=comment["text"], created_at=parse_time(published) if published else None
            )
    return None
