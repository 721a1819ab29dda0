"""Work queues: where to find the reviews that await a pipeline stage.

Every secondary index on ``reviews`` is written for every review stored, and on the embedded
server each one costs about as much as the document itself (BENCHMARKS.md "Storing
reviews"), so ``reviews`` has none: the stages find their work here instead. One document
per batch of review ids put into a stage — ``{stage, ids, at, done_at}`` — so a batch of a
thousand new reviews costs one small write.

The truth stays on the review (``pending_classification`` / ``pending_response``); a queue
document only says where to look. It is written *before* the writes that make its reviews
pending, so a crash in between leaves ids that are not pending (harmless), never a pending
review that nobody will find. It is read oldest first, and closed (``done_at`` set; nothing
is deleted) once none of its ids is pending any more and it is older than ``GRACE``, by
which time a writer caught between its two steps has landed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import timedelta
from typing import Any, Literal

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel

from reputation.core.models import utcnow

Stage = Literal["classify", "respond"]
GRACE = timedelta(minutes=10)
# Ids per queue document: well under the 16 MB document limit for 512-character ids.
CHUNK = 1000

INDEXES: dict[str, list[IndexModel]] = {
    "queue": [IndexModel([("stage", ASCENDING), ("done_at", ASCENDING), ("at", ASCENDING)])],
}


class WorkQueue:
    """Batches of review ids per stage (see the module docstring)."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._queue = db["queue"]

    async def push(self, stage: Stage, ids: Iterable[str]) -> None:
        listed = list(dict.fromkeys(ids))
        if not listed:
            return
        now = utcnow()
        await self._queue.insert_many(
            [
                {"stage": stage, "ids": listed[i : i + CHUNK], "at": now, "done_at": None}
                for i in range(0, len(listed), CHUNK)
            ]
        )

    async def open(self, stage: Stage) -> AsyncIterator[dict[str, Any]]:
        """The stage's open batches, oldest first (``_id``, ``ids``, ``at``)."""
        cursor = self._queue.find(
            {"stage": stage, "done_at": None}, {"ids": 1, "at": 1}, batch_size=20
        ).sort("at", ASCENDING)
        async for doc in cursor:
            yield doc

    async def close(self, batch_ids: Iterable[Any]) -> None:
        listed = list(batch_ids)
        if listed:
            await self._queue.update_many(
                {"_id": {"$in": listed}, "done_at": None}, {"$set": {"done_at": utcnow()}}
            )

    async def count_open(self, stage: Stage) -> int:
        return int(await self._queue.count_documents({"stage": stage, "done_at": None}))
