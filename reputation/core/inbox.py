"""The inbox's query and its rows: flagged items with their case, newest or most urgent first."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from reputation.core.models import Label, Severity, UtcDatetime


class InboxStatus(StrEnum):
    """What the inbox filters on; ``new`` covers an item not yet drafted."""

    NEW = "new"
    DRAFTED = "drafted"
    APPROVED = "approved"
    POSTED = "posted"
    RESOLVED = "resolved"


class SlaState(StrEnum):
    OVERDUE = "overdue"  # no public reply, unresolved, past the reply deadline
    DUE_SOON = "due_soon"  # the same, with the deadline within ``InboxQuery.due_soon_hours``


class InboxSort(StrEnum):
    URGENT = "urgent"  # severity first, then the nearest reply deadline
    NEWEST = "newest"


class InboxQuery(BaseModel):
    """Filters, search and page of the inbox; every field maps to an indexed path."""

    model_config = ConfigDict(extra="forbid")

    brand: str | None = None
    location: str | None = None
    source: str | None = None
    lang: str | None = None
    severity: Severity | None = None
    topic: str | None = None
    status: InboxStatus | None = None
    sla: SlaState | None = None
    suspicious: bool | None = None
    q: str | None = Field(default=None, max_length=200)
    sort: InboxSort = InboxSort.URGENT
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=50, ge=1, le=200)
    due_soon_hours: float = Field(default=4.0, gt=0, le=168)


class InboxItem(BaseModel):
    """One flagged item as the inbox shows it (a read model: review + case + latest draft)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    external_id: str
    brand: str | None = None
    location: str | None = None
    lang: str
    author: str | None = None
    rating: int | None = None
    title: str | None = None
    snippet: str = ""
    label: Label | None = None
    negative: float | None = None
    severity: Severity
    topics: list[str] = Field(default_factory=list)
    status: InboxStatus
    suspicious: bool = False
    case_ref: str | None = None
    owner: str | None = None
    draft_status: str | None = None
    created_at: UtcDatetime
    reply_due_at: UtcDatetime | None = None
    awaiting_reply: bool = False
    replied_at: UtcDatetime | None = None
    resolved_at: UtcDatetime | None = None
    removed_at_source: bool = False


class InboxPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[InboxItem]
    total: int  # capped at ``total_cap``: counting further is not worth the time
    total_capped: bool
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
