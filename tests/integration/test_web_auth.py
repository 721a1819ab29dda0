"""Sign-in, sessions, roles, CSRF and security headers of the web app."""

import pytest

from reputation.core.accounts import Role
from reputation.core.models import DraftStatus
from reputation.web.limits import LoginLimiter
from tests.web_kit import PASSWORD, csrf_of, login, seed_item

pytestmark = pytest.mark.integration


async def test_anonymous_requests_to_the_inbox_redirect_to_login(web):
    client = await web.client()
    response = await client.get("/", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/login")
    for path in ("/trends", "/export.csv", "/users", "/reviews/trustpilot/x", "/trends.csv"):
        assert (await client.get(path, allow_redirects=False)).status == 302, path
    page = await client.get("/login")
    assert page.status == 200
    assert 'name="password"' in await page.text()


async def test_login_success_and_failure(web):
    await web.user("ana", Role.VIEWER)
    client = await web.client()
    form = await client.get("/login")
    csrf = csrf_of(await form.text())
    wrong = await client.post(
        "/login", data={"csrf": csrf, "name": "ana", "password": "not the password"}
    )
    assert wrong.status == 401
    assert "Wrong name or password" in await wrong.text()
    nobody = await client.post("/login", data={"csrf": csrf, "name": "bob", "password": PASSWORD})
    assert nobody.status == 401
    right = await client.post(
        "/login",
        data={"csrf": csrf, "name": "ana", "password": PASSWORD, "next": "/trends"},
        allow_redirects=False,
    )
    assert right.status == 303
    assert right.headers["Location"] == "/trends"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP test server, not configured
    assert (await client.get("/", allow_redirects=False)).status == 200


async def test_signing_in_rotates_the_session_and_signing_out_ends_it(web):
    await web.user("ana")
    client = await web.client()
    await client.get("/login")
    anonymous = client.session.cookie_jar.filter_cookies(client.make_url("/"))["rp_session"].value
    csrf = await login(client, "ana", PASSWORD)
    signed = client.session.cookie_jar.filter_cookies(client.make_url("/"))["rp_session"].value
    assert signed != anonymous
    out = await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    client.session.cookie_jar.update_cookies({"rp_session": signed})  # a stolen old cookie
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_open_redirects_are_refused(web):
    await web.user("ana")
    client = await web.client()
    csrf = csrf_of(await (await client.get("/login")).text())
    response = await client.post(
        "/login",
        data={"csrf": csrf, "name": "ana", "password": PASSWORD, "next": "//evil.example/"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"


async def test_login_is_rate_limited_per_user(web, store, settings):
    from aiohttp.test_utils import TestClient, TestServer

    from reputation.web import create_app

    await web.user("ana")
    app = create_app(settings=settings, store=store, limiter=LoginLimiter(per_user=3))
    client = TestClient(TestServer(app))
    await client.start_server()
    web.clients.append(client)
    csrf = csrf_of(await (await client.get("/login")).text())
    for _ in range(3):
        response = await client.post("/login", data={"csrf": csrf, "name": "ana", "password": "x"})
        assert response.status == 401
    blocked = await client.post("/login", data={"csrf": csrf, "name": "ana", "password": PASSWORD})
    assert blocked.status == 429  # even the right password waits


async def test_secure_cookie_when_configured(web, settings):
    await web.user("ana")
    secure = settings.model_copy(
        update={"web": settings.web.model_copy(update={"cookie_secure": True})}
    )
    client = await web.client(settings=secure)
    response = await client.get("/login")
    assert "Secure" in response.headers["Set-Cookie"]


async def test_every_post_needs_the_session_csrf_token(web, store):
    case = await seed_item(store, "r1")
    client, csrf = await web.signed_in("ana")
    form = {"source": "trustpilot", "external_id": "r1"}
    missing = await client.post("/items/resolve", data=form)
    assert missing.status == 403
    bad = await client.post("/items/resolve", data={**form, "csrf": csrf + "x"})
    assert bad.status == 403
    assert (await store.cases.get(case.ref)).resolved_at is None
    good = await client.post("/items/resolve", data={**form, "csrf": csrf}, allow_redirects=False)
    assert good.status == 303
    assert (await store.cases.get(case.ref)).resolved_at is not None
    no_session = await web.client()
    refused = await no_session.post("/login", data={"name": "ana", "password": PASSWORD})
    assert refused.status == 403


async def test_a_viewer_cannot_approve(web, store):
    case = await seed_item(store, "r1", severity="high")
    client, csrf = await web.signed_in("vera", Role.VIEWER)
    response = await client.post(
        "/items/approve", data={"csrf": csrf, "source": "trustpilot", "external_id": "r1"}
    )
    assert response.status == 403
    draft = await store.approvals.latest(case.ref)
    assert draft.status is DraftStatus.DRAFTED
    page = await client.get("/reviews/trustpilot/r1")
    assert page.status == 200
    assert 'action="/items/approve"' not in await page.text()  # no buttons for viewers
    assert (await client.get("/users")).status == 403


async def test_security_headers_on_every_response(web):
    client = await web.client()
    for path in ("/login", "/", "/static/style.css", "/nope"):
        response = await client.get(path, allow_redirects=False)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


async def test_admin_manages_users(web, store):
    client, csrf = await web.signed_in("root", Role.ADMIN)
    page = await client.get("/users")
    assert page.status == 200
    added = await client.post(
        "/users",
        data={"csrf": csrf, "action": "add", "name": "bea", "role": "viewer", "password": PASSWORD},
        allow_redirects=False,
    )
    assert added.status == 303
    assert (await store.users.get("bea")).role is Role.VIEWER
    await client.post(
        "/users", data={"csrf": csrf, "action": "role", "name": "bea", "role": "responder"}
    )
    assert (await store.users.get("bea")).role is Role.RESPONDER
    await client.post("/users", data={"csrf": csrf, "action": "disable", "name": "bea"})
    assert await store.users.authenticate("bea", PASSWORD) is None
    text = await (await client.get("/users")).text()
    assert "argon2" not in text  # hashes are never rendered
    short = await client.post(
        "/users", data={"csrf": csrf, "action": "add", "name": "cy", "password": "short"}
    )
    assert short.status == 400


def test_users_cli_adds_a_user_and_prints_a_token(
    clean_env, mongo_uri, tmp_path, monkeypatch, capsys
):
    import asyncio
    import io
    import uuid

    from reputation import cli
    from reputation.storage import Store

    database = f"test_{uuid.uuid4().hex[:12]}"
    clean_env.setenv("REPUTATION_MONGO_URI", mongo_uri)
    clean_env.setenv("REPUTATION_MONGO__DATABASE", database)
    clean_env.setenv("REPUTATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["users", "add", "dora", "--role", "responder", "--password-stdin"]) == 0
    assert cli.main(["users", "token", "dora"]) == 0
    out = capsys.readouterr().out
    assert "added dora (responder)" in out
    token = out.strip().splitlines()[-1]
    assert token.startswith("rpt_")
    assert PASSWORD not in out

    async def check():
        store = await Store.connect(mongo_uri, database)
        try:
            assert (await store.users.get("dora")).role is Role.RESPONDER
            assert (await store.users.for_token(token)).name == "dora"
            assert await store.users.for_token(token + "x") is None
            raw = await store.db["api_tokens"].find_one({})
            assert token not in str(raw)  # only the digest is stored
        finally:
            store.close()

    asyncio.run(check())
