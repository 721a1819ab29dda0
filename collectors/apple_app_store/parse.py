"""Apple's ``/{country}/rss/customerreviews/.../json`` feed → reviews.

Every value is wrapped as ``{"label": ...}``. Quirks: a page with one review has ``entry`` as
an object, not a list; an empty page has no ``entry``; older feeds put the app itself first
(no ``im:rating``, no ``content``) and that entry is skipped. The feed gives one timestamp per
review (``updated``) and no language (a storefront country is not a language).
"""

from __future__ import annotations

import re
from typing import Any

from collectors.base import Parsed, parse_items, parse_time
from collectors.web.rating import stars
from reputation.core.models import Kind, Review

SOURCE = "apple_app_store"
MAX_PAGES = 10  # the feed serves at most ten pages of 50
_PAGE = re.compile(r"/page=(\d+)/")
_LOCATION = re.compile(r"^([A-Za-z]{2}):(\d+)$")


def split_location(location: str) -> tuple[str, str] | None:
    """``us:284882215`` → (``us``, ``284882215``); None when it is not that shape."""
    match = _LOCATION.match(location.strip())
    return (match[1].lower(), match[2]) if match else None


def _label(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return str(value.get("label") or "") if isinstance(value, dict) else ""


def _content(raw: dict[str, Any]) -> str:
    content = raw.get("content")
    if isinstance(content, list):  # some feeds carry a text and an html rendering
        texts = [c for c in content if (c.get("attributes") or {}).get("type") == "text"]
        content = (texts or content)[0]
    return str(content["label"]) if isinstance(content, dict) else ""


def review(raw: dict[str, Any], location: str = "") -> Review | None:
    if not isinstance(raw, dict):  # else ``in`` below tests a string or list, not keys
        raise TypeError(f"entry is a {type(raw).__name__}, not an object")
    if "im:rating" not in raw and "content" not in raw:
        return None  # the app's own entry, not a review
    where = split_location(location)
    changed = parse_time(raw["updated"]["label"])
    return Review(
        source=SOURCE,
        external_id=raw["id"]["label"],
        kind=Kind.REVIEW,
        author=_label(raw["author"], "name") or None,
        rating=stars(raw["im:rating"]["label"]),
        title=_label(raw, "title") or None,
        text=_content(raw),
        lang=None,
        url=f"https://apps.apple.com/{where[0]}/app/id{where[1]}?see-all=reviews"
        if where
        else None,
        # Only the last change is published: it stands for both.
        created_at=changed,
        updated_at=changed,
        location=location or None,
    )


def _feed(payload: Any) -> dict[str, Any]:
    feed = payload.get("feed") if isinstance(payload, dict) else None
    if not isinstance(feed, dict):
        # ValueError, not TypeError: ``reputation parse`` treats it as "not this source".
        raise ValueError("not an Apple customerreviews feed (no 'feed' object)")  # noqa: TRY004
    return feed


def entries(payload: Any) -> list[Any]:
    entry = _feed(payload).get("entry")
    if entry is None:
        return []
    if isinstance(entry, dict):
        return [entry]
    if not isinstance(entry, list):
        raise ValueError("feed.entry is neither an object nor a list")  # noqa: TRY004
    return entry


def parse(payload: Any, location: str = "") -> Parsed:
    return parse_items(entries(payload), lambda raw: review(raw, location), source=SOURCE)


def last_page(payload: Any) -> int:
    """The ``last`` link's page number, capped at the feed's ten pages."""
    links = _feed(payload).get("link") or []
    for link in links if isinstance(links, list) else [links]:
        attributes = (link.get("attributes") or {}) if isinstance(link, dict) else {}
        match = _PAGE.search(str(attributes.get("href", "")))
        if attributes.get("rel") == "last" and match:
            return min(int(match[1]), MAX_PAGES)
    return MAX_PAGES
