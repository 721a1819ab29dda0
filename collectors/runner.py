"""Run collectors into storage: page by page, cursor advanced only after the page is stored,
bad items quarantined, one failing source never stopping the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from collectors._http import MalformedPayloadError
from collectors.base import SHAPE_ERRORS, Collector
from reputation.core.errors import ReputationError, SourceAuthError, StorageError
from reputation.core.models import Review
from reputation.storage.mongo import Store
from responders.approval import confirm_posted

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass
class SourceReport:
    source: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    pages: int = 0
    removed: int = 0
    confirmed: int = 0  # our posted replies the source now shows
    error: str | None = None
    skipped: str | None = None

    def line(self) -> str:
        if self.skipped:
            return f"{self.source}: skipped ({self.skipped})"
        text = (
            f"{self.source}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.quarantined} quarantined, {self.removed} marked removed at source "
            f"({self.pages} pages)"
        )
        if self.confirmed:
            text += f", {self.confirmed} posted replies confirmed"
        return f"{text}; ERROR {self.error}" if self.error else text


def fingerprint(collector: Collector) -> str:
    """Identifies the credential in use without storing it."""
    token = collector.config.token.get_secret_value() if collector.config.token else ""
    return hashlib.sha256(f"{collector.name}\0{token}".encode()).hexdigest()[:16]


async def collect_all(
    collectors: Sequence[Collector],
    store: Store,
    *,
    since: datetime | None = None,
    explicit: bool = False,
    progress: Progress = print,
) -> list[SourceReport]:
    """Every collector concurrently; each reports on its own."""
    return list(
        await asyncio.gather(
            *(
                collect_source(c, store, since=since, explicit=explicit, progress=progress)
                for c in collectors
            )
        )
    )


async def collect_source(
    collector: Collector,
    store: Store,
    *,
    since: datetime | None = None,
    explicit: bool = False,
    progress: Progress = print,
    stop: asyncio.Event | None = None,
) -> SourceReport:
    """One source, every location. Auth failures disable the source until its credential
    changes (or it is named explicitly); other errors end this run of this source only.
    When ``stop`` is set (the service is shutting down), the run ends after the page in
    hand is stored and its cursor advanced; the next run resumes from there."""
    report = SourceReport(collector.name)
    current = fingerprint(collector)
    disabled = await store.cursors.disabled(collector.name)
    if disabled and disabled[1] == current and not explicit:
        report.skipped = f"disabled: {disabled[0]} — fix the credentials or name it with --source"
        return report
    try:
        for location in collector.locations():
            if stop is not None and stop.is_set():
                break
            await _collect_location(collector, store, location, since, report, progress, stop)
    except SourceAuthError as exc:
        report.error = str(exc)
        await store.cursors.set_disabled(collector.name, str(exc), current)
        return report
    except MalformedPayloadError as exc:
        await store.quarantine.add(collector.name, exc.raw, str(exc))
        report.quarantined += 1
        report.error = str(exc)
    except (ReputationError, StorageError) as exc:
        report.error = str(exc)
    except SHAPE_ERRORS as exc:
        # A source module that let a shape error through: report it, keep the others running.
        log.exception("%s: unexpected error", collector.name)
        report.error = f"unexpected response shape: {type(exc).__name__}: {exc}"
    except Exception as exc:  # one source's bug must not end the other sources' runs
        log.exception("%s: unexpected error", collector.name)
        report.error = f"unexpected error: {type(exc).__name__}: {exc}"
    if disabled and report.error is None:
        await store.cursors.set_disabled(collector.name, None)
    return report


async def _collect_location(
    collector: Collector,
    store: Store,
    location: str,
    since: datetime | None,
    report: SourceReport,
    progress: Progress,
    stop: asyncio.Event | None = None,
) -> None:
    name = collector.name
    state = await store.cursors.get(name, location)
    resume = state.resume
    floor = since or (None if resume else state.high_water)
    full_scan = (
        collector.full_scan
        and since is None
        and (state.started_full_scan if resume else state.high_water is None)
    )
    # A complete scan from the first page can tell which reviews the source stopped showing.
    seen: set[str] | None = set() if full_scan and resume is None else None
    pages = 0
    capped = False
    async for page in collector.pages(location, resume=resume, since=floor):
        items = [_with_defaults(r, collector, location) for r in page.items]
        result = await store.reviews.upsert_many(items)
        report.confirmed += await confirm_posted(store, items)
        for reject in page.rejects:
            await store.quarantine.add(name, reject.raw, reject.reason)
        newest = max((r.last_changed_at for r in items), default=None)
        await store.cursors.advance(
            name, location, resume=page.resume, high_water=newest, started_full_scan=full_scan
        )
        report.new += result.new
        report.updated += result.updated
        report.unchanged += result.unchanged
        report.quarantined += len(page.rejects)
        report.pages += 1
        pages += 1
        if seen is not None:
            seen.update(r.external_id for r in items)
        where = f" {location}" if location else ""
        progress(f"· {name}{where}: page {pages}, {len(items)} items, {len(page.rejects)} bad")
        if page.resume is None:
            break
        if pages >= collector.config.max_pages or (stop is not None and stop.is_set()):
            seen = None  # the rest waits for the next run; the scan is not complete
            capped = True
            break
    if not capped:
        # The source stopped (last page, or `since` reached): the next run starts afresh.
        await store.cursors.advance(
            name, location, resume=None, high_water=None, started_full_scan=False
        )
    if seen:
        report.removed += await store.reviews.mark_removed_at_source(
            name, seen, location=location or None
        )


def _with_defaults(review: Review, collector: Collector, location: str) -> Review:
    update: dict[str, str] = {}
    if review.location is None and location:
        update["location"] = location
    if review.brand is None and collector.config.brand:
        update["brand"] = collector.config.brand
    return review.model_copy(update=update) if update else review
