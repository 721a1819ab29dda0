"""Cases, reply drafts and the alert outbox."""

from __future__ import annotations

import secrets
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from reputation.core.errors import StorageError
from reputation.core.models import Alert, AlertStatus, Case, Draft, Event, utcnow
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
            except DuplicateKeyError as exc:
                racing = await self.for_review(case.source, case.external_id)
                if racing is not None:
                    return racing, False
                if "ref" not in str(exc) and "_id" not in str(exc):
                    raise
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

    async def count(self) -> int:
        return int(await self._cases.count_documents({}))


class DraftRepository:
    """Drafts per case; one per version of the review's content. Never overwritten."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._drafts = db["drafts"]
        self._events = db["events"]

    async def add_if_absent(self, draft: Draft) -> tuple[Draft, bool]:
        doc_id = f"{draft.case_ref}:{draft.content_hash}"
        try:
            await self._drafts.insert_one(to_doc(draft, doc_id=doc_id))
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

    async def exists(self, case_ref: str, content_hash: str) -> bool:
        return await self._drafts.count_documents({"_id": f"{case_ref}:{content_hash}"}) > 0

    async def for_case(self, case_ref: str) -> list[Draft]:
        cursor = self._drafts.find({"case_ref": case_ref}).sort("created_at", 1)
        return [from_doc(Draft, doc) async for doc in cursor]

    async def count(self) -> int:
        return int(await self._drafts.count_documents({}))


class AlertRepository:
    """The outbox: an alert is stored before anyone tries to send it, then marked sent."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._alerts = db["alerts"]
        self._events = db["events"]

    @staticmethod
    def alert_id(alert: Alert) -> str:
        return f"{alert.case_ref}:{alert.kind}"

    async def enqueue(self, alert: Alert) -> bool:
        """Add the alert unless one of the same kind exists for the case; True if added."""
        try:
            await self._alerts.insert_one(to_doc(alert, doc_id=self.alert_id(alert)))
        except DuplicateKeyError:
            return False
        return True

    async def pending(self, limit: int = 100) -> list[Alert]:
        cursor = self._alerts.find({"status": AlertStatus.PENDING.value})
        return [from_doc(Alert, d) async for d in cursor.sort("created_at", 1).limit(limit)]

    async def mark_sent(self, alert: Alert, receipt: str) -> Alert:
        now = utcnow()
        doc = await self._alerts.find_one_and_update(
            {"_id": self.alert_id(alert), "status": AlertStatus.PENDING.value},
            {
                "$set": {
                    "status": AlertStatus.SENT.value,
                    "sent_at": now,
                    "receipt": receipt,
                    "last_error": None,
                },
                "$inc": {"attempts": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise StorageError(f"alert {self.alert_id(alert)} is not pending")
        event = Event(
            entity="case",
            key=alert.case_ref,
            type="alert_sent",
            at=now,
            data={"kind": alert.kind, "channel": alert.channel, "receipt": receipt},
        )
        await self._events.insert_one(to_doc(event))
        return from_doc(Alert, doc)

    async def mark_failed(self, alert: Alert, error: str) -> None:
        await self._alerts.update_one(
            {"_id": self.alert_id(alert)},
            {"$set": {"last_error": error[:500]}, "$inc": {"attempts": 1}},
        )

    async def count(self, status: AlertStatus | None = None) -> int:
        query = {"status": status.value} if status else {}
        return int(await self._alerts.count_documents(query))
