"""Web users, their roles and their sessions (reputation/web, reputation/storage/users.py)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from reputation.core.models import UtcDatetime

# A user name is also the actor of every change they make (``web:<name>``).
USER_NAME = r"^[a-z0-9][a-z0-9._-]{1,39}$"


class Role(StrEnum):
    """viewer reads; responder also edits, approves, posts, assigns, resolves and relabels;
    admin also manages users."""

    VIEWER = "viewer"
    RESPONDER = "responder"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class User(BaseModel):
    """A person who signs in to the web app. The password hash never leaves storage."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=USER_NAME)
    role: Role
    created_at: UtcDatetime
    disabled: bool = False

    @property
    def actor(self) -> str:
        """How events name this person (never a machine name, see responders.approval)."""
        return f"web:{self.name}"


class Session(BaseModel):
    """A server-side session; the cookie holds only its random id."""

    model_config = ConfigDict(extra="forbid")

    user: str | None  # None before sign-in (the login form still needs a CSRF token)
    csrf: str
    created_at: UtcDatetime
    expires_at: UtcDatetime
