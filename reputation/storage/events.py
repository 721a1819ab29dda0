"""The append-only history: every status change, edit and delivery is one inserted event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from reputation.core.models import Event
from reputation.storage.documents import from_doc, to_doc


class EventRepository:
    """Insert and read events. There is no update or delete here by design."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._events = db["events"]

    async def append(self, events: Sequence[Event]) -> None:
        if events:
            await self._events.insert_many([to_doc(e) for e in events])

    async def for_key(self, entity: str, key: str) -> list[Event]:
        cursor = self._events.find({"entity": entity, "key": key}).sort("at", 1)
        return [from_doc(Event, doc) async for doc in cursor]

    async def count(self, query: dict[str, Any] | None = None) -> int:
        return int(await self._events.count_documents(query or {}))
