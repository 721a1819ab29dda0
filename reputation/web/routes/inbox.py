"""The inbox (``/``) and its CSV export (``/export.csv``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from reputation.core.accounts import Role
from reputation.core.inbox import InboxSort, InboxStatus, SlaState
from reputation.core.models import Severity
from reputation.web.context import ctx, current_session, current_user
from reputation.web.csv_export import ITEM_COLUMNS, item_row, stream_csv
from reputation.web.params import INBOX_KEYS, given, inbox_query
from reputation.web.render import html
from reputation.web.security import requires

routes = web.RouteTableDef()
EXPORT_LIMIT = 100_000


@routes.get("/")
@requires(Role.VIEWER)
async def inbox(request: web.Request) -> web.StreamResponse:
    query = inbox_query(request.query)
    page = await ctx(request).store.inbox.query(query)
    session = current_session(request)
    params = given(request.query, INBOX_KEYS)
    params.pop("page", None)
    text = ctx(request).templates.render(
        "inbox.html",
        user=current_user(request),
        csrf=session.csrf if session else "",
        page=page,
        query=query,
        params=params,
        severities=[s.value for s in Severity],
        statuses=[s.value for s in InboxStatus],
        slas=[s.value for s in SlaState],
        sorts=[s.value for s in InboxSort],
    )
    return html(text)


@routes.get("/export.csv")
@requires(Role.VIEWER)
async def export(request: web.Request) -> web.StreamResponse:
    query = inbox_query(request.query)

    async def rows() -> AsyncIterator[list[str]]:
        async for item in ctx(request).store.inbox.iterate(query, limit=EXPORT_LIMIT):
            yield item_row(item)

    return await stream_csv(request, "inbox.csv", ITEM_COLUMNS, rows())
