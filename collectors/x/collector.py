"""X recent search, newest first; ``ids`` are search queries (X query syntax)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors.base import Collector, Page, Parsed
from collectors.social.match import KeywordMatcher
from collectors.social.paging import mentions, parse_page
from collectors.x import parse as x

TWEET_FIELDS = "created_at,lang,author_id,public_metrics,conversation_id,note_tweet"


@register
class XCollector(Collector):
    name = "x"
    reply_editable: ClassVar[bool] = False  # a second reply is another post
    base_url = "https://api.twitter.com/2"
    # Recent search allows 450 requests per 15 minutes per app (lower on the Basic tier:
    # set rate_per_s in the config).
    rate_per_s: ClassVar[float | None] = 450 / 900
    # Recent search covers the last seven days only.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return x.parse(payload, location)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret()}"}

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        matcher = KeywordMatcher.from_option(self.option("keywords"), source=self.name)
        headers = self._headers()
        token = resume
        while True:
            params = {
                "query": location,
                # The API accepts 10..100 per page.
                "max_results": max(10, min(self.config.page_size or 100, 100)),
                "tweet.fields": TWEET_FIELDS,
                "expansions": "author_id",
                "user.fields": "username,name",
                "next_token": token,
            }
            payload = await self.http.get_json(
                f"{self.url}/tweets/search/recent", params=params, headers=headers
            )
            parsed = parse_page(x.parse, payload, location, self.name)
            page = mentions(parsed, matcher, x.next_token(payload), since)
            yield page
            if page.resume is None:
                return
            token = page.resume

    async def reply(self, location: str, external_id: str, text: str) -> None:
        """Posts a reply; needs a user-context token (OAuth 2.0 with ``tweet.write``)."""
        body = {"text": text, "reply": {"in_reply_to_tweet_id": external_id}}
        await self.http.send_json("POST", f"{self.url}/tweets", body, headers=self._headers())
