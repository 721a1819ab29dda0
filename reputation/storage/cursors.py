"""Where each source left off: a resume cursor and a high-water mark per (source, location),
and whether a source is disabled (bad credentials) until its configuration changes.

The cursor is advanced only after a page is stored, so a crash re-reads at most one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import PyMongoError

from reputation.core.errors import StorageError
from reputation.core.models import utcnow


@dataclass(frozen=True)
class CursorState:
    resume: str | None = None  # continue an interrupted run from here
    high_water: datetime | None = None  # newest item time a completed run has seen
    started_full_scan: bool = False  # the interrupted run began without a high-water mark


class CursorRepository:
    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._cursors = db["cursors"]
        self._sources = db["source_state"]

    @staticmethod
    def _id(source: str, location: str) -> str:
        return f"{source}:{location}"

    async def get(self, source: str, location: str) -> CursorState:
        doc = await self._guard(self._cursors.find_one({"_id": self._id(source, location)}))
        if not doc:
            return CursorState()
        return CursorState(
            doc.get("resume"), doc.get("high_water"), bool(doc.get("started_full_scan"))
        )

    async def advance(
        self,
        source: str,
        location: str,
        *,
        resume: str | None,
        high_water: datetime | None,
        started_full_scan: bool,
    ) -> None:
        """Record progress; ``resume=None`` means the run completed."""
        fields: dict[str, Any] = {
            "source": source,
            "location": location,
            "resume": resume,
            "started_full_scan": started_full_scan if resume else False,
            "updated_at": utcnow(),
        }
        update: dict[str, Any] = {"$set": fields}
        if high_water is not None:
            update["$max"] = {"high_water": high_water}
        await self._guard(
            self._cursors.update_one({"_id": self._id(source, location)}, update, upsert=True)
        )

    async def disabled(self, source: str) -> tuple[str, str] | None:
        """(reason, credential fingerprint) when the source was disabled."""
        doc = await self._guard(self._sources.find_one({"_id": source}))
        if not doc or not doc.get("disabled"):
            return None
        return str(doc.get("reason", "")), str(doc.get("fingerprint", ""))

    async def set_disabled(self, source: str, reason: str | None, fingerprint: str = "") -> None:
        fields = {"disabled": reason is not None, "reason": reason, "fingerprint": fingerprint}
        await self._guard(
            self._sources.update_one(
                {"_id": source}, {"$set": {**fields, "updated_at": utcnow()}}, upsert=True
            )
        )

    @staticmethod
    async def _guard(operation: Any) -> Any:
        try:
            return await operation
        except PyMongoError as exc:
            raise StorageError(f"cursor storage failed: {exc}") from exc
