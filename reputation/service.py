"""``reputation serve``'s process: the web app and the job runner on one event loop.

:class:`Service` starts the web app first (``/healthz`` answers at once, ``/readyz`` says
503 until the model is loaded), loads the sentiment model off the loop, and runs the job
table (:mod:`reputation.core.scheduler`). :meth:`Service.close` stops in order: no new jobs,
running jobs finish their page (bounded by ``serve.shutdown_grace_seconds``), the web
runner closes, then the model. The caller closes the store and the HTTP session.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from config.settings import Settings
from reputation.core.errors import ConfigError, ReputationError, StorageError
from reputation.core.jobs import JobContext
from reputation.core.protocols import Drafter, Notifier, SentimentModel
from reputation.core.scheduler import JobRunner, job_table
from reputation.web.health import add_health_routes
from responders.outbox import default_worker_id

if TYPE_CHECKING:
    from reputation.storage import Store

log = logging.getLogger(__name__)

ModelLoader = Callable[[], Awaitable[SentimentModel]]


class Service:
    """One ``serve`` process. Start with :meth:`start`, stop with :meth:`close`."""

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        notifier: Notifier,
        drafter: Drafter,
        session: aiohttp.ClientSession,
        load_model: ModelLoader,
        worker: str | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.worker = worker or default_worker_id()
        self.context = JobContext(
            settings=settings,
            store=store,
            notifier=notifier,
            drafter=drafter,
            session=session,
            worker=self.worker,
        )
        self.runner = JobRunner(
            context=self.context,
            leases=store.leases,
            table=job_table(settings),
            lease_s=settings.scheduler.lease_seconds,
        )
        self._load_model = load_model
        self._loading: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self.model_error: str | None = None
        self.failed = asyncio.Event()  # the model could not be loaded: the process exits 1
        self.stopping = False
        self.address: tuple[str, int] | None = None

    def web_app(self) -> web.Application:
        """The web app (``reputation.web.app.create_app`` when present), with the health
        routes and, when ``SLACK_SIGNING_SECRET`` is set, Slack's button endpoint."""
        app = _base_app(self.settings, self.store)
        if not _has_route(app, "/healthz"):
            add_health_routes(app, ready=self.ready)
        secret = self.settings.slack.signing_secret
        if secret is not None and secret.get_secret_value() and not _has_route(app, "/slack"):
            from responders.approval import ApprovalService
            from responders.posting import CollectorRepliers
            from responders.slack_actions import SlackActions

            actions = SlackActions(
                service=ApprovalService(
                    store=self.store,
                    settings=self.settings,
                    repliers=CollectorRepliers(self.settings, self.context.session),
                ),
                signing_secret=secret.get_secret_value(),
                web_base_url=self.settings.web.base_url,
                approvers=self.settings.slack.approvers,
            )
            # On the app itself (not a sub-app): the web app's hooks read its own state.
            app.router.add_post("/slack/actions", actions.handle)

            async def close_actions(_: web.Application) -> None:
                await actions.aclose()

            app.on_cleanup.append(close_actions)
        # Probes and Slack authenticate their own way (none; a request signature): they
        # answer before the web app's session and CSRF middleware.
        app.middlewares.insert(0, _direct(("/healthz", "/readyz", "/slack/")))
        return app

    async def start(self, host: str, port: int) -> None:
        """Serve the web app, start loading the model and start the jobs."""
        runner = web.AppRunner(self.web_app(), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(f"serve: cannot listen on {host}:{port}: {exc.strerror}") from None
        self._web = runner
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.address = sockets[0].getsockname()[:2] if sockets else (host, port)
        self._loading = asyncio.create_task(self._load(), name="load-model")
        self.runner.start()

    async def _load(self) -> None:
        try:
            self.context.model = await self._load_model()
        except ReputationError as exc:
            self.model_error = str(exc)
            log.error("the sentiment model could not be loaded: %s", exc)  # noqa: TRY400
            self.failed.set()
        else:
            model = self.context.model
            log.info("sentiment model %s@%s loaded", model.name, model.version)

    async def ready(self) -> tuple[bool, dict[str, Any]]:
        """For ``/readyz``: MongoDB answers, the model is loaded, the process is not stopping."""
        problems: list[str] = []
        details: dict[str, Any] = {"worker": self.worker}
        try:
            await self.store.ping()
            details["mongo"] = "ok"
        except StorageError as exc:
            details["mongo"] = "unreachable"
            problems.append(str(exc))
        model = self.context.model
        if model is not None:
            details["model"] = f"{model.name}@{model.version}"
        else:
            details["model"] = "failed" if self.model_error else "loading"
            problems.append(self.model_error or "the sentiment model is still loading")
        if self.stopping:
            problems.append("stopping")
        details["jobs_running"] = self.runner.running
        if problems:
            details["reason"] = "; ".join(problems)
        return not problems, details

    async def close(self) -> None:
        """Stop jobs (bounded wait), close the web runner, then the model."""
        self.stopping = True
        await self.runner.stop(grace_s=self.settings.serve.shutdown_grace_seconds)
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self._loading is not None and not self._loading.done():
            # The load runs in a thread that cannot be interrupted: let it finish, then close.
            await asyncio.gather(self._loading, return_exceptions=True)
        if self.context.model is not None:
            await self.context.model.aclose()
            self.context.model = None


def _base_app(settings: Settings, store: Store) -> web.Application:
    """The inbox/trends web app when the package has one, else an empty app."""
    try:
        module = importlib.import_module("reputation.web.app")
    except ModuleNotFoundError as exc:
        if exc.name != "reputation.web.app":
            raise
        return web.Application()
    app = module.create_app(settings=settings, store=store)
    if not isinstance(app, web.Application):
        raise TypeError("reputation.web.app.create_app must return an aiohttp Application")
    return app


def _has_route(app: web.Application, prefix: str) -> bool:
    for resource in app.router.resources():
        path = resource.get_info().get("path") or resource.get_info().get("prefix") or ""
        if str(path).startswith(prefix):
            return True
    return False


def _direct(prefixes: tuple[str, ...]) -> Middleware:
    """A middleware that hands requests under ``prefixes`` straight to their route's handler,
    skipping the middlewares after it (the web app's sign-in cookie and CSRF checks)."""

    @web.middleware
    async def direct(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(prefixes) and request.match_info.http_exception is None:
            return await request.match_info.handler(request)
        return await handler(request)

    return direct
