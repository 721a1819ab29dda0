"""Cases, reply drafts and the alert outbox."""

from __future__ import annotations

import secrets
from typing import Any

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
