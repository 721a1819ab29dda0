"""``/healthz`` (liveness) and ``/readyz`` (readiness) for ``reputation serve``.

``/healthz`` answers 200 whenever the event loop runs: a process that stops answering it is
stuck and should be restarted. ``/readyz`` answers 200 only when ``ready()`` says so
(MongoDB answers a ping, the sentiment model is loaded, the process is not stopping) and 503
with a JSON reason otherwise, so a load balancer sends traffic only to ready processes.
Neither says anything secret: no URI, no token.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from reputation.core.errors import ReputationError

log = logging.getLogger(__name__)

Ready = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]


def add_health_routes(app: web.Application, *, ready: Ready) -> None:
    """Add ``GET /healthz`` and ``GET /readyz`` to ``app`` (before it is started)."""

    async def healthz(request: web.Request) -> web.Response:
        del request
        return web.json_response({"status": "alive"})

    async def readyz(request: web.Request) -> web.Response:
        del request
        try:
            ok, details = await ready()
        except ReputationError as exc:
            ok, details = False, {"reason": str(exc)}
        body = {"status": "ready" if ok else "not ready", **details}
        return web.json_response(body, status=200 if ok else 503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
