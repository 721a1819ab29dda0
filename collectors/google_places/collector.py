"""Google Places reviews: one request per place, at most five reviews, no paging.

``ids`` are place ids (``ChIJ…``); the token is a Maps Platform API key. The New API takes
it in a header; the legacy API only in the query string, which SourceHttp keeps out of
every message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from collectors import register
from collectors._http import safe_url
from collectors.base import Collector, Page, Parsed
from collectors.google_places import parse as places
from collectors.google_places import parse_legacy as legacy
from reputation.core.errors import FatalSourceError, RetriableSourceError, SourceAuthError

FIELD_MASK = "id,displayName,rating,userRatingCount,reviews"
INVALID_KEY = "API key not valid"
# Google documents these as transient ("trying again may be successful" / quota).
TRANSIENT = frozenset({"OVER_QUERY_LIMIT", "UNKNOWN_ERROR"})


@register
class GooglePlacesCollector(Collector):
    name = "google_places"
    base_url = "https://places.googleapis.com/v1"
    # Only the five reviews Google picks are visible: a run never sees them all.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return places.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        headers = {"X-Goog-Api-Key": self.secret(), "X-Goog-FieldMask": FIELD_MASK}
        params = {"languageCode": self.option("language")}
        url = f"{self.url}/places/{quote(location, safe='')}"
        try:
            payload = await self.http.get_json(url, params=params, headers=headers)
        except SourceAuthError:
            raise
        except FatalSourceError as exc:
            # A wrong key is HTTP 400 INVALID_ARGUMENT here, not 401/403: still a credential.
            if INVALID_KEY in str(exc):
                raise SourceAuthError(str(exc)) from None
            raise
        parsed = self.parse_page(payload, location)
        yield Page(parsed.items, parsed.rejects, resume=None)


@register
class GooglePlacesLegacyCollector(Collector):
    name = "google_places_legacy"
    base_url = "https://maps.googleapis.com/maps/api/place"
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return legacy.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        url = f"{self.url}/details/json"
        params = {
            "place_id": location,
            "fields": "reviews",
            # The original wording, not Google's translation, and the newest five.
            "reviews_no_translations": "true",
            "reviews_sort": self.option("reviews_sort", "newest"),
            "language": self.option("language"),
            "key": self.secret(),
        }
        payload = await self.http.get_json(url, params=params)
        with self.shape_checked(payload):
            code, message = legacy.status(payload)
        if code not in legacy.USABLE:
            raise self._status_error(url, code, message)
        with self.shape_checked(payload):
            parsed = legacy.parse(payload, location)
        yield Page(parsed.items, parsed.rejects, resume=None)

    def _status_error(self, url: str, code: str, message: str) -> Exception:
        # HTTP 200 with an error status: the key must never appear, so mask the message too.
        text = self.http.mask(f"{self.name}: GET {safe_url(url)}: status {code}: {message}")
        if code == "REQUEST_DENIED":
            return SourceAuthError(f"{text} (check the API key)")
        if code in TRANSIENT:
            return RetriableSourceError(text)
        return FatalSourceError(text)
