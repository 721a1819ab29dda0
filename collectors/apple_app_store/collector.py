"""Apple App Store reviews: the public RSS feed, pages 1..10 (``ids`` are ``country:appId``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors.apple_app_store import parse as apple
from collectors.base import Collector, Page, Parsed, older_than
from reputation.core.errors import ConfigError


@register
class AppleAppStoreCollector(Collector):
    name = "apple_app_store"
    base_url = "https://itunes.apple.com"
    # The feed holds only the latest ~500 reviews per storefront: a run cannot see them all.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return apple.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        where = apple.split_location(location)
        if where is None:
            raise ConfigError(
                f"collectors.{self.name}.ids: {location!r} is not country:appId (us:284882215)"
            )
        country, app_id = where
        page = int(resume or 1)
        while True:
            # The page size is fixed by Apple (50); no auth.
            feed = f"customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
            url = f"{self.url}/{country}/rss/{feed}"
            payload = await self.http.get_json(url)
            with self.shape_checked(payload):
                parsed = apple.parse(payload, location)
                more = bool(apple.entries(payload)) and page < apple.last_page(payload)
            cursor = str(page + 1) if more else None
            yield Page(parsed.items, parsed.rejects, resume=cursor)
            if cursor is None or older_than(parsed.items, since):
                return
            page += 1
