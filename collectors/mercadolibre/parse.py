"""Mercado Libre ``/reviews/item/{id}`` and ``/questions/search`` → reviews and questions.

Neither payload says which language a text is in; the item id's site prefix does (``MLB`` is
Brazil: Portuguese, every other site is Spanish-speaking). Review ratings are already 1–5.
"""

from __future__ import annotations

from typing import Any

from collectors.base import Parsed, parse_items, parse_time
from collectors.web.rating import stars
from reputation.core.models import Kind, ReplyAtSource, Review

REVIEWS = "mercadolibre"
QUESTIONS = "mercadolibre_questions"

# Site id → the marketplace's item host (a bare ``/MLA-123`` permalink redirects to the listing).
SITE_HOSTS = {
    "MLA": "articulo.mercadolibre.com.ar",
    "MLB": "produto.mercadolivre.com.br",
    "MLM": "articulo.mercadolibre.com.mx",
    "MCO": "articulo.mercadolibre.com.co",
    "MLC": "articulo.mercadolibre.cl",
    "MLU": "articulo.mercadolibre.com.uy",
    "MPE": "articulo.mercadolibre.com.pe",
    "MEC": "articulo.mercadolibre.com.ec",
    "MLV": "articulo.mercadolibre.com.ve",
    "MBO": "articulo.mercadolibre.com.bo",
    "MPY": "articulo.mercadolibre.com.py",
    "MCR": "articulo.mercadolibre.co.cr",
    "MRD": "articulo.mercadolibre.com.do",
    "MGT": "articulo.mercadolibre.com.gt",
    "MHN": "articulo.mercadolibre.com.hn",
    "MNI": "articulo.mercadolibre.com.ni",
    "MPA": "articulo.mercadolibre.com.pa",
    "MSV": "articulo.mercadolibre.com.sv",
}
# Questions the marketplace no longer shows: not items to react to.
HIDDEN_QUESTION = frozenset({"BANNED", "DELETED", "DISABLED"})
HIDDEN_ANSWER = frozenset({"BANNED", "DELETED", "DISABLED"})


def site_of(item_id: str) -> str:
    return item_id[:3].upper() if len(item_id) > 3 and item_id[:3].isalpha() else ""


def site_lang(item_id: str) -> str | None:
    site = site_of(item_id)
    if not site:
        return None
    return "pt" if site == "MLB" else "es"


def item_url(item_id: str) -> str | None:
    host = SITE_HOSTS.get(site_of(item_id))
    return f"https://{host}/{item_id[:3].upper()}-{item_id[3:]}" if host else None


def review(raw: dict[str, Any], item_id: str = "") -> Review:
    obj = raw.get("reviewable_object") or {}
    item = str(obj.get("id") or item_id)
    reviewer = raw.get("reviewer_id")
    return Review(
        source=REVIEWS,
        external_id=str(raw["id"]),
        kind=Kind.REVIEW,
        # The API anonymises reviewers as 0.
        author=str(reviewer) if reviewer else None,
        rating=stars(raw["rate"]),
        title=raw.get("title") or None,
        text=raw.get("content") or "",
        lang=site_lang(item),
        url=item_url(item),
        created_at=parse_time(raw["date_created"]),
        location=item or None,
    )


def question(raw: dict[str, Any], item_id: str = "") -> Review | None:
    if raw.get("deleted_from_listing") or str(raw.get("status", "")).upper() in HIDDEN_QUESTION:
        return None
    item = str(raw.get("item_id") or item_id)
    answer = raw.get("answer")
    reply = None
    if answer and answer.get("text") and str(answer.get("status", "")).upper() not in HIDDEN_ANSWER:
        reply = ReplyAtSource(text=answer["text"], created_at=parse_time(answer["date_created"]))
    asker = (raw.get("from") or {}).get("id")
    return Review(
        source=QUESTIONS,
        external_id=str(raw["id"]),
        kind=Kind.QUESTION,
        author=str(asker) if asker else None,
        rating=None,
        text=raw["text"],
        lang=site_lang(item),
        url=item_url(item),
        created_at=parse_time(raw["date_created"]),
        reply=reply,
        location=item or None,
    )


def _listed(payload: Any, key: str, companion: str, what: str) -> list[Any]:
    # The companion key (``paging`` / ``total``) tells this apart from other ``reviews`` lists.
    items = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(items, list) or companion not in payload:
        # ValueError, not TypeError: ``reputation parse`` treats it as "not this source".
        raise ValueError(f"not a Mercado Libre {what} response ({companion}, {key})")
    return items


def parse_reviews(payload: Any, location: str = "") -> Parsed:
    items = _listed(payload, "reviews", "paging", "/reviews/item")
    return parse_items(items, lambda raw: review(raw, location), source=REVIEWS)


def parse_questions(payload: Any, location: str = "") -> Parsed:
    items = _listed(payload, "questions", "total", "/questions/search")
    return parse_items(items, lambda raw: question(raw, location), source=QUESTIONS)


def next_offset(payload: dict[str, Any], offset: int, limit: int) -> str | None:
    """The offset after this page, or None when it was the last one."""
    paging = payload.get("paging") or {}
    total = paging.get("total", payload.get("total"))
    count = len(payload.get("reviews") or payload.get("questions") or [])
    following = offset + count
    if count == 0:
        return None
    if isinstance(total, int) and not isinstance(total, bool):
        return str(following) if following < total else None
    # No total: a short page is the last one.
    return str(following) if count >= limit else None
