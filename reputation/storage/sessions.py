"""Server-side web sessions. The cookie carries a random id; MongoDB keeps only its digest,
the signed-in user and the session's CSRF token. Sessions are never deleted: signing out or
expiry sets ``revoked_at``/``expires_at`` and the id stops working."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel

from reputation.core.accounts import Session
from reputation.core.models import utcnow
from reputation.storage.documents import from_doc

INDEXES: dict[str, list[IndexModel]] = {
    "sessions": [IndexModel([("user", ASCENDING), ("created_at", ASCENDING)])],
}


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionRepository:
    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._sessions = db["sessions"]

    async def create(
        self, user: str | None = None, *, lifetime: timedelta = timedelta(hours=12)
    ) -> tuple[str, Session]:
        """A new session (anonymous, or signed in as ``user``): (cookie id, session)."""
        session_id = secrets.token_urlsafe(32)
        now = utcnow()
        session = Session(
            user=user,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
        doc = session.model_dump(mode="python")
        doc.update(_id=_digest(session_id), revoked_at=None)
        await self._sessions.insert_one(doc)
        return session_id, session

    async def get(self, session_id: str) -> Session | None:
        """The live session for a cookie id (None when unknown, expired or revoked)."""
        if not session_id or len(session_id) > 100:
            return None
        doc = await self._sessions.find_one(
            {"_id": _digest(session_id), "revoked_at": None, "expires_at": {"$gt": utcnow()}}
        )
        return from_doc(Session, doc) if doc else None

    async def revoke(self, session_id: str) -> None:
        await self._sessions.update_one(
            {"_id": _digest(session_id), "revoked_at": None}, {"$set": {"revoked_at": utcnow()}}
        )
