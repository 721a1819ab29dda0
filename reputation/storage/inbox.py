"""The inbox: a read model of flagged items (review + case + newest draft), one document per
review in ``inbox``, kept current from the append-only event log.

Why a read model: the inbox filters on fields of three collections (the review's language and
text, the case's deadline and owner, the draft's status) and sorts by urgency; one
denormalised document per item lets every filter use an index ``(field, sort keys)`` and
keeps pages fast at a million reviews. :meth:`InboxRepository.sync` reads the events written
since the last sync (by ``_id``, which the driver stamps at insert time, with a few seconds
of overlap for other writers' clocks, re-read until every clock is past it) and rebuilds the
entries they touch; rebuilding is an idempotent upsert. The events it reads: single-item
events of reviews and cases, and the shared ``flagged`` documents written when sentiments
are saved (so a flagged review is listed before its case opens). The web app syncs before
reading (at most every ``min_interval_s``); the scheduler's ``inbox_sync`` job runs it every
``scheduler.inbox_sync_seconds``. How a page is read: storage/inbox_plan.py. Search: see
storage/search.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from reputation.core.inbox import InboxItem, InboxPage, InboxQuery, InboxSort, InboxStatus, SlaState
from reputation.core.models import Label, Severity, utcnow
from reputation.core.text import fold
from reputation.storage.documents import from_doc, review_id, shared_entity
from reputation.storage.explain import Plan, explain_find
from reputation.storage.inbox_plan import (
    SEARCH_CAP,
    TOTAL_CAP,
    equality_filter,
    newest_key,
    plan,
    urgent_key,
)
from reputation.storage.search import search_filter, terms
from reputation.storage.vocabulary import Vocabulary

URGENT = [("awaiting_reply", DESCENDING), ("severity_rank", DESCENDING), ("reply_due_at", 1)]
NEWEST = [("created_at", DESCENDING)]
FILTERS = ("brand", "location", "source", "lang", "severity", "topics", "status", "suspicious")
INDEXES: dict[str, list[IndexModel]] = {
    "inbox": [
        IndexModel(URGENT),
        IndexModel(NEWEST),
        IndexModel([("awaiting_reply", ASCENDING), ("reply_due_at", ASCENDING)]),
        IndexModel([("terms", ASCENDING), *NEWEST]),  # search: a word, newest first
        IndexModel([("author_lc", ASCENDING)]),
        IndexModel([("case_ref", ASCENDING)]),
        *(IndexModel([(f, ASCENDING), *URGENT]) for f in FILTERS),
        *(IndexModel([(f, ASCENDING), *NEWEST]) for f in FILTERS),
    ],
}
_OVERLAP = timedelta(seconds=5)
_CHUNK = 50
_STATE_ID = "inbox"
_SYNCED = [
    {"entity": {"$in": ["review", "case"]}},
    {"entity": shared_entity("review"), "type": "flagged"},
]
_STATUS = {
    "new": InboxStatus.NEW,
    "classified": InboxStatus.NEW,
    "flagged": InboxStatus.NEW,
    "hidden": InboxStatus.NEW,
    "drafted": InboxStatus.DRAFTED,
    "approved": InboxStatus.APPROVED,
    "posted": InboxStatus.POSTED,
    "resolved": InboxStatus.RESOLVED,
}


class InboxRepository:
    def __init__(self, db: AsyncIOMotorDatabase[Any], *, min_interval_s: float = 2.0) -> None:
        self._db = db
        self._inbox = db["inbox"]
        self._reviews = db["reviews"]
        self._cases = db["cases"]
        self._drafts = db["drafts"]
        self._events = db["events"]
        self._state = db["read_models"]
        self._vocabulary = Vocabulary(db)
        self._min_interval_s = min_interval_s
        self._last_sync = float("-inf")

    # --- keeping the read model current ---------------------------------------------------

    async def sync(
        self, *, force: bool = False, batch: int = 5000, stop: asyncio.Event | None = None
    ) -> int:
        """Rebuild the entries touched by events since the last sync; returns how many.
        With ``stop``: until it is set, finishing the batch of events in hand (the progress
        is stored after each batch)."""
        if not force and time.monotonic() - self._last_sync < self._min_interval_s:
            return 0
        self._last_sync = time.monotonic()
        state = await self._state.find_one({"_id": _STATE_ID}) or {}
        through: datetime | None = state.get("through")
        # Single-item events of reviews and cases, and the shared "flagged" documents that
        # saving sentiments writes (a flagged review joins the inbox before its case opens).
        # "collected" documents are left out: a review just collected is not flagged yet.
        query: dict[str, Any] = {"$or": _SYNCED}
        if through is not None:
            # Events stamped up to a few seconds before the last one read may still arrive
            # (other writers' clocks): read them again, until every clock is past the
            # overlap — then the log is settled up to the last event read, and an idle
            # inbox reads nothing at all.
            settled: ObjectId | None = state.get("settled_id")
            start = settled or ObjectId.from_datetime(through - _OVERLAP)
            query["_id"] = {"$gt": start}
        refreshed = 0
        moved = False
        while stop is None or not stop.is_set():
            reviews: set[str] = set()
            refs: set[str] = set()
            last: ObjectId | None = None
            # By _id: the range since the last sync is what is read, however long the log.
            cursor = (
                self._events.find(query, {"entity": 1, "key": 1})
                .sort("_id", 1)
                .hint([("_id", ASCENDING)])
                .limit(batch)
            )
            count = 0
            async for doc in cursor:
                count += 1
                last = doc["_id"]
                keys = doc["key"] if isinstance(doc["key"], list) else [doc["key"]]
                (refs if doc["entity"] == "case" else reviews).update(keys)
            if last is None:
                break
            refreshed += await self._refresh_ids(reviews | await self._ids_of_cases(refs))
            through, moved = last.generation_time, True
            await self._state.update_one(
                {"_id": _STATE_ID},
                {"$set": {"through": through, "last_id": last, "settled_id": None}},
                upsert=True,
            )
            if count < batch:
                break
            query["_id"] = {"$gt": last}
        if through is not None and utcnow() - through > 2 * _OVERLAP:
            newest = await self._state.find_one({"_id": _STATE_ID}, {"last_id": 1})
            unsettled = moved or not state.get("settled_id")
            if unsettled and newest and newest.get("last_id"):
                await self._state.update_one(
                    {"_id": _STATE_ID, "last_id": newest["last_id"]},
                    {"$set": {"settled_id": newest["last_id"]}},
                )
        return refreshed

    async def refresh(self, keys: Iterable[tuple[str, str]]) -> int:
        """Rebuild the entries of these reviews now (after a change made through the web)."""
        return await self._refresh_ids({review_id(*key) for key in keys})

    async def _ids_of_cases(self, refs: set[str]) -> set[str]:
        ids: set[str] = set()
        for chunk in _chunks(sorted(refs)):
            cursor = self._cases.find({"_id": {"$in": chunk}}, {"source": 1, "external_id": 1})
            ids.update([review_id(d["source"], d["external_id"]) async for d in cursor])
        return ids

    async def _refresh_ids(self, ids: set[str]) -> int:
        written = 0
        for chunk in _chunks(sorted(ids)):
            reviews = [doc async for doc in self._reviews.find({"_id": {"$in": chunk}})]
            wanted = [
                d for d in reviews if d.get("case_ref") or (d.get("sentiment") or {}).get("flag")
            ]
            refs = [d["case_ref"] for d in wanted if d.get("case_ref")]
            cases = {d["_id"]: d async for d in self._cases.find({"_id": {"$in": refs}})}
            updates = []
            words: set[str] = set()
            for review in wanted:
                case = cases.get(review.get("case_ref") or "")
                draft = None
                if case is not None:
                    draft = await self._drafts.find_one(
                        {"case_ref": case["_id"]},
                        {"status": 1},
                        sort=[("created_at", DESCENDING), ("_id", DESCENDING)],
                    )
                entry = entry_doc(review, case, draft)
                words.update(entry["terms"])
                updates.append(UpdateOne({"_id": review["_id"]}, {"$set": entry}, upsert=True))
            if updates:
                await self._inbox.bulk_write(updates, ordered=False)
                written += len(updates)
                await self._vocabulary.add(words)
        return written

    # --- reading ------------------------------------------------------------------------

    async def query(self, query: InboxQuery, *, now: datetime | None = None) -> InboxPage:
        """One page, read as a few index ranges (see storage/inbox_plan.py)."""
        await self.sync()
        docs, total, capped = await self._read(query, now=now or utcnow())
        return InboxPage(
            items=[_item(doc) for doc in docs],
            total=total,
            total_capped=capped,
            page=query.page,
            per_page=query.per_page,
        )

    async def _read(
        self,
        query: InboxQuery,
        *,
        now: datetime,
        record: list[dict[str, Any]] | None = None,
    ) -> tuple[list[dict[str, Any]], int, bool]:
        """The page's documents, the total (up to TOTAL_CAP) and whether it was capped.
        ``record`` collects each server-side filter read (for :meth:`explain`).

        The segments are read with a small projection (what orders and filters an item), so
        the server encodes a few fields per key it reads instead of the whole entry; only the
        page's entries are then read whole, by ``_id``."""
        words = terms(query.q or "", cap=8)
        expansions = await self._vocabulary.expand(words[0]) if len(words) == 1 else None
        p = plan(query, now=now, expansions=expansions)
        skip, wanted = (query.page - 1) * query.per_page, query.per_page
        projection = _SEARCH_SCAN if p.search and not p.implied else _SCAN
        found: list[dict[str, Any]] = []
        cap = SEARCH_CAP if p.search else max(TOTAL_CAP, skip + wanted)
        # With no check made here, every key a segment yields counts: it can stop at the cap.
        # (Order within a segment is the index's: ties beyond the cap are cut arbitrarily but
        # the same way on every read, so pages stay consistent.)
        bounded = p.implied or not (p.checks or p.search)

        async def read(alternatives: list[dict[str, Any]]) -> list[dict[str, Any]]:
            segment: dict[str, dict[str, Any]] = {}
            for where in alternatives:
                if record is not None:
                    record.append(where)
                cursor = self._inbox.find(where, projection)
                if bounded:
                    cursor = cursor.limit(cap + 1 - len(found))
                async for doc in cursor:
                    if doc["_id"] not in segment and p.matches(doc):
                        segment[doc["_id"]] = doc
            return sorted(segment.values(), key=p.key)

        # One at a time: reading ahead costs index keys, which are what is slow (a sparse
        # filter pays a round trip, ~2 ms, per empty window instead).
        for alternatives in p.segments:
            if len(found) > cap:
                break
            found += await read(alternatives)
        if p.search:
            found.sort(key=newest_key if query.sort is InboxSort.NEWEST else urgent_key)
        ids = [doc["_id"] for doc in found[skip : skip + wanted]]
        whole = {doc["_id"]: doc async for doc in self._inbox.find({"_id": {"$in": ids}}, _READ)}
        page = [whole[i] for i in ids if i in whole]
        limit = SEARCH_CAP if p.search else TOTAL_CAP
        return page, min(len(found), limit), len(found) > limit

    async def iterate(
        self, query: InboxQuery, *, now: datetime | None = None, limit: int = 100_000
    ) -> AsyncIterator[InboxItem]:
        """Every item matching ``query`` (ignoring its page), for exports."""
        await self.sync()
        where = inbox_filter(query, now=now or utcnow())
        cursor = self._inbox.find(where, _PROJECTION).sort(_sort(query.sort)).limit(limit)
        async for doc in cursor.batch_size(500):
            yield _item(doc)

    async def explain(self, query: InboxQuery, *, now: datetime | None = None) -> list[Plan]:
        """What the server does for :meth:`query`: the plan of each index range it reads."""
        wheres: list[dict[str, Any]] = []
        await self._read(query, now=now or utcnow(), record=wheres)
        return [await explain_find(self._db, "inbox", where) for where in wheres]

    async def get(self, source: str, external_id: str) -> InboxItem | None:
        doc = await self._inbox.find_one({"_id": review_id(source, external_id)}, _PROJECTION)
        return _item(doc) if doc else None


def inbox_filter(query: InboxQuery, *, now: datetime) -> dict[str, Any]:
    """The MongoDB filter of an inbox query; each condition has an index prefix."""
    where = equality_filter(query)
    if query.sla is SlaState.OVERDUE:
        where.update(awaiting_reply=True, reply_due_at={"$lt": now})
    elif query.sla is SlaState.DUE_SOON:
        soon = now + timedelta(hours=query.due_soon_hours)
        where.update(awaiting_reply=True, reply_due_at={"$gte": now, "$lt": soon})
    if query.q:
        search = search_filter(query.q)
        if search is not None:
            where.update(search)
    return where


def _sort(sort: InboxSort) -> list[tuple[str, int]]:
    keys = URGENT if sort is InboxSort.URGENT else NEWEST
    return [*keys, ("_id", ASCENDING)]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


_PROJECTION = {"terms": 0, "author_lc": 0, "severity_rank": 0, "updated_at": 0}
_READ = {"terms": 0, "author_lc": 0, "updated_at": 0}
# What orders an entry (inbox_plan.newest_key / urgent_key) and what a check reads.
_SCAN = dict.fromkeys(
    (
        "created_at",
        "awaiting_reply",
        "severity_rank",
        "reply_due_at",
        "brand",
        "location",
        "source",
        "lang",
        "severity",
        "topics",
        "status",
        "suspicious",
    ),
    1,
)
_SEARCH_SCAN = {**_SCAN, "terms": 1, "author_lc": 1, "case_ref": 1}


def _item(doc: dict[str, Any]) -> InboxItem:
    return from_doc(InboxItem, doc)


def entry_doc(
    review: dict[str, Any], case: dict[str, Any] | None, draft: dict[str, Any] | None
) -> dict[str, Any]:
    """The inbox document of a review document with its case and newest draft (or None)."""
    sentiment = review.get("sentiment") or {}
    override = review.get("label_override") or {}
    label = sentiment.get("label")
    if override and override.get("content_hash") == review.get("content_hash"):
        label = override.get("label")
    severity = Severity((case or {}).get("severity") or sentiment.get("severity") or "low")
    status = _STATUS.get(review.get("status") or "new", InboxStatus.NEW)
    draft_status = (draft or {}).get("status")
    if draft_status in {"posted", "confirmed"} and status is not InboxStatus.RESOLVED:
        status = InboxStatus.POSTED
    resolved_at = (case or {}).get("resolved_at")
    if resolved_at is not None:
        status = InboxStatus.RESOLVED
    replied_at = (case or {}).get("replied_at")
    title, text = review.get("title") or "", review.get("text") or ""
    author = review.get("author")
    return {
        "source": review["source"],
        "external_id": review["external_id"],
        "brand": review.get("brand"),
        "location": review.get("location"),
        "lang": sentiment.get("lang") or review.get("lang") or "und",
        "author": author,
        "author_lc": fold_author(author),
        "rating": review.get("rating"),
        "title": review.get("title"),
        "snippet": text[:280],
        "label": Label(label).value if label else None,
        "negative": (sentiment.get("scores") or {}).get("negative"),
        "severity": severity.value,
        "severity_rank": severity.rank,
        "topics": list((case or {}).get("topics") or sentiment.get("topics") or []),
        "status": status.value,
        "suspicious": review.get("suspicious") is not None,
        "case_ref": review.get("case_ref"),
        "owner": (case or {}).get("owner"),
        "draft_status": draft_status,
        "created_at": review["created_at"],
        "reply_due_at": (case or {}).get("reply_due_at"),
        "awaiting_reply": case is not None and replied_at is None and resolved_at is None,
        "replied_at": replied_at,
        "resolved_at": resolved_at,
        "removed_at_source": bool(review.get("removed_at_source")),
        "terms": terms(f"{title}\n{text}\n{author or ''}"),  # author names are searched too
        "updated_at": utcnow(),
    }


def fold_author(author: str | None) -> str | None:
    return fold(author).strip() if author else None
