"""Slack interactivity: the alert's buttons (Approve, Edit, Assign to me, Resolve).

Slack POSTs ``application/x-www-form-urlencoded`` with one ``payload`` field (JSON,
``type: block_actions``). Every request is verified first: ``X-Slack-Signature`` must be
``v0=`` + HMAC-SHA256 of ``v0:{X-Slack-Request-Timestamp}:{raw body}`` under the app's
signing secret (compared in constant time), and the timestamp at most five minutes old.
Anything else is answered 401 and touches nothing. The clicking Slack user is the actor of
every change (``slack:U0123ABCD (ana)``); the answer goes back to them alone (ephemeral,
through the payload's ``response_url``). The secret is never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
from aiohttp import web

from reputation.core.errors import ReputationError
from reputation.core.text import read_json
from responders.approval import ApprovalService
from responders.blocks import APPROVE, ASSIGN, EDIT, RESOLVE, escape_mrkdwn

log = logging.getLogger(__name__)

MAX_AGE_S = 300  # Slack's advice: refuse requests older than five minutes (replays)
Respond = Callable[[str, dict[str, Any]], Awaitable[None]]
_SLACK_HOOKS = "hooks.slack.com"


def signature_ok(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, *, now: float
) -> bool:
    """Slack's v0 request signature, and a timestamp within :data:`MAX_AGE_S` of ``now``."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > MAX_AGE_S:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


def slack_actor(user: Mapping[str, Any]) -> str:
    """``slack:U0123ABCD (ana)``: the stable id, and the name people read."""
    name = str(user.get("username") or user.get("name") or "").strip()
    actor = f"slack:{user.get('id')}"
    return f"{actor} ({name})" if name else actor


class SlackActions:
    """Handles one block_actions request at a time with the approval service."""

    def __init__(
        self,
        *,
        service: ApprovalService,
        signing_secret: str,
        web_base_url: str | None = None,
        approvers: Collection[str] = (),
        respond: Respond | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._service = service
        self._secret = signing_secret
        self._web = web_base_url.rstrip("/") if web_base_url else None
        self._approvers = frozenset(approvers)
        self._respond = respond
        self._clock = clock
        self._session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers
        if not signature_ok(
            self._secret,
            body,
            headers.get("X-Slack-Request-Timestamp"),
            headers.get("X-Slack-Signature"),
            now=self._clock(),
        ):
            log.warning("refused a Slack request with a bad or stale signature")
            return web.Response(status=401, text="invalid signature")
        try:
            form = parse_qs(body.decode("utf-8"), strict_parsing=False)
            payload = read_json(form["payload"][0])
        except (UnicodeDecodeError, KeyError, IndexError, ValueError):
            return web.Response(status=400, text="expected a form field `payload` with JSON")
        if not isinstance(payload, dict) or payload.get("type") != "block_actions":
            return web.Response(status=200)  # other interactions are not ours
        user: dict[str, Any] = payload["user"] if isinstance(payload.get("user"), dict) else {}
        replies = [await self._act(action, user) for action in payload.get("actions") or []]
        text = "\n".join(r for r in replies if r)
        response_url = payload.get("response_url")
        if text and isinstance(response_url, str):
            await self._answer(response_url, text)
        return web.Response(status=200)

    async def _act(self, action: Any, user: Mapping[str, Any]) -> str | None:
        if not isinstance(action, dict) or not user.get("id"):
            return None
        action_id, value = action.get("action_id"), str(action.get("value") or "")
        if action_id not in {APPROVE, EDIT, ASSIGN, RESOLVE} or not value:
            return None
        if action_id == EDIT:
            return await self._edit_link(value)
        if self._approvers and user["id"] not in self._approvers:
            return "You are not on this workspace's list of approvers; nothing changed."
        actor = slack_actor(user)
        service = self._service
        try:
            if action_id == APPROVE:
                draft = await service.approve(value, by=actor)
                answer = f"Approved {draft.id}; `reputation drafts post` posts it."
            elif action_id == ASSIGN:
                changed = await service.assign(value, to=actor, by=actor)
                answer = f"{value} is yours." if changed else f"{value} was already yours."
            else:
                resolved = await service.resolve(value, by=actor)
                answer = f"{value} resolved." if resolved else f"{value} was already resolved."
        except ReputationError as exc:
            return f"Nothing changed: {exc}"
        return answer

    async def _edit_link(self, value: str) -> str:
        try:
            draft = await self._service.find(value)
        except ReputationError as exc:
            return f"Nothing to edit: {exc}"
        if self._web:
            page = f"{self._web}/reviews/{quote(draft.source)}/{quote(draft.external_id, safe='')}"
            return f"Edit the draft on its page: {page}"
        return (
            f"Edit the draft with `reputation drafts edit {draft.id} --text ... --by NAME` "
            f"(or approve your text at once: `reputation drafts approve {draft.id} --text ...`)."
        )

    async def _answer(self, response_url: str, text: str) -> None:
        message = {
            "response_type": "ephemeral",
            "replace_original": False,
            "text": escape_mrkdwn(text),
        }
        if self._respond is not None:
            await self._respond(response_url, message)
            return
        url = urlsplit(response_url)
        if url.scheme != "https" or url.hostname != _SLACK_HOOKS:
            log.warning("not answering to a response_url outside %s", _SLACK_HOOKS)
            return
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        try:
            async with self._session.post(response_url, json=message) as response:
                if response.status >= 300:
                    log.warning("Slack's response_url answered HTTP %d", response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not answer through response_url: %s", type(exc).__name__)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def slack_actions_app(
    *,
    service: ApprovalService,
    signing_secret: str,
    web_base_url: str | None = None,
    approvers: Collection[str] = (),
    respond: Respond | None = None,
    clock: Callable[[], float] = time.time,
    path: str = "/slack/actions",
) -> web.Application:
    """An aiohttp application answering Slack's interactivity requests at ``path``."""
    actions = SlackActions(
        service=service,
        signing_secret=signing_secret,
        web_base_url=web_base_url,
        approvers=approvers,
        respond=respond,
        clock=clock,
    )
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_post(path, actions.handle)

    async def close(_: web.Application) -> None:
        await actions.aclose()

    app.on_cleanup.append(close)
    return app
