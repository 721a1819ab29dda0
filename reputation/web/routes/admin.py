"""User management for admins (``/users``): add a user, change a role, disable, enable."""

from __future__ import annotations

from aiohttp import web

from reputation.core.accounts import Role
from reputation.core.errors import ReputationError
from reputation.web.context import ctx, current_session, current_user
from reputation.web.render import html, redirect
from reputation.web.security import requires

routes = web.RouteTableDef()


async def _page(request: web.Request, *, error: str | None = None) -> web.Response:
    session = current_session(request)
    text = ctx(request).templates.render(
        "users.html",
        user=current_user(request),
        csrf=session.csrf if session else "",
        users=await ctx(request).store.users.all(),
        roles=[r.value for r in Role],
        error=error,
    )
    return html(text, status=400 if error else 200)


@routes.get("/users")
@requires(Role.ADMIN)
async def users(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.post("/users")
@requires(Role.ADMIN)
async def change(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    me = current_user(request)
    assert me is not None  # noqa: S101 - requires() let only signed-in users through
    store = ctx(request).store
    name = str(form.get("name", "")).strip().lower()
    action = str(form.get("action", "add"))
    try:
        if action == "add":
            role = Role(str(form.get("role", "viewer")))
            await store.users.add(
                name, role=role, password=str(form.get("password", "")), actor=me.actor
            )
        elif action == "role":
            await store.users.set_role(name, Role(str(form.get("role", ""))), actor=me.actor)
        elif action in {"disable", "enable"} and name == me.name:
            return await _page(request, error="you cannot disable yourself")
        elif action in {"disable", "enable"}:
            await store.users.set_disabled(name, action == "disable", actor=me.actor)
        else:
            raise web.HTTPBadRequest(text="unknown action")
    except (ReputationError, ValueError) as exc:
        return await _page(request, error=str(exc))
    return redirect("/users")
