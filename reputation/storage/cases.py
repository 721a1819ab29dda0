"""Cases, reply drafts and the alert outbox."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Literal

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from reputation.core.errors import StorageError
from reputation.core.models import Case, Draft, Event, Severity, utcnow

# The outbox lives in its own module; mongo.py and callers import it from here too.
from reputation.storage.alerts import AlertRepository as AlertRepository
from reputation.storage.documents import from_doc, review_id, to_doc

# Crockford-style alphabet: no I, L, O, U, so references read well over the phone.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# The two SLA clocks of a case: (done at, due at, breach queued at, met the deadline).
Sla = Literal["reply", "private_contact"]
_SLA_FIELDS: dict[str, tuple[str, str, str, str]] = {
    "reply": ("replied_at", "reply_due_at", "reply_breached_at", "replied_within_sla"),
    "private_contact": (
        "private_contact_at",
        "private_contact_due_at",
        "private_contact_breached_at",
        "private_contact_within_sla",
    ),
}


def new_case_ref(length: int = 4) -> str:
    return "RP-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(length))


class CaseRepository:
    """One case per flagged review; its reference is short and unique."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._cases = db["cases"]
        self._events = db["events"]

    async def open_for(self, case: Case) -> tuple[Case, bool]:
        """Open ``case`` unless the review already has one; return (case, created)."""
        existing = await self.for_review(case.source, case.external_id)
        if existing is not None:
            return existing, False
        # 32^4 refs at first; lengthen after collisions so a large store never loops long.
        for attempt in range(12):
            candidate = case.model_copy(update={"ref": new_case_ref(4 + attempt // 3)})
            try:
                await self._cases.insert_one(to_doc(candidate, doc_id=candidate.ref))
            except DuplicateKeyError:
                # Either another writer opened this review's case first, or the reference
                # is taken: use theirs, or draw another reference.
                racing = await self.for_review(case.source, case.external_id)
                if racing is not None:
                    return racing, False
                continue
            event = Event(
                entity="case",
                key=candidate.ref,
                type="opened",
                at=utcnow(),
                data={
                    "review": review_id(case.source, case.external_id),
                    "severity": candidate.severity.value,
                },
            )
            await self._events.insert_one(to_doc(event))
            return candidate, True
        raise StorageError("could not allocate a unique case reference")

    async def for_review(self, source: str, external_id: str) -> Case | None:
        doc = await self._cases.find_one({"source": source, "external_id": external_id})
        return from_doc(Case, doc) if doc else None

    async def get(self, ref: str) -> Case | None:
        doc = await self._cases.find_one({"_id": ref})
        return from_doc(Case, doc) if doc else None

    async def escalate(self, ref: str, severity: Severity) -> bool:
        """Raise the case's severity if ``severity`` is higher; True only for the writer that
        raised it (so one escalation makes one alert, and the same severity makes none)."""
        lower = [s.value for s in Severity if s.rank < severity.rank]
        doc = await self._cases.find_one_and_update(
            {"_id": ref, "severity": {"$in": lower}},
            {"$set": {"severity": severity.value}},
            projection={"severity": 1},
            return_document=ReturnDocument.BEFORE,
        )
        if doc is None:
            return False
        event = Event(
            entity="case",
            key=ref,
            type="escalated",
            at=utcnow(),
            data={"from": doc["severity"], "to": severity.value},
        )
        await self._events.insert_one(to_doc(event))
        return True

    async def set_owner(self, ref: str, *, team: str, channel: str) -> Case | None:
        """Give an ownerless (older) case its team and channel; an owner is never replaced."""
        await self._cases.update_one(
            {"_id": ref, "slack_channel": None}, {"$set": {"team": team, "slack_channel": channel}}
        )
        return await self.get(ref)

    async def set_thread(self, ref: str, *, channel: str, ts: str) -> bool:
        """Remember the Slack message that starts the case's thread (first writer wins)."""
        result = await self._cases.update_one(
            {"_id": ref, "slack_thread_ts": None},
            {"$set": {"slack_thread_ts": ts, "slack_channel": channel}},
        )
        return result.modified_count == 1

    async def count(self) -> int:
        return int(await self._cases.count_documents({}))

    async def assign(self, ref: str, *, owner: str, actor: str) -> bool:
        """Make ``owner`` the person who owns the case; True when the owner changed."""
        doc = await self._cases.find_one_and_update(
            {"_id": ref, "owner": {"$ne": owner}},
            {"$set": {"owner": owner}},
            projection={"owner": 1},
            return_document=ReturnDocument.BEFORE,
        )
        if doc is None:
            if await self._cases.count_documents({"_id": ref}) == 0:
                raise StorageError(f"no case {ref}")
            return False
        data = {"from": doc.get("owner"), "to": owner}
        await self._event(ref, "assigned", utcnow(), actor, data)
        return True

    # --- SLA: replies, private contact, resolution, overdue cases, follow-ups -------------

    async def mark_replied(self, ref: str, *, at: datetime, actor: str = "system") -> bool:
        """Record the public reply (the first one counts) and whether it met its deadline."""
        return await self._mark_done(ref, "reply", at=at, actor=actor)

    async def mark_private_contact(self, ref: str, *, at: datetime, actor: str = "system") -> bool:
        """Record the first private contact with the customer and whether it was in time."""
        return await self._mark_done(ref, "private_contact", at=at, actor=actor)

    async def _mark_done(self, ref: str, sla: Sla, *, at: datetime, actor: str) -> bool:
        done, due, _, within = _SLA_FIELDS[sla]
        case = await self.get(ref)
        if case is None:
            raise StorageError(f"no case {ref}")
        in_time = at <= getattr(case, due)
        result = await self._cases.update_one(
            {"_id": ref, done: None}, {"$set": {done: at, within: in_time}}
        )
        if result.modified_count != 1:
            return False  # already recorded: the first one is what the SLA measures
        await self._event(
            ref,
            "replied" if sla == "reply" else "private_contact",
            at,
            actor,
            {
                "within_sla": in_time,
                "due": getattr(case, due),
            },
        )
        return True

    async def resolve(self, ref: str, *, at: datetime, actor: str = "system") -> bool:
        """Close the case (status ``resolved``); its follow-up reminder is due later. True
        only for the call that resolved it."""
        result = await self._cases.update_one(
            {"_id": ref, "resolved_at": None}, {"$set": {"status": "resolved", "resolved_at": at}}
        )
        if result.modified_count != 1:
            return False
        await self._event(ref, "resolved", at, actor, {})
        return True

    async def overdue(self, sla: Sla, *, now: datetime, limit: int = 500) -> list[Case]:
        """Unresolved cases past the ``sla`` deadline, not done and not yet escalated."""
        done, due, breached, _ = _SLA_FIELDS[sla]
        cursor = self._cases.find(
            {done: None, breached: None, due: {"$lte": now}, "resolved_at": None}
        ).sort(due, 1)
        return [from_doc(Case, doc) async for doc in cursor.limit(limit)]

    async def mark_breached(self, ref: str, sla: Sla, *, now: datetime) -> bool:
        """Store that the deadline passed undone (compliance False); True for the first mark."""
        done, due, breached, within = _SLA_FIELDS[sla]
        doc = await self._cases.find_one_and_update(
            {"_id": ref, done: None, breached: None},
            {"$set": {breached: now, within: False}},
            projection={due: 1},
        )
        if doc is None:
            return False
        await self._event(ref, "sla_breached", now, "system", {"sla": sla, "due": doc[due]})
        return True

    async def follow_ups_due(self, *, resolved_before: datetime, limit: int = 500) -> list[Case]:
        """Cases resolved before ``resolved_before`` whose follow-up is not queued yet."""
        cursor = self._cases.find(
            {"follow_up_queued_at": None, "resolved_at": {"$lte": resolved_before}}
        ).sort("resolved_at", 1)
        return [from_doc(Case, doc) async for doc in cursor.limit(limit)]

    async def mark_follow_up_queued(self, ref: str, *, now: datetime) -> bool:
        result = await self._cases.update_one(
            {"_id": ref, "follow_up_queued_at": None}, {"$set": {"follow_up_queued_at": now}}
        )
        if result.modified_count != 1:
            return False
        await self._event(ref, "follow_up_queued", now, "system", {})
        return True

    async def _event(
        self, ref: str, kind: str, at: datetime, actor: str, data: dict[str, Any]
    ) -> None:
        event = Event(entity="case", key=ref, type=kind, at=at, actor=actor, data=data)
        await self._events.insert_one(to_doc(event))


class DraftRepository:
    """Drafts per case; one per version of the review's content. Never overwritten."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._drafts = db["drafts"]
        self._events = db["events"]

    async def add_if_absent(
        self, draft: Draft, *, brand: str | None = None, wording: str | None = None
    ) -> tuple[Draft, bool]:
        """Store the draft unless the case has one for this content; return (draft, added).
        ``brand`` and ``wording`` (the text without what is personal to the case) let
        :meth:`recent_wordings` keep a brand's replies from repeating."""
        doc_id = f"{draft.case_ref}:{draft.content_hash}"
        new = to_doc(draft, doc_id=doc_id)
        new.update(brand=brand, wording=wording if wording is not None else draft.text)
        try:
            await self._drafts.insert_one(new)
        except DuplicateKeyError:
            doc = await self._drafts.find_one({"_id": doc_id})
            if doc is None:  # cannot happen: nothing deletes drafts
                raise StorageError(f"draft {doc_id} vanished") from None
            return from_doc(Draft, doc), False
        event = Event(
            entity="case",
            key=draft.case_ref,
            type="drafted",
            at=draft.created_at,
            data={"draft": doc_id, "lang": draft.lang},
        )
        await self._events.insert_one(to_doc(event))
        return draft, True

    async def recent_wordings(self, brand: str | None, limit: int = 50) -> list[str]:
        """The wordings of the brand's ``limit`` latest drafts, newest first."""
        cursor = (
            self._drafts.find({"brand": brand}, {"wording": 1, "text": 1})
            .sort("created_at", -1)
            .limit(limit)
        )
        return [doc.get("wording") or doc["text"] async for doc in cursor]

    async def exists(self, case_ref: str, content_hash: str) -> bool:
        return await self._drafts.count_documents({"_id": f"{case_ref}:{content_hash}"}) > 0

    async def for_case(self, case_ref: str) -> list[Draft]:
        cursor = self._drafts.find({"case_ref": case_ref}).sort("created_at", 1)
        return [from_doc(Draft, doc) async for doc in cursor]

    async def count(self) -> int:
        return int(await self._drafts.count_documents({}))
