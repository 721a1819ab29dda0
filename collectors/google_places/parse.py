"""Places API (New) place details → reviews.

At most five reviews per place, no replies. ``text`` may be a translation into the request
language; ``originalText`` is what the reviewer wrote, and it is what we keep, with its
``languageCode``. ``rating`` is 1–5; ``name`` (``places/…/reviews/…``) is the stable id.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, lang_code, parse_items, parse_time
from collectors.web.rating import optional_stars
from reputation.core.models import Kind, Review

SOURCE = "google_places"
# The field mask we send; nothing else comes back.
PLACE_KEYS = frozenset({"id", "name", "displayName", "rating", "userRatingCount", "reviews"})


def review(raw: dict[str, Any], place: str = "") -> Review:
    original = raw.get("originalText") or raw.get("text") or {}
    author = raw.get("authorAttribution") or {}
    return Review(
        source=SOURCE,
        external_id=str(raw["name"]),
        kind=Kind.REVIEW,
        author=author.get("displayName") or None,
        # Whole stars are all Google shows; a float is rounded as every source rounds it.
        rating=optional_stars(raw.get("rating")),
        text=(original.get("text") or "").strip(),
        lang=lang_code(original.get("languageCode")),
        url=raw.get("googleMapsUri") or None,
        created_at=parse_time(raw["publishTime"]),
        location=place or _place_of(raw["name"]) or None,
    )


def _place_of(name: str) -> str:
    """``places/ChIJ…/reviews/X`` → ``ChIJ…``."""
    head, _, _ = name.partition("/reviews/")
    return head.removeprefix("places/")


def parse(payload: Any, location: str = "") -> Parsed:
    if not isinstance(payload, dict) or not set(payload) <= PLACE_KEYS:
        raise ValueError("not a Places API (New) place details response (reviews, displayName)")
    items = payload.get("reviews")
    if items is None or isinstance(items, list):
        return parse_items(items or [], lambda raw: review(raw, location), source=SOURCE)
    raise ValueError("'reviews' is not a list")
