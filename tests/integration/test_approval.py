"""Approval and posting against the real MongoDB server; vendors' reply APIs via aioresponses."""

import re
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aioresponses import aioresponses

import collectors
from collectors._http import RetryPolicy
from collectors.runner import collect_source
from config.settings import CollectorSettings
from reputation.core.errors import ApprovalError, RetriableSourceError
from reputation.core.models import Case, Draft, DraftStatus, Review, ReviewStatus, Severity, utcnow
from responders.approval import ApprovalService
from responders.posting import CollectorRepliers
from tests.collector_kit import fixture_json, fixture_text

pytestmark = pytest.mark.integration

PLAY = "https://androidpublisher.googleapis.com/androidpublisher/v3"
APP = "com.example.app"
OZON = "https://api-seller.ozon.ru"
T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


def configured(settings, **brand):
    return settings.model_copy(
        update={
            "collectors": {
                "google_play": CollectorSettings(enabled=True, ids=[APP], token="play-token-123"),
                "ozon": CollectorSettings(
                    token="ozon-key-456", options={"client_id": "836"}, enabled=True
                ),
            },
            "brand": settings.brand.model_copy(update=brand),
        }
    )


async def seed(
    store,
    *,
    source="google_play",
    external_id="gp:AAAA",
    severity=Severity.HIGH,
    text="Crashes on settings",
    needs_approval=True,
    location=APP,
    updated_hours=0,
):
    review = Review(
        source=source,
        external_id=external_id,
        rating=2,
        lang="en",
        author="Maya K.",
        text=text,
        location=location,
        created_at=T0,
        updated_at=T0 + timedelta(hours=updated_hours) if updated_hours else None,
    )
    await store.reviews.upsert_many([review])
    now = utcnow()
    case, _ = await store.cases.open_for(
        Case(
            ref="RP-0000",
            source=source,
            external_id=external_id,
            lang="en",
            severity=severity,
            created_at=now,
            reply_due_at=now + timedelta(hours=4),
            private_contact_due_at=now + timedelta(hours=72),
        )
    )
    await store.reviews.link_case(source, external_id, case.ref)
    draft, _ = await store.drafts.add_if_absent(
        Draft(
            case_ref=case.ref,
            source=source,
            external_id=external_id,
            text=f"Hi Maya, sorry about the crash. Write to care@x.example with {case.ref}.",
            lang="en",
            private_channel="care@x.example",
            needs_approval=needs_approval,
            content_hash=review.content_hash,
            created_at=now,
        )
    )
    return case, draft


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as opened:
        yield opened


def service(store, settings, session):
    repliers = CollectorRepliers(settings, session, policy=RetryPolicy(attempts=1))
    return ApprovalService(store=store, settings=settings, repliers=repliers)


def reply_url(review_id="gp:AAAA"):
    return f"{PLAY}/applications/{APP}/reviews/{review_id}:reply"


def reply_response(text):
    # reviews.reply answers with the reply as stored (see tests/fixtures/google_play/reply.json)
    documented = fixture_json("google_play", "reply.json")["response"]
    documented["result"] |= {"replyText": text, "lastEdited": {"seconds": "1762000000"}}
    return documented


async def history(store, case_ref):
    return [(e.type, e.actor, e.data) for e in await store.events.for_key("case", case_ref)]


async def test_approve_post_and_the_next_collection_confirms(store, settings, session):
    settings = configured(settings)
    case, draft = await seed(store)
    approvals = service(store, settings, session)

    approved = await approvals.approve(case.ref, by="ana")
    assert (approved.status, approved.approved_by) == (DraftStatus.APPROVED, "ana")
    with aioresponses() as mock:
        mock.post(reply_url(), payload=reply_response(draft.text))
        posted = await approvals.post(case.ref, by="ana")
        ((_, calls),) = mock.requests.items()
    assert calls[0].kwargs["json"] == {"replyText": draft.text}
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer play-token-123"
    assert posted.status is DraftStatus.POSTED
    stored = await store.reviews.get("google_play", "gp:AAAA")
    assert stored.status is ReviewStatus.POSTED
    assert (await store.cases.get(case.ref)).replied_at is not None

    # The next collection sees the developer reply at Google Play: the post is confirmed.
    page = fixture_json("google_play", "reviews_list.json")
    page["reviews"][0]["comments"][1]["developerComment"]["text"] = draft.text
    del page["tokenPagination"]
    collector = collectors.build("google_play", settings.collectors["google_play"], session)
    with aioresponses() as mock:
        mock.get(re.compile(rf"{re.escape(PLAY)}/applications/.*/reviews\?.*"), payload=page)
        report = await collect_source(collector, store, progress=lambda _: None)
    assert report.confirmed == 1
    assert "1 posted replies confirmed" in report.line()
    confirmed = await store.approvals.get(draft.id)
    assert confirmed.status is DraftStatus.CONFIRMED
    kinds = [(t, a) for t, a, _ in await history(store, case.ref)]
    assert ("draft_approved", "ana") in kinds
    assert ("draft_posted", "ana") in kinds
    assert ("draft_confirmed", "collector") in kinds
    (confirm,) = [d for t, _, d in await history(store, case.ref) if t == "draft_confirmed"]
    assert confirm["matches"] is True


async def test_high_severity_needs_a_named_person(store, settings, session):
    case, _ = await seed(store, severity=Severity.CRITICAL, needs_approval=False)
    approvals = service(store, configured(settings, auto_post_low=True), session)
    for machine in ("auto", "system", "", "automation"):
        with pytest.raises(ApprovalError, match="needs a person"):
            await approvals.approve(case.ref, by=machine)
    with pytest.raises(ApprovalError, match="not approved"):
        await approvals.post(case.ref)
    assert (await approvals.find(case.ref)).status is DraftStatus.DRAFTED
    assert await approvals.approve(case.ref, by="ana")
    with pytest.raises(ApprovalError, match="already approved by ana"):
        await approvals.approve(case.ref, by="bruno")


async def test_low_severity_is_auto_posted_only_when_the_brand_allows_it(store, settings, session):
    case, draft = await seed(store, severity=Severity.LOW, needs_approval=False)
    strict = service(store, configured(settings), session)
    with pytest.raises(ApprovalError, match="not approved"):
        await strict.post(case.ref)

    relaxed = service(store, configured(settings, auto_post_low=True), session)
    with aioresponses() as mock:
        mock.post(reply_url(), payload=reply_response(draft.text))
        posted = await relaxed.post(case.ref)
    assert (posted.status, posted.approved_by) == (DraftStatus.POSTED, "auto")


async def test_a_failed_post_stays_approved_with_the_error_and_can_be_retried(
    store, settings, session
):
    case, draft = await seed(store)
    approvals = service(store, configured(settings), session)
    await approvals.approve(case.ref, by="ana")
    with aioresponses() as mock:
        mock.post(reply_url(), status=503, body="<html>backend unavailable</html>")
        with pytest.raises(RetriableSourceError):
            await approvals.post(case.ref, by="ana")
    failed = await approvals.find(case.ref)
    assert failed.status is DraftStatus.APPROVED
    assert (failed.post_attempts, failed.posting_until) == (1, None)
    assert "HTTP 503" in failed.last_error
    assert "play-token-123" not in failed.last_error
    assert ("draft_post_failed", "ana") in [(t, a) for t, a, _ in await history(store, case.ref)]

    with aioresponses() as mock:
        mock.post(reply_url(), payload=reply_response(draft.text))
        posted, errors = await approvals.post_approved(by="cron")
    assert (posted, errors) == (1, [])
    done = await approvals.find(case.ref)
    assert (done.status, done.last_error) == (DraftStatus.POSTED, None)


async def test_ozon_is_never_posted_to_twice(store, settings, session):
    _case, first = await seed(store, source="ozon", external_id="017c0d1c", location=None)
    approvals = service(store, configured(settings), session)
    await approvals.approve(first.id, by="ana")
    created = fixture_text("ozon", "comment_create.json")
    with aioresponses() as mock:
        mock.post(f"{OZON}/v1/review/comment/create", body=created)
        await approvals.post(first.id, by="ana")
        ((_, calls),) = mock.requests.items()
    assert calls[0].kwargs["json"]["review_id"] == "017c0d1c"

    # The customer edits the review; a new draft answers the new text, but Ozon comments
    # cannot be edited: a second comment is refused and nothing is sent.
    _, second = await seed(
        store,
        source="ozon",
        external_id="017c0d1c",
        location=None,
        text="Still broken",
        updated_hours=2,
    )
    assert second.id != first.id
    await approvals.approve(second.id, by="ana")
    with aioresponses() as mock:
        with pytest.raises(ApprovalError, match="cannot be edited"):
            await approvals.post(second.id, by="ana")
        assert not mock.requests
    assert (await approvals.find(second.id)).status is DraftStatus.APPROVED


async def test_edits_and_discards_keep_every_text(store, settings, session):
    case, draft = await seed(store)
    approvals = service(store, configured(settings), session)
    edited = await approvals.edit(case.ref, text="Hi Maya, we are fixing it.", by="ana")
    assert (edited.text, edited.current_text) == (draft.text, "Hi Maya, we are fixing it.")
    approved = await approvals.approve(case.ref, by="bruno", text="Hi Maya, a fix ships Friday.")
    assert [e.text for e in approved.edits] == [
        "Hi Maya, we are fixing it.",
        "Hi Maya, a fix ships Friday.",
    ]
    assert approved.text == draft.text  # the text as drafted is never overwritten
    back = await approvals.edit(case.ref, text="Hi Maya, a fix ships Monday.", by="ana")
    assert (back.status, back.approved_by) == (DraftStatus.DRAFTED, None)
    discarded = await approvals.discard(case.ref, by="carla", reason="replied by phone")
    assert discarded.status is DraftStatus.DISCARDED
    with pytest.raises(ApprovalError, match="already discarded by carla"):
        await approvals.post(case.ref)
    events = await history(store, case.ref)
    texts = [d.get("text") for t, _, d in events if t.startswith("draft_")]
    assert texts == [
        "Hi Maya, we are fixing it.",
        "Hi Maya, a fix ships Friday.",
        "Hi Maya, a fix ships Monday.",
        "Hi Maya, a fix ships Monday.",
    ]
    assert [a for t, a, _ in events if t.startswith("draft_")] == ["ana", "bruno", "ana", "carla"]
    assert await store.drafts.count() == 1


async def test_an_edit_that_repeats_customer_details_or_an_outdated_draft_is_refused(
    store, settings, session
):
    case, _ = await seed(store, text="Order 55501234 crashes, call me at +39 333 123 4567")
    approvals = service(store, configured(settings), session)
    with pytest.raises(ApprovalError, match="customer's details"):
        await approvals.approve(case.ref, by="ana", text="Hi, about order 55501234: sorry")
    with pytest.raises(ApprovalError, match="at most 350"):
        await approvals.edit(case.ref, by="ana", text="x" * 351)
    # The review is edited after the draft was written: that draft is not approved.
    edited = Review(
        source="google_play",
        external_id="gp:AAAA",
        rating=1,
        text="Now it deletes my data",
        lang="en",
        location=APP,
        created_at=T0,
        updated_at=T0 + timedelta(hours=3),
    )
    await store.reviews.upsert_many([edited])
    with pytest.raises(ApprovalError, match="earlier version"):
        await approvals.approve(case.ref, by="ana")
