"""Counts of flagged (negative) items over time, per brand and source, for spike detection.

One aggregation over the ``(sentiment.flag, created_at)`` index: the matching reviews are
grouped by brand, source and time bucket, so only the counts leave the server.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

# (brand, source) -> {bucket number: flagged items}
Buckets = dict[tuple[str | None, str], dict[int, int]]


class VolumeRepository:
    """Read-only counts over the timeline (storage/timeline.py: a row per classified review)."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._timeline = db["timeline"]

    async def flagged_buckets(
        self, *, start: datetime, end: datetime, origin: datetime, bucket: timedelta
    ) -> Buckets:
        """Flagged items created in [start, end), counted per brand, source and bucket; a
        bucket's number is ``floor((created_at - origin) / bucket)`` (negative before it)."""
        width_ms = bucket.total_seconds() * 1000
        pipeline: list[dict[str, Any]] = [
            {"$match": {"sentiment.flag": True, "created_at": {"$gte": start, "$lt": end}}},
            {
                "$group": {
                    "_id": {
                        "brand": "$brand",
                        "source": "$source",
                        "bucket": {
                            "$floor": {
                                "$divide": [{"$subtract": ["$created_at", origin]}, width_ms]
                            }
                        },
                    },
                    "count": {"$sum": 1},
                }
            },
        ]
        buckets: Buckets = {}
        async for doc in self._timeline.aggregate(pipeline):
            key = doc["_id"]
            group = buckets.setdefault((key.get("brand"), str(key["source"])), {})
            group[int(key["bucket"])] = int(doc["count"])
        return buckets
