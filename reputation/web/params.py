"""Query-string parsing for the inbox and trends (the same for pages, CSV and the API)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from reputation.core.inbox import InboxQuery
from reputation.core.models import utcnow
from reputation.core.trends import TrendQuery

INBOX_KEYS = (
    "brand",
    "location",
    "source",
    "lang",
    "severity",
    "topic",
    "status",
    "sla",
    "suspicious",
    "q",
    "sort",
    "page",
    "per_page",
)
TREND_KEYS = ("from", "to", "grain", "brand", "location", "source", "lang", "compare")
_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


def _bad(exc: ValidationError | ValueError) -> web.HTTPBadRequest:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "query"
        return web.HTTPBadRequest(text=f"{where}: {first['msg']}")
    return web.HTTPBadRequest(text=str(exc))


def given(query: Mapping[str, str], keys: tuple[str, ...]) -> dict[str, str]:
    """The non-empty parameters among ``keys`` (to build links and show the form)."""
    return {k: query[k].strip() for k in keys if query.get(k, "").strip()}


def inbox_query(query: Mapping[str, str], **overrides: Any) -> InboxQuery:
    values: dict[str, Any] = given(query, INBOX_KEYS)
    if "suspicious" in values:
        flag = values["suspicious"].lower()
        if flag not in _YES | _NO:
            raise web.HTTPBadRequest(text="suspicious: use yes or no")
        values["suspicious"] = flag in _YES
    values.update(overrides)
    try:
        return InboxQuery.model_validate(values)
    except ValidationError as exc:
        raise _bad(exc) from None


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name}: use YYYY-MM-DD") from None


def trend_query(query: Mapping[str, str]) -> tuple[TrendQuery, tuple[date, date] | None]:
    """The trend query (default: the 30 days up to yesterday) and the period to compare
    with: ``compare=previous`` (the period just before, same length), ``compare=year``
    (a year earlier) or ``compare=YYYY-MM-DD..YYYY-MM-DD``."""
    values = given(query, TREND_KEYS)
    yesterday = utcnow().date() - timedelta(days=1)
    end = _day(values.pop("to"), "to") if "to" in values else yesterday
    start = _day(values.pop("from"), "from") if "from" in values else end - timedelta(days=29)
    if start > end:
        raise web.HTTPBadRequest(text="from: must not be after to")
    if (end - start).days > 3 * 366:
        raise web.HTTPBadRequest(text="from: at most three years at a time")
    compare = values.pop("compare", "")
    try:
        trend = TrendQuery.model_validate({**values, "start": start, "end": end})
    except ValidationError as exc:
        raise _bad(exc) from None
    length = end - start + timedelta(days=1)
    if not compare:
        return trend, None
    if compare == "previous":
        return trend, (start - length, start - timedelta(days=1))
    if compare == "year":
        return trend, (start - timedelta(days=364), end - timedelta(days=364))
    first, sep, last = compare.partition("..")
    if not sep:
        raise web.HTTPBadRequest(text="compare: use previous, year or FROM..TO")
    other = (_day(first, "compare"), _day(last, "compare"))
    if other[0] > other[1]:
        raise web.HTTPBadRequest(text="compare: the first day must come first")
    return trend, other
