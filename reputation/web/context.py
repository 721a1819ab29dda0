"""What every handler reaches through the application: settings, storage, services."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from config.settings import Settings
from reputation.core.accounts import Session, User
from reputation.storage import Store
from reputation.web.limits import LoginLimiter
from reputation.web.render import Templates
from responders.approval import ApprovalService


@dataclass
class WebContext:
    settings: Settings
    store: Store
    templates: Templates
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    service: ApprovalService | None = None  # set at startup when not injected


CONTEXT = web.AppKey("reputation_web", WebContext)
USER = web.RequestKey("reputation_user", User)
SESSION = web.RequestKey("reputation_session", Session)
SESSION_ID = web.RequestKey("reputation_session_id", str)
LOGIN_NAME = web.RequestKey("reputation_login_name", str)


def ctx(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


def service(request: web.Request) -> ApprovalService:
    approval = ctx(request).service
    if approval is None:  # pragma: no cover - set by create_app's startup hook
        raise web.HTTPServiceUnavailable(text="starting")
    return approval


def current_user(request: web.Request) -> User | None:
    return request.get(USER)


def current_session(request: web.Request) -> Session | None:
    return request.get(SESSION)


def current_session_id(request: web.Request) -> str | None:
    return request.get(SESSION_ID)
