"""``create_app``: the web application (inbox, item pages, trends, CSV, JSON API, users).

The service (``reputation serve``) mounts this and adds ``/healthz`` and ``/readyz``."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from aiohttp import web

from config.settings import Settings
from reputation.storage import Store
from reputation.web.context import CONTEXT, WebContext
from reputation.web.limits import LoginLimiter
from reputation.web.render import Templates
from reputation.web.routes import admin, api, auth, inbox, item, trends
from reputation.web.security import authenticate, security_headers
from responders.approval import ApprovalService, RepliersLookup

STATIC = Path(__file__).resolve().parent / "static"
_HTTP = web.AppKey("reputation_web_http", aiohttp.ClientSession)


def create_app(
    *,
    settings: Settings,
    store: Store,
    service: ApprovalService | None = None,
    repliers: RepliersLookup | None = None,
    limiter: LoginLimiter | None = None,
) -> web.Application:
    """The web app over ``store``. Without ``service``, an :class:`ApprovalService` is built
    at startup, posting through the collectors' reply APIs (``repliers``, by default from
    ``settings.collectors`` with a shared HTTP session)."""
    app = web.Application(middlewares=[authenticate], client_max_size=1024 * 1024)
    context = WebContext(
        settings=settings,
        store=store,
        templates=Templates(),
        limiter=limiter or LoginLimiter(),
        service=service,
    )
    app[CONTEXT] = context
    for table in (auth.routes, inbox.routes, item.routes, trends.routes, api.routes, admin.routes):
        app.router.add_routes(table)
    app.router.add_static("/static", STATIC, append_version=True)
    app.on_response_prepare.append(security_headers)

    async def start(app: web.Application) -> None:
        if context.service is not None:
            return
        lookup = repliers
        if lookup is None:
            from responders.posting import CollectorRepliers

            session = aiohttp.ClientSession()
            app[_HTTP] = session
            lookup = CollectorRepliers(settings, session)
        context.service = ApprovalService(store=store, settings=settings, repliers=lookup)

    async def stop(app: web.Application) -> None:
        session = app.get(_HTTP)
        if session is not None:
            await session.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app
