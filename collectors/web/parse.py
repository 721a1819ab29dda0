"""A web page → the schema.org reviews it embeds, from JSON-LD and microdata.

JSON-LD blocks may hold one object, a list, or an ``@graph``; reviews sit at the top level or
under ``review``/``reviews`` of a Product, LocalBusiness, Organization... We walk every object,
so nesting depth does not matter. A parent's ``aggregateRating`` gives the rating scale
(``bestRating``/``worstRating``) to reviews that do not state their own. A block that is not
valid JSON becomes a Reject; the other blocks are kept.

Many shops write the review into JSON-LD already escaped for HTML — ``I&#039;m``,
``Q&amp;A``, ``nl2br``'s ``<br />`` (Magento, WordPress plugins): a JSON-LD string is JSON, not
HTML, so nothing undoes that for us. Text values are read back as written
(:func:`reputation.core.text.html_as_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from collectors.base import Parsed, Reject, lang_code, optional_time, parse_items, stable_id
from collectors.web.microdata import items_of_type
from collectors.web.rating import scale_rating
from reputation.core.models import Kind, Review
from reputation.core.text import html_as_text, read_json

SOURCE = "web"
REVIEW_TYPES = frozenset({"Review", "UserReview", "CriticReview", "EmployerReview"})
_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def parse(payload: Any, location: str = "") -> Parsed:
    """``payload`` is the page's HTML; ``location`` its URL (ids and relative links use it)."""
    if not isinstance(payload, str):
        raise ValueError("a web page must be HTML text")  # noqa: TRY004 - the parse contract
    soup = BeautifulSoup(payload, "html.parser")
    if soup.find() is None:
        raise ValueError("not an HTML page: no elements")
    page_lang = _page_lang(soup)
    found, rejects = _json_ld_reviews(soup)
    found += [(node, {}) for node in items_of_type(soup, *REVIEW_TYPES)]
    scales = {id(node): scale for node, scale in found}
    parsed = parse_items(
        [node for node, _ in found],
        lambda node: review(node, location, scale=scales[id(node)], lang=page_lang),
        source=SOURCE,
    )
    parsed.rejects[0:0] = rejects
    parsed.items = _unique(parsed.items)
    return parsed


def review(
    node: dict[str, Any], page_url: str, *, scale: dict[str, Any], lang: str | None
) -> Review:
    """One schema.org Review object (JSON-LD or microdata) → a Review."""
    body = _text(node.get("reviewBody")) or _text(node.get("description"))
    author = _name(node.get("author"))
    created = optional_time(_first(node.get("datePublished")) or _first(node.get("dateCreated")))
    if created is None:
        raise ValueError("review without datePublished")
    ident = _first(node.get("@id")) or _first(node.get("url"))
    external_id = (
        urljoin(page_url, str(ident))
        if ident
        else stable_id(page_url, author, created.isoformat(), body[:200])
    )
    # The review's own address (its url, or an @id that is a link to it), else the page.
    own = urljoin(page_url, str(_first(node.get("url")) or ident or ""))
    url = own if own.startswith(("http://", "https://")) else (page_url or None)
    return Review(
        source=SOURCE,
        external_id=external_id,
        kind=Kind.REVIEW,
        author=author,
        rating=_rating(node.get("reviewRating"), scale),
        title=_text(node.get("name")) or _text(node.get("headline")) or None,
        text=body,
        lang=lang_code(_name(node.get("inLanguage"))) or lang,
        url=url,
        created_at=created,
        updated_at=optional_time(_first(node.get("dateModified"))),
        location=page_url or None,
    )


Found = list[tuple[dict[str, Any], dict[str, Any]]]


def _json_ld_reviews(soup: BeautifulSoup) -> tuple[Found, list[Reject]]:
    nodes: Found = []
    rejects: list[Reject] = []
    for script in soup.find_all("script"):
        if not isinstance(script, Tag) or not _is_json_ld(script):
            continue
        raw = script.string or script.get_text()
        try:
            data = read_json(_WRAPPER.sub("", raw), strict=False)
        except ValueError as exc:
            rejects.append(Reject(raw.strip()[:10_000], f"{SOURCE}: broken JSON-LD block: {exc}"))
            continue
        nodes.extend(_walk(data, {}))
    return nodes, rejects


def _is_json_ld(script: Tag) -> bool:
    kind = str(script.get("type") or "").split(";")[0].strip().lower()
    return kind == "application/ld+json"


def _walk(data: Any, scale: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every Review object under ``data``, with the rating scale its parent declares."""
    if isinstance(data, list):
        for entry in data:
            yield from _walk(entry, scale)
        return
    if not isinstance(data, dict):
        return
    if _types(data) & REVIEW_TYPES:
        yield data, scale
        return
    aggregate = data.get("aggregateRating")
    if isinstance(aggregate, dict) and ("bestRating" in aggregate or "worstRating" in aggregate):
        scale = aggregate
    for value in data.values():
        if isinstance(value, dict | list):
            yield from _walk(value, scale)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type") or []
    values = value if isinstance(value, list) else [value]
    return {str(v).rstrip("/").rsplit("/", 1)[-1] for v in values}


def _rating(value: Any, scale: dict[str, Any]) -> int | None:
    value = _first(value)
    if isinstance(value, dict):
        best = value.get("bestRating", scale.get("bestRating", 5))
        worst = value.get("worstRating", scale.get("worstRating", 1))
        return scale_rating(_first(value.get("ratingValue")), best=best, worst=worst)
    if value in (None, ""):
        return None
    return scale_rating(value, best=scale.get("bestRating", 5), worst=scale.get("worstRating", 1))


def _name(value: Any) -> str | None:
    """``author``/``inLanguage``: a string, or a Person/Organization/Language with a name."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName")
    text = _text(value)
    return text or None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else (None if value == [] else value)


def _text(value: Any) -> str:
    value = _first(value)
    return html_as_text(value).strip() if isinstance(value, str) else ""


def _page_lang(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    return lang_code(str(html.get("lang") or "")) if isinstance(html, Tag) else None


def _unique(items: list[Review]) -> list[Review]:
    # The same review is often marked up twice (JSON-LD for search engines, microdata inline).
    seen: dict[str, Review] = {}
    for item in items:
        seen.setdefault(item.external_id, item)
    return list(seen.values())
