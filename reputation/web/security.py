"""Sessions, roles, CSRF and security headers.

Every request is looked up by its session cookie (server-side, see storage/sessions.py) or,
under ``/api/``, an ``Authorization: Bearer`` token. Every POST must carry the session's
CSRF token (form field ``csrf`` or header ``X-CSRF-Token``), compared in constant time;
the login form has one too (an anonymous session), and signing in rotates the session id.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web

from reputation.core.accounts import Role
from reputation.web.context import SESSION, SESSION_ID, USER, ctx, current_session, current_user

COOKIE = "rp_session"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)
# Charts are SVG documents with inline style attributes, shown through <img> (no scripts).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response, errors and static files included."""
    headers = response.headers
    svg = response.content_type == "image/svg+xml"
    headers.setdefault("Content-Security-Policy", SVG_CSP if svg else CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path != "/static" and not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")
    if is_https(request):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")


def is_https(request: web.Request) -> bool:
    web_settings = ctx(request).settings.web
    if request.scheme == "https":
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "").lower()
    return web_settings.trust_forwarded_proto and forwarded == "https"


def secure_cookies(request: web.Request) -> bool:
    web_settings = ctx(request).settings.web
    if web_settings.cookie_secure is not None:
        return web_settings.cookie_secure
    return is_https(request) or (web_settings.base_url or "").startswith("https://")


def set_session_cookie(request: web.Request, response: web.StreamResponse, session_id: str) -> None:
    hours = ctx(request).settings.web.session_hours
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(hours * 3600),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(request),
    )


async def new_session(request: web.Request, user: str | None) -> str:
    """Start a session (anonymous or signed in); the caller sets the cookie."""
    hours = ctx(request).settings.web.session_hours
    session_id, session = await ctx(request).store.sessions.create(
        user, lifetime=timedelta(hours=hours)
    )
    request[SESSION], request[SESSION_ID] = session, session_id
    return session_id


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    store = ctx(request).store
    session_id = request.cookies.get(COOKIE, "")
    session = await store.sessions.get(session_id) if session_id else None
    if session is not None:
        request[SESSION], request[SESSION_ID] = session, session_id
        if session.user is not None:
            user = await store.users.get(session.user)
            if user is not None and not user.disabled:
                request[USER] = user
    bearer = request.headers.get("Authorization", "")
    if USER not in request and request.path.startswith("/api/") and bearer[:7] == "Bearer ":
        user = await store.users.for_token(bearer[7:].strip())
        if user is not None:
            request[USER] = user
    if request.method in _UNSAFE:
        await check_csrf(request)
    return await handler(request)


async def check_csrf(request: web.Request) -> None:
    session = current_session(request)
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        form = await request.post()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if session is None or not sent or not hmac.compare_digest(sent, session.csrf):
        raise web.HTTPForbidden(text="missing or invalid CSRF token; reload the page")


def requires(role: Role, *, api: bool = False) -> Callable[[Handler], Handler]:
    """A handler for signed-in users with at least ``role``: anonymous pages redirect to
    /login (the API answers 401), a lower role gets 403."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            user = current_user(request)
            if user is None:
                if api:
                    raise web.HTTPUnauthorized(
                        text='{"error": "sign in or send Authorization: Bearer <token>"}',
                        content_type="application/json",
                        headers={"WWW-Authenticate": "Bearer"},
                    )
                target = request.path_qs if request.method == "GET" else "/"
                raise web.HTTPFound(f"/login?{web_query(next=target)}")
            if not user.role.allows(role):
                raise web.HTTPForbidden(text=f"this needs the {role.value} role")
            return await handler(request)

        return guarded

    return wrap


def web_query(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"
