"""Yandex Market ``POST v2/businesses/{businessId}/goods-feedback`` → reviews.

The body is ``{status: "OK", result: {feedbacks: [...], paging: {nextPageToken}}}``. A
feedback has ``feedbackId`` (int), ``createdAt`` (ISO 8601 with offset), ``author``,
``description {advantages, disadvantages, comment}``, ``identifiers {orderId, offerId}`` and
``statistics {rating 1–5, commentsCount, recommended}``. No language, no review URL, and the
shop's comments come from another endpoint, so ``reply`` stays empty here.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, join_text, parse_items, parse_time
from collectors.web.rating import stars
from reputation.core.models import Kind, Review

SOURCE = "yandex_market"


def review(raw: dict[str, Any], location: str = "") -> Review:
    description = raw.get("description") or {}
    return Review(
        source=SOURCE,
        external_id=str(raw["feedbackId"]),
        kind=Kind.REVIEW,
        author=raw.get("author") or None,
        rating=stars(raw["statistics"]["rating"]),  # already 1–5 stars
        # Advantages, disadvantages and the comment, one per line, as the form asks them.
        text=join_text(
            description.get("advantages"),
            description.get("disadvantages"),
            description.get("comment"),
        ),
        created_at=parse_time(raw["createdAt"]),
        location=location or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    # ValueError (not TypeError) for a wrong shape: ``reputation parse`` relies on it.
    if not isinstance(payload, dict) or not isinstance(payload.get("result"), dict):
        raise ValueError("not a Yandex Market goods-feedback response (status, result)")  # noqa: TRY004
    if payload.get("status") != "OK":
        raise ValueError(f"Yandex Market status {payload.get('status')!r}: {errors(payload)}")
    items = payload["result"].get("feedbacks") or []
    if not isinstance(items, list):
        raise ValueError("'result.feedbacks' is not a list")  # noqa: TRY004
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def next_token(payload: dict[str, Any]) -> str | None:
    paging = (payload.get("result") or {}).get("paging") or {}
    token = paging.get("nextPageToken")
    return str(token) if token else None


def errors(payload: dict[str, Any]) -> str:
    found = payload.get("errors") or []
    return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in found if isinstance(e, dict))
