"""A lease per scheduled job, so that several ``reputation serve`` processes on one MongoDB
never run the same job at the same time, and a job moves to a live process when one dies.

One document per job (``_id`` = the job id) in the ``leases`` collection:

* :meth:`LeaseRepository.acquire` takes the lease atomically (``find_one_and_update``, upsert
  the first time) when nobody holds it or the holder's lease has expired, and — so the
  processes together keep the job's pace — only when the last run started at least
  ``min_gap_s`` ago;
* the holder renews it while the job runs (:meth:`renew` answers False once someone else
  took it over after expiry); :meth:`release` frees it when the run ends;
* a process killed mid-run simply stops renewing: ``expires_at`` passes and the next process
  whose turn comes takes the job over.

Leases compare ``expires_at`` with the caller's clock, so the processes' clocks must agree
to well within the lease length (NTP does). Nothing is ever deleted: a released lease stays
as the job's last-run record (owner, start, end, outcome, run and failure counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError

from reputation.core.errors import StorageError
from reputation.core.models import utcnow


@dataclass(frozen=True)
class Lease:
    """One job's lease as stored; ``owner`` is None while no process runs the job."""

    job: str
    owner: str | None
    expires_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None = None
    last_owner: str | None = None
    last_ok: bool | None = None
    last_error: str | None = None
    runs: int = 0
    failures: int = 0
    takeovers: int = 0  # runs that began by taking an expired lease from a silent holder

    def held(self, now: datetime | None = None) -> bool:
        """Whether a live holder has it (an expired lease is free to take)."""
        now = now or utcnow()
        return self.owner is not None and self.expires_at is not None and self.expires_at > now


def _lease(doc: dict[str, Any]) -> Lease:
    return Lease(
        job=str(doc["_id"]),
        owner=doc.get("owner"),
        expires_at=doc.get("expires_at"),
        started_at=doc.get("started_at"),
        finished_at=doc.get("finished_at"),
        last_owner=doc.get("last_owner"),
        last_ok=doc.get("last_ok"),
        last_error=doc.get("last_error"),
        runs=int(doc.get("runs", 0)),
        failures=int(doc.get("failures", 0)),
        takeovers=int(doc.get("takeovers", 0)),
    )


class LeaseRepository:
    """Acquire, renew and release job leases. Every query is by ``_id`` or ``owner``
    (both indexed: ``_id`` always, ``owner`` in ``storage.mongo.INDEXES``)."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._leases = db["leases"]

    async def acquire(
        self, job: str, owner: str, *, ttl_s: float, min_gap_s: float = 0.0
    ) -> Lease | None:
        """Take the job's lease for ``ttl_s`` seconds; None when a live process holds it or
        the job last started less than ``min_gap_s`` ago (another process just ran it)."""
        now = utcnow()
        rested = {"$or": [{"started_at": None}, {"started_at": {"$lte": now - _s(min_gap_s)}}]}
        fields = {
            "owner": owner,
            "started_at": now,
            "renewed_at": now,
            "expires_at": now + _s(ttl_s),
        }
        try:
            try:
                doc = await self._leases.find_one_and_update(
                    {"_id": job, "owner": None, **rested},
                    {"$set": fields, "$inc": {"runs": 1}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                doc = None  # the document exists and did not match: held, or run just now
            if doc is None:
                # A holder that stopped renewing (killed, hung): take the job over.
                doc = await self._leases.find_one_and_update(
                    {"_id": job, "owner": {"$ne": None}, "expires_at": {"$lte": now}, **rested},
                    {"$set": fields, "$inc": {"runs": 1, "takeovers": 1}},
                    return_document=ReturnDocument.AFTER,
                )
        except PyMongoError as exc:
            raise StorageError(f"lease {job}: {exc}") from exc
        if doc is None or doc.get("owner") != owner:
            return None
        return _lease(doc)

    async def renew(self, job: str, owner: str, *, ttl_s: float) -> bool:
        """Extend the lease; False when ``owner`` no longer holds it (it expired and another
        process took it — the caller should stop at the next safe point)."""
        now = utcnow()
        try:
            result = await self._leases.update_one(
                {"_id": job, "owner": owner},
                {"$set": {"renewed_at": now, "expires_at": now + _s(ttl_s)}},
            )
        except PyMongoError as exc:
            raise StorageError(f"lease {job}: {exc}") from exc
        return bool(result.matched_count)

    async def release(self, job: str, owner: str, *, ok: bool, error: str | None = None) -> bool:
        """Free the lease and record how the run ended; False if it was no longer ours."""
        now = utcnow()
        update: dict[str, Any] = {
            "$set": {
                "owner": None,
                "expires_at": now,
                "finished_at": now,
                "last_owner": owner,
                "last_ok": ok,
                "last_error": error[:500] if error else None,
            }
        }
        if not ok:
            update["$inc"] = {"failures": 1}
        try:
            result = await self._leases.update_one({"_id": job, "owner": owner}, update)
        except PyMongoError as exc:
            raise StorageError(f"lease {job}: {exc}") from exc
        return bool(result.matched_count)

    async def release_all(self, owner: str) -> int:
        """Free every lease ``owner`` still holds (shutdown after the grace period)."""
        now = utcnow()
        try:
            result = await self._leases.update_many(
                {"owner": owner},
                {
                    "$set": {
                        "owner": None,
                        "expires_at": now,
                        "finished_at": now,
                        "last_owner": owner,
                        "last_ok": False,
                        "last_error": "stopped before the run finished",
                    },
                    "$inc": {"failures": 1},
                },
            )
        except PyMongoError as exc:
            raise StorageError(f"leases of {owner}: {exc}") from exc
        return int(result.modified_count)

    async def get(self, job: str) -> Lease | None:
        try:
            doc = await self._leases.find_one({"_id": job})
        except PyMongoError as exc:
            raise StorageError(f"lease {job}: {exc}") from exc
        return _lease(doc) if doc else None

    async def held_by(self, owner: str) -> list[Lease]:
        try:
            return [_lease(doc) async for doc in self._leases.find({"owner": owner})]
        except PyMongoError as exc:
            raise StorageError(f"leases of {owner}: {exc}") from exc


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
