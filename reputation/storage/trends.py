"""Daily trend snapshots and the trend queries that read them (never raw reviews).

:func:`snapshot_day` aggregates one UTC day into ``trend_snapshots``, one document per
day × brand × location × source × language: volume, ratings, negatives (the label a person
set wins over the model's), topics among negatives; public replies made that day with their
response times (minutes from the case opening); the reply and private-contact deadlines that
fell that day, met or missed. It is an idempotent upsert: run it again for the same day (a
late collection, a late reply) and the snapshot is replaced. A daily job should snapshot the
last few days (:func:`snapshot_recent`) so late arrivals are counted.

Roll-ups: beside the finest cells, the same day is written once per combination of filters
(brand, brand × lang, source, everything, ...; 15 of them, merged from the finest cells with
their raw response times), each document labelled with its ``scope`` (:func:`scope_of`). A
report reads exactly one document per day — ``{scope, day}``, one index range — so a year is
365 small documents whatever the volume, instead of every cell of every day (≈150,000 at a
million reviews a year, seconds on the embedded server; BENCHMARKS.md "Dashboard").

Response times are stored as a sorted sample of at most :data:`SAMPLE_CAP` values (evenly
spaced quantiles when there are more) with the true count; weeks and months merge the
samples with weights, so median and p90 are exact up to that cap and close beyond it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pymongo import ASCENDING, IndexModel, UpdateOne

from reputation.core.models import utcnow
from reputation.core.trends import Comparison, TrendQuery, TrendReport
from reputation.storage.documents import review_id
from reputation.storage.explain import Plan, explain_find
from reputation.storage.trend_math import bucket_start, buckets_between, summarise

if TYPE_CHECKING:
    from motor.motor_asyncio import AsyncIOMotorDatabase

    from reputation.storage.mongo import Store

SAMPLE_CAP = 200
DIMENSIONS = ("brand", "location", "source", "lang")
INDEXES: dict[str, list[IndexModel]] = {
    "trend_snapshots": [
        IndexModel([("day", ASCENDING)]),
        IndexModel([("scope", ASCENDING), ("day", ASCENDING)]),  # every report
        *(IndexModel([(d, ASCENDING), ("day", ASCENDING)]) for d in DIMENSIONS),
    ],
    # The snapshot reads cases by the day a deadline fell on.
    "cases": [
        IndexModel([("reply_due_at", ASCENDING)]),
        IndexModel([("private_contact_due_at", ASCENDING)]),
        IndexModel([("replied_at", ASCENDING)]),
    ],
}
_REVIEW_FIELDS = {
    "brand": 1,
    "location": 1,
    "source": 1,
    "lang": 1,
    "rating": 1,
    "content_hash": 1,
    "sentiment.lang": 1,
    "sentiment.label": 1,
    "sentiment.topics": 1,
    "label_override": 1,
}
_CHUNK = 50


@dataclass
class _Cell:
    volume: int = 0
    rated: int = 0
    rating_sum: int = 0
    negatives: int = 0
    topics: Counter[str] = field(default_factory=Counter)
    response_minutes: list[float] = field(default_factory=list)
    sla_met: int = 0
    sla_missed: int = 0
    pc_met: int = 0
    pc_missed: int = 0


Key = tuple[str | None, str | None, str, str]


def _key(doc: dict[str, Any]) -> Key:
    lang = (doc.get("sentiment") or {}).get("lang") or doc.get("lang") or "und"
    return (doc.get("brand"), doc.get("location"), doc["source"], lang)


def _negative(doc: dict[str, Any]) -> bool:
    override = doc.get("label_override") or {}
    if override and override.get("content_hash") == doc.get("content_hash"):
        return bool(override.get("label") == "negative")
    return (doc.get("sentiment") or {}).get("label") == "negative"


def _sample(values: list[float]) -> list[float]:
    ordered = sorted(values)
    if len(ordered) <= SAMPLE_CAP:
        return ordered
    last = len(ordered) - 1
    return [ordered[round(i * last / (SAMPLE_CAP - 1))] for i in range(SAMPLE_CAP)]


async def snapshot_day(store: Store, day: date) -> int:
    """Aggregate the UTC day ``day`` into ``trend_snapshots``; returns the cells written."""
    db = store.db
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    cells: dict[Key, _Cell] = defaultdict(_Cell)
    window = {"$gte": start, "$lt": end}
    # The timeline has a row per classified review. One query per flag value: each is an
    # equality and a range of its (sentiment.flag, created_at) index; a single `$in` of the
    # two the embedded server answers by scanning (BENCHMARKS.md "Dashboard").
    docs = []
    for flag in (True, False):
        where = {"sentiment.flag": flag, "created_at": window}
        docs += await db["timeline"].find(where, _REVIEW_FIELDS).to_list(None)
    for doc in docs:
        cell = cells[_key(doc)]
        cell.volume += 1
        if doc.get("rating") is not None:
            cell.rated += 1
            cell.rating_sum += int(doc["rating"])
        if _negative(doc):
            cell.negatives += 1
            cell.topics.update((doc.get("sentiment") or {}).get("topics") or [])
    await _case_figures(db, cells, window, now=utcnow())
    stamp = utcnow()
    stamp = stamp.replace(microsecond=stamp.microsecond // 1000 * 1000)  # as stored: ms
    updates = []
    for key, cell in cells.items():
        doc_id = json.dumps([day.isoformat(), *key], ensure_ascii=False)
        values: dict[str, Any] = dict(zip(DIMENSIONS, key, strict=True))
        # A cell with no brand (or location) answers no filter of its own: no scope.
        scope = scope_of(values) if None not in key else None
        values.update(_figures(cell), day=start, scope=scope, snapshot_at=stamp)
        updates.append(UpdateOne({"_id": doc_id}, {"$set": values}, upsert=True))
    rollups = []
    for scope, cell in _rollups(cells).items():
        doc_id = json.dumps([day.isoformat(), scope], ensure_ascii=False)
        values = {**_figures(cell), "day": start, "scope": scope, "rollup": True}
        rollups.append(UpdateOne({"_id": doc_id}, {"$set": {**values, "snapshot_at": stamp}}, True))
    snapshots = db["trend_snapshots"]
    if updates or rollups:
        await snapshots.bulk_write(updates + rollups, ordered=False)
    # A cell that had items in an earlier run but none now (e.g. a brand renamed) is zeroed.
    # Found by the day alone (an index range), checked here: another condition beside `day`
    # makes the embedded server scan the whole collection.
    stale = [
        doc["_id"]
        async for doc in snapshots.find({"day": start}, {"snapshot_at": 1})
        if doc.get("snapshot_at") != stamp
    ]
    for i in range(0, len(stale), _CHUNK):
        chunk = stale[i : i + _CHUNK]
        await snapshots.update_many({"_id": {"$in": chunk}}, {"$set": _figures(_Cell())})
    return len(updates)


def scope_of(values: dict[str, Any]) -> str:
    """The ``scope`` of a snapshot document: the dimensions it is for, e.g.
    ``brand=Aurora Home|lang=pt`` ("" for everything). A report reads the one document a
    day whose scope is the report's filters."""
    return "|".join(f"{d}={values[d]}" for d in DIMENSIONS if values.get(d))


def _merge(into: _Cell, cell: _Cell) -> None:
    into.volume += cell.volume
    into.rated += cell.rated
    into.rating_sum += cell.rating_sum
    into.negatives += cell.negatives
    into.topics.update(cell.topics)
    into.response_minutes.extend(cell.response_minutes)
    into.sla_met += cell.sla_met
    into.sla_missed += cell.sla_missed
    into.pc_met += cell.pc_met
    into.pc_missed += cell.pc_missed


def _rollups(cells: dict[Key, _Cell]) -> dict[str, _Cell]:
    """The day's figures for every other combination of filters (each dimension set or
    not), merged from the finest cells with the raw response times, so exact."""
    merged: dict[str, _Cell] = defaultdict(_Cell)
    for key, cell in cells.items():
        values = dict(zip(DIMENSIONS, key, strict=True))
        for mask in range(2 ** len(DIMENSIONS) - 1):  # the last mask is the cell itself
            kept = {d: v for i, (d, v) in enumerate(values.items()) if mask >> i & 1}
            if any(v is None for v in kept.values()):
                continue  # nobody filters on "no brand"
            _merge(merged[scope_of(kept)], cell)
    return merged


async def snapshot_recent(store: Store, *, days: int = 3, today: date | None = None) -> int:
    """Snapshot the ``days`` full days before ``today`` (UTC), oldest first."""
    today = today or utcnow().date()
    written = 0
    for back in range(days, 0, -1):
        written += await snapshot_day(store, today - timedelta(days=back))
    return written


def _figures(cell: _Cell) -> dict[str, Any]:
    return {
        "volume": cell.volume,
        "rated": cell.rated,
        "rating_sum": cell.rating_sum,
        "negatives": cell.negatives,
        "topics": [[t, n] for t, n in cell.topics.most_common(50)],
        "replies": len(cell.response_minutes),
        "response_sample": _sample(cell.response_minutes),
        "sla_met": cell.sla_met,
        "sla_missed": cell.sla_missed,
        "pc_met": cell.pc_met,
        "pc_missed": cell.pc_missed,
    }


async def _case_figures(
    db: AsyncIOMotorDatabase[Any], cells: dict[Key, _Cell], window: dict[str, Any], *, now: datetime
) -> None:
    cases = db["cases"]
    replied = [doc async for doc in cases.find({"replied_at": window})]
    due = [doc async for doc in cases.find({"reply_due_at": window})]
    contact = [doc async for doc in cases.find({"private_contact_due_at": window})]
    keys = await _review_keys(db, [*replied, *due, *contact])
    for case in replied:
        minutes = (case["replied_at"] - case["created_at"]).total_seconds() / 60
        cells[keys.get(case["_id"], _case_key(case))].response_minutes.append(max(0.0, minutes))
    for case in due:
        met = _met(case, "replied_at", "reply_due_at", "replied_within_sla", now)
        if met is not None:
            cell = cells[keys.get(case["_id"], _case_key(case))]
            cell.sla_met += met
            cell.sla_missed += not met
    for case in contact:
        met = _met(
            case, "private_contact_at", "private_contact_due_at", "private_contact_within_sla", now
        )
        if met is not None:
            cell = cells[keys.get(case["_id"], _case_key(case))]
            cell.pc_met += met
            cell.pc_missed += not met


def _met(case: dict[str, Any], done: str, due: str, within: str, now: datetime) -> bool | None:
    """Whether the deadline was met; None while it is still open (due in the future)."""
    if case.get(within) is not None:
        return bool(case[within])
    if case.get(done) is not None:
        return bool(case[done] <= case[due])
    if case[due] > now:
        return None
    resolved = case.get("resolved_at")
    return bool(resolved is not None and resolved <= case[due]) or False


def _case_key(case: dict[str, Any]) -> Key:
    return (case.get("brand"), None, case["source"], case.get("lang") or "und")


async def _review_keys(
    db: AsyncIOMotorDatabase[Any], cases: Iterable[dict[str, Any]]
) -> dict[str, Key]:
    """Case ref → the key of its review (which knows the location and detected language)."""
    by_review = {review_id(c["source"], c["external_id"]): c["_id"] for c in cases}
    ids = sorted(by_review)
    keys: dict[str, Key] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        async for doc in db["reviews"].find({"_id": {"$in": chunk}}, _REVIEW_FIELDS):
            keys[by_review[doc["_id"]]] = _key(doc)
    return keys


def _days(query: TrendQuery) -> dict[str, datetime]:
    first = datetime(query.start.year, query.start.month, query.start.day, tzinfo=UTC)
    last = datetime(query.end.year, query.end.month, query.end.day, tzinfo=UTC)
    return {"$gte": first, "$lte": last}


def _trend_filter(query: TrendQuery) -> dict[str, Any]:
    """One document a day: the snapshot (or roll-up) whose scope is the query's filters."""
    return {"scope": scope_of({d: getattr(query, d) for d in DIMENSIONS}), "day": _days(query)}


def _cells_filter(query: TrendQuery) -> dict[str, Any]:
    """The finest cells matching the filters (snapshots written before roll-ups existed)."""
    where: dict[str, Any] = {"day": _days(query), "rollup": {"$ne": True}}
    for name in DIMENSIONS:
        value = getattr(query, name)
        if value:
            where[name] = value
    return where


class TrendRepository:
    """Reads ``trend_snapshots`` into day, week or month buckets."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._db = db
        self._snapshots = db["trend_snapshots"]

    async def report(self, query: TrendQuery) -> TrendReport:
        where = _trend_filter(query)
        grouped: dict[date, list[dict[str, Any]]] = defaultdict(list)
        everything: list[dict[str, Any]] = []
        fields = {"_id": 0, "snapshot_at": 0}
        docs = await self._snapshots.find(where, fields).to_list(None)
        if not docs:
            # Days snapshotted by an older version have no scope: sum their cells (slower;
            # snapshot_day writes the scopes again for any day it redoes).
            docs = await self._snapshots.find(_cells_filter(query), fields).to_list(None)
        for doc in docs:
            grouped[bucket_start(doc["day"].date(), query.grain)].append(doc)
            everything.append(doc)
        buckets = [
            summarise(start, grouped.get(start, []))
            for start in buckets_between(query.start, query.end, query.grain)
        ]
        return TrendReport(query=query, buckets=buckets, total=summarise(query.start, everything))

    async def explain(self, query: TrendQuery) -> Plan:
        """What the server does for :meth:`report`'s read of the snapshots."""
        db = self._db
        return await explain_find(db, "trend_snapshots", _trend_filter(query))

    async def compare(
        self, query: TrendQuery, previous_start: date, previous_end: date
    ) -> Comparison:
        """``query``'s period beside another period with the same filters and grain."""
        previous = query.model_copy(update={"start": previous_start, "end": previous_end})
        return Comparison(current=await self.report(query), previous=await self.report(previous))
