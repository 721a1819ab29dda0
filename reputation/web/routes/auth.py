"""Signing in and out: ``/login`` (GET form, POST credentials) and ``/logout``."""

from __future__ import annotations

from aiohttp import web

from reputation.web.context import (
    LOGIN_NAME,
    ctx,
    current_session,
    current_session_id,
    current_user,
)
from reputation.web.render import html, redirect
from reputation.web.security import local_path, new_session, set_session_cookie

routes = web.RouteTableDef()


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


async def _form(
    request: web.Request, *, error: str | None = None, status: int = 200
) -> web.Response:
    session = current_session(request)
    fresh = None
    if session is None:
        fresh = await new_session(request, None)
        session = current_session(request)
    assert session is not None  # noqa: S101 - new_session sets it
    page = ctx(request).templates.render(
        "login.html",
        user=None,
        csrf=session.csrf,
        error=error,
        next=local_path(request.query.get("next")),
        name=request.get(LOGIN_NAME, ""),
    )
    response = html(page, status=status)
    if fresh is not None:
        set_session_cookie(request, response, fresh)
    return response


@routes.get("/login")
async def login_form(request: web.Request) -> web.StreamResponse:
    if current_user(request) is not None:
        raise web.HTTPFound(local_path(request.query.get("next")))
    return await _form(request)


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name = str(form.get("name", "")).strip().lower()[:40]
    password = str(form.get("password", ""))
    request[LOGIN_NAME] = name
    limiter = ctx(request).limiter
    if limiter.blocked(name, _client(request)):
        return await _form(request, error="Too many attempts; wait a few minutes.", status=429)
    user = await ctx(request).store.users.authenticate(name, password) if name else None
    if user is None:
        limiter.failed(name, _client(request))
        return await _form(request, error="Wrong name or password.", status=401)
    limiter.succeeded(name)
    old = current_session_id(request)
    if old is not None:
        await ctx(request).store.sessions.revoke(old)  # a new id on sign-in (no fixation)
    session_id = await new_session(request, user.name)
    response = redirect(local_path(str(form.get("next", "/"))))
    set_session_cookie(request, response, session_id)
    return response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    old = current_session_id(request)
    if old is not None:
        await ctx(request).store.sessions.revoke(old)
    response = redirect("/login")
    response.del_cookie("rp_session", path="/")
    return response
