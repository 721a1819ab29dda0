"""Telegram public channels via the ``t.me/s`` web preview; ``ids`` are channel usernames."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from collectors import register
from collectors.base import Collector, Page, Parsed
from collectors.social.match import KeywordMatcher
from collectors.social.paging import mentions, parse_page
from collectors.telegram import parse as telegram


@register
class TelegramCollector(Collector):
    name = "telegram"
    base_url = "https://t.me"
    payload_format: ClassVar[str] = "html"
    # Runs page back only to the last post seen (or max_pages), never the whole channel.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return telegram.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        # A channel is not about the brand: every post is checked against the keywords.
        matcher = KeywordMatcher.from_option(self.option("keywords"), source=self.name)
        channel = location.removeprefix("@")
        url = f"{self.url}/s/{quote(channel, safe='')}"
        before = int(resume) if resume and resume.isdigit() else None
        while True:
            html = await self.http.get_text(url, params={"before": before})
            page = parse_page(telegram.read, html, location, self.name)
            oldest = page.oldest_id
            # Message 1 is the channel's first; an id that does not go down means no progress.
            more = oldest is not None and oldest > 1 and (before is None or oldest < before)
            result = mentions(page.parsed, matcher, str(oldest) if more else None, since)
            yield result
            if result.resume is None:
                return
            before = oldest
