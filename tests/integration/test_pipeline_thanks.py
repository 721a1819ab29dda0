"""Positive reviews in the pipeline: thank-you drafts when the brand wants them, and the
suspicion checks that label a burst of praise for a human (no reply, nothing removed)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from reputation.core.models import DraftStatus, ReviewStatus
from reputation.core.pipeline import Pipeline
from responders.approval import ApprovalService
from responders.drafts import TemplateDrafter
from responders.thanks import thanks_ref
from tests.fakes import ClauseModel, FakeSentimentModel, RecordingNotifier

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 3, 9, tzinfo=UTC)


def line(n, text, *, author="Giulia Rossi", lang="it", rating=5, minutes=0, **extra):
    return json.dumps(
        {
            "source": "google_business",
            "external_id": f"pos-{n}",
            "rating": rating,
            "lang": lang,
            "author": author,
            "text": text,
            "location": "accounts/1/locations/2",
            "created_at": (T0 + timedelta(minutes=minutes)).isoformat(),
            **extra,
        }
    )


def run(store, settings, notifier=None, model=None):
    return Pipeline(
        store=store,
        model=model or FakeSentimentModel(),
        drafter=TemplateDrafter(),
        notifier=notifier or RecordingNotifier(),
        settings=settings,
    )


def thanking(settings, on=True):
    return settings.model_copy(
        update={"brand": settings.brand.model_copy(update={"thank_positive": on})}
    )


async def test_a_positive_review_gets_a_thank_you_draft_when_the_brand_enables_it(store, settings):
    notifier = RecordingNotifier()
    lines = [line(1, "Servizio perfetto, consegna velocissima!")]
    report = await run(store, thanking(settings), notifier).run(lines, source="import")
    assert (report.flagged, report.thanks_drafted, report.drafts_created) == (0, 1, 1)
    ref = thanks_ref("google_business", "pos-1")
    (draft,) = await store.drafts.for_case(ref)
    assert (draft.kind, draft.lang, draft.needs_approval) == ("thanks", "it", True)
    assert "Giulia" in draft.text
    assert settings.brand.signature in draft.text
    assert ref not in draft.text  # a thank-you invites nobody to a private channel
    assert await store.cases.count() == 0  # no case, no SLA
    assert notifier.sent == []
    assert await store.alerts.count() == 0
    assert (await store.reviews.get("google_business", "pos-1")).status is ReviewStatus.DRAFTED

    again = await run(store, thanking(settings)).run(lines, source="import")
    assert again.drafts_created == 0
    # It is approved like any reply, by its TY- reference.
    approvals = ApprovalService(store=store, settings=thanking(settings))
    approved = await approvals.approve(ref.lower(), by="ana")
    assert approved.status is DraftStatus.APPROVED


async def test_no_thank_you_when_the_brand_does_not_enable_it(store, settings):
    lines = [line(1, "Servizio perfetto, consegna velocissima!")]
    report = await run(store, thanking(settings, on=False)).run(lines, source="import")
    assert (report.classified, report.drafts_created) == (1, 0)
    assert await store.drafts.count() == 0
    stored = await store.reviews.get("google_business", "pos-1")
    assert stored.status is ReviewStatus.CLASSIFIED


async def test_a_suspicious_burst_of_praise_is_labelled_and_never_thanked(store, settings):
    texts = [
        "Great shop, I love it",
        "Excellent products, perfect",
        "Love this place, great prices",
        "Perfect service, excellent staff",
        "Great great great, love it",
        "Excellent, I love the shop",
    ]
    lines = [
        line(n, text, author=f"user{4810 + n}", lang="en", minutes=20 * n)
        for n, text in enumerate(texts)
    ]
    lines.append(line(99, "Great, I love it", author="Marta Bianchi", lang="en", minutes=3000))
    report = await run(store, thanking(settings)).run(lines, source="import")
    assert report.flagged == 0
    assert report.suspicious == len(texts)
    for n in range(len(texts)):
        stored = await store.reviews.get("google_business", f"pos-{n}")
        assert stored.suspicious is not None
        assert "new_account_burst" in stored.suspicious.reasons
        assert await store.drafts.for_case(thanks_ref("google_business", f"pos-{n}")) == []
    # The unrelated review two days later is thanked; nothing was removed.
    assert len(await store.drafts.for_case(thanks_ref("google_business", "pos-99"))) == 1
    assert await store.reviews.count() == len(texts) + 1
    events = await store.events.count({"type": "suspicious"})
    assert events == len(texts)


async def test_praise_ending_on_a_complaint_gets_an_apology_not_a_thank_you(store, settings):
    # Five stars and warm words, then "ma" and a complaint the model reads alone.
    lines = [line(1, "Servizio perfetto, ottimo divano, ma il tessuto si è strappato subito")]
    pipeline = run(store, thanking(settings), model=ClauseModel())
    report = await pipeline.run(lines, source="import")
    assert (report.flagged, report.thanks_drafted, report.drafts_created) == (1, 0, 1)
    review = await store.reviews.get("google_business", "pos-1")
    assert review.sentiment.reasons == ["mixed_complaint"]
    assert review.sentiment.label.value == "positive"  # the text's own reading stays
    case = await store.cases.for_review("google_business", "pos-1")
    assert case is not None
    (draft,) = await store.drafts.for_case(case.ref)
    assert draft.kind != "thanks"
    assert case.ref in draft.text  # the apology invites to the private channel
    assert await store.drafts.for_case(thanks_ref("google_business", "pos-1")) == []
