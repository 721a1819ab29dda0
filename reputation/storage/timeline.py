"""The timeline: one small row per classified review, indexed by time.

``reviews`` carries no secondary index (each one is paid on every review stored; see
storage/queue.py), so the questions asked over a time window — the daily trend snapshot,
spike detection, the neighbours of a review for the suspicion checks — are answered here.
A row is written when a review's sentiment is stored, a step that runs at model speed (about
a hundred reviews a second), where an index write costs nothing that matters; a source-side
move of brand, location or language is copied onto it. Reviews not yet classified have no
row (they have no sentiment to count either) and appear within one pipeline run.

The row keeps the review's own field names (``sentiment.flag``, ``sentiment.label``, …), so
a query written for ``reviews`` reads the same here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from reputation.core.models import Sentiment, StoredReview
from reputation.storage.documents import review_id

# Review fields copied onto the row; a source-side change of one is copied too.
COPIED = ("source", "location", "brand", "kind", "lang", "rating", "created_at")
_SENTIMENT = ("lang", "label", "flag", "topics", "severity")

INDEXES: dict[str, list[IndexModel]] = {
    "timeline": [
        # Trend snapshots (a day per flag value) and spikes (flagged, a window).
        IndexModel([("sentiment.flag", ASCENDING), ("created_at", ASCENDING)]),
        # The neighbours of a review: same source and location, a window around it.
        IndexModel([("source", ASCENDING), ("location", ASCENDING), ("created_at", ASCENDING)]),
    ],
}


def timeline_row(review: StoredReview, sentiment: Sentiment) -> dict[str, Any]:
    """The row of ``review`` once ``sentiment`` is stored for it."""
    doc = review.model_dump(mode="python", include={*COPIED, "label_override"})
    scored = sentiment.model_dump(mode="python", include=set(_SENTIMENT))
    return {
        **doc,
        "_id": review_id(*review.key),
        "content_hash": sentiment.content_hash,
        "sentiment": scored,
    }


class TimelineRepository:
    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._timeline = db["timeline"]

    async def put(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self._timeline.bulk_write(
                [UpdateOne({"_id": row["_id"]}, {"$set": row}, upsert=True) for row in rows],
                ordered=False,
            )

    async def copy_fields(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """Copy source-side changes (review id → changed fields) onto existing rows."""
        updates = [
            UpdateOne({"_id": key}, {"$set": picked})
            for key, fields in changes.items()
            if (picked := {f: v for f, v in fields.items() if f in COPIED})
        ]
        if updates:
            await self._timeline.bulk_write(updates, ordered=False)

    async def around(
        self, source: str, location: str | None, start: datetime, end: datetime, *, limit: int
    ) -> list[str]:
        """Ids of the rows of one source and location created in [start, end], newest first."""
        query = {"source": source, "location": location, "created_at": {"$gte": start, "$lte": end}}
        cursor = self._timeline.find(query, {"_id": 1}).sort("created_at", DESCENDING)
        return [doc["_id"] async for doc in cursor.limit(limit)]

    async def flagged_ids(self) -> list[str]:
        return [
            doc["_id"] async for doc in self._timeline.find({"sentiment.flag": True}, {"_id": 1})
        ]

    async def count_flagged(self) -> int:
        return int(await self._timeline.count_documents({"sentiment.flag": True}))
