"""The MongoDB client, the collections and their indexes."""

from __future__ import annotations

import asyncio
import logging
import re
from types import TracebackType
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import PyMongoError

from reputation.core.errors import StorageError
from reputation.storage.approvals import ApprovalRepository
from reputation.storage.cases import AlertRepository, CaseRepository, DraftRepository
from reputation.storage.cursors import CursorRepository
from reputation.storage.events import EventRepository
from reputation.storage.inbox import INDEXES as INBOX_INDEXES
from reputation.storage.inbox import InboxRepository
from reputation.storage.leases import LeaseRepository
from reputation.storage.migrate import migrate
from reputation.storage.quarantine import QuarantineRepository
from reputation.storage.queue import INDEXES as QUEUE_INDEXES
from reputation.storage.reviews import ReviewRepository
from reputation.storage.sessions import INDEXES as SESSION_INDEXES
from reputation.storage.sessions import SessionRepository
from reputation.storage.timeline import INDEXES as TIMELINE_INDEXES
from reputation.storage.timeline import TimelineRepository
from reputation.storage.trends import INDEXES as TREND_INDEXES
from reputation.storage.trends import TrendRepository
from reputation.storage.users import INDEXES as USER_INDEXES
from reputation.storage.users import UserRepository

log = logging.getLogger(__name__)

INDEXES: dict[str, list[IndexModel]] = {
    # "reviews" has no secondary index on purpose: it is read by _id only (see
    # storage/queue.py and storage/timeline.py, and BENCHMARKS.md "Storing reviews").
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
        # SLA checks (responders/sla.py): overdue replies / private contact, follow-ups.
        IndexModel([("replied_at", 1), ("reply_breached_at", 1), ("reply_due_at", 1)]),
        IndexModel(
            [
                ("private_contact_at", ASCENDING),
                ("private_contact_breached_at", ASCENDING),
                ("private_contact_due_at", ASCENDING),
            ]
        ),
        IndexModel([("follow_up_queued_at", ASCENDING), ("resolved_at", ASCENDING)]),
    ],
    "drafts": [
        IndexModel([("case_ref", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("brand", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("external_id", ASCENDING), ("source", ASCENDING)]),
    ],
    "alerts": [
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)]),
        IndexModel([("case_ref", ASCENDING), ("created_at", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("channel", ASCENDING), ("created_at", 1)]),  # held
    ],
    "events": [IndexModel([("entity", ASCENDING), ("key", ASCENDING), ("at", ASCENDING)])],
    "quarantine": [IndexModel([("source", ASCENDING), ("last_seen_at", DESCENDING)])],
    "leases": [IndexModel([("owner", ASCENDING)])],  # acquire/renew go by _id
}

# The work queues and the timeline; the web app's collections (users, sessions, the inbox
# read model, trend snapshots).
for _extra in (
    QUEUE_INDEXES,
    TIMELINE_INDEXES,
    USER_INDEXES,
    SESSION_INDEXES,
    INBOX_INDEXES,
    TREND_INDEXES,
):
    for _name, _models in _extra.items():
        INDEXES.setdefault(_name, []).extend(_models)

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
        self.approvals = ApprovalRepository(self.db)
        self.alerts = AlertRepository(self.db)
        self.quarantine = QuarantineRepository(self.db)
        self.cursors = CursorRepository(self.db)
        self.leases = LeaseRepository(self.db)
        self.users = UserRepository(self.db)
        self.sessions = SessionRepository(self.db)
        self.inbox = InboxRepository(self.db)
        self.trends = TrendRepository(self.db)
        self.timeline = TimelineRepository(self.db)

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

    async def ping(self, *, timeout_s: float = 2.0) -> None:
        """Raise StorageError unless the server answers within ``timeout_s`` (``/readyz``)."""
        try:
            await asyncio.wait_for(self._client.admin.command("ping"), timeout_s)
        except (PyMongoError, TimeoutError) as exc:
            reason = type(exc).__name__
            raise StorageError(f"MongoDB at {self.uri} does not answer: {reason}") from None

    async def ensure_indexes(self) -> None:
        """Create every index (an existing one is left as it is) and bring a database written
        by an earlier version up to date (storage/migrate.py)."""
        for name, models in INDEXES.items():
            await self.db[name].create_indexes(models)
        await migrate(self.db)

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
