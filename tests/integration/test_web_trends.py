"""Daily trend snapshots, the trends page, its SVG charts, CSV and API, and comparisons."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from reputation.core.accounts import Role
from reputation.core.models import Label, Severity
from reputation.storage.trends import snapshot_day
from tests.web_kit import seed_item

pytestmark = pytest.mark.integration
DAY = date(2026, 3, 10)


def at(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def seed_days(store, brand="Aurora Home"):
    # Day 1: two negatives (one replied in 60 min, within SLA) and a positive 5-star.
    first = await seed_item(
        store,
        "a1",
        brand=brand,
        created_at=at(DAY),
        rating=1,
        due_in=timedelta(hours=4),
        topics=("delivery",),
    )
    await store.cases.mark_replied(first.ref, at=at(DAY, 10))
    await seed_item(
        store,
        "a2",
        brand=brand,
        created_at=at(DAY, 11),
        rating=2,
        due_in=timedelta(hours=4),
        topics=("delivery", "refund"),
    )
    await seed_item(
        store, "a3", brand=brand, created_at=at(DAY, 12), rating=5, label=Label.POSITIVE, topics=()
    )
    # The previous day: one negative on another source.
    before = DAY - timedelta(days=1)
    await seed_item(
        store,
        "b1",
        brand=brand,
        source="google_play",
        created_at=at(before),
        rating=1,
        severity=Severity.HIGH,
        topics=("staff",),
        due_in=timedelta(hours=4),
    )
    for day in (before, DAY):
        await snapshot_day(store, day)


async def test_snapshot_is_idempotent(store):
    await seed_days(store)
    cells = [doc async for doc in store.db["trend_snapshots"].find({}, {"snapshot_at": 0})]
    assert await snapshot_day(store, DAY) == 1
    again = [doc async for doc in store.db["trend_snapshots"].find({}, {"snapshot_at": 0})]
    assert again == cells
    assert len([c for c in cells if not c.get("rollup")]) == 2  # one cell a day
    # ... and a roll-up per combination of filters: 15 a day, one document per report.
    assert len([c for c in cells if c.get("rollup")]) == 30
    scopes = {c["scope"] for c in cells if c["day"].date() == DAY}
    assert "" in scopes
    assert "brand=Aurora Home|source=trustpilot" in scopes


async def test_report_figures_and_buckets(store):
    from reputation.core.trends import Grain, TrendQuery

    await seed_days(store)
    day = await store.trends.report(TrendQuery(start=DAY, end=DAY))
    total = day.total
    assert total.volume == 3
    assert total.average_rating == pytest.approx(8 / 3, abs=0.001)
    assert total.negatives == 2
    assert total.negative_share == pytest.approx(0.6667, abs=0.001)
    assert total.replies == 1
    assert total.response_median_min == 60.0
    assert total.sla_met == 1
    assert total.sla_missed == 1  # a2: unanswered at its deadline (a3 is due the next day)
    assert dict(total.top_topics) == {"delivery": 2, "refund": 1}
    week = await store.trends.report(
        TrendQuery(start=DAY - timedelta(days=1), end=DAY, grain=Grain.WEEK)
    )
    assert [b.volume for b in week.buckets] == [4]
    only_play = await store.trends.report(
        TrendQuery(start=DAY - timedelta(days=1), end=DAY, source="google_play")
    )
    assert [b.volume for b in only_play.buckets] == [1, 0]


async def test_trends_page_renders_svg_charts(web, store):
    await seed_days(store)
    client, _ = await web.signed_in("vera", Role.VIEWER)
    query = f"from={DAY.isoformat()}&to={DAY.isoformat()}"
    page = await client.get(f"/trends?{query}")
    assert page.status == 200
    html = await page.text()
    for name in ("volume", "rating", "negatives", "response", "sla", "topics"):
        assert f"/trends/charts/{name}.svg?" in html
        chart = await client.get(f"/trends/charts/{name}.svg?{query}&compare=previous")
        assert chart.status == 200, name
        assert chart.headers["Content-Type"].startswith("image/svg+xml")
        assert "<svg" in await chart.text()
    assert (await client.get(f"/trends/charts/pie.svg?{query}")).status == 404
    assert (await client.get("/trends?from=yesterday")).status == 400


async def test_chart_text_cannot_inject_markup(web, store):
    brand = "<script>alert(1)</script>"
    await seed_days(store, brand=brand)
    client, _ = await web.signed_in("vera", Role.VIEWER)
    query = f"from={DAY.isoformat()}&to={DAY.isoformat()}&brand=%3Cscript%3Ealert(1)%3C/script%3E"
    chart = await client.get(f"/trends/charts/volume.svg?{query}")
    svg = await chart.text()
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    page = await (await client.get(f"/trends?{query}")).text()
    assert "<script>alert" not in page


async def test_comparing_two_periods(web, store):
    await seed_days(store)
    client, _ = await web.signed_in("vera", Role.VIEWER)
    query = f"from={DAY.isoformat()}&to={DAY.isoformat()}&compare=previous"
    body = await (await client.get(f"/api/v1/trends?{query}")).json()
    assert body["current"]["total"]["volume"] == 3
    assert body["previous"]["query"]["start"] == (DAY - timedelta(days=1)).isoformat()
    assert body["previous"]["total"]["volume"] == 1
    assert body["previous"]["total"]["top_topics"] == [["staff", 1]]
    custom = await client.get(f"/api/v1/trends?{query[:-8]}2026-03-01..2026-03-09")
    assert (await custom.json())["previous"]["total"]["volume"] == 1
    html = await (await client.get(f"/trends?{query}")).text()
    assert "previous" in html
    response = await client.get(f"/trends.csv?{query}")
    rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert [(r["period"], r["volume"]) for r in rows] == [("current", "3"), ("previous", "1")]
    anonymous = await web.client()
    assert (await anonymous.get(f"/api/v1/trends?{query}")).status == 401
