"""SnappFood vendor comments: ``ids`` are vendor codes (e.g. ``0qqwd9``); pages count from 0.

The endpoint is the website's own, undocumented and unofficial: the collector refuses to run
unless ``accept_unofficial`` is set, says so once in the log, and never writes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar

from collectors import register
from collectors._http import SourceHttp
from collectors.base import Collector, Page, Parsed, older_than
from collectors.snappfood import parse as sf
from config.settings import CollectorSettings
from reputation.core.errors import ConfigError

log = logging.getLogger(__name__)
# The query the website itself sends; the API answers other clients differently or not at all.
WEBSITE = {
    "optionalClient": "WEBSITE",
    "client": "WEBSITE",
    "deviceType": "WEBSITE",
    "appVersion": "8.1.1",
    "locale": "fa",
}


@register
class SnappFoodCollector(Collector):
    name = "snappfood"
    base_url = "https://snappfood.ir/mobile/v1"
    # Undocumented; public clients wait 1-5 s between pages.
    rate_per_s: ClassVar[float | None] = 0.5
    # An unofficial listing may hide or cap comments: never infer removals from it.
    full_scan: ClassVar[bool] = False

    def __init__(self, *, config: CollectorSettings, http: SourceHttp) -> None:
        super().__init__(config=config, http=http)
        if not config.accept_unofficial:
            raise ConfigError(
                "collectors.snappfood uses an unofficial, undocumented SnappFood endpoint; "
                "check SnappFood's terms of service, then set accept_unofficial = true"
            )
        self._udid = str(self.option("udid") or uuid.uuid4())
        self._warned = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return sf.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        if not self._warned:
            log.warning("snappfood: collecting through an unofficial endpoint (read-only)")
            self._warned = True
        url = f"{self.url}/restaurant/vendor-comment"
        page = int(resume) if resume else 0
        while True:
            params = {
                "vendorCode": location,
                "page": page,
                "sortType": self.option("sort", "newest"),
                **WEBSITE,
                "UDID": self._udid,
            }
            payload = await self.http.get_json(url, params=params)
            parsed = self.parse_page(payload, location)
            empty = not (parsed.items or parsed.rejects)
            following = None if empty else str(page + 1)
            yield Page(parsed.items, parsed.rejects, resume=following)
            if following is None or older_than(parsed.items, since):
                return
            page += 1
