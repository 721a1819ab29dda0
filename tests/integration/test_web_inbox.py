"""The inbox: filters, search, pagination, escaping, CSV export and the JSON API."""

import csv
import io
from datetime import timedelta

import pytest

from reputation.core.accounts import Role
from reputation.core.models import Severity, utcnow
from tests.web_kit import seed_item

pytestmark = pytest.mark.integration


async def refs(client, query=""):
    response = await client.get(f"/api/v1/items?{query}")
    assert response.status == 200, await response.text()
    return {item["external_id"] for item in (await response.json())["items"]}


@pytest.fixture
async def seeded(store):
    now = utcnow()
    await seed_item(
        store,
        "late",
        severity=Severity.HIGH,
        due_in=timedelta(hours=-2),
        created_at=now - timedelta(hours=6),
        author="Bruno Lima",
    )
    await seed_item(
        store,
        "soon",
        severity=Severity.CRITICAL,
        due_in=timedelta(hours=1),
        text="Rude staff, never again",
        topics=("staff",),
    )
    await seed_item(
        store,
        "fa1",
        lang="fa",
        text="سفارش دیر رسید و خراب بود",
        source="digikala",
        author="مریم",
        location="tehran",
        severity=Severity.LOW,
    )
    await seed_item(
        store,
        "sus",
        suspicious=True,
        text="Worst shop ever",
        brand="Other Brand",
        due_in=timedelta(hours=30),
        created_at=now - timedelta(days=1),
    )
    await seed_item(
        store,
        "xss",
        text="<script>alert(1)</script> broken",
        author="=cmd|calc",
        due_in=timedelta(hours=60),
        created_at=now - timedelta(days=2),
    )


async def test_filters_return_the_right_items(web, seeded):
    client, _ = await web.signed_in("vera", Role.VIEWER)
    assert await refs(client) == {"late", "soon", "fa1", "sus", "xss"}
    assert await refs(client, "severity=high") == {"late"}
    assert await refs(client, "lang=fa") == {"fa1"}
    assert await refs(client, "source=digikala") == {"fa1"}
    assert await refs(client, "location=tehran") == {"fa1"}
    assert await refs(client, "brand=Other+Brand") == {"sus"}
    assert await refs(client, "topic=staff") == {"soon"}
    assert await refs(client, "sla=overdue") == {"late"}
    assert await refs(client, "sla=due_soon") == {"soon"}
    assert await refs(client, "suspicious=yes") == {"sus"}
    assert "sus" not in await refs(client, "suspicious=no")
    assert await refs(client, "status=drafted") == {"late", "soon", "fa1", "sus", "xss"}
    assert await refs(client, "status=resolved") == set()
    assert (await client.get("/api/v1/items?severity=enormous")).status == 400


async def test_status_follows_actions(web, store, seeded):
    client, csrf = await web.signed_in("ana")
    form = {"csrf": csrf, "source": "trustpilot", "external_id": "late"}
    assert (await client.post("/items/resolve", data=form)).status == 200
    assert await refs(client, "status=resolved") == {"late"}
    assert await refs(client, "sla=overdue") == set()


async def test_search_by_case_ref_author_and_text(web, store, seeded):
    client, _ = await web.signed_in("vera", Role.VIEWER)
    case = await store.cases.for_review("trustpilot", "soon")
    assert await refs(client, f"q={case.ref}") == {"soon"}
    assert await refs(client, f"q={case.ref.lower()}") == {"soon"}
    assert await refs(client, "q=bruno") == {"late"}
    assert await refs(client, "q=BRUNO+LI") == {"late"}
    assert await refs(client, "q=rude+sta") == {"soon"}  # last word as a prefix
    assert await refs(client, "q=never+again") == {"soon"}
    assert await refs(client, "q=خراب") == {"fa1"}
    assert await refs(client, "q=nothing+like+this") == set()
    combined = await refs(client, "q=broken&severity=medium")
    assert combined == {"xss"}


async def test_urgent_first_and_newest_first(web, seeded):
    client, _ = await web.signed_in("vera", Role.VIEWER)
    urgent = await (await client.get("/api/v1/items")).json()
    assert [i["external_id"] for i in urgent["items"]][:2] == ["soon", "late"]
    newest = await (await client.get("/api/v1/items?sort=newest")).json()
    assert newest["items"][-1]["external_id"] == "xss"


async def test_pagination(web, store):
    for n in range(7):
        await seed_item(store, f"p{n}", created_at=utcnow() - timedelta(minutes=n))
    client, _ = await web.signed_in("vera", Role.VIEWER)
    seen = []
    for page in (1, 2, 3):
        body = await (await client.get(f"/api/v1/items?sort=newest&per_page=3&page={page}")).json()
        assert body["total"] == 7
        assert body["pages"] == 3
        seen += [i["external_id"] for i in body["items"]]
    assert seen == [f"p{n}" for n in range(7)]
    html = await (await client.get("/?sort=newest&per_page=3&page=2")).text()
    assert "Page 2 of 3" in html
    assert "page=3" in html
    assert "page=1" in html


async def test_review_text_is_escaped_in_the_inbox(web, seeded):
    client, _ = await web.signed_in("vera", Role.VIEWER)
    html = await (await client.get("/")).text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'dir="rtl" lang="fa"' in html


async def test_csv_export_uses_the_filters_and_defuses_formulas(web, seeded):
    client, _ = await web.signed_in("vera", Role.VIEWER)
    response = await client.get("/export.csv?q=alert")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert {r["external_id"] for r in rows} == {"xss"}
    assert rows[0]["author"] == "'=cmd|calc"
    assert rows[0]["snippet"].startswith("<script>")  # CSV is data: kept as written
    everything = await client.get("/export.csv?lang=fa")
    text = (await everything.read()).decode("utf-8-sig")
    assert "مریم" in text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 1


async def test_the_api_needs_a_token_or_a_session(web, store, seeded):
    client = await web.client()
    anonymous = await client.get("/api/v1/items")
    assert anonymous.status == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    await web.user("robot", Role.VIEWER)
    token = await store.users.issue_token("robot")
    bad = await client.get("/api/v1/items", headers={"Authorization": "Bearer rpt_nope"})
    assert bad.status == 401
    good = await client.get("/api/v1/items?lang=fa", headers={"Authorization": f"Bearer {token}"})
    assert good.status == 200
    assert [i["external_id"] for i in (await good.json())["items"]] == ["fa1"]
    one = await client.get(
        "/api/v1/items/digikala/fa1", headers={"Authorization": f"Bearer {token}"}
    )
    body = await one.json()
    assert body["review"]["text"] == "سفارش دیر رسید و خراب بود"
    assert body["case"]["ref"].startswith("RP-")
    assert [e["type"] for e in body["events"]][:1] == ["collected"]
    missing = await client.get(
        "/api/v1/items/digikala/nope", headers={"Authorization": f"Bearer {token}"}
    )
    assert missing.status == 404
    # A token is for /api/v1 only; pages still need a session.
    page = await client.get(
        "/", headers={"Authorization": f"Bearer {token}"}, allow_redirects=False
    )
    assert page.status == 302
    await store.users.revoke_tokens("robot", actor="test")
    revoked = await client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status == 401
