"""Spot items that look coordinated or inauthentic, for a human to judge.

Three patterns, each within one source and location and a short window:

- ``similar_text_burst``: several near-identical texts (copy-paste campaigns);
- ``new_account_burst``: a same-star wave (one or five stars) of reviews from anonymous,
  default-named or generated accounts ("A Google user", "user48213") in a short time;
- ``rating_text_mismatch_pattern``: several reviews whose stars contradict their words
  (five stars over an angry text, one star over praise) — one is a confused customer,
  many are a pattern.

A suspicious item is labelled, never removed, and never auto-replied to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from reputation.core.models import Label, Review, Sentiment, StoredReview, Suspicion, utcnow
from reputation.core.text import blank
from responders.authors import platform_stand_in

if TYPE_CHECKING:
    from reputation.storage.reviews import ReviewRepository

_HANDLE = re.compile(r"(?<!\d)\d{3,}$|^[a-z]{1,3}\d+$", re.IGNORECASE)  # from a run's start
_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SuspicionRules:
    """Thresholds; the defaults are deliberately conservative (a human reviews every label)."""

    window: timedelta = timedelta(hours=48)
    similarity: float = 0.8
    min_similar: int = 3
    new_account_window: timedelta = timedelta(hours=24)
    min_new_accounts: int = 5
    new_account_share: float = 0.6
    min_mismatches: int = 3


@dataclass(frozen=True)
class Observed:
    """One item as the detector sees it."""

    review: Review
    sentiment: Sentiment | None

    @property
    def new_author(self) -> bool:
        return looks_new(self.review.author)


def looks_new(author: str | None) -> bool:
    """No author, a platform's default name, or a generated handle (``user48213``)."""
    if not author or not author.strip():
        return True
    author = author.strip()
    return platform_stand_in(author) or bool(_HANDLE.search(author))


def _shingles(text: str) -> frozenset[str]:
    # Character 4-grams over the words: robust to punctuation and spacing, any script.
    joined = " ".join(_WORDS.findall(text.lower().replace("ي", "ی").replace("ك", "ک")))
    return frozenset(joined[i : i + 4] for i in range(max(0, len(joined) - 3)))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' character 4-grams (0 for texts too short to judge)."""
    left, right = _shingles(a), _shingles(b)
    if len(left) < 8 or len(right) < 8:
        return 0.0
    return len(left & right) / len(left | right)


def is_mismatch(review: Review, sentiment: Sentiment | None) -> bool:
    """Stars that contradict the words: 4-5 over negative text, 1-2 over positive text."""
    if sentiment is None or review.rating is None or blank(review.text):
        return False
    if review.rating >= 4:
        return "rating_text_mismatch" in sentiment.reasons or sentiment.label is Label.NEGATIVE
    return review.rating <= 2 and sentiment.label is Label.POSITIVE


def _near(a: datetime, b: datetime, window: timedelta) -> bool:
    return abs(a - b) <= window


def detect(
    item: Observed,
    neighbours: Sequence[Observed],
    *,
    rules: SuspicionRules | None = None,
    now: datetime | None = None,
) -> Suspicion | None:
    """Why ``item`` looks suspicious given the other items around it, or None.

    ``neighbours`` may include ``item`` itself and items of other sources or locations;
    only those of the item's source and location within the window count.
    """
    rules = rules or SuspicionRules()
    review = item.review
    place = (review.source, review.location)
    others = [
        o
        for o in neighbours
        if o.review.key != review.key
        and (o.review.source, o.review.location) == place
        and _near(o.review.created_at, review.created_at, rules.window)
    ]
    reasons: list[str] = []
    notes: list[str] = []
    where = f"{review.source}" + (f"/{review.location}" if review.location else "")
    hours = round(rules.window.total_seconds() / 3600)

    similar = [o for o in others if similarity(review.text, o.review.text) >= rules.similarity]
    if len(similar) + 1 >= rules.min_similar:
        reasons.append("similar_text_burst")
        notes.append(f"{len(similar) + 1} near-identical texts on {where} within {hours} h")

    recent = [
        o for o in others if _near(o.review.created_at, review.created_at, rules.new_account_window)
    ]
    # Default names are common on some platforms: only a same-star wave of them counts.
    fresh = [o for o in recent if o.new_author and o.review.rating == review.rating]
    share = (len(fresh) + 1) / (len(recent) + 1)
    if (
        item.new_author
        and review.rating in (1, 5)
        and len(fresh) + 1 >= rules.min_new_accounts
        and share >= rules.new_account_share
    ):
        reasons.append("new_account_burst")
        window_h = round(rules.new_account_window.total_seconds() / 3600)
        notes.append(
            f"{len(fresh) + 1} {review.rating}-star reviews from new or default accounts "
            f"on {where} within {window_h} h"
        )

    if is_mismatch(review, item.sentiment):
        mismatched = [o for o in others if is_mismatch(o.review, o.sentiment)]
        if len(mismatched) + 1 >= rules.min_mismatches:
            reasons.append("rating_text_mismatch_pattern")
            notes.append(
                f"{len(mismatched) + 1} reviews on {where} within {hours} h whose stars "
                "contradict their text"
            )
    if not reasons:
        return None
    return Suspicion(reasons=reasons, notes=notes, detected_at=now or utcnow())


def detect_batch(
    items: Sequence[Observed], *, rules: SuspicionRules | None = None
) -> dict[tuple[str, str], Suspicion]:
    """Every suspicious item of a batch, judged against the batch itself."""
    found = {}
    for item in items:
        suspicion = detect(item, items, rules=rules)
        if suspicion is not None:
            found[item.review.key] = suspicion
    return found


async def check_stored(
    reviews: ReviewRepository, review: StoredReview, *, rules: SuspicionRules | None = None
) -> Suspicion | None:
    """Judge a stored review against its stored neighbours; label it when suspicious.

    Returns its suspicion — the new one, or the label it already had (a label stays).
    """
    rules = rules or SuspicionRules()
    around = await reviews.around(review, rules.window)
    neighbours = [Observed(r.as_review(), r.sentiment) for r in around]
    found = detect(Observed(review.as_review(), review.sentiment), neighbours, rules=rules)
    if found is None:
        return review.suspicious
    await reviews.mark_suspicious(review.source, review.external_id, found)
    return found
