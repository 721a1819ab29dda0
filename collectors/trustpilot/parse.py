"""Trustpilot ``GET /v1/business-units/{id}/reviews`` → reviews.

Each review has ``stars`` (already 1–5), ``title``, ``text``, the ``language`` the consumer
wrote in, ``createdAt``/``updatedAt`` (ISO, often without an offset: UTC) and, when the
business answered, ``companyReply {text, createdAt}``. Paging is by page number, the response
carrying a ``next-page`` link while more pages exist; or by cursor, the response carrying
``nextPageToken`` (and ``totalNumberOfReviews``) instead of ``links``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from collectors.base import Parsed, lang_code, optional_time, parse_items, parse_time
from collectors.web.rating import stars
from reputation.core.models import Kind, ReplyAtSource, Review

SOURCE = "trustpilot"
REVIEW_URL = "https://www.trustpilot.com/reviews/{id}"
NOT_TRUSTPILOT = "not a Trustpilot business-unit reviews response (reviews, links)"
CURSOR_PREFIX = "token:"  # a cursor holding a ``nextPageToken`` (a bare number is a page number)
# Beside ``reviews``, one of these tells a page apart from other ``reviews`` lists.
PAGE_KEYS = ("nextPageToken", "totalNumberOfReviews")


def review(raw: dict[str, Any], business_unit: str = "") -> Review:
    review_id = str(raw["id"])
    company = raw.get("companyReply")
    reply = None
    if company and company.get("text"):
        reply = ReplyAtSource(
            text=company["text"], created_at=optional_time(company.get("createdAt"))
        )
    consumer = raw.get("consumer") or {}
    unit = business_unit or (raw.get("businessUnit") or {}).get("id") or ""
    return Review(
        source=SOURCE,
        external_id=review_id,
        kind=Kind.REVIEW,
        author=consumer.get("displayName") or None,
        rating=stars(raw["stars"]),
        title=raw.get("title") or None,
        text=raw.get("text") or "",
        lang=lang_code(raw.get("language")),
        url=REVIEW_URL.format(id=review_id),
        created_at=parse_time(raw["createdAt"]),
        updated_at=optional_time(raw.get("updatedAt")),
        reply=reply,
        location=unit or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    # A page carries ``links`` (maybe empty) or, cursor-paged, ``nextPageToken`` /
    # ``totalNumberOfReviews``: that tells it apart from other ``reviews`` lists.
    items = payload.get("reviews") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not (
        isinstance(payload.get("links"), list) or any(key in payload for key in PAGE_KEYS)
    ):
        # ValueError, not TypeError: ``reputation parse`` treats it as "not this source".
        raise ValueError(NOT_TRUSTPILOT)
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def next_page(payload: dict[str, Any], page: int) -> str | None:
    """The page number the ``next-page`` link points to, else ``token:<nextPageToken>``, or
    None on the last page."""
    for link in payload.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "next-page":
            numbers = parse_qs(urlsplit(str(link.get("href", ""))).query).get("page")
            return numbers[0] if numbers and numbers[0].isdigit() else str(page + 1)
    token = payload.get("nextPageToken")
    return f"{CURSOR_PREFIX}{token}" if isinstance(token, str) and token else None
