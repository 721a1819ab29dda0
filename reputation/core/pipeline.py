"""collect → store → classify → flag → draft → alert, with every collaborator injected.

Each step works from what storage says is pending, so a run that stops half-way is finished
by the next one, and running twice does nothing new the second time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import ValidationError

from config.settings import Settings
from reputation.core.errors import NotifyError, StorageError
from reputation.core.models import (
    Alert,
    Case,
    Draft,
    Review,
    ReviewStatus,
    Severity,
    StoredReview,
    utcnow,
)
from reputation.core.protocols import Drafter, Notifier, SentimentModel
from responders.blocks import alert_payload
from sentiment.rules import assess

if TYPE_CHECKING:
    from reputation.storage import IngestResult, Store

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


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
                reviews.append(Review.model_validate(json.loads(line)))
            except json.JSONDecodeError as exc:
                await self._quarantine(source, line, f"line {number}: not JSON: {exc.msg}", report)
            except ValidationError as exc:
                await self._quarantine(source, line, f"line {number}: {_reason(exc)}", report)
        await self.store_reviews(reviews, report)

    async def _quarantine(self, source: str, raw: str, reason: str, report: RunReport) -> None:
        try:
            raw_source = json.loads(raw).get("source") or source
        except (ValueError, AttributeError):
            raw_source = source
        await self.store.quarantine.add(str(raw_source), raw, reason)
        report.quarantined += 1
        log.warning("quarantined a %s record: %s", raw_source, reason)

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

    async def classify_pending(self, report: RunReport, *, batch_size: int = 256) -> None:
        """Score every review whose current content has no sentiment yet."""
        threshold = self.settings.sentiment.negative_threshold
        while pending := await self.store.reviews.pending_classification(batch_size):
            texts = [_text_of(r) for r in pending]
            with_text = [i for i, t in enumerate(texts) if t.strip()]
            scores = await self.model.score([texts[i] for i in with_text])
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
                    ),
                )
                for i, review in enumerate(pending)
            ]
            saved = await self.store.reviews.save_sentiments(results)
            report.classified += saved
            report.flagged += sum(1 for _, s in results if s.flag)
            self.progress(f"classified {report.classified} texts")
            if saved == 0:
                break  # every one was edited meanwhile; the next run picks them up

    async def respond(self, report: RunReport, *, batch_size: int = 256) -> None:
        """Open a case, write a draft and queue an alert for each flagged review."""
        while pending := await self.store.reviews.pending_response(batch_size):
            for review in pending:
                await self._respond_to(review, report)

    async def _respond_to(self, review: StoredReview, report: RunReport) -> None:
        sentiment = review.sentiment
        assert sentiment is not None  # noqa: S101 - pending_response implies classified
        brand = self.settings.brand_for(review.brand)
        now = utcnow()
        sla = self.settings.sla
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
            )
        )
        report.cases_opened += int(created)
        if review.case_ref != case.ref:
            await self.store.reviews.link_case(review.source, review.external_id, case.ref)
        text = self.drafter.draft(review.as_review(), sentiment, case, brand)
        needs_approval = not (brand.auto_post_low and sentiment.severity is Severity.LOW)
        draft, drafted = await self.store.drafts.add_if_absent(
            Draft(
                case_ref=case.ref,
                source=review.source,
                external_id=review.external_id,
                text=text.text,
                lang=text.lang,
                private_channel=text.private_channel,
                needs_approval=needs_approval,
                content_hash=review.content_hash,
                created_at=now,
            )
        )
        report.drafts_created += int(drafted)
        payload = alert_payload(review, sentiment, case, draft, channel=self.settings.slack.channel)
        queued = await self.store.alerts.enqueue(
            Alert(
                case_ref=case.ref,
                channel=self.settings.slack.channel,
                severity=sentiment.severity,
                payload=payload,
                created_at=now,
            )
        )
        report.alerts_queued += int(queued)
        if review.status in (ReviewStatus.NEW, ReviewStatus.CLASSIFIED, ReviewStatus.FLAGGED):
            await self.store.reviews.set_status(
                review.source, review.external_id, ReviewStatus.DRAFTED
            )
        await self.store.reviews.responded(review.source, review.external_id, review.content_hash)

    async def deliver(self, report: RunReport, *, limit: int = 500) -> None:
        """Send pending alerts from the outbox; failures stay pending for the next run."""
        for alert in await self.store.alerts.pending(limit):
            try:
                receipt = await self.notifier.send(alert)
            except NotifyError as exc:
                report.alerts_failed += 1
                report.errors.append(str(exc))
                await self.store.alerts.mark_failed(alert, str(exc))
                log.warning("alert for %s not delivered: %s", alert.case_ref, exc)
                continue
            try:
                await self.store.alerts.mark_sent(alert, receipt)
            except StorageError:
                log.exception("alert for %s was sent but could not be marked", alert.case_ref)
                raise
            report.alerts_sent += 1


def _text_of(review: Review) -> str:
    return "\n".join(part for part in (review.title, review.text) if part)


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "record"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
