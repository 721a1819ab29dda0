"""``/healthz`` and ``/readyz``: the bare routes, and the service's readiness against the
real MongoDB server (model loading, MongoDB gone, stopping)."""

import asyncio
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from config.settings import load_settings
from reputation.core.errors import ConfigError, StorageError
from reputation.service import Service
from reputation.web.health import add_health_routes
from responders.drafts import TemplateDrafter
from tests.fakes import FakeSentimentModel, RecordingNotifier

pytestmark = pytest.mark.integration


async def client_for(app):
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_healthz_is_200_and_readyz_follows_ready():
    state = {"ok": False}

    async def ready():
        if state["ok"]:
            return True, {"mongo": "ok"}
        return False, {"reason": "the sentiment model is still loading"}

    app = web.Application()
    add_health_routes(app, ready=ready)
    client = await client_for(app)
    try:
        assert (await client.get("/healthz")).status == 200
        response = await client.get("/readyz")
        assert response.status == 503
        assert (await response.json())["reason"] == "the sentiment model is still loading"
        state["ok"] = True
        response = await client.get("/readyz")
        assert response.status == 200
        assert await response.json() == {"status": "ready", "mongo": "ok"}
    finally:
        await client.close()


async def test_a_failing_readiness_check_is_a_503_with_its_reason():
    async def ready():
        raise StorageError("MongoDB at mongodb://db:27017 does not answer: ServerSelectionTimeout")

    app = web.Application()
    add_health_routes(app, ready=ready)
    client = await client_for(app)
    try:
        response = await client.get("/readyz")
        assert response.status == 503
        assert "does not answer" in (await response.json())["reason"]
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()


@pytest.fixture
async def service(store, settings):
    loaded = asyncio.Event()

    async def load_model():
        await loaded.wait()
        return FakeSentimentModel()

    async with aiohttp.ClientSession() as session:
        built = Service(
            settings=settings,
            store=store,
            notifier=RecordingNotifier(),
            drafter=TemplateDrafter(),
            session=session,
            load_model=load_model,
            worker="test:1:abc",
        )
        built.loaded = loaded
        yield built
        await built.close()


async def test_the_service_is_ready_once_the_model_is_loaded_and_mongo_answers(service):
    client = await client_for(service.web_app())
    service._loading = asyncio.create_task(service._load())
    try:
        assert (await client.get("/healthz")).status == 200
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["model"] == "loading"
        assert body["mongo"] == "ok"
        service.loaded.set()
        await service._loading
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 200, body
        assert body["model"] == "fake@1"
        assert body["worker"] == "test:1:abc"
        service.stopping = True  # SIGTERM: drain before the jobs stop
        response = await client.get("/readyz")
        assert response.status == 503
        assert "stopping" in (await response.json())["reason"]
    finally:
        await client.close()


async def test_readyz_is_503_when_mongo_is_gone(service):
    service.context.model = FakeSentimentModel()
    client = await client_for(service.web_app())
    try:
        service.store.close()  # the client is closed: pings fail like an unreachable server
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["mongo"] == "unreachable"
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()


async def test_slack_buttons_reach_their_endpoint_past_the_web_apps_csrf_check(
    store, clean_env, tmp_path
):
    clean_env.setenv("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")
    settings = load_settings(data_dir=tmp_path)

    async def load_model():
        return FakeSentimentModel()

    async with aiohttp.ClientSession() as session:
        service = Service(
            settings=settings,
            store=store,
            notifier=RecordingNotifier(),
            drafter=TemplateDrafter(),
            session=session,
            load_model=load_model,
        )
        client = await client_for(service.web_app())
        try:
            body = urlencode({"payload": json.dumps({"type": "view_closed"})}).encode()
            timestamp = str(int(time.time()))
            secret = b"8f742231b10e8888abcd99yyyzzz85a5"
            digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
            headers = {
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": "v0=" + digest.hexdigest(),
                "Content-Type": "application/x-www-form-urlencoded",
            }
            response = await client.post("/slack/actions", data=body, headers=headers)
            assert response.status == 200  # verified by signature, no session or CSRF token
            headers["X-Slack-Signature"] = "v0=" + "0" * 64
            response = await client.post("/slack/actions", data=body, headers=headers)
            assert response.status == 401
            assert (await client.get("/healthz")).status == 200
        finally:
            await client.close()
            await service.close()


async def test_a_port_in_use_is_a_configuration_error(service):
    blocker = web.AppRunner(web.Application())
    await blocker.setup()
    site = web.TCPSite(blocker, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(ConfigError, match="cannot listen on"):
            await service.start("127.0.0.1", port)
    finally:
        await blocker.cleanup()
