"""The append-only history: every status change, edit and delivery is one inserted event.

Events that happen to many reviews at once (a batch collected, a batch flagged) share one
document: entity ``reviews``, ``key`` the list of reviews — or, for "collected", ``keys``
with each review naming the document in its ``collected_in`` (see
:func:`~reputation.storage.documents.shared_event_doc`). :meth:`EventRepository.for_key`
gives each review its own events either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from reputation.core.models import Event, utcnow
from reputation.storage.documents import (
    events_in_doc,
    review_id,
    shared_entity,
    shared_event_doc,
    to_doc,
)

_SHARED_CHUNK = 1000  # reviews per shared document (as for "collected")


class EventRepository:
    """Insert and read events. There is no update or delete here by design."""

    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._events = db["events"]
        self._reviews = db["reviews"]

    async def append(self, events: Sequence[Event]) -> None:
        if events:
            await self._events.insert_many([to_doc(e) for e in events])

    async def append_for_reviews(
        self,
        kind: str,
        items: Sequence[tuple[tuple[str, str], dict[str, Any]]],
        *,
        actor: str = "system",
    ) -> None:
        """The same event for many reviews at once (``(source, external_id), data`` each), as
        shared documents: one per 1,000 reviews."""
        pairs = [(review_id(*key), data) for key, data in items]
        if not pairs:
            return
        now = utcnow()
        await self._events.insert_many(
            [
                shared_event_doc("review", kind, now, pairs[i : i + _SHARED_CHUNK], actor=actor)
                for i in range(0, len(pairs), _SHARED_CHUNK)
            ]
        )

    async def for_key(self, entity: str, key: str) -> list[Event]:
        """Everything that happened to one item, oldest first."""
        docs: list[dict[str, Any]] = []
        # Two queries, not one $or: each is an equality prefix of the (entity, key, at) index.
        for name in (entity, shared_entity(entity)):
            docs += await self._events.find({"entity": name, "key": key}).to_list(None)
        if entity == "review":
            pointer = await self._reviews.find_one({"_id": key}, {"collected_in": 1})
            if pointer and pointer.get("collected_in") is not None:
                docs += await self._events.find({"_id": pointer["collected_in"]}).to_list(None)
        docs.sort(key=lambda doc: (doc["at"], doc["_id"]))
        return [event for doc in docs for event in events_in_doc(doc, entity, key)]

    async def count(self, query: dict[str, Any] | None = None) -> int:
        """How many event documents match (a shared document counts once)."""
        return int(await self._events.count_documents(query or {}))
