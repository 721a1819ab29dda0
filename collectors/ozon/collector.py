"""Ozon reviews: ``last_id`` paging, newest first, over the whole seller account.

Ozon lists every review of the account (``ids`` are not needed; an id, if given, is only a
label). Reading is POST too. Headers: ``Client-Id`` (option ``client_id``) and ``Api-Key``
(the token). A seller reply is a comment; Ozon comments cannot be edited, only deleted, so
:meth:`OzonCollector.reply` always adds a new one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors.base import SHAPE_ERRORS, Collector, Page, Parsed, Reject, dump, older_than
from collectors.ozon import parse as oz
from reputation.core.errors import ConfigError
from reputation.core.models import Review

MIN_LIMIT, MAX_LIMIT = 20, 100  # documented bounds of ``limit``


@register
class OzonCollector(Collector):
    name = "ozon"
    base_url = "https://api-seller.ozon.ru"
    needs_ids: ClassVar[bool] = False
    reply_editable: ClassVar[bool] = False  # a comment cannot be edited, only deleted

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return oz.parse(payload, location)

    def _headers(self) -> dict[str, str]:
        client_id = self.option("client_id")
        if not client_id:
            raise ConfigError("collectors.ozon.options.client_id: set the seller's Client-Id")
        return {"Client-Id": str(client_id), "Api-Key": self.secret()}

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        headers = self._headers()
        limit = max(MIN_LIMIT, min(self.config.page_size or MAX_LIMIT, MAX_LIMIT))
        last_id = resume or ""
        while True:
            body = {
                "last_id": last_id,
                "limit": limit,
                "sort_dir": "DESC",
                "status": self.option("status", "ALL"),
            }
            payload = await self.http.send_json(
                "POST", f"{self.url}/v1/review/list", body, headers=headers
            )
            parsed = self.parse_page(payload, location)
            items, rejects = parsed.items, parsed.rejects
            if self.option("replies", True):
                items, unread = await self._with_replies(items, oz.commented_ids(payload), headers)
                rejects = [*rejects, *unread]
            cursor = oz.next_cursor(payload)
            yield Page(items, rejects, resume=cursor)
            if cursor is None or older_than(items, since):
                return
            last_id = cursor

    async def _with_replies(
        self, items: list[Review], commented: set[str], headers: dict[str, str]
    ) -> tuple[list[Review], list[Reject]]:
        """The reviews with their seller replies. A malformed comment list keeps its review
        (``reply_unknown``: storage keeps the reply it holds) and quarantines the response."""
        # One extra request per commented review: the list itself carries no replies.
        out: list[Review] = []
        unread: list[Reject] = []
        for item in items:
            if item.external_id in commented:
                body = {"review_id": item.external_id, "limit": 100, "offset": 0, "sort_dir": "ASC"}
                payload = await self.http.send_json(
                    "POST", f"{self.url}/v1/review/comment/list", body, headers=headers
                )
                try:
                    update: dict[str, Any] = {"reply": oz.seller_reply(payload)}
                except SHAPE_ERRORS as exc:
                    reason = f"ozon: comments of review {item.external_id} unreadable: {exc}"
                    unread.append(Reject(dump(payload), reason))
                    update = {"reply_unknown": True}
                item = item.model_copy(update=update)
            out.append(item)
        return out, unread

    async def reply(self, location: str, external_id: str, text: str) -> None:
        """Add the seller's comment and mark the review processed (not editable later)."""
        body = {"review_id": external_id, "text": text, "mark_review_as_processed": True}
        await self.http.send_json(
            "POST", f"{self.url}/v1/review/comment/create", body, headers=self._headers()
        )
