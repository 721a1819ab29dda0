"""Mercado Libre: item reviews and seller questions, offset-paged (``ids`` are item ids)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from collectors import register
from collectors._http import SourceHttp
from collectors.base import Collector, Page, Parsed, older_than
from collectors.mercadolibre import parse as ml
from config.settings import CollectorSettings
from reputation.core.errors import ConfigError

BASE_URL = "https://api.mercadolibre.com"
DEFAULT_LIMIT = 50  # Mercado Libre's documented default page size


class _MercadoLibre(Collector):
    base_url = BASE_URL

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret()}"}

    def _limit(self) -> int:
        return self.config.page_size or DEFAULT_LIMIT


@register
class MercadoLibreCollector(_MercadoLibre):
    name = "mercadolibre"

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return ml.parse_reviews(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        url = f"{self.url}/reviews/item/{quote(location, safe='')}"
        offset, limit = int(resume or 0), self._limit()
        while True:
            params = {"limit": limit, "offset": offset}
            payload = await self.http.get_json(url, params=params, headers=self._auth())
            with self.shape_checked(payload):
                parsed = ml.parse_reviews(payload, location)
                cursor = ml.next_offset(payload, offset, limit)
            yield Page(parsed.items, parsed.rejects, resume=cursor)
            # The API documents no date order (reviews carry a relevance score), so an old
            # review on this page does not mean the next pages hold nothing newer: no early stop.
            if cursor is None:
                return
            offset = int(cursor)


@register
class MercadoLibreQuestionsCollector(_MercadoLibre):
    name = "mercadolibre_questions"
    reply_editable: ClassVar[bool] = False  # a question is answered once
    # With option ``seller_id`` and no ids, every question to the seller is collected.
    needs_ids: ClassVar[bool] = False

    def __init__(self, *, config: CollectorSettings, http: SourceHttp) -> None:
        super().__init__(config=config, http=http)
        if not config.ids and not self.option("seller_id"):
            raise ConfigError(f"collectors.{self.name}: list item ids or set options.seller_id")

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return ml.parse_questions(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        url = f"{self.url}/questions/search"
        scope = {"item": location} if location else {"seller_id": self.option("seller_id")}
        offset, limit = int(resume or 0), self._limit()
        while True:
            params = {
                **scope,
                "api_version": 4,
                "sort_fields": "date_created",
                "sort_types": "DESC",
                "limit": limit,
                "offset": offset,
            }
            payload = await self.http.get_json(url, params=params, headers=self._auth())
            with self.shape_checked(payload):
                parsed = ml.parse_questions(payload, location)
                cursor = ml.next_offset(payload, offset, limit)
            yield Page(parsed.items, parsed.rejects, resume=cursor)
            if cursor is None or older_than(parsed.items, since):
                return
            offset = int(cursor)

    async def reply(self, location: str, external_id: str, text: str) -> None:
        body = {"question_id": int(external_id), "text": text}
        await self.http.send_json("POST", f"{self.url}/answers", body, headers=self._auth())
