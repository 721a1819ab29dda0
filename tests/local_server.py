"""Serving a test's fake vendor API (Slack, Google Play…) on a loopback port."""

from __future__ import annotations

from aiohttp import web


async def serve_app(app: web.Application, port: int) -> web.AppRunner:
    """Start ``app`` on 127.0.0.1:``port``; the caller cleans the returned runner up."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner
