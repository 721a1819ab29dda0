"""Digikala ``rate-review/products/{id}/`` → reviews.

``data.comments[]`` (some responses: ``data.items``) hold ``id``, ``title``, ``body``, ``rate``
(1..5 stars; 0 = no stars, e.g. from non-buyers), ``created_at`` as Jalali text
(``4 شهریور 1403``), ``user_name``, ``advantages``/``disadvantages`` lists. Pagination is
``data.pager {current_page, total_pages}``. Text is Persian; Arabic yeh/kaf are normalised to
the Persian letters so the same word always looks the same. There is no reply in this listing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from collectors.base import Parsed, join_text, parse_items, parse_time
from collectors.digikala.jalali import normalize, parse_jalali
from collectors.web.rating import optional_stars
from reputation.core.models import Kind, Review

SOURCE = "digikala"
PRODUCT_URL = "https://www.digikala.com/product/dkp-{product}/"
_LETTERS = str.maketrans("يك", "یک")


def parse(payload: Any, location: str = "") -> Parsed:
    data = payload.get("data") if isinstance(payload, dict) else None
    items = data.get("comments", data.get("items")) if isinstance(data, dict) else None
    if not isinstance(data, dict) or "pager" not in data or not isinstance(items, list):
        raise ValueError("not a Digikala rate-review response (data.comments, data.pager)")
    if items and not any(isinstance(i, dict) and ("body" in i or "rate" in i) for i in items):
        raise ValueError("not Digikala comments: no item has body or rate")
    return parse_items(items, lambda raw: review(raw, location), source=SOURCE)


def review(raw: dict[str, Any], product: str = "") -> Review:
    product = product or str(raw.get("product_id") or "")
    pros = [f"+ {_clean(p)}" for p in raw.get("advantages") or [] if _clean(p)]
    cons = [f"- {_clean(c)}" for c in raw.get("disadvantages") or [] if _clean(c)]
    return Review(
        source=SOURCE,
        external_id=str(raw["id"]),
        kind=Kind.REVIEW,
        author=_clean(raw.get("user_name")) or None,
        rating=optional_stars(raw.get("rate")),
        title=_clean(raw.get("title")) or None,
        text=join_text(_clean(raw.get("body")), *pros, *cons),
        lang="fa",
        url=PRODUCT_URL.format(product=product) if product else None,
        created_at=created_at(raw["created_at"]),
        location=product or None,
    )


def created_at(value: Any) -> datetime:
    """Jalali text as the site shows it (``4 شهریور 1403``, ``1403/06/04``); ISO/epoch too."""
    if isinstance(value, str):
        head = normalize(value).strip()[:4]
        if not head.isdigit() or int(head) < 1700:
            return parse_jalali(value)
    return parse_time(value)


def pager(payload: dict[str, Any]) -> tuple[int, int]:
    """(current page, total pages) from ``data.pager``."""
    info = payload["data"].get("pager") or {}
    current = int(info.get("current_page") or 1)
    return current, int(info.get("total_pages") or current)


def _clean(value: Any) -> str:
    return value.translate(_LETTERS).strip() if isinstance(value, str) else ""
