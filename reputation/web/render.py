"""HTML through Jinja2 with autoescaping on for every template: review text, names and
notes are always escaped; nothing is marked safe."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web

RTL_LANGS = frozenset({"fa", "ar", "he", "ur"})


def text_dir(lang: str | None) -> str:
    return "rtl" if lang in RTL_LANGS else "ltr"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are rendered (never ``javascript:`` from a review's source)."""
    if url and urlsplit(url).scheme in {"http", "https"}:
        return url
    return None


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def with_query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


class Templates:
    def __init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("reputation.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters.update(text_dir=text_dir, safe_url=safe_url, when=when)
        self._env.globals.update(with_query=with_query)

    def render(self, template: str, /, **context: Any) -> str:
        return self._env.get_template(template).render(**context)


def html(text: str, *, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """303 See Other: after a POST, the browser GETs the page (no resubmission)."""
    return web.Response(status=303, headers={"Location": location})
