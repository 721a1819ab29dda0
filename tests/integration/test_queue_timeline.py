"""The work queues and the timeline that stand in for indexes on ``reviews``."""

from datetime import UTC, datetime, timedelta

import pytest

from reputation.core.models import Label, Review, Sentiment
from reputation.storage import Store
from reputation.storage.documents import new_review_doc
from reputation.storage.migrate import MARKER, migrate
from reputation.storage.queue import GRACE

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 1, 10, tzinfo=UTC)


def review(n, *, source="google_business", location="loc-1", text=None, minutes=0, **kw):
    return Review(
        source=source,
        external_id=f"r{n}",
        text=text or f"texto {n}",
        rating=2,
        lang="pt",
        location=location,
        created_at=T0 + timedelta(minutes=minutes),
        **kw,
    )


def negative(stored, flag=True):
    scores = {"negative": 0.8, "neutral": 0.1, "positive": 0.1}
    return Sentiment(
        label=Label.NEGATIVE if flag else Label.POSITIVE,
        scores=scores,
        lang="pt",
        flag=flag,
        model="test",
        content_hash=stored.content_hash,
    )


async def classify(store, flag=True):
    pending = await store.reviews.pending_classification()
    await store.reviews.save_sentiments([(r, negative(r, flag)) for r in pending])
    return pending


async def test_reviews_has_no_secondary_index(store):
    await store.reviews.upsert_many([review(1)])
    names = [ix["name"] async for ix in store.db["reviews"].list_indexes()]
    assert names == ["_id_"]


async def test_new_and_edited_reviews_are_queued_once_per_batch(store):
    await store.reviews.upsert_many([review(n) for n in range(30)])
    assert await store.db["queue"].count_documents({"stage": "classify"}) == 1
    assert len(await classify(store)) == 30
    assert await store.reviews.pending_classification() == []
    edited = review(3, text="agora está pior", updated_at=T0 + timedelta(days=1))
    await store.reviews.upsert_many([edited])
    (again,) = await store.reviews.pending_classification()
    assert (again.external_id, again.text) == ("r3", "agora está pior")


async def test_a_batch_closes_only_when_nothing_is_pending_and_it_has_settled(store):
    await store.reviews.upsert_many([review(n) for n in range(5)])
    await classify(store)
    assert await store.reviews.pending_classification() == []
    assert await store.db["queue"].count_documents({"stage": "classify", "done_at": None}) == 1
    # Older than the grace period: the next read closes it (kept, never deleted).
    await store.db["queue"].update_many({}, {"$set": {"at": T0 - GRACE}})
    assert await store.reviews.pending_classification() == []
    assert await store.db["queue"].count_documents({"done_at": None, "stage": "classify"}) == 0
    assert await store.db["queue"].count_documents({"stage": "classify"}) == 1


async def test_a_crash_between_queue_and_insert_loses_nothing(store):
    # The queue document is written first; the reviews it names arrive later (or never).
    await store.reviews._queue.push("classify", ["google_business:r1"])
    assert await store.reviews.pending_classification() == []
    await store.db["reviews"].insert_one(new_review_doc(review(1), now=T0))
    (found,) = await store.reviews.pending_classification()
    assert found.external_id == "r1"


async def test_the_respond_stage_is_queued_by_classification(store):
    await store.reviews.upsert_many([review(n) for n in range(4)])
    pending = await store.reviews.pending_classification()
    flagged = {("google_business", "r0"), ("google_business", "r1")}
    results = [(r, negative(r, flag=r.key in flagged)) for r in pending]
    await store.reviews.save_sentiments(results, also_respond={("google_business", "r2")})
    respond = await store.reviews.pending_response()
    assert {r.external_id for r in respond} == {"r0", "r1", "r2"}
    for r in respond:
        await store.reviews.responded(*r.key, r.content_hash)
    assert await store.reviews.pending_response() == []


async def test_an_override_queues_the_review_again(store):
    await store.reviews.upsert_many([review(1)])
    await classify(store)
    await store.reviews.override_label("google_business", "r1", Label.NEUTRAL, actor="ana")
    (again,) = await store.reviews.pending_classification()
    assert again.label_override.label is Label.NEUTRAL
    assert await store.reviews.label_overrides() == [("texto 1", "neutral", "pt")]


async def test_the_timeline_follows_classification_and_source_side_moves(store):
    await store.reviews.upsert_many([review(n, minutes=n) for n in range(3)])
    await classify(store)
    assert await store.reviews.count_flagged() == 3
    row = await store.db["timeline"].find_one({"_id": "google_business:r1"})
    assert (row["location"], row["sentiment"]["flag"], row["rating"]) == ("loc-1", True, 2)
    # The source moved the review to another location: no re-classification, row follows.
    await store.reviews.upsert_many([review(1, minutes=1, location="loc-2")])
    row = await store.db["timeline"].find_one({"_id": "google_business:r1"})
    assert row["location"] == "loc-2"
    stored = await store.reviews.get("google_business", "r0")
    around = await store.reviews.around(stored, timedelta(hours=1))
    assert [r.external_id for r in around] == ["r2", "r0"]


async def test_removal_is_scoped_to_the_source_by_id_range(store):
    await store.reviews.upsert_many(
        [review(1, source="google"), review(2, source="google"), review(1), review(9)]
    )
    marked = await store.reviews.mark_removed_at_source("google", ["r1"])
    assert marked == 1
    assert (await store.reviews.get("google", "r2")).removed_at_source
    for key in (("google", "r1"), ("google_business", "r1"), ("google_business", "r9")):
        assert not (await store.reviews.get(*key)).removed_at_source


async def test_a_database_from_before_the_queues_is_migrated_once(mongo_uri, store):
    # Reviews as an earlier version left them: pending flags, a sentiment and an override
    # on the documents; no queue, timeline or override log.
    name = f"{store.db.name}_old"
    waiting = new_review_doc(review(1), now=T0)
    classified = new_review_doc(review(2), now=T0)
    sentiment = negative(review(2))
    override = {"label": "neutral", "by": "ana", "at": T0, "content_hash": sentiment.content_hash}
    classified.update(
        pending_classification=False,
        pending_response=True,
        sentiment=sentiment.model_dump(mode="python"),
        label_override=override,
    )
    await store._client[name]["reviews"].insert_many([waiting, classified])
    old = await Store.connect(mongo_uri, name)  # connecting migrates
    again = await Store.connect(mongo_uri, name)  # once: the marker stops a second pass
    try:
        await migrate(old.db)
        assert await old.db["migrations"].count_documents({"_id": MARKER}) == 1
        assert await old.db["queue"].count_documents({}) == 2
        assert [r.external_id for r in await old.reviews.pending_classification()] == ["r1"]
        assert [r.external_id for r in await old.reviews.pending_response()] == ["r2"]
        assert await old.reviews.count_flagged() == 1
        assert await old.reviews.label_overrides() == [("texto 2", "neutral", "pt")]
        assert await old.db["label_overrides"].count_documents({}) == 1
    finally:
        old.close()
        again.close()
