"""A local fake of Slack's ``chat.postMessage`` (aiohttp.web), shaped like the real API.

* POST /api/chat.postMessage with a JSON body (what slack-sdk sends) or a form body (blocks
  as a JSON string, token as a field or a Bearer header);
* wrong or missing token: HTTP 200 ``{"ok": false, "error": "invalid_auth"}`` (Slack's way);
* success: ``{"ok": true, "channel": "C…", "ts": "…", "message": {...}}``, one increasing ts;
* a thread reply to a ts it never issued: ``thread_not_found``;
* scripted failures: ``fail_next("ratelimited", retry_after=2)`` answers HTTP 429 with
  ``Retry-After``; ``fail_next("server_error")`` answers HTTP 500 with an HTML body;
  ``await stop()`` closes the port (connection refused) and ``await start()`` reopens it.

``received`` keeps every accepted message with its arrival time (monotonic seconds);
``attempts`` counts every request, answered or not.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from reputation.storage.server import free_port
from tests.local_server import serve_app


@dataclass
class Posted:
    """One message Slack accepted."""

    channel: str
    ts: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]]
    body: dict[str, Any]
    at: float


@dataclass
class FakeSlack:
    token: str = "xoxb-fake-0000-test-token"
    port: int = 0
    received: list[Posted] = field(default_factory=list)
    attempts: int = 0
    attempt_times: list[float] = field(default_factory=list)
    _script: deque[tuple[str, float | None]] = field(default_factory=deque)
    _runner: web.AppRunner | None = None
    _ts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def fail_next(self, error: str, *, retry_after: float | None = None, times: int = 1) -> None:
        """Answer the next ``times`` requests with ``ratelimited`` (429) or ``server_error``
        (500), or any other Slack error code (HTTP 200, ok false)."""
        for _ in range(times):
            self._script.append((error, retry_after))

    def by_channel(self, channel: str) -> list[Posted]:
        return [p for p in self.received if p.channel == channel]

    async def start(self) -> FakeSlack:
        self.port = self.port or free_port()
        app = web.Application()
        app.router.add_post("/api/chat.postMessage", self._post_message)
        self._runner = await serve_app(app, self.port)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return data if isinstance(data, dict) else {}
        form = dict(await request.post())
        body: dict[str, Any] = {k: str(v) for k, v in form.items()}
        if "blocks" in body:
            body["blocks"] = json.loads(body["blocks"])
        return body

    async def _post_message(self, request: web.Request) -> web.Response:
        self.attempts += 1
        self.attempt_times.append(time.monotonic())
        body = await self._body(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token")
        if token != self.token:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if self._script:
            error, retry_after = self._script.popleft()
            if error == "ratelimited":
                headers = {"Retry-After": str(retry_after if retry_after is not None else 1)}
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                )
            if error == "server_error":
                return web.Response(
                    status=500, text="<html>upstream error</html>", content_type="text/html"
                )
            return web.json_response({"ok": False, "error": error})
        channel = str(body.get("channel") or "")
        if not channel:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        if not (body.get("text") or body.get("blocks")):
            return web.json_response({"ok": False, "error": "no_text"})
        thread_ts = body.get("thread_ts")
        if thread_ts is not None and not any(
            p.ts == thread_ts and p.channel == channel for p in self.received
        ):
            return web.json_response({"ok": False, "error": "thread_not_found"})
        self._ts += 1
        ts = f"{1_700_000_000 + self._ts}.{self._ts:06d}"
        self.received.append(
            Posted(
                channel=channel,
                ts=ts,
                thread_ts=thread_ts,
                text=str(body.get("text") or ""),
                blocks=list(body.get("blocks") or []),
                body=body,
                at=time.monotonic(),
            )
        )
        message = {"type": "message", "text": body.get("text", ""), "ts": ts, "bot_id": "B1"}
        if thread_ts:
            message["thread_ts"] = thread_ts
        return web.json_response(
            {"ok": True, "channel": _channel_id(channel), "ts": ts, "message": message}
        )


def _channel_id(channel: str) -> str:
    if channel.startswith(("C", "G")) and channel.isupper():
        return channel
    return "C" + format(abs(hash(channel)) % 10**10, "010d")
