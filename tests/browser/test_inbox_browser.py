"""The inbox in real headless Chromium: sign in, open a flagged Persian review, edit and
approve its draft, then see the trends page draw its charts.

The app is the real one (``create_app``) on a free localhost port over the session's MongoDB;
the data is the bundled sample run through the real pipeline with the fake model, moved so
it ends now, with some cases replied to and the last month snapshotted for the trends.
Screenshots go to ``var/test-artifacts/browser/``; with ``REPUTATION_UPDATE_SCREENSHOTS=1``
the inbox and trends ones are also written, optimised, to ``docs/screenshots/`` (the README's).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from config.settings import Settings
from reputation.core.accounts import Role
from reputation.core.models import DraftStatus, utcnow
from reputation.core.pipeline import Pipeline
from reputation.demo.runner import sample_lines
from reputation.storage import Store
from reputation.storage.trends import snapshot_recent
from reputation.web import create_app
from responders.drafts import TemplateDrafter
from tests.browser.conftest import ROOT
from tests.fakes import FakeSentimentModel, RecordingNotifier
from tests.web_kit import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.timeout(120)]

PERSIAN = ("digikala", "49479306")  # one star: a cracked kettle sold as new
ADDED = "\nبا سپاس از صبر شما؛ کتری جدید همین هفته برایتان ارسال می‌شود."
DOCS = ROOT / "docs" / "screenshots"
# Read at import: the ``settings`` fixture clears REPUTATION_* from the environment.
UPDATE_DOCS = os.environ.get("REPUTATION_UPDATE_SCREENSHOTS") == "1"


def moved_to_now(lines: list[str], now: datetime) -> list[str]:
    """The sample with its dates squeezed into the month before ``now`` (order kept)."""
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            records.append(line)  # the deliberately malformed record stays as it is
    stamps = [parse(r["created_at"]) for r in records if isinstance(r, dict)]
    latest = max(stamps)
    moved = []
    for record in records:
        if isinstance(record, dict):
            for name in ("created_at", "updated_at"):
                if record.get(name):
                    at = now - (latest - parse(record[name])) / 2 - timedelta(hours=1)
                    record[name] = at.isoformat()
            record = json.dumps(record, ensure_ascii=False)
        moved.append(record)
    return moved


def parse(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def seed(store: Store, settings: Settings) -> str:
    """A responder; the sample through the pipeline; cases backdated; trends snapshotted.
    Returns the Persian review's case reference."""
    await store.users.add("ana", role=Role.RESPONDER, password=PASSWORD)
    pipeline = Pipeline(
        store=store,
        model=FakeSentimentModel(),
        drafter=TemplateDrafter(),
        notifier=RecordingNotifier(),
        settings=settings,
    )
    report = await pipeline.run(moved_to_now(sample_lines(), utcnow()), source="sample")
    assert report.flagged > 10, report
    persian = await store.reviews.get(*PERSIAN)
    assert persian is not None
    assert persian.case_ref, "the one-star Persian review was not flagged"
    await backdate_cases(store, keep_open=persian.case_ref)
    await snapshot_recent(store, days=31)
    return persian.case_ref


async def backdate_cases(store: Store, *, keep_open: str) -> None:
    """The pipeline opened every case just now: open each when its review was written
    instead, and answer most of the older ones (some late), so the response-time and SLA
    charts have data. Runs before the app first reads, so the inbox syncs it all."""
    now = utcnow()
    docs = [doc async for doc in store.db["cases"].find({}, {"_id": 1}).sort("_id", 1)]
    for number, doc in enumerate(docs):
        case = await store.cases.get(doc["_id"])
        assert case is not None
        review = await store.reviews.get(case.source, case.external_id)
        assert review is not None
        shift = review.created_at + timedelta(minutes=5) - case.created_at
        opened = case.created_at + shift
        await store.db["cases"].update_one(
            {"_id": case.ref},
            {
                "$set": {
                    "created_at": opened,
                    "reply_due_at": case.reply_due_at + shift,
                    "private_contact_due_at": case.private_contact_due_at + shift,
                }
            },
        )
        if case.ref == keep_open or opened > now - timedelta(days=2) or number % 4 == 3:
            continue
        replied = opened + timedelta(minutes=20 + (number * 137) % 900)
        await store.cases.mark_replied(case.ref, at=replied)
        if number % 2:
            await store.cases.mark_private_contact(case.ref, at=replied + timedelta(hours=30))


@pytest.fixture
async def site(store: Store, settings: Settings) -> AsyncIterator[str]:
    """The real web app on a free localhost port; yields its base URL."""
    server = TestServer(create_app(settings=settings, store=store), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def shot(page: Page, folder: Path, name: str, *, full_page: bool = False) -> Path:
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path


def publish(path: Path, name: str) -> None:
    """A small palette PNG of a screenshot for the README (only when asked to)."""
    from PIL import Image

    DOCS.mkdir(parents=True, exist_ok=True)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE)
        small.save(DOCS / f"{name}.png", optimize=True)


async def test_sign_in_approve_a_persian_draft_and_see_trends(
    browser_page, store, settings, site, artifacts
):
    page: Page = browser_page
    ref = await seed(store, settings)

    # Anonymous: the inbox sends us to the sign-in form.
    await page.goto(f"{site}/")
    await expect(page).to_have_url(f"{site}/login?next=/")
    await page.get_by_label("Name").fill("ana")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{site}/")
    await expect(page.locator("h1")).to_contain_text("Inbox")
    await expect(page.locator(".who")).to_have_text("ana (responder)")
    await expect(page.locator("table.items tbody tr").first).to_be_visible()
    inbox_png = await shot(page, artifacts, "inbox")

    # Find the Persian review by its case reference, as a responder would.
    await page.get_by_label("Search").fill(ref)
    await page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.items tbody tr")
    await expect(rows).to_have_count(1)
    cell = rows.first.locator("td[lang=fa]")
    await expect(cell).to_have_attribute("dir", "rtl")
    await rows.first.get_by_role("link", name=ref).click()
    await expect(page).to_have_url(f"{site}/reviews/{PERSIAN[0]}/{PERSIAN[1]}")
    await expect(page.locator("h1")).to_contain_text(ref)

    # The draft editor is right to left; edit, save, then approve.
    editor = page.get_by_label("Reply text")
    await expect(editor).to_have_attribute("dir", "rtl")
    assert await editor.evaluate("e => getComputedStyle(e).direction") == "rtl"
    drafted = await editor.input_value()
    assert ref in drafted
    edited = drafted + ADDED
    await editor.fill(edited)
    await page.get_by_role("button", name="Save edit").click()
    await expect(page.get_by_label("Reply text")).to_have_value(edited)
    await page.get_by_role("button", name="Approve").click()
    heading = page.locator("section.draft h2")
    await expect(heading).to_contain_text("approved · approved by web:ana")
    await expect(page.locator("section.draft")).to_contain_text("کتری جدید همین هفته")
    await expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    await shot(page, artifacts, "item", full_page=True)

    draft = await store.approvals.latest(ref)
    assert draft.status is DraftStatus.APPROVED
    assert draft.approved_by == "web:ana"
    # The service stores the text trimmed and NFC-normalised (responders/approval.py).
    assert draft.current_text == unicodedata.normalize("NFC", edited.strip())
    assert "\r" not in draft.current_text
    assert draft.edits[-1].by == "web:ana"

    # Trends: every chart is an SVG that loaded and has a size.
    await page.get_by_role("link", name="Trends").click()
    await expect(page).to_have_url(f"{site}/trends")
    await expect(page.locator("table.summary tbody tr").first).to_be_visible()
    charts = page.locator(".charts img")
    assert await charts.count() == 6
    for index in range(await charts.count()):
        chart = charts.nth(index)
        await chart.scroll_into_view_if_needed()
        await chart.evaluate(
            "img => img.complete && img.naturalWidth ? true"
            " : new Promise((ok, fail) => { img.onload = () => ok(true); img.onerror = fail; })"
        )
        size = await chart.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        box = await chart.bounding_box()
        assert min(size) > 0, (index, size)
        assert box is not None
        assert box["width"] > 100, (index, box)
        assert box["height"] > 50, (index, box)
    summary = page.locator("table.summary tbody tr").first.locator("td").first
    assert int(await summary.inner_text()) > 10  # volume read from the snapshots
    await page.evaluate("window.scrollTo(0, 0)")
    trends_png = await shot(page, artifacts, "trends")

    if UPDATE_DOCS:
        publish(inbox_png, "inbox")
        publish(trends_png, "trends")
