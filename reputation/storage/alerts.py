"""The alert outbox: alerts are stored before anyone sends them, claimed with a lease by one
worker at a time, and marked with Slack's receipt. Nothing here deletes an alert.

Per-channel pacing lives here too (collection ``outbox_channels``): every worker, in any
process, reserves a send slot for a channel before posting, so the channel never gets more
than one message per interval however many workers run.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from reputation.core.models import Alert, AlertStatus, Event, utcnow
from reputation.storage.documents import from_doc, to_doc

_PENDING = AlertStatus.PENDING.value
_SENDING = AlertStatus.SENDING.value
_SENT = AlertStatus.SENT.value
_HELD = AlertStatus.HELD.value
# Waiting for a worker; held alerts wait for their digest instead, digested ones are done.
_UNSENT = [_PENDING, _SENDING]
_ORDER = [("created_at", ASCENDING), ("_id", ASCENDING)]
_RELEASED = {"lease_until": None, "worker": None, "claim": None}


def _due(field: str, now: datetime) -> dict[str, Any]:
    return {"$or": [{field: None}, {field: {"$lte": now}}]}


class AlertRepository:
    """The outbox: an alert is stored before anyone tries to send it, then marked sent."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._alerts = db["alerts"]
        self._channels = db["outbox_channels"]
        self._events = db["events"]

    @staticmethod
    def alert_id(alert: Alert) -> str:
        base = f"{alert.case_ref}:{alert.kind}"
        return f"{base}:{alert.dedupe}" if alert.dedupe else base

    async def enqueue(self, alert: Alert) -> bool:
        """Add the alert unless the same one (case, kind, dedupe) exists; True if added."""
        try:
            await self._alerts.insert_one(to_doc(alert, doc_id=self.alert_id(alert)))
        except DuplicateKeyError:
            return False
        return True

    async def claim(
        self,
        *,
        worker: str,
        token: str,
        lease_s: float,
        respect_backoff: bool = True,
        exclude: set[str] | frozenset[str] = frozenset(),
    ) -> Alert | None:
        """Atomically take the oldest sendable alert: pending and due, or sending with an
        expired lease (its worker died). Only the returned claim ``token`` may mark it."""
        now = utcnow()
        pending: dict[str, Any] = {"status": _PENDING, "$and": [_due("not_before", now)]}
        if respect_backoff:
            pending["$and"].append(_due("next_attempt_at", now))
        query: dict[str, Any] = {
            "$or": [pending, {"status": _SENDING, "lease_until": {"$lt": now}}],
        }
        if exclude:
            query["_id"] = {"$nin": sorted(exclude)}
        doc = await self._alerts.find_one_and_update(
            query,
            {
                "$set": {
                    "status": _SENDING,
                    "lease_until": now + timedelta(seconds=lease_s),
                    "worker": worker,
                    "claim": token,
                }
            },
            sort=_ORDER,
            return_document=ReturnDocument.AFTER,
        )
        return from_doc(Alert, doc) if doc else None

    async def release(self, alert: Alert, *, not_before: datetime) -> bool:
        """Give a claimed alert back untried (thread order, channel pacing)."""
        result = await self._alerts.update_one(
            {"_id": self.alert_id(alert), "claim": alert.claim},
            {"$set": {"status": _PENDING, "not_before": not_before, **_RELEASED}},
        )
        return result.modified_count == 1

    async def mark_failed(
        self,
        alert: Alert,
        error: str,
        *,
        next_attempt_at: datetime,
        not_before: datetime | None = None,
    ) -> bool:
        """Back to pending after a failed attempt, with the backoff (and Slack's Retry-After)."""
        now = utcnow()
        result = await self._alerts.update_one(
            {"_id": self.alert_id(alert), "claim": alert.claim},
            {
                "$set": {
                    "status": _PENDING,
                    "last_error": error[:500],
                    "next_attempt_at": next_attempt_at,
                    "not_before": not_before,
                    **_RELEASED,
                },
                "$inc": {"attempts": 1},
            },
        )
        event = Event(
            entity="case",
            key=alert.case_ref,
            type="alert_failed",
            at=now,
            actor=alert.worker or "system",
            data={
                "alert": self.alert_id(alert),
                "error": error[:500],
                "attempt": alert.attempts + 1,
            },
        )
        await self._events.insert_one(to_doc(event))
        return result.modified_count == 1

    async def mark_sent(
        self,
        alert: Alert,
        receipt: str,
        *,
        channel: str | None = None,
        thread_ts: str | None = None,
    ) -> bool:
        """Record the delivery; False if this worker's lease had been taken over meanwhile
        (the alert is still marked sent, so the next holder's mark shows the duplicate)."""
        now = utcnow()
        update = {
            "$set": {
                "status": _SENT,
                "sent_at": now,
                "receipt": receipt,
                "thread_ts": thread_ts,
                "last_error": None,
                "not_before": None,
                "next_attempt_at": None,
                **_RELEASED,
            },
            "$inc": {"attempts": 1},
        }
        doc_id = self.alert_id(alert)
        result = await self._alerts.update_one({"_id": doc_id, "claim": alert.claim}, update)
        own = result.modified_count == 1
        if not own:
            await self._alerts.update_one({"_id": doc_id, "status": {"$ne": _SENT}}, update)
        event = Event(
            entity="case",
            key=alert.case_ref,
            type="alert_sent",
            at=now,
            actor=alert.worker or "system",
            data={
                "alert": doc_id,
                "kind": alert.kind,
                "channel": channel or alert.channel,
                "receipt": receipt,
                "thread_ts": thread_ts,
                "lease_lost": not own,
            },
        )
        await self._events.insert_one(to_doc(event))
        return own

    async def earlier_unsent(self, alert: Alert) -> Alert | None:
        """The oldest unsent alert of the same case queued before this one, if any."""
        doc = await self._alerts.find_one(
            {
                "case_ref": alert.case_ref,
                "status": {"$in": _UNSENT},
                "$or": [
                    {"created_at": {"$lt": alert.created_at}},
                    {"created_at": alert.created_at, "_id": {"$lt": self.alert_id(alert)}},
                ],
            },
            sort=_ORDER,
        )
        return from_doc(Alert, doc) if doc else None

    async def next_ready_at(
        self, *, respect_backoff: bool = True, exclude: set[str] | frozenset[str] = frozenset()
    ) -> datetime | None:
        """When the next unsent alert (not in ``exclude``) becomes claimable, or None."""
        query: dict[str, Any] = {"status": {"$in": [_PENDING, _SENDING]}}
        if exclude:
            query["_id"] = {"$nin": sorted(exclude)}
        fields = {"status": 1, "not_before": 1, "next_attempt_at": 1, "lease_until": 1}
        earliest: datetime | None = None
        async for doc in self._alerts.find(query, fields).limit(5000):
            if doc["status"] == _SENDING:
                ready = doc.get("lease_until") or utcnow()
            else:
                times = [doc.get("not_before")]
                if respect_backoff:
                    times.append(doc.get("next_attempt_at"))
                ready = max((t for t in times if t is not None), default=utcnow())
            earliest = ready if earliest is None else min(earliest, ready)
        return earliest

    async def reserve_slot(
        self, channel: str, *, interval_s: float, max_wait_s: float
    ) -> tuple[datetime, bool]:
        """Reserve the channel's next send slot: (slot, True); or (when it frees, False) if
        that is more than ``max_wait_s`` away. Compare-and-set, so workers never share one."""
        interval = timedelta(seconds=interval_s)
        for _ in range(50):
            now = utcnow()
            doc = await self._channels.find_one({"_id": channel})
            if doc is None:
                try:
                    await self._channels.insert_one(
                        {"_id": channel, "next_slot_at": now + interval}
                    )
                except DuplicateKeyError:
                    continue
                return now, True
            current: datetime = doc["next_slot_at"]
            slot = max(now, current)
            if slot - now > timedelta(seconds=max_wait_s):
                return slot, False
            result = await self._channels.update_one(
                {"_id": channel, "next_slot_at": current},
                {"$set": {"next_slot_at": slot + interval}},
            )
            if result.modified_count == 1:
                return slot, True
        return utcnow() + interval, False  # heavy contention: let the caller come back

    async def hold_channel(self, channel: str, until: datetime) -> None:
        """No sends to ``channel`` before ``until`` (Slack's Retry-After applies to it all)."""
        await self._channels.update_one(
            {"_id": channel}, {"$max": {"next_slot_at": until}}, upsert=True
        )

    async def get(self, alert_id: str) -> Alert | None:
        doc = await self._alerts.find_one({"_id": alert_id})
        return from_doc(Alert, doc) if doc else None

    async def for_case(self, case_ref: str) -> list[Alert]:
        cursor = self._alerts.find({"case_ref": case_ref}).sort(_ORDER)
        return [from_doc(Alert, d) async for d in cursor]

    async def pending(self, limit: int = 100) -> list[Alert]:
        """Alerts not yet delivered (pending, or claimed by a worker), oldest first."""
        cursor = self._alerts.find({"status": {"$in": [_PENDING, _SENDING]}})
        return [from_doc(Alert, d) async for d in cursor.sort(_ORDER).limit(limit)]

    async def count(self, status: AlertStatus | None = None) -> int:
        query = {"status": status.value} if status else {}
        return int(await self._alerts.count_documents(query))

    async def count_unsent(self) -> int:
        """Alerts a flush should still send (held ones wait for their digest)."""
        return int(await self._alerts.count_documents({"status": {"$in": _UNSENT}}))

    # --- the low-severity digest (responders/digest.py) -----------------------------------

    async def held_channels(self) -> dict[str, datetime]:
        """Channels with held alerts, and when the oldest of them was queued."""
        cursor = self._alerts.aggregate(
            [
                {"$match": {"status": _HELD}},
                {"$group": {"_id": "$channel", "oldest": {"$min": "$created_at"}}},
            ]
        )
        return {str(doc["_id"]): doc["oldest"] async for doc in cursor}

    async def held(self, channel: str, *, limit: int = 1000) -> list[Alert]:
        """The channel's held alerts, oldest first."""
        cursor = self._alerts.find({"status": _HELD, "channel": channel}).sort(_ORDER)
        return [from_doc(Alert, d) async for d in cursor.limit(limit)]

    async def mark_digested(self, alerts: list[Alert], digest: Alert) -> int:
        """Held alerts carried by ``digest``: never sent on their own. Returns how many."""
        digest_id = self.alert_id(digest)
        ids = [self.alert_id(a) for a in alerts]
        result = await self._alerts.update_many(
            {"_id": {"$in": ids}, "status": _HELD},
            {"$set": {"status": AlertStatus.DIGESTED.value, "digest": digest_id}},
        )
        events = [
            to_doc(
                Event(
                    entity="case",
                    key=a.case_ref,
                    type="alert_digested",
                    at=digest.created_at,
                    data={"alert": self.alert_id(a), "digest": digest_id},
                )
            )
            for a in alerts
        ]
        if events:
            await self._events.insert_many(events)
        return int(result.modified_count)

    async def latest(self, case_ref: str, kind: str) -> Alert | None:
        """The newest alert of ``kind`` queued under ``case_ref`` (digests, spikes)."""
        doc = await self._alerts.find_one(
            {"case_ref": case_ref, "kind": kind}, sort=[("created_at", -1), ("_id", -1)]
        )
        return from_doc(Alert, doc) if doc else None
