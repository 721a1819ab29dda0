"""Web pages: one GET per configured URL (``ids`` are page URLs), reviews from schema.org."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors._http import MalformedPayloadError, safe_url
from collectors.base import Collector, Page, Parsed
from collectors.web import parse as web

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


@register
class WebCollector(Collector):
    name = "web"
    base_url = ""  # every id is a full URL
    payload_format: ClassVar[str] = "html"
    # A page shows what its owner chose to mark up (often the latest few): never complete.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return web.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        headers = {"Accept": ACCEPT}
        agent = self.option("user_agent")
        if agent:
            headers["User-Agent"] = str(agent)
        html = await self.http.get_text(location, headers=headers)
        try:
            parsed = web.parse(html, location)
        except ValueError as exc:
            raise MalformedPayloadError(f"web: {safe_url(location)}: {exc}", raw=html) from None
        yield Page(parsed.items, parsed.rejects, resume=None)
