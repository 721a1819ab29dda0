"""Google Business Profile reviews: token pagination, newest update first.

``ids`` are location names (``accounts/123/locations/456``). With option ``batch_account``
(``accounts/123``) one ``batchGetReviews`` call pages through every listed location at once
and the run's location is the account; each review still carries its own location.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from collectors import register
from collectors.base import Collector, Page, Parsed, older_than
from collectors.google_business import parse as gbp

ORDER = "updateTime desc"  # the only time order the API offers, and newest first
MAX_PAGE = 50  # the default, and the maximum reviews.list documents


@register
class GoogleBusinessCollector(Collector):
    name = "google_business"
    base_url = "https://mybusiness.googleapis.com/v4"
    rate_per_s = 5.0  # default quota: 300 requests per minute per project

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return gbp.parse_any(payload, location)

    def locations(self) -> list[str]:
        account = self.option("batch_account")
        return [str(account)] if account else list(self.config.ids)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret()}"}

    def _page_size(self) -> int:
        return min(self.config.page_size or MAX_PAGE, MAX_PAGE)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        batch = bool(self.option("batch_account"))
        token = resume
        while True:
            if batch:
                payload = await self._batch_page(location, token)
            else:
                payload = await self._list_page(location, token)
            with self.shape_checked(payload):
                parsed = gbp.parse_batch(payload) if batch else gbp.parse(payload, location)
                token = gbp.next_token(payload)
            yield Page(parsed.items, parsed.rejects, resume=token)
            if token is None or older_than(parsed.items, since):
                return

    async def _list_page(self, location: str, token: str | None) -> Any:
        url = f"{self.url}/{quote(location, safe='/')}/reviews"
        params = {"pageSize": self._page_size(), "pageToken": token, "orderBy": ORDER}
        return await self.http.get_json(url, params=params, headers=self._headers())

    async def _batch_page(self, account: str, token: str | None) -> Any:
        url = f"{self.url}/{quote(account, safe='/')}/locations:batchGetReviews"
        body: dict[str, Any] = {
            "locationNames": list(self.config.ids),
            "pageSize": self._page_size(),
            "orderBy": ORDER,
        }
        if token:
            body["pageToken"] = token
        return await self.http.send_json("POST", url, body, headers=self._headers())

    async def reply(self, location: str, external_id: str, text: str) -> None:
        """Create or replace the owner's reply (``location`` is the review's location)."""
        if "/locations/" not in location:
            raise ValueError(f"{self.name}: reply needs a location name, got {location!r}")
        url = f"{self.url}/{quote(location, safe='/')}/reviews/{quote(external_id, safe='')}/reply"
        await self.http.send_json("PUT", url, {"comment": text}, headers=self._headers())
