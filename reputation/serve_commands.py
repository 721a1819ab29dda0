"""``reputation serve``: the web app and the scheduled jobs in one process, until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

import aiohttp

from config.settings import Settings
from reputation.app import build_drafter, build_model, build_notifier, open_store
from reputation.core.protocols import SentimentModel


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def add_parser(commands: Any) -> None:
    """The ``serve`` command (``commands`` is the CLI's subparsers)."""
    serve = commands.add_parser(
        "serve",
        help="run the service: web app, collection, classification, alerts, checks",
        description="Serve the web app (with /healthz, /readyz and Slack's /slack/actions) "
        "and run the scheduled jobs: collection per enabled source on its interval, "
        "classification and responses, the Slack outbox, SLA/digest/spike checks and the "
        "daily trend snapshot. Several processes may share one MongoDB: each job runs in "
        "one of them at a time (a lease per job), and moves on when a process dies. "
        "SIGTERM or Ctrl-C stops cleanly.",
    )
    serve.add_argument("--host", help="default: serve.host (127.0.0.1)")
    serve.add_argument("--port", type=int, help="default: serve.port (8080)")


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 after a clean stop, 1 when the model could not be loaded."""
    host = args.host or settings.serve.host
    port = settings.serve.port if args.port is None else int(args.port)
    return asyncio.run(run_service(settings, host=host, port=port))


async def run_service(settings: Settings, *, host: str, port: int) -> int:
    from reputation.service import Service

    # A run skipped because the previous one still runs (max_instances=1), or merged after
    # a busy spell (coalesce), is the design, not a problem: our own line reports each run.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)

    async def load() -> SentimentModel:
        return await asyncio.to_thread(build_model, settings, _say)

    async with open_store(settings, progress=_say) as store, aiohttp.ClientSession() as session:
        service = Service(
            settings=settings,
            store=store,
            notifier=build_notifier(settings),
            drafter=build_drafter(settings),
            session=session,
            load_model=load,
        )
        await service.start(host, port)
        where = service.address or (host, port)
        _say(f"serving on http://{where[0]}:{where[1]} (/healthz, /readyz) as {service.worker}")
        _say("jobs: " + ", ".join(spec.id for spec in service.runner.jobs))
        stopped = asyncio.create_task(stop.wait())
        failed = asyncio.create_task(service.failed.wait())
        await asyncio.wait({stopped, failed}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (stopped, failed):
            waiter.cancel()
        _say("stopping: running jobs finish their page")
        await service.close()
    _say("stopped")
    return 1 if service.model_error else 0
