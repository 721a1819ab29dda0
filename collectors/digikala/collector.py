"""Digikala product reviews: ``ids`` are product ids (``dkp-<id>`` in product URLs).

The endpoint is undocumented and unofficial: the collector refuses to run unless
``accept_unofficial`` is set, says so once in the log, and never writes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from collectors import register
from collectors._http import SourceHttp
from collectors.base import Collector, Page, Parsed, older_than
from collectors.digikala import parse as dk
from config.settings import CollectorSettings
from reputation.core.errors import ConfigError

log = logging.getLogger(__name__)


@register
class DigikalaCollector(Collector):
    name = "digikala"
    base_url = "https://api.digikala.com/v1"
    # Undocumented; public clients pause 0.3-1 s between pages, so we stay at one a second.
    rate_per_s: ClassVar[float | None] = 1.0
    # An unofficial listing may hide or cap reviews: never infer removals from it.
    full_scan: ClassVar[bool] = False

    def __init__(self, *, config: CollectorSettings, http: SourceHttp) -> None:
        super().__init__(config=config, http=http)
        if not config.accept_unofficial:
            raise ConfigError(
                "collectors.digikala uses an unofficial, undocumented Digikala endpoint; "
                "check Digikala's terms of service, then set accept_unofficial = true"
            )
        self._warned = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return dk.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        if not self._warned:
            log.warning("digikala: collecting through an unofficial endpoint (read-only)")
            self._warned = True
        url = f"{self.url}/rate-review/products/{quote(location, safe='')}/"
        page = int(resume) if resume else 1
        while True:
            params = {"page": page, "sort": self.option("sort", "newest")}
            payload = await self.http.get_json(url, params=params)
            with self.shape_checked(payload):
                parsed = dk.parse(payload, location)
                current, total = dk.pager(payload)
            more = current < total and bool(parsed.items or parsed.rejects)
            following = str(current + 1) if more else None
            yield Page(parsed.items, parsed.rejects, resume=following)
            if following is None or older_than(parsed.items, since):
                return
            page = current + 1
