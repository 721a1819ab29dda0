"""Bringing a database written by an earlier version up to date, once.

Each step runs once, recorded in ``migrations``.

Earlier versions indexed ``reviews`` for the pipeline's queues, the time-window queries and
the label overrides. The work queues (storage/queue.py), the timeline (storage/timeline.py)
and the ``label_overrides`` log replace those indexes, so a database written before them
gets, once: a queue document for every review still pending a stage, a timeline row for
every classified review, and its overrides copied to the log. The old indexes stay (code
never drops one); BENCHMARKS.md "Storing reviews" names those an operator may drop.

The search vocabulary (storage/vocabulary.py) is filled from the inbox's terms.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import DuplicateKeyError

from reputation.core.models import utcnow
from reputation.storage.documents import stored_review
from reputation.storage.queue import Stage, WorkQueue
from reputation.storage.timeline import TimelineRepository, timeline_row
from reputation.storage.vocabulary import Vocabulary

log = logging.getLogger(__name__)

MARKER = "2026-12-queues-timeline"
SEARCH_MARKER = "2026-12-search-vocabulary"
_BATCH = 1000


async def migrate(db: AsyncIOMotorDatabase[Any]) -> None:
    """Run each step not yet recorded in ``migrations`` (every step is idempotent, so two
    processes starting together at worst do one twice)."""
    migrations = db["migrations"]
    done = {doc["_id"] async for doc in migrations.find({}, {"_id": 1})}
    if MARKER not in done:
        if await db["reviews"].find_one({}, {"_id": 1}) is not None:
            log.info("bringing the database up to date (%s): reading every review once", MARKER)
            await _queues(db)
            await _timeline(db)
            await _overrides(db)
        await _record(migrations, MARKER)
    if SEARCH_MARKER not in done:
        if await db["inbox"].find_one({}, {"_id": 1}) is not None:
            log.info("bringing the inbox up to date (%s)", SEARCH_MARKER)
            await _search_terms(db)
        await _record(migrations, SEARCH_MARKER)


async def _record(migrations: Any, marker: str) -> None:
    with contextlib.suppress(DuplicateKeyError):
        await migrations.insert_one({"_id": marker, "at": utcnow()})


async def _queues(db: AsyncIOMotorDatabase[Any]) -> None:
    queue = WorkQueue(db)
    stages: tuple[tuple[Stage, str], ...] = (
        ("classify", "pending_classification"),
        ("respond", "pending_response"),
    )
    for stage, flag in stages:
        ids = [doc["_id"] async for doc in db["reviews"].find({flag: True}, {"_id": 1})]
        await queue.push(stage, ids)
        log.info("queued %d reviews pending %s", len(ids), stage)


async def _timeline(db: AsyncIOMotorDatabase[Any]) -> None:
    timeline = TimelineRepository(db)
    rows: list[dict[str, Any]] = []
    async for doc in db["reviews"].find({"sentiment": {"$type": "object"}}):
        review = stored_review(doc)
        if review.sentiment is not None:
            rows.append(timeline_row(review, review.sentiment))
        if len(rows) >= _BATCH:
            await timeline.put(rows)
            rows = []
    await timeline.put(rows)


async def _overrides(db: AsyncIOMotorDatabase[Any]) -> None:
    found = db["reviews"].find({"label_override.at": {"$exists": True}}, {"label_override": 1})
    async for doc in found:
        override = doc["label_override"]
        entry = {"_id": f"{doc['_id']}@{override['at'].isoformat()}", "review": doc["_id"]}
        try:
            await db["label_overrides"].insert_one({**entry, **override})
        except DuplicateKeyError:
            continue


async def _search_terms(db: AsyncIOMotorDatabase[Any]) -> None:
    """Every term of the inbox enters the vocabulary (storage/vocabulary.py). Entries written
    from now on also hold their author's name as terms; older ones gain them when next
    rebuilt (rewriting every entry here would cost minutes per 100,000 on the embedded
    server: each update rewrites all of an entry's index keys)."""
    words: set[str] = set()
    async for doc in db["inbox"].find({}, {"terms": 1}):
        words.update(doc.get("terms") or [])
    await Vocabulary(db).add(words)
