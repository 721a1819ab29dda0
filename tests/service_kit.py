"""Stand-ins for running ``reputation serve`` in tests.

* :func:`keyword_model` — a ``sentiment.backend`` factory (``tests.service_kit:keyword_model``)
  that builds :class:`tests.fakes.FakeSentimentModel`, so a ``serve`` subprocess does not
  load the real network. It is selected through the documented ``package.module:factory``
  backend form, the same way a deployment would plug in a model of its own.
* :class:`FakePlay` — a local HTTP server shaped like Google Play's ``reviews.list``
  (Bearer token, ``maxResults`` and ``token`` paging, newest first, ``tokenPagination``),
  to which a test adds reviews while the service runs. It records every request and the
  highest number of requests it was answering at once (two processes collecting the same
  source at the same time would show 2).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from config.settings import Settings
from reputation.core.protocols import SentimentModel
from reputation.storage.server import free_port
from tests.fakes import FakeSentimentModel
from tests.local_server import serve_app


def keyword_model(settings: Settings, progress: Callable[[str], None]) -> SentimentModel:
    del settings
    progress("loading the keyword test model (tests.service_kit)")
    return FakeSentimentModel()


@dataclass
class PlayRequest:
    token: str | None
    at: float
    served: int


@dataclass
class FakePlay:
    package: str = "com.example.app"
    token: str = "play-test-token"
    delay_s: float = 0.0  # per request: makes a collection run take a while
    port: int = 0
    reviews: list[dict[str, Any]] = field(default_factory=list)
    requests: list[PlayRequest] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v3"

    def add(self, text: str, rating: int) -> str:
        """A new review, modified now; returns its id."""
        review_id = f"gp-{next(self._ids):04d}"
        now = datetime.now(UTC).timestamp()
        self.reviews.append(
            {
                "reviewId": review_id,
                "authorName": f"Reviewer {review_id}",
                "comments": [
                    {
                        "userComment": {
                            "text": text,
                            "lastModified": {
                                "seconds": str(int(now)),
                                "nanos": int(now % 1 * 1e9),
                            },
                            "starRating": rating,
                            "reviewerLanguage": "en",
                        }
                    }
                ],
            }
        )
        return review_id

    def ids(self) -> set[str]:
        return {r["reviewId"] for r in self.reviews}

    async def start(self) -> FakePlay:
        self.port = self.port or free_port()
        app = web.Application()
        app.router.add_get("/v3/applications/{package}/reviews", self._list)
        self._runner = await serve_app(app, self.port)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _list(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response(
                {"error": {"code": 401, "status": "UNAUTHENTICATED"}}, status=401
            )
        if request.match_info["package"] != self.package:
            return web.json_response({"error": {"code": 404, "status": "NOT_FOUND"}}, status=404)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            size = int(request.query.get("maxResults", "100"))
            after = request.query.get("token") or None
            newest_first = sorted(self.reviews, key=_order, reverse=True)
            if after is not None:
                position = next(
                    (i for i, r in enumerate(newest_first) if r["reviewId"] == after), None
                )
                newest_first = newest_first[position + 1 :] if position is not None else []
            page = newest_first[:size]
            self.requests.append(PlayRequest(after, time.monotonic(), len(page)))
            body: dict[str, Any] = {"reviews": page}
            if len(newest_first) > size:
                # Keyset paging: reviews added meanwhile cannot shift the next page.
                body["tokenPagination"] = {"nextPageToken": page[-1]["reviewId"]}
            return web.json_response(body)
        finally:
            self.in_flight -= 1


def _order(review: dict[str, Any]) -> tuple[float, str]:
    modified = review["comments"][0]["userComment"]["lastModified"]
    return int(modified["seconds"]) + int(modified["nanos"]) / 1e9, review["reviewId"]
