"""Google Play reviews: token pagination per app (``ids`` are package names)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from collectors import register
from collectors.base import Collector, Page, Parsed, older_than
from collectors.google_play import parse as play


@register
class GooglePlayCollector(Collector):
    name = "google_play"
    base_url = "https://androidpublisher.googleapis.com/androidpublisher/v3"
    # Play lists only reviews from the last week: a run cannot see everything.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return play.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        url = f"{self.url}/applications/{quote(location, safe='')}/reviews"
        headers = {"Authorization": f"Bearer {self.secret()}"}
        token = resume
        while True:
            params = {"maxResults": self.config.page_size or 100, "token": token}
            payload = await self.http.get_json(url, params=params, headers=headers)
            parsed = self.parse_page(payload, location)
            token = play.next_token(payload)
            yield Page(parsed.items, parsed.rejects, resume=token)
            if token is None or older_than(parsed.items, since):
                return

    async def reply(self, location: str, external_id: str, text: str) -> None:
        url = f"{self.url}/applications/{quote(location, safe='')}/reviews/{external_id}:reply"
        await self.http.send_json(
            "POST", url, {"replyText": text}, headers={"Authorization": f"Bearer {self.secret()}"}
        )
