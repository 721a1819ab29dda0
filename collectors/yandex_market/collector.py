"""Yandex Market product reviews: ``pageToken`` paging per business (``ids`` = businessId).

Auth is the ``Api-Key`` header; option ``auth = "oauth"`` sends the token as
``Authorization: Bearer`` instead; ``need_reaction_only = true`` asks only for reviews awaiting an
answer. The method returns at most six months
(``dateTimeFrom`` defaults to six months back), so a run cannot see everything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from collectors import register
from collectors.base import Collector, Page, Parsed, older_than
from collectors.yandex_market import parse as ym
from reputation.core.errors import FatalSourceError

MAX_LIMIT = 50  # documented maximum of ``limit``
WINDOW = timedelta(days=180)  # the longest dateTimeFrom..dateTimeTo interval accepted


@register
class YandexMarketCollector(Collector):
    name = "yandex_market"
    reply_editable: ClassVar[bool] = False  # without a comment id, a new comment
    base_url = "https://api.partner.market.yandex.ru"
    rate_per_s: ClassVar[float | None] = 1000 / 3600  # 1,000 requests per hour
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return ym.parse(payload, location)

    def _headers(self) -> dict[str, str]:
        if self.option("auth", "api_key") == "oauth":
            return {"Authorization": f"Bearer {self.secret()}"}
        return {"Api-Key": self.secret()}

    def _business(self, location: str) -> str:
        return f"{self.url}/v2/businesses/{quote(location, safe='')}/goods-feedback"

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        headers = self._headers()
        # A page token belongs to the filter it came with, so the cursor carries both:
        # "<dateTimeFrom or empty> <nextPageToken>".
        start, _, token = (resume or "").rpartition(" ")
        if not resume:
            start = _from(since)
        body: dict[str, Any] = {"dateTimeFrom": start} if start else {}
        if self.option("need_reaction_only", False):
            body["reactionStatus"] = "NEED_REACTION"
        limit = min(self.config.page_size or MAX_LIMIT, MAX_LIMIT)
        while True:
            params = {"limit": limit, "pageToken": token or None}
            payload = await self.http.send_json(
                "POST", self._business(location), body, params=params, headers=headers
            )
            if isinstance(payload, dict) and payload.get("status") == "ERROR":
                raise FatalSourceError(f"yandex_market: {ym.errors(payload)}")
            with self.shape_checked(payload):  # a malformed ``paging`` too: quarantine
                parsed = ym.parse(payload, location)
                token = ym.next_token(payload) or ""
            yield Page(parsed.items, parsed.rejects, resume=f"{start} {token}" if token else None)
            if not token or older_than(parsed.items, since):
                return

    async def reply(self, location: str, external_id: str, text: str) -> None:
        """Add the shop's comment to a review (the same call edits one, given its id)."""
        await self.http.send_json(
            "POST",
            f"{self._business(location)}/comments/update",
            {"feedbackId": int(external_id), "comment": {"text": text}},
            headers=self._headers(),
        )


def _from(since: datetime | None) -> str:
    """``dateTimeFrom`` for ``since``: the docs promise "order of publication", not newest
    first, so the server filters; beyond the six-month window the default applies."""
    if since is None or datetime.now(UTC) - since >= WINDOW:
        return ""
    return since.astimezone(UTC).isoformat().replace("+00:00", "Z")
