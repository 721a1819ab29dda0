"""Web users: roles, argon2id password hashes, API tokens (stored as SHA-256 digests).

Passwords are hashed with argon2-cffi's ``PasswordHasher`` (argon2id, its default cost);
verification is constant-time in the library, and a name that does not exist is checked
against a dummy hash so a wrong name and a wrong password take the same time. API tokens are
256-bit random strings, so a fast digest is enough to store them (no dictionary to attack):
the token itself is shown once and never stored. Nothing here is deleted: a user is
disabled, a token revoked.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from reputation.core.accounts import USER_NAME, Role, User
from reputation.core.errors import ConfigError, StorageError
from reputation.core.models import Event, utcnow
from reputation.storage.documents import from_doc, to_doc

INDEXES: dict[str, list[IndexModel]] = {
    "api_tokens": [IndexModel([("user", ASCENDING), ("created_at", ASCENDING)])],
}
TOKEN_PREFIX = "rpt_"  # noqa: S105 - a marker, not a secret
MIN_PASSWORD = 10
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked when a name is unknown, so that answer takes as long as a wrong password."""
    return _HASHER.hash(secrets.token_urlsafe(16))


# Names that read as machines (responders.approval.is_person) are refused.
_RESERVED = frozenset({"auto", "automatic", "system", "bot", "pipeline", "collector", "cli"})


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserRepository:
    def __init__(self, db: AsyncIOMotorDatabase[Any]) -> None:
        self._users = db["users"]
        self._tokens = db["api_tokens"]
        self._events = db["events"]

    async def add(self, name: str, *, role: Role, password: str, actor: str = "cli") -> User:
        """Create a user; refuses a taken name, a machine-like name or a short password."""
        if not re.match(USER_NAME, name) or name in _RESERVED or name.startswith("auto"):
            raise ConfigError(f"{name!r} is not a usable user name (a-z, 0-9, . _ -; 2-40)")
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"the password needs at least {MIN_PASSWORD} characters")
        user = User(name=name, role=role, created_at=utcnow())
        doc = to_doc(user, doc_id=name)
        doc["password_hash"] = _HASHER.hash(password)
        try:
            await self._users.insert_one(doc)
        except DuplicateKeyError:
            raise StorageError(f"user {name} exists already") from None
        await self._event(name, "user_added", actor, {"role": role.value})
        return user

    async def get(self, name: str) -> User | None:
        doc = await self._users.find_one({"_id": name})
        return from_doc(User, doc) if doc else None

    async def all(self) -> list[User]:
        return [from_doc(User, doc) async for doc in self._users.find({}).sort("_id", 1)]

    async def set_role(self, name: str, role: Role, *, actor: str) -> bool:
        result = await self._users.update_one(
            {"_id": name, "role": {"$ne": role.value}}, {"$set": {"role": role.value}}
        )
        if result.modified_count:
            await self._event(name, "role_changed", actor, {"role": role.value})
        return bool(result.modified_count)

    async def set_disabled(self, name: str, disabled: bool, *, actor: str) -> bool:
        result = await self._users.update_one(
            {"_id": name, "disabled": {"$ne": disabled}}, {"$set": {"disabled": disabled}}
        )
        if result.modified_count:
            await self._event(name, "disabled" if disabled else "enabled", actor, {})
        return bool(result.modified_count)

    async def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right and the account enabled; else None."""
        doc = await self._users.find_one({"_id": name})
        stored = doc.get("password_hash") if doc else None
        try:
            _HASHER.verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if doc is None or stored is None:
            return None
        if _HASHER.check_needs_rehash(stored):
            await self._users.update_one(
                {"_id": name}, {"$set": {"password_hash": _HASHER.hash(password)}}
            )
        user = from_doc(User, doc)
        return None if user.disabled else user

    async def issue_token(self, name: str, *, actor: str = "cli") -> str:
        """A new API token for ``name``; returned once, stored only as its digest."""
        if await self.get(name) is None:
            raise StorageError(f"no user {name}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        digest = token_digest(token)
        await self._tokens.insert_one(
            {"_id": digest, "user": name, "created_at": utcnow(), "revoked_at": None}
        )
        await self._event(name, "token_issued", actor, {"token": digest[:12]})
        return token

    async def revoke_tokens(self, name: str, *, actor: str) -> int:
        result = await self._tokens.update_many(
            {"user": name, "revoked_at": None}, {"$set": {"revoked_at": utcnow()}}
        )
        if result.modified_count:
            await self._event(name, "tokens_revoked", actor, {"count": result.modified_count})
        return int(result.modified_count)

    async def for_token(self, token: str) -> User | None:
        """The enabled user owning an unrevoked ``token``."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        doc = await self._tokens.find_one({"_id": token_digest(token), "revoked_at": None})
        if doc is None:
            return None
        user = await self.get(doc["user"])
        return None if user is None or user.disabled else user

    async def _event(self, name: str, kind: str, actor: str, data: dict[str, Any]) -> None:
        event = Event(entity="user", key=name, type=kind, at=utcnow(), actor=actor, data=data)
        await self._events.insert_one(to_doc(event))
