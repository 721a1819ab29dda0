"""Google Play ``reviews.list`` → reviews.

A review holds ``comments``: one ``userComment`` (text, ``starRating`` 1–5, ``lastModified``
``{seconds, nanos}``, ``reviewerLanguage`` — the device locale) and, when the developer
answered, a ``developerComment``. With ``translationLanguage`` set, ``text`` is translated
and ``originalText`` holds what the user wrote: we keep the original. A title, when present,
is joined to the body with a tab.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, lang_code, parse_items, parse_time
from collectors.web.rating import optional_stars
from reputation.core.models import Kind, ReplyAtSource, Review

SOURCE = "google_play"
KNOWN_KEYS = frozenset({"reviews", "tokenPagination", "pageInfo"})


def review(raw: dict[str, Any], package: str = "") -> Review:
    comments = raw["comments"]
    user = next((c["userComment"] for c in comments if "userComment" in c), None)
    if user is None:  # a bare next() would raise StopIteration, which no caller expects
        raise KeyError("comments[].userComment")
    developer = next((c["developerComment"] for c in comments if "developerComment" in c), None)
    text = user.get("originalText") or user.get("text") or ""
    title, _, body = text.partition("\t") if "\t" in text else ("", "", text)
    reply = None
    if developer and developer.get("text"):
        reply = ReplyAtSource(
            text=developer["text"],
            created_at=parse_time(developer["lastModified"])
            if developer.get("lastModified")
            else None,
        )
    review_id = str(raw["reviewId"])
    url = (
        f"https://play.google.com/store/apps/details?id={package}&reviewId={review_id}"
        if package
        else None
    )
    modified = parse_time(user["lastModified"])
    return Review(
        source=SOURCE,
        external_id=review_id,
        kind=Kind.REVIEW,
        author=raw.get("authorName") or None,
        rating=optional_stars(user.get("starRating")),
        title=title.strip() or None,
        text=body.strip(),
        lang=lang_code(user.get("reviewerLanguage")),
        url=url,
        # The API gives only the last modification time.
        created_at=modified,
        updated_at=modified,
        reply=reply,
        location=package or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    if not isinstance(payload, dict) or not set(payload) <= KNOWN_KEYS | {"reviews"}:
        raise ValueError("not a Google Play reviews.list response (reviews, tokenPagination)")
    items = payload.get("reviews") or []
    if not isinstance(items, list):
        raise TypeError("'reviews' is not a list")
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def next_token(payload: dict[str, Any]) -> str | None:
    pagination = payload.get("tokenPagination") or {}
    token = pagination.get("nextPageToken")
    return str(token) if token else None
