"""Legacy Place Details (``place/details/json``) → reviews.

``result.reviews`` holds at most five reviews with ``author_name``/``author_url``, ``rating``
1–5, ``text``, ``language`` (of ``text``), ``original_language`` and ``translated``, and
``time`` in epoch seconds. There is no review id: the author's profile URL and the time
identify a review. The envelope's ``status`` says whether the request worked at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from collectors.base import Parsed, lang_code, parse_items, parse_time, stable_id
from collectors.web.rating import optional_stars
from reputation.core.models import Kind, Review

SOURCE = "google_places_legacy"
ENVELOPE_KEYS = frozenset(
    {"html_attributions", "result", "status", "error_message", "info_messages"}
)
USABLE = frozenset({"OK", "ZERO_RESULTS"})


def status(payload: Any) -> tuple[str, str]:
    """The envelope's ``status`` and ``error_message``; ValueError if it is no envelope."""
    if (
        not isinstance(payload, dict)
        or not set(payload) <= ENVELOPE_KEYS
        or not isinstance(payload.get("status"), str)
    ):
        raise ValueError("not a legacy Place Details response (result, status)")
    return payload["status"], str(payload.get("error_message") or "")


def place_url(place_id: str) -> str:
    return f"https://www.google.com/maps/place/?q=place_id:{quote(place_id, safe='')}"


def review(raw: dict[str, Any], place: str = "") -> Review:
    created = parse_time(raw["time"])
    author_url = raw.get("author_url") or None
    return Review(
        source=SOURCE,
        # No id from Google; the name stands in only when the profile URL is missing.
        external_id=stable_id(author_url or raw.get("author_name"), raw["time"]),
        kind=Kind.REVIEW,
        author=raw.get("author_name") or None,
        rating=optional_stars(raw.get("rating")),
        text=(raw.get("text") or "").strip(),
        # ``language`` is that of ``text`` (a translation unless reviews_no_translations).
        lang=lang_code(raw.get("language")),
        url=place_url(place) if place else None,
        created_at=created,
        location=place or None,
    )


def parse(payload: Any, location: str = "") -> Parsed:
    code, message = status(payload)
    if code not in USABLE:
        detail = f": {message}" if message else ""
        raise ValueError(f"legacy Place Details status {code}{detail}")
    result = payload.get("result", {})
    if not isinstance(result, dict):
        raise ValueError("'result' is not an object")  # noqa: TRY004 - a payload error
    place = location or str(result.get("place_id") or "")
    items = result.get("reviews")
    if items is None or isinstance(items, list):
        return parse_items(items or [], lambda raw: review(raw, place), source=SOURCE)
    raise ValueError("'result.reviews' is not a list")
