from datetime import UTC, datetime, timedelta

import pytest

from reputation.core.models import Draft, Label, Review, Sentiment, Suspicion
from responders.suspicion import check_stored

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 9, tzinfo=UTC)


def draft(n, brand_minutes=0):
    return Draft(
        case_ref=f"RP-{n:04d}",
        source="google_business",
        external_id=f"r{n}",
        text=f"Hi Tom, text {n} RP-{n:04d}",
        lang="en",
        private_channel="care@x.example",
        needs_approval=True,
        content_hash=f"h{n}",
        created_at=T0 + timedelta(minutes=n),
    )


async def test_recent_wordings_are_per_brand_newest_first_and_bounded(store):
    for n in range(60):
        await store.drafts.add_if_absent(draft(n), brand="Aurora", wording=f"w{n}")
    await store.drafts.add_if_absent(draft(99), brand="Other", wording="other")
    recent = await store.drafts.recent_wordings("Aurora", limit=50)
    assert recent == [f"w{n}" for n in range(59, 9, -1)]
    assert await store.drafts.recent_wordings("Other") == ["other"]
    again, added = await store.drafts.add_if_absent(draft(5), brand="Aurora", wording="new")
    assert not added
    assert again.text == draft(5).text
    assert await store.drafts.count() == 61


def review(n, text, minutes, location="store-1"):
    return Review(
        source="google_business",
        external_id=f"r{n}",
        author=f"Person {n}",
        rating=1,
        text=text,
        location=location,
        created_at=T0 + timedelta(minutes=minutes),
    )


async def classify_all(store, keys):
    """Store a negative sentiment for each review, as the pipeline's classify step does."""
    stored = [await store.reviews.get(*key) for key in keys]
    scores = {"negative": 0.9, "neutral": 0.05, "positive": 0.05}
    results = [
        (
            r,
            Sentiment(
                label=Label.NEGATIVE,
                scores=scores,
                lang="en",
                flag=True,
                model="t",
                content_hash=r.content_hash,
            ),
        )
        for r in stored
    ]
    assert await store.reviews.save_sentiments(results) == len(results)


async def test_suspicious_items_are_labelled_with_an_event_and_kept(store):
    text = "Worst shop in town, they steal your money and never answer, avoid them"
    reviews = [review(n, text + "!" * n, 30 * n) for n in range(3)]
    reviews.append(review(7, text, 30, location="store-2"))
    reviews.append(review(8, text, 60 * 24 * 10))
    await store.reviews.upsert_many(reviews)
    stored = await store.reviews.get("google_business", "r0")
    # Neighbours come from the timeline, written when a review is classified.
    assert await store.reviews.around(stored, timedelta(hours=48)) == []
    await classify_all(store, [r.key for r in reviews])
    stored = await store.reviews.get("google_business", "r0")
    around = await store.reviews.around(stored, timedelta(hours=48))
    assert [r.external_id for r in around] == ["r2", "r1", "r0"]  # newest first

    found = await check_stored(store.reviews, stored)
    assert found is not None
    assert found.reasons == ["similar_text_burst"]
    labelled = await store.reviews.get("google_business", "r0")
    assert labelled.suspicious.reasons == ["similar_text_burst"]
    again = Suspicion(reasons=found.reasons, notes=found.notes, detected_at=T0)
    assert not await store.reviews.mark_suspicious("google_business", "r0", again)
    events = [e async for e in store.db["events"].find({"key": "google_business:r0"})]
    assert [e["type"] for e in events].count("suspicious") == 1
    lonely = await store.reviews.get("google_business", "r8")
    assert await check_stored(store.reviews, lonely) is None
    assert await store.reviews.count() == 5  # nothing removed
