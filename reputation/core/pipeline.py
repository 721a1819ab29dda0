"""collect → store → classify → flag → draft → alert, with every collaborator injected.

Each step works from what storage says is pending, so a run that stops half-way is finished
by the next one, and running twice does nothing new the second time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import ValidationError

from config.settings import BrandSettings, Settings
from reputation.core.models import (
    Case,
    Draft,
    Label,
    Review,
    ReviewStatus,
    Sentiment,
    Severity,
    StoredReview,
    utcnow,
)
from reputation.core.protocols import Drafter, Notifier, SentimentModel
from reputation.core.text import blank, read_json
from responders.drafts import first_name, wording
from responders.drafts import needs_approval as approval_needed
from responders.outbox import Outbox
from responders.routing import Router, case_alert
from responders.suspicion import check_stored
from responders.thanks import thanks_ref, wants_thanks
from sentiment.mixed import score_reviews
from sentiment.rules import assess

if TYPE_CHECKING:
    from reputation.storage import IngestResult, Store

log = logging.getLogger(__name__)
# Reviews scored per call: the model's workers pad less and idle less on bigger calls
# (2,000 reviews through classify's loop: 512 a call 121-125 reviews/s, 256 106-111).
CLASSIFY_BATCH = 512

Progress = Callable[[str], None]
# Statuses the system may move on its own; anything later was set by a person.
AUTOMATIC = (ReviewStatus.NEW, ReviewStatus.CLASSIFIED, ReviewStatus.FLAGGED)


@dataclass
class RunReport:
    """What one pipeline run did (this run only; storage totals are asked separately)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    quarantined: int = 0
    classified: int = 0
    flagged: int = 0
    cases_opened: int = 0
    drafts_created: int = 0
    alerts_queued: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    thanks_drafted: int = 0
    suspicious: int = 0
    errors: list[str] = field(default_factory=list)


def _quiet(_: str) -> None:
    return None


class Pipeline:
    """Moves reviews from raw records to drafts and delivered alerts."""

    def __init__(
        self,
        *,
        store: Store,
        model: SentimentModel,
        drafter: Drafter,
        notifier: Notifier,
        settings: Settings,
        progress: Progress = _quiet,
    ) -> None:
        self.store = store
        self.model = model
        self.drafter = drafter
        self.notifier = notifier
        self.settings = settings
        self.progress = progress

    async def run(self, records: Iterable[str], *, source: str) -> RunReport:
        report = RunReport()
        await self.ingest_lines(records, source=source, report=report)
        await self.classify_pending(report)
        await self.respond(report)
        await self.deliver(report)
        return report

    async def ingest_lines(self, lines: Iterable[str], *, source: str, report: RunReport) -> None:
        """Parse JSON lines into reviews; quarantine bad ones with the reason; store the rest."""
        reviews: list[Review] = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = read_json(line)
            except json.JSONDecodeError as exc:
                await self._quarantine(source, line, f"line {number}: not JSON: {exc.msg}", report)
                continue
            try:
                reviews.append(Review.model_validate(row))
            except ValidationError as exc:
                named = row.get("source") if isinstance(row, dict) else None  # its own, if any
                reason = f"line {number}: {_reason(exc)}"
                await self._quarantine(str(named or source), line, reason, report)
        await self.store_reviews(reviews, report)

    async def _quarantine(self, source: str, raw: str, reason: str, report: RunReport) -> None:
        await self.store.quarantine.add(source, raw, reason)
        report.quarantined += 1
        log.warning("quarantined a %s record: %s", source, reason)

    async def store_reviews(self, reviews: list[Review], report: RunReport) -> IngestResult:
        result = await self.store.reviews.upsert_many(reviews)
        report.new += result.new
        report.updated += result.updated
        report.unchanged += result.unchanged
        report.stale += result.stale
        self.progress(
            f"stored {len(reviews)} records: {result.new} new, {result.updated} "
            f"edited, {result.unchanged} unchanged, {result.stale} older versions"
        )
        return result

    async def classify_pending(
        self,
        report: RunReport,
        *,
        batch_size: int = CLASSIFY_BATCH,
        stop: asyncio.Event | None = None,
    ) -> None:
        """Score every review whose current content has no sentiment yet (with ``stop``:
        until it is set, finishing the batch in hand)."""
        threshold = self.settings.sentiment.negative_threshold
        while not _stopped(stop) and (
            pending := await self.store.reviews.pending_classification(batch_size)
        ):
            texts = [r.full_text for r in pending]
            with_text = [i for i, t in enumerate(texts) if not blank(t)]
            scores = await score_reviews(
                self.model,
                [texts[i] for i in with_text],
                [pending[i].kind.value for i in with_text],
                [pending[i].lang for i in with_text],
            )
            by_index = dict(zip(with_text, scores, strict=True))
            results = [
                (
                    review,
                    assess(
                        text=texts[i],
                        rating=review.rating,
                        lang=review.lang,
                        score=by_index.get(i),
                        model=f"{self.model.name}@{self.model.version}",
                        content_hash=review.content_hash,
                        negative_threshold=threshold,
                        override=_current_override(review),
                    ),
                )
                for i, review in enumerate(pending)
            ]
            # Every review goes through the response step: flagged ones get a case and a
            # reply, the others the suspicion checks and (if the brand wants) a thank-you.
            saved = await self.store.reviews.save_sentiments(
                results, also_respond=[r.key for r, s in results if not s.flag]
            )
            report.classified += saved
            report.flagged += sum(1 for _, s in results if s.flag)
            # Saving a sentiment changes what the inbox shows (a flagged item joins it before
            # its case opens; an edited one is re-assessed): the event tells the inbox's sync.
            await self.store.events.append_for_reviews(
                "flagged",
                [
                    (r.key, {"hash": s.content_hash, "severity": s.severity.value})
                    for r, s in results
                    if s.flag
                ],
            )
            self.progress(f"classified {report.classified} texts")
            if saved == 0:
                break  # every one was edited meanwhile; the next run picks them up

    async def respond(
        self, report: RunReport, *, batch_size: int = 256, stop: asyncio.Event | None = None
    ) -> None:
        """Open a case, write a draft and queue an alert for each flagged review; check the
        others for suspicious patterns and thank positive ones when the brand wants it.
        With ``stop``: until it is set, finishing the review in hand."""
        while not _stopped(stop) and (
            pending := await self.store.reviews.pending_response(batch_size)
        ):
            for review in pending:
                if _stopped(stop):
                    return
                await self._respond_to(review, report)

    async def _respond_to(self, review: StoredReview, report: RunReport) -> None:
        sentiment = review.sentiment
        assert sentiment is not None  # noqa: S101 - pending_response implies classified
        if not sentiment.flag:
            await self._respond_unflagged(review, sentiment, report)
            return
        brand = self.settings.brand_for(review.brand)
        now = utcnow()
        sla = self.settings.sla
        router = Router.from_settings(self.settings)
        route = router.route(review, sentiment)  # picks the owner once, when the case opens
        case, created = await self.store.cases.open_for(
            Case(
                ref="RP-0000",
                source=review.source,
                external_id=review.external_id,
                brand=review.brand,
                lang=sentiment.lang,
                severity=sentiment.severity,
                topics=sentiment.topics,
                created_at=now,
                reply_due_at=now + timedelta(hours=sla.reply_hours[sentiment.severity.value]),
                private_contact_due_at=now + timedelta(hours=sla.private_contact_hours),
                team=route.team,
                slack_channel=route.channel,
            )
        )
        report.cases_opened += int(created)
        if review.case_ref != case.ref:
            await self.store.reviews.link_case(review.source, review.external_id, case.ref)
        suspicion = await check_stored(self.store.reviews, review)
        draft, drafted = await self._write_draft(
            review,
            sentiment,
            case,
            brand,
            needs_approval=approval_needed(
                sentiment.severity, brand, suspicious=suspicion is not None
            ),
            now=now,
        )
        report.drafts_created += int(drafted)
        if case.slack_channel is None:  # opened before routing existed: give it its owner
            case = (
                await self.store.cases.set_owner(case.ref, team=route.team, channel=route.channel)
                or case
            )
        escalated = not created and await self.store.cases.escalate(case.ref, sentiment.severity)
        alert = case_alert(
            review=review,
            sentiment=sentiment,
            case=case,
            draft=draft,
            router=router,
            route=route,
            created=created,
            escalated=escalated,
            drafted=drafted,
            now=now,
        )
        queued = alert is not None and await self.store.alerts.enqueue(alert)
        report.alerts_queued += int(queued)
        await self.store.reviews.set_status(
            review.source, review.external_id, ReviewStatus.DRAFTED, only_from=AUTOMATIC
        )
        await self.store.reviews.responded(review.source, review.external_id, review.content_hash)

    async def _respond_unflagged(
        self, review: StoredReview, sentiment: Sentiment, report: RunReport
    ) -> None:
        """A suspicious item is labelled for a human and never thanked automatically; a
        positive review of a brand with ``thank_positive`` gets a thank-you draft."""
        suspicion = await check_stored(self.store.reviews, review)
        report.suspicious += int(suspicion is not None)
        brand = self.settings.brand_for(review.brand)
        if suspicion is None and wants_thanks(review, sentiment, brand):
            ref = thanks_ref(review.source, review.external_id)
            # The drafter reads a case for its seed and placeholders; a thank-you has none,
            # so a stand-in carries the TY- reference (model_copy skips the RP- pattern).
            now = utcnow()
            case = Case(
                ref="RP-0000",
                source=review.source,
                external_id=review.external_id,
                brand=review.brand,
                lang=sentiment.lang,
                severity=Severity.LOW,
                created_at=now,
                reply_due_at=now,
                private_contact_due_at=now,
            ).model_copy(update={"ref": ref})
            _, drafted = await self._write_draft(
                review,
                sentiment,
                case,
                brand,
                needs_approval=approval_needed(Severity.LOW, brand, suspicious=False),
                now=now,
                kind="thanks",
            )
            report.drafts_created += int(drafted)
            report.thanks_drafted += int(drafted)
            await self.store.reviews.set_status(
                review.source, review.external_id, ReviewStatus.DRAFTED, only_from=AUTOMATIC
            )
        await self.store.reviews.responded(review.source, review.external_id, review.content_hash)

    async def _write_draft(
        self,
        review: StoredReview,
        sentiment: Sentiment,
        case: Case,
        brand: BrandSettings,
        *,
        needs_approval: bool,
        now: datetime,
        kind: str = "reply",
    ) -> tuple[Draft, bool]:
        """Draft a reply worded unlike the brand's last 50 and store it once per case and
        content; returns the stored draft and whether this call created it."""
        recent = await self.store.drafts.recent_wordings(brand.name, limit=50)
        text = self.drafter.draft(review.as_review(), sentiment, case, brand, avoid=recent)
        return await self.store.drafts.add_if_absent(
            Draft(
                case_ref=case.ref,
                kind=kind,
                source=review.source,
                external_id=review.external_id,
                text=text.text,
                lang=text.lang,
                private_channel=text.private_channel,
                needs_approval=needs_approval,
                content_hash=review.content_hash,
                created_at=now,
            ),
            brand=brand.name,
            wording=wording(text.text, case_ref=case.ref, name=first_name(review.author)),
        )

    async def deliver(self, report: RunReport, *, limit: int = 500) -> None:
        """Send what the outbox holds (responders/outbox.py); failures stay pending.

        A pipeline run retries earlier failures at once (runs are far apart); Slack's
        Retry-After and the per-channel pace are honoured all the same.
        """
        outbox = Outbox(alerts=self.store.alerts, cases=self.store.cases, notifier=self.notifier)
        flushed = await outbox.flush(limit=limit, respect_backoff=False)
        report.alerts_sent += flushed.sent
        report.alerts_failed += flushed.failed
        report.errors += flushed.errors


def _stopped(stop: asyncio.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "record"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def _current_override(review: StoredReview) -> Label | None:
    """A human's label, while the text it was given for is still the review's text."""
    override = review.label_override
    if override is None or override.content_hash != review.content_hash:
        return None
    return override.label
