"""The JSON API (``/api/v1``): the data of every page. ``Authorization: Bearer <token>``
(``reputation users token NAME``) or a signed-in session; 401 otherwise."""

from __future__ import annotations

from aiohttp import web

from reputation.core.accounts import Role
from reputation.web.context import ctx, current_user
from reputation.web.item_view import load_item
from reputation.web.params import inbox_query
from reputation.web.routes.trends import trend_data
from reputation.web.security import requires

routes = web.RouteTableDef()


@routes.get("/api/v1/items")
@requires(Role.VIEWER, api=True)
async def items(request: web.Request) -> web.StreamResponse:
    page = await ctx(request).store.inbox.query(inbox_query(request.query))
    return web.json_response(
        {
            "items": [item.model_dump(mode="json") for item in page.items],
            "total": page.total,
            "total_capped": page.total_capped,
            "page": page.page,
            "per_page": page.per_page,
            "pages": page.pages,
        }
    )


@routes.get("/api/v1/items/{source}/{external_id:.+}")
@requires(Role.VIEWER, api=True)
async def item(request: web.Request) -> web.StreamResponse:
    view = await load_item(
        ctx(request).store,
        ctx(request).settings,
        request.match_info["source"],
        request.match_info["external_id"],
    )
    if view is None:
        raise web.HTTPNotFound(text='{"error": "no such review"}', content_type="application/json")
    return web.json_response(view.as_json())


@routes.get("/api/v1/trends")
@requires(Role.VIEWER, api=True)
async def trends(request: web.Request) -> web.StreamResponse:
    data = await trend_data(request)
    return web.json_response(data.model_dump(mode="json"))


@routes.get("/api/v1/me")
@requires(Role.VIEWER, api=True)
async def me(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    assert user is not None  # noqa: S101 - requires() let only signed-in users through
    return web.json_response({"name": user.name, "role": user.role.value})
