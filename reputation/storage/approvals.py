"""Draft approval and posting state: compare-and-set transitions, each recorded as an event.

The text a draft was written with never changes; a person's edits are appended to ``edits``.
Nothing is deleted: a discarded draft keeps its texts and its history, with status
``discarded``. Events go on the case (``entity="case"``, ``key=<case ref>``), beside the
``drafted`` event that created the draft.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import DESCENDING, ReturnDocument

from reputation.core.models import Draft, DraftEdit, DraftStatus, Event, utcnow
from reputation.storage.documents import from_doc, to_doc

_ORDER = [("created_at", DESCENDING), ("_id", DESCENDING)]
_SENT = [DraftStatus.POSTED.value, DraftStatus.CONFIRMED.value]


class ApprovalRepository:
    """Reads drafts and moves them drafted → approved → posted → confirmed (or discarded)."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._drafts = db["drafts"]
        self._events = db["events"]

    async def get(self, draft_id: str) -> Draft | None:
        doc = await self._drafts.find_one({"_id": draft_id})
        return from_doc(Draft, doc) if doc else None

    async def latest(self, case_ref: str) -> Draft | None:
        """The case's newest draft (the one answering the review's current content)."""
        doc = await self._drafts.find_one({"case_ref": case_ref}, sort=_ORDER)
        return from_doc(Draft, doc) if doc else None

    async def recent(
        self, *, statuses: Collection[DraftStatus] = (), limit: int = 100
    ) -> list[Draft]:
        """Drafts, newest first, optionally only those in ``statuses``."""
        query: dict[str, Any] = {}
        if statuses:
            query["status"] = {"$in": [s.value for s in statuses]}
        cursor = self._drafts.find(query).sort(_ORDER).limit(limit)
        return [from_doc(Draft, doc) async for doc in cursor]

    async def sent_for_review(self, source: str, external_id: str, *, other_than: str) -> bool:
        """Whether another draft for this review was posted, or is being posted right now."""
        query = {
            "source": source,
            "external_id": external_id,
            "_id": {"$ne": other_than},
            "$or": [{"status": {"$in": _SENT}}, {"posting_until": {"$gt": utcnow()}}],
        }
        return await self._drafts.count_documents(query) > 0

    async def transition(
        self,
        draft: Draft,
        *,
        allowed_from: Collection[DraftStatus],
        to: DraftStatus,
        actor: str,
        event: str,
        data: Mapping[str, Any] | None = None,
        fields: Mapping[str, Any] | None = None,
        edit: DraftEdit | None = None,
        unclaimed: bool = False,
    ) -> Draft | None:
        """Move ``draft`` to ``to`` if it is still in one of ``allowed_from`` (and, with
        ``unclaimed``, no poster holds it); record the event. None when it had moved."""
        now = utcnow()
        query: dict[str, Any] = {
            "_id": draft.id,
            "status": {"$in": [s.value for s in allowed_from]},
        }
        if unclaimed:
            query["$or"] = [{"posting_until": None}, {"posting_until": {"$lte": now}}]
        update: dict[str, Any] = {"$set": {"status": to.value, **(fields or {})}}
        if edit is not None:
            update["$push"] = {"edits": edit.model_dump(mode="python")}
        doc = await self._drafts.find_one_and_update(
            query, update, return_document=ReturnDocument.AFTER
        )
        if doc is None:
            return None
        moved = from_doc(Draft, doc)
        await self._event(moved, event, actor, {"from": draft.status.value, **(data or {})})
        return moved

    async def claim_post(self, draft: Draft, *, lease_s: float) -> Draft | None:
        """Take the approved draft for posting, so one poster at a time sends it; a poster
        that dies leaves a lease that expires. None when not approved or already claimed."""
        now = utcnow()
        doc = await self._drafts.find_one_and_update(
            {
                "_id": draft.id,
                "status": DraftStatus.APPROVED.value,
                "$or": [{"posting_until": None}, {"posting_until": {"$lte": now}}],
            },
            {"$set": {"posting_until": now + timedelta(seconds=lease_s)}},
            return_document=ReturnDocument.AFTER,
        )
        return from_doc(Draft, doc) if doc else None

    async def post_failed(self, draft: Draft, error: str, *, actor: str) -> Draft | None:
        """Release the claim and keep the draft approved, with the error: it can be retried."""
        doc = await self._drafts.find_one_and_update(
            {"_id": draft.id, "status": DraftStatus.APPROVED.value},
            {
                "$set": {"posting_until": None, "last_error": error[:500]},
                "$inc": {"post_attempts": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        data = {"error": error[:500], "attempt": draft.post_attempts + 1}
        await self._event(draft, "post_failed", actor, data)
        return from_doc(Draft, doc) if doc else None

    async def posted_for(self, keys: Iterable[tuple[str, str]]) -> list[Draft]:
        """Posted (not yet confirmed) drafts of these reviews."""
        wanted = set(keys)
        if not wanted:
            return []
        query = {
            "status": DraftStatus.POSTED.value,
            "external_id": {"$in": sorted({e for _, e in wanted})},
        }
        found = [from_doc(Draft, doc) async for doc in self._drafts.find(query)]
        return [d for d in found if (d.source, d.external_id) in wanted]

    async def _event(self, draft: Draft, kind: str, actor: str, data: dict[str, Any]) -> None:
        event = Event(
            entity="case",
            key=draft.case_ref,
            type=f"draft_{kind}",
            at=utcnow(),
            actor=actor,
            data={"draft": draft.id, **data},
        )
        await self._events.insert_one(to_doc(event))
