"""Draft → approved (or edited, then approved) → posted at the source → confirmed by the next
collection. Or discarded. Every change is an event naming who did it, when, with the text.

Guard rails: high and critical severity, suspicious items and drafts marked
``needs_approval`` are approved only by a named person (never ``auto``); a draft is approved
once; a draft written for an older version of the review is not posted; a source whose
replies cannot be edited (Ozon) is never posted to twice; a failed post leaves the draft
approved with the error, ready to retry. Drafts are never deleted and their texts never lost.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from config.settings import Settings
from reputation.core.errors import ApprovalError, ReputationError
from reputation.core.models import (
    Case,
    Draft,
    DraftEdit,
    DraftStatus,
    Review,
    ReviewStatus,
    Severity,
    StoredReview,
    utcnow,
)
from reputation.core.protocols import Replier
from responders.drafts import DEFAULT_LIMIT, PLATFORM_LIMITS
from responders.pii import leaks

if TYPE_CHECKING:
    from reputation.storage import Store

log = logging.getLogger(__name__)

AUTO = "auto"
# Actors that are not a person: they may approve only what needs no approval.
_MACHINES = frozenset({"", "auto", "automatic", "system", "bot", "pipeline", "collector", "cli"})
_OPEN = (DraftStatus.DRAFTED, DraftStatus.APPROVED)
_BEFORE_APPROVAL = (
    ReviewStatus.NEW,
    ReviewStatus.CLASSIFIED,
    ReviewStatus.FLAGGED,
    ReviewStatus.DRAFTED,
)
RepliersLookup = Callable[[str], Replier | None]


def is_person(actor: str) -> bool:
    """Whether ``actor`` names a person (``ana``, ``slack:U0123``) rather than a machine."""
    name = actor.strip().lower()
    return name not in _MACHINES and not name.startswith("auto")


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\u200f", ""))
    return " ".join(text.split()).casefold()


class ApprovalService:
    """Approve, edit, discard and post drafts; assign and resolve cases.

    ``repliers`` maps a source name to its collector's reply API (None: the source has none);
    only :meth:`post` needs it.
    """

    def __init__(
        self,
        *,
        store: Store,
        settings: Settings,
        repliers: RepliersLookup | None = None,
        lease_s: float = 120.0,
    ) -> None:
        self.store = store
        self.settings = settings
        self._repliers = repliers
        self._lease_s = lease_s

    async def find(self, ref: str) -> Draft:
        """A draft by its id (``RP-7K2Q:<hash>``) or its case reference (the newest draft)."""
        ref = ref.strip()
        case_ref, _, content = ref.partition(":")
        approvals = self.store.approvals
        draft = (
            await approvals.get(f"{case_ref.upper()}:{content}")
            if content
            else await approvals.latest(case_ref.upper())
        )
        if draft is None:
            raise ApprovalError(f"no draft {ref}")
        return draft

    async def recent(self, *, status: DraftStatus | None = None, limit: int = 100) -> list[Draft]:
        return await self.store.approvals.recent(statuses=[status] if status else (), limit=limit)

    async def approve(self, ref: str, *, by: str, text: str | None = None) -> Draft:
        """Approve the draft (with ``text``: edit it and approve the edit, in one step)."""
        draft = await self.find(ref)
        if draft.status is not DraftStatus.DRAFTED:
            raise ApprovalError(_not_open(draft, "approved"))
        case, review = await self._context(draft)
        reason = self._needs_person(draft, case, review)
        if reason and not is_person(by):
            raise ApprovalError(
                f"{draft.id} needs a person's approval ({reason}); name who approves"
            )
        if not reason and not is_person(by) and by != AUTO:
            raise ApprovalError(f"{by!r} is not a person; approve as {AUTO!r} or by name")
        _fresh(draft, review)
        now = utcnow()
        edit = None
        if text is not None and text.strip() != draft.current_text.strip():
            if not is_person(by):
                raise ApprovalError("only a person edits a draft")
            edit = DraftEdit(text=self._checked(text, draft, review), by=by, at=now)
        final = edit.text if edit else draft.current_text
        moved = await self.store.approvals.transition(
            draft,
            allowed_from=[DraftStatus.DRAFTED],
            to=DraftStatus.APPROVED,
            actor=by,
            event="approved",
            data={"text": final, "edited": edit is not None},
            fields={"approved_by": by, "approved_at": now, "last_error": None},
            edit=edit,
        )
        if moved is None:
            raise ApprovalError(_not_open(await self.find(draft.id), "approved"))
        await self._review_status(moved, ReviewStatus.APPROVED, by, _BEFORE_APPROVAL)
        return moved

    async def edit(self, ref: str, *, text: str, by: str) -> Draft:
        """A person's new text; an approved draft goes back to drafted (the new text needs
        approval). The earlier texts stay in the draft and in history."""
        if not is_person(by):
            raise ApprovalError("only a person edits a draft; name who edits")
        draft = await self.find(ref)
        if draft.status not in _OPEN:
            raise ApprovalError(_not_open(draft, "edited"))
        _, review = await self._context(draft)
        edit = DraftEdit(text=self._checked(text, draft, review), by=by, at=utcnow())
        moved = await self.store.approvals.transition(
            draft,
            allowed_from=_OPEN,
            to=DraftStatus.DRAFTED,
            actor=by,
            event="edited",
            data={"text": edit.text, "previous": draft.current_text},
            fields={"approved_by": None, "approved_at": None},
            edit=edit,
            unclaimed=True,
        )
        if moved is None:
            raise ApprovalError(_not_open(await self.find(draft.id), "edited"))
        return moved

    async def discard(self, ref: str, *, by: str, reason: str | None = None) -> Draft:
        """Set the draft aside: it is kept, with its texts and history, but never posted."""
        draft = await self.find(ref)
        if draft.status not in _OPEN:
            raise ApprovalError(_not_open(draft, "discarded"))
        moved = await self.store.approvals.transition(
            draft,
            allowed_from=_OPEN,
            to=DraftStatus.DISCARDED,
            actor=by,
            event="discarded",
            data={"text": draft.current_text, "reason": reason},
            fields={"discarded_by": by, "discarded_at": utcnow()},
            unclaimed=True,
        )
        if moved is None:
            raise ApprovalError(_not_open(await self.find(draft.id), "discarded"))
        return moved

    async def post(self, ref: str, *, by: str = "system") -> Draft:
        """Post the approved draft through the source's reply API.

        A draft that needs no person (low severity, brand with ``auto_post_low``) is approved
        as ``auto`` first. On failure the draft stays approved with ``last_error`` and an
        event, and the error is raised again: posting it later retries.
        """
        draft = await self.find(ref)
        if draft.status is DraftStatus.DRAFTED:
            case, review = await self._context(draft)
            reason = self._needs_person(draft, case, review)
            if reason:
                raise ApprovalError(f"{draft.id} is not approved ({reason}): approve it first")
            draft = await self.approve(draft.id, by=AUTO)
        if draft.status is not DraftStatus.APPROVED:
            raise ApprovalError(_not_open(draft, "posted"))
        _, review = await self._context(draft)
        if review is None:
            raise ApprovalError(f"the review of {draft.id} is not stored")
        _fresh(draft, review)
        replier = self._replier(draft.source)
        if not getattr(replier, "reply_editable", True):
            await self._refuse_second_reply(draft, review)
        claimed = await self.store.approvals.claim_post(draft, lease_s=self._lease_s)
        if claimed is None:
            raise ApprovalError(f"{draft.id} is being posted by someone else, or has moved")
        text = claimed.current_text
        try:
            await replier.reply(review.location or "", review.external_id, text)
        except (ReputationError, ValueError) as exc:
            await self.store.approvals.post_failed(claimed, str(exc), actor=by)
            log.warning("posting %s to %s failed: %s", draft.id, draft.source, exc)
            raise
        now = utcnow()
        posted = await self.store.approvals.transition(
            claimed,
            allowed_from=[DraftStatus.APPROVED],
            to=DraftStatus.POSTED,
            actor=by,
            event="posted",
            data={"text": text, "source": draft.source},
            fields={"posted_by": by, "posted_at": now, "posting_until": None, "last_error": None},
        )
        if posted is None:  # cannot happen while we hold the claim; say so rather than guess
            raise ApprovalError(f"{draft.id} changed while it was being posted")
        await self._review_status(
            posted, ReviewStatus.POSTED, by, (*_BEFORE_APPROVAL, ReviewStatus.APPROVED)
        )
        if draft.kind == "reply" and await self.store.cases.get(draft.case_ref) is not None:
            await self.store.cases.mark_replied(draft.case_ref, at=now, actor=by)
        return posted

    async def post_approved(self, *, by: str = "system", limit: int = 100) -> tuple[int, list[str]]:
        """Post every approved draft (retrying failed ones) and every draft that needs no
        approval (low severity, brand with ``auto_post_low``); (posted, errors)."""
        posted, errors = 0, []
        ready = await self.store.approvals.recent(statuses=_OPEN, limit=limit)
        for draft in ready:
            if draft.status is DraftStatus.DRAFTED:
                case, review = await self._context(draft)
                if self._needs_person(draft, case, review):
                    continue  # waits for a person
            try:
                await self.post(draft.id, by=by)
            except ReputationError as exc:
                errors.append(f"{draft.id}: {exc}")
                continue
            posted += 1
        return posted, errors

    async def assign(self, case_ref: str, *, to: str, by: str) -> bool:
        return await self.store.cases.assign(case_ref.upper(), owner=to, actor=by)

    async def resolve(self, case_ref: str, *, by: str) -> bool:
        ref = case_ref.upper()
        if await self.store.cases.get(ref) is None:
            raise ApprovalError(f"no case {case_ref}")
        resolved = await self.store.cases.resolve(ref, at=utcnow(), actor=by)
        case = await self.store.cases.get(ref)
        if resolved and case is not None:
            await self.store.reviews.set_status(
                case.source, case.external_id, ReviewStatus.RESOLVED, actor=by
            )
        return resolved

    # --- helpers ---------------------------------------------------------------------------

    async def _context(self, draft: Draft) -> tuple[Case | None, StoredReview | None]:
        case = await self.store.cases.get(draft.case_ref) if draft.kind == "reply" else None
        review = await self.store.reviews.get(draft.source, draft.external_id)
        return case, review

    def _needs_person(self, draft: Draft, case: Case | None, review: StoredReview | None) -> str:
        """Why a person must approve this draft ('' when nobody need)."""
        severity = case.severity if case is not None else Severity.LOW
        if draft.kind == "reply" and case is None:
            return "its case is missing"
        if severity in (Severity.HIGH, Severity.CRITICAL):
            return f"{severity.value} severity"
        if review is not None and review.suspicious is not None:
            return "the review looks suspicious"
        brand = self.settings.brand_for(case.brand if case else review.brand if review else None)
        if draft.needs_approval or not brand.auto_post_low or severity is not Severity.LOW:
            return "the brand posts only approved replies"
        return ""

    def _checked(self, text: str, draft: Draft, review: Review | None) -> str:
        """A person's text, if it is fit to publish: not empty, within the platform's limit,
        and not repeating the customer's details (phone, e-mail, order number)."""
        text = unicodedata.normalize("NFC", text.strip())
        text = re.sub(r"[ \t]+", " ", text)
        if not text:
            raise ApprovalError("the reply text is empty")
        limit = PLATFORM_LIMITS.get(draft.source, DEFAULT_LIMIT)
        if len(text) > limit:
            raise ApprovalError(f"{draft.source} replies are at most {limit} characters")
        if review is not None:
            customer = "\n".join(p for p in (review.author, review.title, review.text) if p)
            brand = self.settings.brand_for(review.brand)
            allowed = (brand.private_channel, brand.signature, brand.name)
            if leaks(text, customer, allowed=allowed):
                raise ApprovalError("the reply repeats the customer's details; leave them out")
        return text

    def _replier(self, source: str) -> Replier:
        replier = self._repliers(source) if self._repliers else None
        if replier is None:
            raise ApprovalError(f"{source} has no reply API here: post the reply by hand")
        return replier

    async def _refuse_second_reply(self, draft: Draft, review: StoredReview) -> None:
        already = await self.store.approvals.sent_for_review(
            draft.source, draft.external_id, other_than=draft.id
        )
        if already or review.reply is not None:
            raise ApprovalError(
                f"{draft.source} replies cannot be edited and this review already has one: "
                "a second reply is not posted"
            )

    async def _review_status(
        self, draft: Draft, status: ReviewStatus, by: str, only_from: Sequence[ReviewStatus]
    ) -> None:
        await self.store.reviews.set_status(
            draft.source, draft.external_id, status, actor=by, only_from=only_from
        )


def _not_open(draft: Draft, verb: str) -> str:
    who = {
        DraftStatus.APPROVED: draft.approved_by,
        DraftStatus.POSTED: draft.posted_by,
        DraftStatus.DISCARDED: draft.discarded_by,
    }.get(draft.status)
    by = f" by {who}" if who else ""
    return f"{draft.id} cannot be {verb}: it is already {draft.status.value}{by}"


def _fresh(draft: Draft, review: StoredReview | None) -> None:
    """Refuse a draft written for content the author has since edited."""
    if review is not None and review.content_hash != draft.content_hash:
        raise ApprovalError(
            f"{draft.id} answers an earlier version of the review; use its newest draft"
        )
    if review is not None and draft.kind == "thanks" and review.sentiment and review.sentiment.flag:
        raise ApprovalError(f"{draft.id} thanks a review that is now flagged; it needs a reply")


async def confirm_posted(store: Store, reviews: Sequence[Review]) -> int:
    """Called after a collection stored a page: posted drafts whose review now shows a reply
    at the source become ``confirmed``. Returns how many were confirmed."""
    shown = {r.key: r for r in reviews if r.reply is not None}
    if not shown:
        return 0
    confirmed = 0
    for draft in await store.approvals.posted_for(shown):
        reply = shown[(draft.source, draft.external_id)].reply
        assert reply is not None  # noqa: S101 - filtered above
        matches = _normal(reply.text) == _normal(draft.current_text)
        moved = await store.approvals.transition(
            draft,
            allowed_from=[DraftStatus.POSTED],
            to=DraftStatus.CONFIRMED,
            actor="collector",
            event="confirmed",
            data={"text_at_source": reply.text, "matches": matches},
            fields={"confirmed_at": utcnow()},
        )
        confirmed += moved is not None
    return confirmed
