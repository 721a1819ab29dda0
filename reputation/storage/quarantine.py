"""Records that could not be normalised, kept with the raw payload and the reason."""

from __future__ import annotations

import hashlib
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import PyMongoError

from reputation.core.errors import StorageError
from reputation.core.models import QuarantineRecord, utcnow
from reputation.core.text import clean_text
from reputation.storage.documents import from_doc

MAX_RAW_CHARS = 200_000


class QuarantineRepository:
    """One record per (source, raw payload): seeing the same bad record again counts it."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._quarantine = db["quarantine"]

    async def add(self, source: str, raw: str, reason: str) -> QuarantineRecord:
        raw, reason = clean_text(raw[:MAX_RAW_CHARS]), clean_text(reason)
        fingerprint = hashlib.sha256(f"{source}\0{raw}".encode()).hexdigest()[:32]
        now = utcnow()
        try:
            doc = await self._quarantine.find_one_and_update(
                {"_id": f"{source}:{fingerprint}"},
                {
                    "$setOnInsert": {
                        "source": source,
                        "raw": raw,
                        "fingerprint": fingerprint,
                        "first_seen_at": now,
                    },
                    "$set": {"reason": reason, "last_seen_at": now},
                    "$inc": {"seen": 1},
                },
                upsert=True,
                return_document=True,
            )
        except PyMongoError as exc:
            raise StorageError(f"quarantining a {source} record failed: {exc}") from exc
        return from_doc(QuarantineRecord, doc)

    async def list(self, source: str | None = None, limit: int = 100) -> list[QuarantineRecord]:
        query = {"source": source} if source else {}
        cursor = self._quarantine.find(query).sort("last_seen_at", -1).limit(limit)
        return [from_doc(QuarantineRecord, doc) async for doc in cursor]

    async def count(self) -> int:
        return int(await self._quarantine.count_documents({}))
