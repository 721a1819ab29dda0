"""The run loop against the real MongoDB wire server, with a scripted source."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import aiohttp
import pytest

from collectors._http import MalformedPayloadError, SourceHttp
from collectors.base import Collector, Page, Parsed, Reject
from collectors.runner import collect_all, collect_source
from config.settings import CollectorSettings
from reputation.core.errors import RetriableSourceError, SourceAuthError
from reputation.core.models import Review

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def review(n: int, text: str = "", hours: int = 0) -> Review:
    return Review(
        source="scripted",
        external_id=f"s{n}",
        text=text or f"texto {n}",
        rating=3,
        created_at=T0 - timedelta(hours=n),
        updated_at=T0 - timedelta(hours=n) + timedelta(hours=hours),
    )


class Scripted(Collector):
    """Pages of a fixed list; resume is the page index; can fail at a chosen page."""

    name = "scripted"
    base_url = "http://127.0.0.1:9"
    needs_ids: ClassVar[bool] = False
    script: ClassVar[list[list[Review]]] = []
    fail_at: ClassVar[int | None] = None
    failure: ClassVar[Exception] = RetriableSourceError("boom")
    calls: ClassVar[list[tuple[str | None, datetime | None]]] = []

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return Parsed()

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        type(self).calls.append((resume, since))
        start = int(resume or 0)
        for index in range(start, len(self.script)):
            if index == self.fail_at:
                raise self.failure
            items = self.script[index]
            last = index == len(self.script) - 1
            yield Page(items, [], resume=None if last else str(index + 1))


@pytest.fixture
async def make(request):
    async with aiohttp.ClientSession() as session:

        def build(script, *, fail_at=None, failure=None, token=None, **config):
            Scripted.script = script
            Scripted.fail_at = fail_at
            Scripted.failure = failure or RetriableSourceError("boom")
            Scripted.calls = []
            settings = CollectorSettings(enabled=True, token=token, **config)
            return Scripted(config=settings, http=SourceHttp(session, source="scripted"))

        yield build


def quiet(_message: str) -> None:
    pass


async def test_a_second_run_adds_nothing_and_an_edit_adds_a_revision(store, make):
    pages = [[review(1), review(2)], [review(3), review(4)]]
    first = await collect_source(make(pages), store, progress=quiet)
    assert (first.new, first.pages, first.error) == (4, 2, None)
    second = await collect_source(make(pages), store, progress=quiet)
    assert (second.new, second.updated) == (0, 0)
    edited = [[review(1, text="texto 1 — editado", hours=30), review(2)]]
    third = await collect_source(make(edited), store, progress=quiet)
    assert (third.new, third.updated) == (0, 1)
    assert len(await store.reviews.revisions("scripted", "s1")) == 1
    assert await store.reviews.count() == 4


async def test_incremental_runs_start_from_the_high_water_mark(store, make):
    await collect_source(make([[review(1), review(2)]]), store, progress=quiet)
    await collect_source(make([[review(1), review(2)]]), store, progress=quiet)
    assert Scripted.calls == [(None, T0 - timedelta(hours=1))]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    await collect_source(make([[review(1)]]), store, since=since, progress=quiet)
    assert Scripted.calls == [(None, since)]


async def test_a_crash_resumes_from_the_last_stored_page(store, make):
    pages = [[review(1)], [review(2)], [review(3)]]
    crashed = await collect_source(make(pages, fail_at=2), store, progress=quiet)
    assert crashed.error == "boom"
    assert crashed.new == 2
    resumed = await collect_source(make(pages), store, progress=quiet)
    assert Scripted.calls == [("2", None)]  # only the page that was not stored is read again
    assert (resumed.new, resumed.error) == (1, None)
    assert await store.reviews.count() == 3


async def test_a_full_scan_marks_missing_reviews_removed_never_deletes(store, make):
    await collect_source(make([[review(1), review(2), review(3)]]), store, progress=quiet)
    incremental = await collect_source(make([[review(1), review(3)]]), store, progress=quiet)
    assert incremental.removed == 0  # an incremental run cannot know what disappeared
    # Without a high-water mark (a new location, or one reset), a run reads everything.
    await store.db["cursors"].update_one({"_id": "scripted:"}, {"$unset": {"high_water": 1}})
    full = await collect_source(make([[review(1), review(3)]]), store, progress=quiet)
    assert full.removed == 1
    gone = await store.reviews.get("scripted", "s2")
    assert gone is not None
    assert gone.removed_at_source
    assert await store.reviews.count() == 3


async def test_a_capped_or_resumed_scan_marks_nothing(store, make):
    await collect_source(make([[review(1)], [review(2)], [review(3)]]), store, progress=quiet)
    await store.db["cursors"].update_one({"_id": "scripted:"}, {"$unset": {"high_water": 1}})
    capped = await collect_source(
        make([[review(1)], [review(3)]], max_pages=1), store, progress=quiet
    )
    assert capped.removed == 0


async def test_rejects_and_malformed_pages_are_quarantined(store, make):
    class WithReject(Scripted):
        async def pages(self, location, *, resume, since):
            yield Page([review(1)], [Reject('{"id": 5}', "scripted: missing field 'text'")])

    collector = make([])
    collector.__class__ = WithReject
    report = await collect_source(collector, store, progress=quiet)
    assert (report.new, report.quarantined) == (1, 1)
    bad = make(
        [[review(2)], [review(3)]], fail_at=1, failure=MalformedPayloadError("x", raw="<html>")
    )
    report = await collect_source(bad, store, progress=quiet)
    assert report.quarantined == 1
    records = await store.quarantine.list("scripted")
    assert {r.raw for r in records} == {'{"id": 5}', "<html>"}


async def test_an_auth_failure_disables_the_source_until_the_token_changes(store, make):
    failure = SourceAuthError("scripted: HTTP 401 (check the credentials)")
    report = await collect_source(
        make([[review(1)]], fail_at=0, failure=failure, token="old-token"), store, progress=quiet
    )
    assert "401" in (report.error or "")
    again = await collect_source(make([[review(1)]], token="old-token"), store, progress=quiet)
    assert again.skipped
    assert "disabled" in again.skipped
    assert Scripted.calls == []
    explicit = await collect_source(
        make([[review(1)]], token="old-token"), store, explicit=True, progress=quiet
    )
    assert explicit.new == 1
    fixed = await collect_source(make([[review(2)]], token="new-token"), store, progress=quiet)
    assert fixed.skipped is None


async def test_a_stop_ends_the_run_after_the_page_in_hand_and_the_next_run_resumes(store, make):
    pages = [[review(1)], [review(2)], [review(3)]]
    stop = asyncio.Event()

    def shutting_down(_message: str) -> None:
        stop.set()  # SIGTERM while page 1 was being stored

    stopped = await collect_source(make(pages), store, progress=shutting_down, stop=stop)
    assert (stopped.new, stopped.pages, stopped.error) == (1, 1, None)
    assert (await store.cursors.get("scripted", "")).resume == "1"
    resumed = await collect_source(make(pages), store, progress=quiet)
    assert Scripted.calls == [("1", None)]
    assert resumed.new == 2
    assert await store.reviews.count() == 3


async def test_an_unexpected_exception_ends_only_that_source_after_its_stored_pages(store, make):
    # A bug in one source module (here a RuntimeError on its second page) is reported on
    # that source; the page before it stays stored and the other sources' runs go on.
    broken = make([[review(1)], [review(2)]], fail_at=1, failure=RuntimeError("bug"))
    (report,) = await collect_all([broken], store, progress=quiet)
    assert report.new == 1
    assert report.error == "unexpected error: RuntimeError: bug"
    assert await store.reviews.get("scripted", "s1") is not None
