"""The MongoDB client, the collections and their indexes."""

from __future__ import annotations

import logging
import re
from types import TracebackType
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import PyMongoError

from reputation.core.errors import StorageError
from reputation.storage.cases import AlertRepository, CaseRepository, DraftRepository
from reputation.storage.cursors import CursorRepository
from reputation.storage.events import EventRepository
from reputation.storage.quarantine import QuarantineRepository
from reputation.storage.reviews import ReviewRepository

log = logging.getLogger(__name__)

INDEXES: dict[str, list[IndexModel]] = {
    "reviews": [
        IndexModel([("source", ASCENDING), ("external_id", ASCENDING)], unique=True),
        IndexModel([("pending_classification", ASCENDING)]),
        IndexModel([("pending_response", ASCENDING)]),
        IndexModel([("label_override.at", ASCENDING)], sparse=True),
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("source", ASCENDING), ("location", ASCENDING), ("removed_at_source", 1)]),
        IndexModel([("source", ASCENDING), ("location", ASCENDING), ("created_at", ASCENDING)]),
    ],
    "revisions": [
        IndexModel(
            [("source", ASCENDING), ("external_id", ASCENDING), ("number", ASCENDING)],
            unique=True,
        ),
    ],
    "cases": [
        IndexModel([("ref", ASCENDING)], unique=True),
        IndexModel([("source", ASCENDING), ("external_id", ASCENDING)], unique=True),
        IndexModel([("status", ASCENDING), ("reply_due_at", ASCENDING)]),
    ],
    "drafts": [
        IndexModel([("case_ref", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("brand", ASCENDING), ("created_at", DESCENDING)]),
    ],
    "alerts": [
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)]),
        IndexModel([("case_ref", ASCENDING), ("created_at", ASCENDING)]),
    ],
    "events": [IndexModel([("entity", ASCENDING), ("key", ASCENDING), ("at", ASCENDING)])],
    "quarantine": [IndexModel([("source", ASCENDING), ("last_seen_at", DESCENDING)])],
}

_CREDENTIALS = re.compile(r"(?<=://)[^@/]+@")
# Query options that are safe to print; any other (tokens, key passwords...) is masked.
_SAFE_OPTIONS = frozenset(
    {
        "directconnection",
        "replicaset",
        "authsource",
        "tls",
        "ssl",
        "retrywrites",
        "w",
        "readpreference",
        "appname",
    }
)


def redact_uri(uri: str) -> str:
    """A MongoDB URI safe to print: no user:password, and unknown options masked."""
    uri = _CREDENTIALS.sub("***@", uri)
    base, _, query = uri.partition("?")
    if not query:
        return base
    options = []
    for option in query.split("&"):
        name = option.partition("=")[0]
        options.append(option if name.lower() in _SAFE_OPTIONS else f"{name}=***")
    return f"{base}?{'&'.join(options)}"


class Store:
    """The repositories over one database. Open with :meth:`connect`, close with :meth:`close`."""

    def __init__(self, client: AsyncIOMotorClient[Any], database: str, *, uri: str) -> None:
        self._client = client
        self.uri = redact_uri(uri)
        self.db: AsyncIOMotorDatabase[Any] = client[database]
        self.reviews = ReviewRepository(self.db)
        self.events = EventRepository(self.db)
        self.cases = CaseRepository(self.db)
        self.drafts = DraftRepository(self.db)
        self.alerts = AlertRepository(self.db)
        self.quarantine = QuarantineRepository(self.db)
        self.cursors = CursorRepository(self.db)

    @classmethod
    async def connect(cls, uri: str, database: str, *, timeout_ms: int = 5000) -> Store:
        """Connect, check the server answers, and ensure every index exists."""
        try:
            client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(
                uri, serverSelectionTimeoutMS=timeout_ms, tz_aware=True
            )
        except (PyMongoError, ValueError) as exc:
            # The driver's message may quote the URI: say only what is wrong with it.
            raise StorageError(
                f"the MongoDB URI {redact_uri(uri)} is invalid: {type(exc).__name__}"
            ) from None
        store = cls(client, database, uri=uri)
        try:
            await client.admin.command("ping")
            await store.ensure_indexes()
        except PyMongoError as exc:
            client.close()
            raise StorageError(f"MongoDB at {store.uri} is not usable: {exc}") from None
        return store

    async def ensure_indexes(self) -> None:
        for name, models in INDEXES.items():
            await self.db[name].create_indexes(models)

    def close(self) -> None:
        self._client.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
