"""Wildberries feedbacks: skip/take paging over two lists, unanswered then answered.

``ids`` are product nmIds (none: every product). The API lists unanswered and answered
feedbacks separately (``isAnswered`` is required), so a run walks both; the cursor
``"<isAnswered>:<skip>"`` says which list and where. Archived feedbacks live on another
endpoint, so a run does not see everything the site shows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors.base import Collector, Page, Parsed, older_than
from collectors.wildberries import parse as wb
from reputation.core.errors import FatalSourceError

MAX_TAKE = 5000  # documented maximum of ``take``


@register
class WildberriesCollector(Collector):
    name = "wildberries"
    reply_editable: ClassVar[bool] = False  # reply() only creates (editing is PATCH)
    base_url = "https://feedbacks-api.wildberries.ru"
    rate_per_s: ClassVar[float | None] = 3.0  # documented: about 3 requests per second
    full_scan: ClassVar[bool] = False  # archived feedbacks are not in this list
    needs_ids: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return wb.parse(payload, location)

    def _passes(self) -> list[bool]:
        # Option ``is_answered``: true / false to read one list only; default both.
        only = self.option("is_answered")
        return [False, True] if only is None else [bool(only)]

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        url = f"{self.url}/api/v1/feedbacks"
        headers = {"Authorization": self.secret()}  # the token as is, no "Bearer"
        take = min(self.config.page_size or 500, MAX_TAKE)
        passes = self._passes()
        answered, skip = _cursor(resume, passes[0])
        if answered not in passes:  # the option changed since the cursor was saved
            answered, skip = passes[0], 0
        for index in range(passes.index(answered), len(passes)):
            answered = passes[index]
            later = passes[index + 1 :]
            while True:
                params = {
                    "isAnswered": str(answered).lower(),
                    "take": take,
                    "skip": skip,
                    "order": "dateDesc",
                    "nmId": location or None,
                }
                payload = await self.http.get_json(url, params=params, headers=headers)
                if isinstance(payload, dict) and payload.get("error"):
                    raise FatalSourceError(f"wildberries: {wb.error_text(payload)}")
                parsed = self.parse_page(payload, location)
                skip += take
                done = len(wb.feedbacks(payload)) < take or older_than(parsed.items, since)
                if not done:
                    resume = f"{str(answered).lower()}:{skip}"
                else:
                    resume = f"{str(later[0]).lower()}:0" if later else None
                yield Page(parsed.items, parsed.rejects, resume=resume)
                if done:
                    break
            skip = 0

    async def reply(self, location: str, external_id: str, text: str) -> None:
        # POST answers; editing an existing answer is PATCH on the same path.
        await self.http.send_json(
            "POST",
            f"{self.url}/api/v1/feedbacks/answer",
            {"id": external_id, "text": text},
            headers={"Authorization": self.secret()},
        )


def _cursor(resume: str | None, first: bool) -> tuple[bool, int]:
    """``"false:500"`` → (False, 500); no cursor (or a foreign one) → the start."""
    flag, _, skip = (resume or "").partition(":")
    if flag not in {"true", "false"} or not skip.isdigit():
        return first, 0
    return flag == "true", int(skip)
