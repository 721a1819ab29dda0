"""Trustpilot reviews: page-numbered, newest first, per business unit (``ids`` are unit ids)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from collectors import register
from collectors.base import Collector, Page, Parsed, older_than
from collectors.trustpilot import parse as tp

MAX_PER_PAGE = 100  # documented range 1..100


@register
class TrustpilotCollector(Collector):
    name = "trustpilot"
    base_url = "https://api.trustpilot.com/v1"
    # Trustpilot asks for at most 833 calls per 5 minutes and 10,000 per hour (~2.78/s).
    rate_per_s = 2.7

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return tp.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        url = f"{self.url}/business-units/{quote(location, safe='')}/reviews"
        headers = {"apikey": self.secret()}
        per_page = min(self.config.page_size or MAX_PER_PAGE, MAX_PER_PAGE)
        cursor = resume
        page = 1
        while True:
            # A cursor is a page number, or ``token:<nextPageToken>`` when the API pages so.
            params: dict[str, Any] = {"perPage": per_page, "orderBy": "createdat.desc"}
            if cursor and cursor.startswith(tp.CURSOR_PREFIX):
                params["pageToken"] = cursor.removeprefix(tp.CURSOR_PREFIX)
            else:
                page = int(cursor or 1)
                params["page"] = page
            payload = await self.http.get_json(url, params=params, headers=headers)
            with self.shape_checked(payload):
                parsed = tp.parse(payload, location)
                cursor = tp.next_page(payload, page) if parsed.items or parsed.rejects else None
            yield Page(parsed.items, parsed.rejects, resume=cursor)
            if cursor is None or older_than(parsed.items, since):
                return

    async def reply(self, location: str, external_id: str, text: str) -> None:
        # The private API wants a business user's OAuth token (``reply_token``; the read
        # API key is no use here) and, per the docs, the id of the business user who signs.
        body: dict[str, Any] = {"message": text}
        author = self.option("author_business_user_id")
        if author:
            body["authorBusinessUserId"] = str(author)
        url = f"{self.url}/private/reviews/{quote(external_id, safe='')}/reply"
        await self.http.send_json(
            "POST", url, body, headers={"Authorization": f"Bearer {self.reply_secret()}"}
        )
