"""Reddit search, newest first; ``ids`` are search queries (Reddit search syntax)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors.base import Collector, Page, Parsed
from collectors.reddit import parse as reddit
from collectors.social.match import KeywordMatcher
from collectors.social.paging import mentions, parse_page

USER_AGENT = "reputation/0.1 (review monitoring)"


@register
class RedditCollector(Collector):
    name = "reddit"
    base_url = "https://oauth.reddit.com"
    # Reddit's Data API allows 100 queries per minute per OAuth client.
    rate_per_s: ClassVar[float | None] = 100 / 60
    # Search shows a limited, relevance-capped window (about 1000 results), never everything.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return reddit.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        matcher = KeywordMatcher.from_option(self.option("keywords"), source=self.name)
        headers = {
            "Authorization": f"Bearer {self.secret()}",
            # Reddit throttles or blocks generic user agents; it asks for a descriptive one.
            "User-Agent": str(self.option("user_agent", USER_AGENT)),
        }
        after = resume
        while True:
            params = {
                "q": location,
                "sort": "new",
                "limit": min(self.config.page_size or 100, 100),
                "after": after,
                "type": self.option("type"),  # e.g. "link"; Reddit's default when unset
                "raw_json": 1,  # text as written, not HTML-escaped (&amp;)
            }
            payload = await self.http.get_json(f"{self.url}/search", params=params, headers=headers)
            parsed = parse_page(reddit.parse, payload, location, self.name)
            page = mentions(parsed, matcher, reddit.next_after(payload), since)
            yield page
            if page.resume is None:
                return
            after = page.resume
