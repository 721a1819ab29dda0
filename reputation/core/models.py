"""Domain models shared by every package. Datetimes are timezone-aware UTC."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from reputation.core.text import clean_text


def utcnow() -> datetime:
    """The current time, UTC, truncated to milliseconds (MongoDB's precision)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _as_utc(value: datetime) -> datetime:
    # Naive timestamps from sources are UTC by convention; MongoDB keeps milliseconds only.
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class Kind(StrEnum):
    REVIEW = "review"
    MENTION = "mention"
    QUESTION = "question"


class Label(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class ReviewStatus(StrEnum):
    NEW = "new"
    CLASSIFIED = "classified"
    FLAGGED = "flagged"
    DRAFTED = "drafted"
    APPROVED = "approved"
    POSTED = "posted"
    RESOLVED = "resolved"
    HIDDEN = "hidden"


def review_text(title: str | None, text: str) -> str:
    """A review as one text: the title, if any, on the first line. Training, classification
    and storage all use this, so the model always sees reviews the same way."""
    return f"{title}\n{text}" if title else text


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @field_validator("*", mode="before")
    @classmethod
    def _encodable(cls, value: Any) -> Any:
        # A lone surrogate from a source's JSON would make the record unstorable.
        return clean_text(value) if isinstance(value, str) else value


class ReplyAtSource(_Model):
    """The brand's reply as the source shows it."""

    text: str
    created_at: UtcDatetime | None = None


class Review(_Model):
    """One review, question or social mention, normalised from any source."""

    source: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    external_id: str = Field(min_length=1, max_length=512)
    kind: Kind = Kind.REVIEW
    author: str | None = None
    rating: int | None = Field(default=None, ge=1, le=5)
    title: str | None = None
    text: str = Field(default="", max_length=100_000)
    lang: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    url: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime | None = None
    reply: ReplyAtSource | None = None
    # The source's reply could not be read this time (a malformed reply response): storage
    # keeps the reply it holds instead of taking ``reply=None`` as "the reply was removed".
    # An ingestion hint, never stored (``exclude``).
    reply_unknown: bool = Field(default=False, exclude=True)
    brand: str | None = None
    location: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)

    @property
    def content_hash(self) -> str:
        """Hash of what the author wrote: a change here is an edit and makes a revision."""
        payload = json.dumps([self.title, self.text, self.rating], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    @property
    def full_text(self) -> str:
        """What a reader (and the model) sees: the title, if any, on the first line."""
        return review_text(self.title, self.text)

    @property
    def last_changed_at(self) -> datetime:
        return self.updated_at or self.created_at


class Sentiment(_Model):
    """What the model and the rules concluded about one text."""

    label: Label
    scores: dict[str, float]
    lang: str
    flag: bool
    reasons: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    severity: Severity = Severity.LOW
    model: str
    content_hash: str = ""


class LabelOverride(_Model):
    """A community manager's correction of the model's label."""

    label: Label
    by: str
    at: UtcDatetime
    content_hash: str  # the text it was given for; an edit retires it


class Suspicion(_Model):
    """Why an item looks inauthentic (a burst of similar texts, new accounts...). It is a label
    for a human: a suspicious item is never auto-replied to and never removed."""

    reasons: list[str]
    notes: list[str] = Field(default_factory=list)
    detected_at: UtcDatetime


class StoredReview(Review):
    """A review as storage holds it: the latest content plus bookkeeping."""

    status: ReviewStatus = ReviewStatus.NEW
    removed_at_source: bool = False
    revision_count: int = 0
    first_seen_at: UtcDatetime
    stored_at: UtcDatetime
    sentiment: Sentiment | None = None
    label_override: LabelOverride | None = None
    case_ref: str | None = None
    suspicious: Suspicion | None = None

    def as_review(self) -> Review:
        return Review.model_validate(self.model_dump(include=set(Review.model_fields)))


class Revision(_Model):
    """A previous version of a review's content, kept when the author edits it."""

    source: str
    external_id: str
    number: int
    title: str | None
    text: str
    rating: int | None
    content_hash: str
    written_at: UtcDatetime
    replaced_at: UtcDatetime


class Case(_Model):
    """A flagged item someone owns until it is resolved."""

    ref: str = Field(pattern=r"^RP-[0-9A-Z]{4,8}$")
    source: str
    external_id: str
    brand: str | None = None
    lang: str
    severity: Severity
    topics: list[str] = Field(default_factory=list)
    status: str = "open"
    owner: str | None = None
    created_at: UtcDatetime
    reply_due_at: UtcDatetime
    private_contact_due_at: UtcDatetime
    # The owning team and its Slack channel, chosen by routing when the case opens and never
    # changed by later alerts (one owner per case); the first alert's ts starts the thread.
    team: str | None = None
    slack_channel: str | None = None
    slack_thread_ts: str | None = None
    # SLA bookkeeping (storage/cases.py, responders/sla.py). ``*_within_sla`` is None until
    # known: True when done by the deadline, False when late or found overdue.
    replied_at: UtcDatetime | None = None
    private_contact_at: UtcDatetime | None = None
    resolved_at: UtcDatetime | None = None
    replied_within_sla: bool | None = None
    private_contact_within_sla: bool | None = None
    reply_breached_at: UtcDatetime | None = None  # when the overdue escalation was queued
    private_contact_breached_at: UtcDatetime | None = None
    follow_up_queued_at: UtcDatetime | None = None  # the "was it solved?" reminder


class DraftStatus(StrEnum):
    """drafted → approved → posted → confirmed (seen at the source); or discarded.
    An edit of an approved draft takes it back to drafted: the new text needs approval."""

    DRAFTED = "drafted"
    APPROVED = "approved"
    POSTED = "posted"
    CONFIRMED = "confirmed"
    DISCARDED = "discarded"


class DraftEdit(_Model):
    """A person's new text for a draft; earlier texts stay (the draft's ``text`` never changes)."""

    text: str
    by: str
    at: UtcDatetime


class Draft(_Model):
    """A proposed public reply; it is approved by a human before it is posted."""

    case_ref: str
    source: str
    external_id: str
    text: str  # as drafted; edits are appended to ``edits``, so no text is ever lost
    lang: str
    private_channel: str
    needs_approval: bool
    status: DraftStatus = DraftStatus.DRAFTED
    content_hash: str
    created_at: UtcDatetime
    # "reply" answers a flagged item's case; "thanks" thanks a positive review (no case: its
    # reference is ``TY-…``, see responders/thanks.py).
    kind: str = "reply"
    # Approval and posting (responders/approval.py); every change is also an event.
    edits: list[DraftEdit] = Field(default_factory=list)
    approved_by: str | None = None
    approved_at: UtcDatetime | None = None
    posted_by: str | None = None
    posted_at: UtcDatetime | None = None
    post_attempts: int = 0
    last_error: str | None = None
    posting_until: UtcDatetime | None = None  # a poster's claim, so one post goes out
    confirmed_at: UtcDatetime | None = None
    discarded_by: str | None = None
    discarded_at: UtcDatetime | None = None

    @property
    def id(self) -> str:
        """The draft's reference: its case and the review content it answers."""
        return f"{self.case_ref}:{self.content_hash}"

    @property
    def current_text(self) -> str:
        """What would be posted: the latest edit, else the text as drafted."""
        return self.edits[-1].text if self.edits else self.text


class AlertStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker until ``lease_until``; then claimable again
    SENT = "sent"
    HELD = "held"  # low severity, waiting for the channel's digest (responders/digest.py)
    DIGESTED = "digested"  # delivered as a line of the digest named in ``digest``


class AlertKind(StrEnum):
    NEW_CASE = "new_case"  # the top-level message that starts the case's thread
    UPDATE = "update"  # the review was edited: a new draft
    ESCALATION = "escalation"  # the case's severity went up
    OVERDUE = "overdue"  # an SLA deadline passed (dedupe: reply / private_contact)
    FOLLOW_UP = "follow_up"  # the case was resolved a while ago: was the problem solved?
    DIGEST = "digest"  # one message listing a channel's held low-severity cases
    SPIKE = "spike"  # negative volume far above its baseline for a brand and source


class Alert(_Model):
    """A notification in the outbox: written first, then sent, then marked with the receipt."""

    case_ref: str
    kind: str = "new_case"
    channel: str
    severity: Severity
    payload: dict[str, Any]
    status: AlertStatus = AlertStatus.PENDING
    attempts: int = 0
    created_at: UtcDatetime
    sent_at: UtcDatetime | None = None
    receipt: str | None = None
    last_error: str | None = None
    # Outbox bookkeeping (responders/outbox.py).
    dedupe: str = ""  # tells apart alerts of one kind for one case (content hash, severity)
    next_attempt_at: UtcDatetime | None = None  # backoff after a failure (a flush may skip it)
    not_before: UtcDatetime | None = None  # hard: Slack's Retry-After, thread order
    lease_until: UtcDatetime | None = None
    worker: str | None = None
    claim: str | None = None  # token of the current claim; only its holder may mark the alert
    thread_ts: str | None = None  # the thread it was posted in, if any
    digest: str | None = None  # the digest alert that carried this held alert


class Event(_Model):
    """One line of the append-only history: who did what to which item, when."""

    entity: str
    key: str
    type: str
    at: UtcDatetime
    actor: str = "system"
    data: dict[str, Any] = Field(default_factory=dict)


class QuarantineRecord(_Model):
    """A record that could not be normalised, kept with the reason and the raw payload."""

    source: str
    reason: str
    raw: str
    fingerprint: str
    first_seen_at: UtcDatetime
    last_seen_at: UtcDatetime
    seen: int = 1
