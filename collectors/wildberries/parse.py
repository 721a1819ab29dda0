"""Wildberries ``GET /api/v1/feedbacks`` → reviews.

The body is ``{data: {countUnanswered, countArchive, feedbacks: [...]}, error, errorText,
additionalErrors}``. A feedback has free ``text`` plus the ``pros`` and ``cons`` boxes of the
site's form, ``productValuation`` (1–5 stars), ``createdDate`` (UTC) and, once the seller
answered, ``answer: {text, state, editable}`` (no date; ``state`` none, wbRu, reviewRequired or
rejected). Wildberries gives no language.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, join_text, parse_items, parse_time
from collectors.web.rating import optional_stars
from reputation.core.models import Kind, ReplyAtSource, Review

SOURCE = "wildberries"
# An answer moderation rejected is not shown on the site: the feedback stays unanswered.
HIDDEN_ANSWER = frozenset({"rejected"})


def review(raw: dict[str, Any], location: str = "") -> Review:
    product = raw.get("productDetails") or {}
    nm_id = str(product["nmId"]) if product.get("nmId") is not None else ""
    answer = raw.get("answer") or {}
    shown = answer.get("text") and str(answer.get("state", "")) not in HIDDEN_ANSWER
    reply = ReplyAtSource(text=answer["text"]) if shown else None
    return Review(
        source=SOURCE,
        external_id=str(raw["id"]),
        kind=Kind.REVIEW,
        author=raw.get("userName") or None,
        rating=optional_stars(raw.get("productValuation")),
        # Pros, cons and the free comment, one per line, in the order the site shows them;
        # no labels, so the text stays what the buyer typed.
        text=join_text(raw.get("pros"), raw.get("cons"), raw.get("text")),
        url=f"https://www.wildberries.ru/catalog/{nm_id}/feedbacks" if nm_id else None,
        created_at=parse_time(raw["createdDate"]),
        reply=reply,
        # Collecting everything (location ""), the product is the useful place.
        location=location or nm_id or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    # ValueError (not TypeError) for a wrong shape: ``reputation parse`` relies on it.
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise ValueError("not a Wildberries feedbacks response (data.feedbacks)")  # noqa: TRY004
    if payload.get("error"):
        raise ValueError(f"Wildberries error: {error_text(payload)}")
    items = payload["data"].get("feedbacks") or []
    if not isinstance(items, list):
        raise ValueError("'data.feedbacks' is not a list")  # noqa: TRY004
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def error_text(payload: dict[str, Any]) -> str:
    extra = payload.get("additionalErrors") or []
    parts = [str(payload.get("errorText") or "error"), *(str(e) for e in extra)]
    return "; ".join(parts)


def feedbacks(payload: dict[str, Any]) -> list[Any]:
    items = (payload.get("data") or {}).get("feedbacks") or []
    return items if isinstance(items, list) else []
