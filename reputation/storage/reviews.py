"""ReviewRepository: idempotent ingestion, revisions on edit, removal flags, sentiment."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError

from reputation.core.errors import StorageError
from reputation.core.models import (
    Event,
    Label,
    LabelOverride,
    Review,
    ReviewStatus,
    Revision,
    Sentiment,
    StoredReview,
    Suspicion,
    review_text,
    utcnow,
)
from reputation.core.text import blank
from reputation.storage.documents import (
    new_review_doc,
    review_id,
    shared_event_doc,
    stored_review,
    to_doc,
)
from reputation.storage.queue import GRACE, Stage, WorkQueue
from reputation.storage.timeline import TimelineRepository, timeline_row

# Fields a source may change without the author editing the content.
_MUTABLE = ("author", "url", "lang", "reply", "brand", "location", "kind", "updated_at")
_DUPLICATE_KEY = 11000
_LOOKUP_CHUNK = 50
# Reviews per shared "collected" event document: ~600 bytes each at most (512-char ids).
_EVENT_CHUNK = 1000


@dataclass
class IngestResult:
    """What one ingestion did. ``changed`` lists the keys that are new or edited."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)

    def __iadd__(self, other: IngestResult) -> IngestResult:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.stale += other.stale
        self.changed += other.changed
        return self


def _rounds(reviews: Iterable[Review]) -> list[list[Review]]:
    """Split a batch so each key appears once per round, in arrival order.

    A batch may hold a review and, later, its edited version; applying them in order keeps the
    original as a revision instead of silently keeping only the last one.
    """
    rounds: list[list[Review]] = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for review in reviews:
        index = seen[review.key]
        seen[review.key] += 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(review)
    return rounds


class ReviewRepository:
    """Reviews keyed on (source, external_id). Writes only what changed.

    ``reviews`` is read by ``_id`` only: the stages find their work through storage/queue.py
    and the time-window questions go to storage/timeline.py, so storing a review costs no
    secondary index write.
    """

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._reviews = db["reviews"]
        self._revisions = db["revisions"]
        self._events = db["events"]
        self._overrides = db["label_overrides"]
        self._queue = WorkQueue(db)
        self._timeline = TimelineRepository(db)

    async def upsert_many(self, reviews: Iterable[Review]) -> IngestResult:
        """Store a batch: insert new reviews, record edits as revisions, skip what is known."""
        result = IngestResult()
        try:
            for batch in _rounds(reviews):
                result += await self._upsert_round(batch)
        except PyMongoError as exc:
            raise StorageError(f"storing reviews failed: {exc}") from exc
        return result

    async def _upsert_round(self, batch: Sequence[Review]) -> IngestResult:
        result = IngestResult()
        existing = await self._existing({r.key for r in batch})
        fresh = [r for r in batch if r.key not in existing]
        now = utcnow()
        changes = _judge([r for r in batch if r.key in existing], existing, now, result)
        # Queued before the writes that make them pending (see storage/queue.py).
        edited = [c.key for c in changes if c.revision is not None]
        await self._queue.push("classify", [review_id(*r.key) for r in fresh] + edited)
        retry: list[Review] = []
        if fresh:
            docs = [new_review_doc(r, now=now) for r in fresh]
            # The batch's "collected" event first, one shared document per 1,000 reviews; each
            # review names its document (collected_in), which keeps the list out of the events
            # index. A review another writer stores first names that writer's event instead.
            events = []
            for i in range(0, len(docs), _EVENT_CHUNK):
                chunk = docs[i : i + _EVENT_CHUNK]
                event_id = ObjectId()
                for doc in chunk:
                    doc["collected_in"] = event_id
                items = [(doc["_id"], {"hash": doc["content_hash"]}) for doc in chunk]
                events.append(shared_event_doc("review", "collected", now, items, doc_id=event_id))
            await self._events.insert_many(events)
            lost: set[int] = set()
            try:
                await self._reviews.insert_many(docs, ordered=False)
            except BulkWriteError as exc:
                # Another writer inserted some of these first: treat those as existing.
                errors = exc.details.get("writeErrors", [])
                if any(e.get("code") != _DUPLICATE_KEY for e in errors):
                    raise
                lost = {error["index"] for error in errors}
                retry = [r for i, r in enumerate(fresh) if i in lost]
            result.new += len(docs) - len(lost)
            result.changed += [r.key for i, r in enumerate(fresh) if i not in lost]
        if retry:
            existing.update(await self._existing({r.key for r in retry}))
            late = _judge(retry, existing, now, result)
            await self._queue.push("classify", [c.key for c in late if c.revision is not None])
            changes += late
        await self._apply(changes, result)
        return result

    async def _apply(self, changes: list[_Change], result: IngestResult) -> None:
        revisions = [c.revision for c in changes if c.revision is not None]
        if revisions:
            # Old content first: a crash before the update below loses nothing, and a retry
            # finds the revision already kept (unique on source, external_id, number).
            try:
                await self._revisions.insert_many(revisions, ordered=False)
            except BulkWriteError as exc:
                if any(e.get("code") != _DUPLICATE_KEY for e in exc.details["writeErrors"]):
                    raise
        if changes:
            outcome = await self._reviews.bulk_write([c.update for c in changes], ordered=False)
            if outcome.matched_count < len(changes):
                changes = await self._applied(changes, result)
        if changes:
            await self._events.insert_many([c.event for c in changes])
            await self._timeline.copy_fields({c.key: c.fields for c in changes if c.fields})

    async def _applied(self, changes: list[_Change], result: IngestResult) -> list[_Change]:
        """Keep the changes that landed; another writer moved the others first (their edit
        is not recorded as ours, and the next collection compares against what it wrote)."""
        ids = [c.key for c in changes]
        now_hash = {
            doc["_id"]: doc["content_hash"]
            async for doc in self._reviews.find({"_id": {"$in": ids}}, {"content_hash": 1})
        }
        landed = []
        for change in changes:
            if now_hash.get(change.key) == change.content_hash:
                landed.append(change)
            elif change.revision is not None:
                result.updated -= 1
                result.stale += 1
                key = (change.revision["source"], change.revision["external_id"])
                result.changed = [k for k in result.changed if k != key]
        return landed

    async def _existing(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        if not keys:
            return {}
        ids = [review_id(*key) for key in keys]
        projection = {
            "sentiment": 0,
            "first_seen_at": 0,
            "stored_at": 0,
            "status": 0,
            "case_ref": 0,
        }
        docs = await self._find_ids(ids, projection=projection)
        return {(doc["source"], doc["external_id"]): doc for doc in docs}

    async def _find_ids(
        self,
        ids: Sequence[str],
        where: dict[str, Any] | None = None,
        projection: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """The review documents with these ids (and matching ``where``)."""
        # Short $in lists: the embedded server's cost grows with the list length squared
        # (1,000 ids: 2.5 s; 20 lists of 50: 0.26 s); a real mongod is indifferent. They go
        # out together, so the round trips overlap.
        chunks = await asyncio.gather(
            *(
                self._reviews.find(
                    {"_id": {"$in": list(ids[i : i + _LOOKUP_CHUNK])}, **(where or {})},
                    projection,
                ).to_list(None)
                for i in range(0, len(ids), _LOOKUP_CHUNK)
            )
        )
        return [doc for chunk in chunks for doc in chunk]

    async def get(self, source: str, external_id: str) -> StoredReview | None:
        doc = await self._reviews.find_one({"_id": review_id(source, external_id)})
        return stored_review(doc) if doc else None

    async def revisions(self, source: str, external_id: str) -> list[Revision]:
        cursor = self._revisions.find({"source": source, "external_id": external_id})
        docs = await cursor.sort("number", 1).to_list(None)
        return [Revision.model_validate({k: v for k, v in d.items() if k != "_id"}) for d in docs]

    async def pending_classification(self, limit: int = 1000) -> list[StoredReview]:
        """Reviews whose current content awaits classification, oldest batch first."""
        return await self._pending("classify", {"pending_classification": True}, limit)

    async def pending_response(self, limit: int = 1000) -> list[StoredReview]:
        """Reviews whose current content awaits the response step (flagged ones: a case and a
        draft; others: the suspicion checks and, when the brand wants it, a thank-you)."""
        return await self._pending("respond", {"pending_response": True}, limit)

    async def _pending(self, stage: Stage, where: dict[str, Any], limit: int) -> list[StoredReview]:
        found: dict[str, StoredReview] = {}
        finished = []
        settled_before = utcnow() - GRACE
        async for batch in self._queue.open(stage):
            docs = await self._find_ids([i for i in batch["ids"] if i not in found], where)
            docs = docs[: limit - len(found)]
            found.update((doc["_id"], stored_review(doc)) for doc in docs)
            if not docs and batch["at"] < settled_before:
                finished.append(batch["_id"])
            if len(found) >= limit:
                break
        await self._queue.close(finished)
        return list(found.values())

    async def responded(self, source: str, external_id: str, content_hash: str) -> None:
        """Mark a review's current content as answered (drafted and alerted)."""
        await self._reviews.update_one(
            {"_id": review_id(source, external_id), "content_hash": content_hash},
            {"$set": {"pending_response": False}},
        )

    async def save_sentiments(
        self,
        results: Sequence[tuple[StoredReview, Sentiment]],
        *,
        also_respond: Collection[tuple[str, str]] = (),
    ) -> int:
        """Store sentiments; a review edited since it was read stays pending. The status moves
        to classified/flagged only from an automatic status (a person's choice stays).
        Flagged reviews, and those in ``also_respond``, become pending a response.
        Returns how many were stored."""
        if not results:
            return 0
        respond = [
            review_id(*review.key)
            for review, sentiment in results
            if sentiment.flag or review.key in also_respond
        ]
        await self._queue.push("respond", respond)  # before the flags it points at
        sentiments: list[UpdateOne] = []
        statuses: list[UpdateOne] = []
        for review, sentiment in results:
            same_text = {"_id": review_id(*review.key), "content_hash": sentiment.content_hash}
            status = ReviewStatus.FLAGGED if sentiment.flag else ReviewStatus.CLASSIFIED
            sentiments.append(
                UpdateOne(
                    same_text,
                    {
                        "$set": {
                            "sentiment": sentiment.model_dump(mode="python"),
                            "pending_classification": False,
                            "pending_response": sentiment.flag or review.key in also_respond,
                        }
                    },
                )
            )
            statuses.append(
                UpdateOne(
                    {**same_text, "status": {"$in": [s.value for s in _AUTOMATIC]}},
                    {"$set": {"status": status.value}},
                )
            )
        try:
            outcome = await self._reviews.bulk_write(sentiments, ordered=False)
            await self._reviews.bulk_write(statuses, ordered=False)
            # A review edited meanwhile is pending again; its next classification rewrites
            # the row, so the row may lag an edit but never misses a review.
            await self._timeline.put([timeline_row(r, s) for r, s in results])
        except PyMongoError as exc:
            raise StorageError(f"storing sentiment failed: {exc}") from exc
        return int(outcome.matched_count)

    async def set_status(
        self,
        source: str,
        external_id: str,
        status: ReviewStatus,
        *,
        actor: str = "system",
        only_from: Iterable[ReviewStatus] | None = None,
    ) -> bool:
        """Change a review's status and record the change in its history.

        With ``only_from``, the change happens only from those statuses (checked atomically,
        so the system never overwrites what a person just did). Returns whether it changed.
        """
        key = review_id(source, external_id)
        query: dict[str, Any] = {"_id": key, "status": {"$ne": status.value}}
        if only_from is not None:
            query["status"] = {"$in": [s.value for s in only_from if s is not status]}
        doc = await self._reviews.find_one_and_update(
            query, {"$set": {"status": status.value}}, projection={"status": 1}
        )
        if doc is None:
            if await self._reviews.count_documents({"_id": key}) == 0:
                raise StorageError(f"no review {source}:{external_id}")
            return False
        data = {"from": doc.get("status"), "to": status.value}
        await self._events.insert_one(_event_doc(key, "status", data, actor=actor))
        return True

    async def link_case(self, source: str, external_id: str, case_ref: str) -> None:
        await self._reviews.update_one(
            {"_id": review_id(source, external_id)}, {"$set": {"case_ref": case_ref}}
        )

    async def around(
        self, review: Review, window: timedelta, *, limit: int = 500
    ) -> list[StoredReview]:
        """Classified reviews of the same source and location written within ``window`` of
        ``review`` (itself included), newest first, for the suspicious-pattern checks."""
        ids = await self._timeline.around(
            review.source,
            review.location,
            review.created_at - window,
            review.created_at + window,
            limit=limit,
        )
        docs = await self._by_ids(ids)
        return sorted(docs, key=lambda r: r.created_at, reverse=True)

    async def _by_ids(self, ids: Sequence[str]) -> list[StoredReview]:
        return [stored_review(doc) for doc in await self._find_ids(ids)]

    async def mark_suspicious(self, source: str, external_id: str, suspicion: Suspicion) -> bool:
        """Label a review suspicious for a human (it stays stored and visible); a new event
        whenever the reasons change. Returns whether anything changed."""
        key = review_id(source, external_id)
        outcome = await self._reviews.update_one(
            {"_id": key, "suspicious.reasons": {"$ne": suspicion.reasons}},
            {"$set": {"suspicious": suspicion.model_dump(mode="python")}},
        )
        if not outcome.modified_count:
            return False
        data = {"reasons": suspicion.reasons, "notes": suspicion.notes}
        await self._events.insert_one(_event_doc(key, "suspicious", data))
        return True

    async def mark_removed_at_source(
        self, source: str, present_ids: Iterable[str], *, location: str | None = None
    ) -> int:
        """After a full re-scan, flag (never drop) the reviews the source no longer shows.

        An empty scan is refused: a source that answered with nothing has most likely failed,
        and flagging everything it ever showed would be wrong.
        """
        present = set(present_ids)
        if not present:
            raise StorageError(f"{source}: refusing to mark every review removed on an empty scan")
        # The source's reviews are one range of _id ("source:external_id"; ";" follows ":"),
        # read by the _id index; location and the rest are checked here.
        in_source = {"$gte": review_id(source, ""), "$lt": f"{source};"}
        fields = {"external_id": 1, "removed_at_source": 1, "location": 1}
        gone = [
            doc["_id"]
            async for doc in self._reviews.find({"_id": in_source}, fields)
            if not doc.get("removed_at_source")
            and doc["external_id"] not in present
            and (location is None or doc.get("location") == location)
        ]
        scope: dict[str, Any] = {"source": source}
        if location is not None:
            scope["location"] = location
        now = utcnow()
        marked = 0
        for doc_id in gone:
            # One by one with the filter re-checked: a review moved or marked meanwhile is left
            # alone (its external_id is part of its _id, so it stays absent from the scan).
            outcome = await self._reviews.update_one(
                {**scope, "_id": doc_id, "removed_at_source": False},
                {"$set": {"removed_at_source": True, "removed_at_source_at": now}},
            )
            if outcome.modified_count:
                marked += 1
                await self._events.insert_one(_event_doc(doc_id, "removed_at_source", {}))
        return marked

    async def override_label(
        self, source: str, external_id: str, label: Label, *, actor: str
    ) -> None:
        """Record a human's label for the review's current text; the review is re-assessed
        with it, and it trains the model. An edit of the text retires the override."""
        key = review_id(source, external_id)
        doc = await self._reviews.find_one({"_id": key}, {"content_hash": 1})
        if doc is None:
            raise StorageError(f"no review {source}:{external_id}")
        override = LabelOverride(
            label=label, by=actor, at=utcnow(), content_hash=doc["content_hash"]
        )
        await self._overrides.insert_one({"review": key, **override.model_dump(mode="python")})
        await self._queue.push("classify", [key])
        await self._reviews.update_one(
            {"_id": key},
            {
                "$set": {
                    "label_override": override.model_dump(mode="python"),
                    "pending_classification": True,
                }
            },
        )
        data = {"label": label.value}
        await self._events.insert_one(_event_doc(key, "label_override", data, actor=actor))

    async def label_overrides(self, limit: int = 100_000) -> list[tuple[str, str, str]]:
        """(text, label, lang) of every review a human relabelled, for its current text."""
        # Every override is kept in label_overrides (append-only); the review's own
        # label_override is the latest, and counts while its text is the one it was given for.
        keys = list(
            dict.fromkeys([doc["review"] async for doc in self._overrides.find({}, {"review": 1})])
        )
        rows = []
        for review in await self._by_ids(keys[:limit]):
            override = review.label_override
            text = review_text(review.title, review.text or "")
            if override and override.content_hash == review.content_hash and not blank(text):
                lang = (review.sentiment.lang if review.sentiment else None) or review.lang or "und"
                rows.append((text, override.label.value, lang))
        return rows

    async def count(self, query: dict[str, Any] | None = None) -> int:
        return int(await self._reviews.count_documents(query or {}))

    async def count_by_language(self) -> dict[str, int]:
        """Counts per language: the detected one when classified, else the source's."""
        pipeline: list[dict[str, Any]] = [
            {
                "$group": {
                    "_id": {"$ifNull": ["$sentiment.lang", {"$ifNull": ["$lang", "und"]}]},
                    "n": {"$sum": 1},
                }
            },
            {"$sort": {"_id": 1}},
        ]
        return {doc["_id"]: doc["n"] async for doc in self._reviews.aggregate(pipeline)}

    async def count_flagged(self) -> int:
        return await self._timeline.count_flagged()


_AUTOMATIC = (ReviewStatus.NEW, ReviewStatus.CLASSIFIED, ReviewStatus.FLAGGED)


def _event(review: Review, kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    key = review_id(*review.key)
    return to_doc(Event(entity="review", key=key, type=kind, at=at, data=data))


@dataclass(frozen=True)
class _Change:
    key: str
    content_hash: str  # what the stored review holds once the update lands
    update: UpdateOne
    event: dict[str, Any]
    revision: dict[str, Any] | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # source-side fields it moved


class _Stale:
    """An incoming version older than what storage holds."""


_STALE = _Stale()


def _compare(review: Review, doc: dict[str, Any], now: datetime) -> _Change | _Stale | None:
    """Decide what an incoming version means against the stored one.

    None: nothing changed. ``_STALE``: an older version we already moved past. Otherwise the
    update to apply, with a revision holding the old content when the author edited it.
    """
    incoming = review.model_dump(mode="python")
    if review.reply_unknown:
        incoming["reply"] = doc.get("reply")
    key = review_id(*review.key)
    stored_changed_at = doc.get("updated_at") or doc["created_at"]
    if review.content_hash != doc["content_hash"]:
        incoming_at = review.last_changed_at
        # An older version is stale; so is a known one with no newer timestamp. A newer
        # timestamp on a known text is a real revert by the author, kept as an edit.
        known = review.content_hash in doc.get("seen_hashes", [])
        if incoming_at < stored_changed_at or (known and incoming_at == stored_changed_at):
            return _STALE
        revision = Revision(
            source=review.source,
            external_id=review.external_id,
            number=doc.get("revision_count", 0) + 1,
            title=doc.get("title"),
            text=doc.get("text", ""),
            rating=doc.get("rating"),
            content_hash=doc["content_hash"],
            written_at=stored_changed_at,
            replaced_at=now,
        )
        sets = {f: incoming[f] for f in (*_MUTABLE, "title", "text", "rating", "created_at")}
        sets.update(
            content_hash=review.content_hash,
            pending_classification=True,
            pending_response=False,  # re-assessed first: never drafted from the old sentiment
            removed_at_source=False,
            stored_at=now,
        )
        update = UpdateOne(
            {"_id": key, "content_hash": doc["content_hash"]},
            {
                "$set": sets,
                "$inc": {"revision_count": 1},
                "$push": {"seen_hashes": review.content_hash},
            },
        )
        data = {"revision": revision.number, "from": doc["content_hash"], "to": review.content_hash}
        event = _event(review, "edited", now, data)
        return _Change(key, review.content_hash, update, event, to_doc(revision))
    changed = {f: incoming[f] for f in _MUTABLE if incoming[f] != doc.get(f)}
    if doc.get("removed_at_source"):
        changed["removed_at_source"] = False
    if not changed:
        return None
    changed["stored_at"] = now
    fields = sorted(k for k in changed if k != "stored_at")
    event = _event(review, "refreshed", now, {"fields": fields})
    update = UpdateOne({"_id": key}, {"$set": changed})
    return _Change(key, doc["content_hash"], update, event, fields=changed)


def _judge(
    reviews: Sequence[Review],
    existing: dict[tuple[str, str], dict[str, Any]],
    now: datetime,
    result: IngestResult,
) -> list[_Change]:
    """Compare incoming versions of known reviews with what is stored, counting each."""
    changes: list[_Change] = []
    for review in reviews:
        change = _compare(review, existing[review.key], now)
        if change is None:
            result.unchanged += 1
        elif isinstance(change, _Stale):
            result.stale += 1
        else:
            changes.append(change)
            if change.revision is None:
                result.unchanged += 1  # only source-side fields moved
            else:
                result.updated += 1
                result.changed.append(review.key)
    return changes


def _event_doc(
    key: str, kind: str, data: dict[str, Any], *, actor: str = "system"
) -> dict[str, Any]:
    return to_doc(Event(entity="review", key=key, type=kind, at=utcnow(), actor=actor, data=data))
