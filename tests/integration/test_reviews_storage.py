import json
from datetime import UTC, datetime

import pytest

from reputation.core.errors import StorageError
from reputation.core.models import Label, Review, ReviewStatus, Sentiment

pytestmark = pytest.mark.integration


def review(
    external_id="r1", text="Chegou quebrado", rating=1, updated="2026-11-01T10:00:00Z", **kw
):
    return Review(
        source="google_business",
        external_id=external_id,
        text=text,
        rating=rating,
        lang="pt",
        created_at="2026-11-01T10:00:00Z",
        updated_at=updated,
        **kw,
    )


def batch(n=20):
    return [review(f"r{i}", text=f"texto {i}") for i in range(n)]


async def test_ingesting_twice_adds_nothing(store):
    first = await store.reviews.upsert_many(batch())
    assert (first.new, first.updated) == (20, 0)
    events = await store.events.count()
    second = await store.reviews.upsert_many(batch())
    assert (second.new, second.updated, second.unchanged) == (0, 0, 20)
    assert await store.reviews.count() == 20
    assert await store.events.count() == events  # nothing happened, nothing recorded


async def test_an_edit_keeps_the_old_text_as_a_revision(store):
    await store.reviews.upsert_many([review(text="Chegou quebrado", rating=1)])
    result = await store.reviews.upsert_many(
        [review(text="Trocaram rápido, resolvido", rating=4, updated="2026-11-03T09:00:00Z")]
    )
    assert (result.new, result.updated) == (0, 1)
    current = await store.reviews.get("google_business", "r1")
    assert (current.text, current.rating, current.revision_count) == (
        "Trocaram rápido, resolvido",
        4,
        1,
    )
    (old,) = await store.reviews.revisions("google_business", "r1")
    assert (old.number, old.text, old.rating) == (1, "Chegou quebrado", 1)
    history = [e.type for e in await store.events.for_key("review", "google_business:r1")]
    assert history == ["collected", "edited"]


async def test_an_older_version_arriving_late_changes_nothing(store):
    await store.reviews.upsert_many(
        [review(text="v1"), review(text="v2", updated="2026-11-02T10:00:00Z")]
    )
    result = await store.reviews.upsert_many([review(text="v1")])
    assert result.stale == 1
    assert (await store.reviews.get("google_business", "r1")).text == "v2"
    assert len(await store.reviews.revisions("google_business", "r1")) == 1


async def test_reply_at_source_updates_without_a_revision(store):
    await store.reviews.upsert_many([review()])
    replied = review(reply={"text": "Sentimos muito!", "created_at": "2026-11-02T08:00:00Z"})
    result = await store.reviews.upsert_many([replied])
    assert result.updated == 0
    stored = await store.reviews.get("google_business", "r1")
    assert stored.reply.text == "Sentimos muito!"
    assert stored.revision_count == 0


async def test_an_unreadable_reply_keeps_the_stored_one(store):
    reply = {"text": "Sentimos muito!", "created_at": "2026-11-02T08:00:00Z"}
    await store.reviews.upsert_many([review(reply=reply)])
    # The source's reply endpoint answered garbage this run: the reply is unknown, not gone.
    await store.reviews.upsert_many([review(reply_unknown=True)])
    stored = await store.reviews.get("google_business", "r1")
    assert stored.reply.text == "Sentimos muito!"
    # An edit in the same state keeps it too.
    await store.reviews.upsert_many(
        [
            review(
                text="Chegou quebrado e sem nota",
                updated="2026-11-03T10:00:00Z",
                reply_unknown=True,
            )
        ]
    )
    stored = await store.reviews.get("google_business", "r1")
    assert stored.text == "Chegou quebrado e sem nota"
    assert stored.reply.text == "Sentimos muito!"
    raw = await store.db.reviews.find_one({"text": "Chegou quebrado e sem nota"})
    assert "reply_unknown" not in raw  # a hint for ingestion, never stored
    # A readable answer without a reply means the reply is gone at the source.
    await store.reviews.upsert_many(
        [review(text="Chegou quebrado e sem nota", updated="2026-11-03T10:00:00Z")]
    )
    assert (await store.reviews.get("google_business", "r1")).reply is None


async def test_removed_at_source_is_a_flag_and_can_come_back(store):
    await store.reviews.upsert_many(batch(3))
    assert await store.reviews.mark_removed_at_source("google_business", ["r0", "r2"]) == 1
    gone = await store.reviews.get("google_business", "r1")
    assert gone.removed_at_source
    assert gone.text == "texto 1"  # kept, never dropped
    assert await store.reviews.count() == 3
    assert await store.reviews.mark_removed_at_source("google_business", ["r0", "r2"]) == 0
    await store.reviews.upsert_many([review("r1", text="texto 1")])
    assert not (await store.reviews.get("google_business", "r1")).removed_at_source


async def test_sentiment_for_an_edited_text_is_not_stored(store):
    await store.reviews.upsert_many([review(text="v1")])
    (pending,) = await store.reviews.pending_classification()
    await store.reviews.upsert_many([review(text="v2", updated="2026-11-02T10:00:00Z")])
    sentiment = Sentiment(
        label=Label.NEGATIVE,
        scores={"negative": 1.0},
        lang="pt",
        flag=True,
        model="t",
        content_hash=pending.content_hash,
    )
    assert await store.reviews.save_sentiments([(pending, sentiment)]) == 0
    assert len(await store.reviews.pending_classification()) == 1


async def test_status_changes_are_history(store):
    await store.reviews.upsert_many([review()])
    await store.reviews.set_status("google_business", "r1", ReviewStatus.HIDDEN, actor="ana")
    events = await store.events.for_key("review", "google_business:r1")
    assert events[-1].type == "status"
    assert events[-1].actor == "ana"
    assert events[-1].data == {"from": "new", "to": "hidden"}
    assert (await store.reviews.get("google_business", "r1")).status is ReviewStatus.HIDDEN
    assert await store.reviews.count() == 1  # hidden, not gone


async def test_quarantine_keeps_the_raw_record_once(store):
    first = await store.quarantine.add("google_play", '{"rating": 9}', "rating too high")
    again = await store.quarantine.add("google_play", '{"rating": 9}', "rating too high")
    assert await store.quarantine.count() == 1
    assert (first.seen, again.seen) == (1, 2)
    (record,) = await store.quarantine.list("google_play")
    assert record.raw == '{"rating": 9}'
    assert record.reason == "rating too high"


async def test_datetimes_come_back_timezone_aware(store):
    await store.reviews.upsert_many([review()])
    stored = await store.reviews.get("google_business", "r1")
    assert stored.created_at == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    assert stored.first_seen_at.tzinfo is not None


async def test_an_authors_revert_to_an_earlier_text_is_an_edit(store):
    await store.reviews.upsert_many([review(text="v1")])
    await store.reviews.upsert_many([review(text="v2", updated="2026-11-02T10:00:00Z")])
    result = await store.reviews.upsert_many([review(text="v1", updated="2026-11-03T10:00:00Z")])
    assert result.updated == 1
    assert (await store.reviews.get("google_business", "r1")).text == "v1"
    assert [r.text for r in await store.reviews.revisions("google_business", "r1")] == ["v1", "v2"]


async def test_an_empty_scan_never_marks_everything_removed(store):
    await store.reviews.upsert_many(batch(3))
    with pytest.raises(StorageError, match="empty scan"):
        await store.reviews.mark_removed_at_source("google_business", [])
    assert await store.reviews.count({"removed_at_source": True}) == 0


async def test_the_system_never_overwrites_a_persons_status(store):
    await store.reviews.upsert_many([review()])
    await store.reviews.set_status("google_business", "r1", ReviewStatus.RESOLVED, actor="ana")
    (pending,) = await store.reviews.pending_classification()
    sentiment = Sentiment(
        label=Label.NEGATIVE,
        scores={"negative": 1.0},
        lang="pt",
        flag=True,
        model="t",
        content_hash=pending.content_hash,
    )
    assert await store.reviews.save_sentiments([(pending, sentiment)]) == 1
    moved = await store.reviews.set_status(
        "google_business",
        "r1",
        ReviewStatus.DRAFTED,
        only_from=[ReviewStatus.NEW, ReviewStatus.FLAGGED],
    )
    assert not moved
    assert (await store.reviews.get("google_business", "r1")).status is ReviewStatus.RESOLVED


async def test_an_override_is_retired_by_an_edit(store):
    await store.reviews.upsert_many([review(text="Chegou quebrado")])
    await store.reviews.override_label("google_business", "r1", Label.NEUTRAL, actor="ana")
    assert len(await store.reviews.label_overrides()) == 1
    await store.reviews.upsert_many([review(text="Pior ainda", updated="2026-11-05T00:00:00Z")])
    assert await store.reviews.label_overrides() == []


async def test_a_batch_is_collected_in_one_event_document_read_per_review(store):
    first = await store.reviews.upsert_many(batch(3))
    assert first.new == 3
    (shared,) = [doc async for doc in store.db["events"].find({"type": "collected"})]
    assert shared["entity"] == "reviews"
    assert shared["keys"] == [f"google_business:r{i}" for i in range(3)]
    assert "key" not in shared  # out of the events index: each review names the document
    raw = await store.db["reviews"].find_one({"_id": "google_business:r0"})
    assert raw["collected_in"] == shared["_id"]
    await store.reviews.set_status("google_business", "r1", ReviewStatus.HIDDEN, actor="ana")
    for i in range(3):
        stored = await store.reviews.get("google_business", f"r{i}")
        history = await store.events.for_key("review", f"google_business:r{i}")
        assert history[0].type == "collected"
        assert history[0].key == f"google_business:r{i}"
        assert history[0].entity == "review"
        assert history[0].data == {"hash": stored.content_hash}
        assert [e.type for e in history] == (["collected", "status"] if i == 1 else ["collected"])


async def test_removed_at_source_within_one_location(store):
    await store.reviews.upsert_many(
        [review(f"r{i}", text=f"texto {i}", location=f"loc-{i % 2}") for i in range(4)]
    )
    marked = await store.reviews.mark_removed_at_source("google_business", ["r0"], location="loc-0")
    assert marked == 1  # r2: loc-0 and missing; r1 and r3 are another location's
    removed = await store.reviews.count({"removed_at_source": True})
    assert removed == 1
    assert (await store.reviews.get("google_business", "r2")).removed_at_source
    history = await store.events.for_key("review", "google_business:r2")
    assert [e.type for e in history] == ["collected", "removed_at_source"]


async def test_pending_response_whatever_the_classification_queue(store):
    await store.reviews.upsert_many(batch(3))
    pending = await store.reviews.pending_classification()
    sentiments = [
        (
            r,
            Sentiment(
                label=Label.NEGATIVE,
                scores={},
                lang="pt",
                flag=True,
                model="t",
                content_hash=r.content_hash,
            ),
        )
        for r in pending
    ]
    assert await store.reviews.save_sentiments(sentiments) == 3
    # An override queues r0 for classification again; its response is still pending.
    await store.reviews.override_label("google_business", "r0", Label.NEUTRAL, actor="ana")
    assert [r.external_id for r in await store.reviews.pending_classification()] == ["r0"]
    assert {r.external_id for r in await store.reviews.pending_response()} == {"r0", "r1", "r2"}
    assert len(await store.reviews.pending_response(limit=2)) == 2
    assert len(await store.reviews.pending_response(limit=1)) == 1


async def test_a_cut_off_emoji_does_not_make_a_record_unstorable(store):
    # "\ud83d" alone: the first half of an emoji a source truncated by UTF-16 code unit.
    cut = json.loads('"Entrega atrasada \\ud83d"')
    await store.reviews.upsert_many([review(text=cut)])
    stored = await store.reviews.get("google_business", "r1")
    assert stored.text == "Entrega atrasada \ufffd"
    record = await store.quarantine.add("google_play", cut, f"bad: {cut}")
    assert record.raw == "Entrega atrasada \ufffd"
    assert (await store.quarantine.list("google_play"))[0].reason == "bad: Entrega atrasada \ufffd"
