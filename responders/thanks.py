"""Thank-you drafts for positive reviews, when the brand enables ``thank_positive``.

A thank-you is not a complaint: it opens no case (no SLA, no alert). Its reference is
``TY-…``, derived from the review so it is the same on every run, and it goes through the
same approval as any reply (``reputation drafts approve TY-…``).
"""

from __future__ import annotations

import hashlib

from config.settings import BrandSettings
from reputation.core.models import Kind, Label, Review, Sentiment

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def thanks_ref(source: str, external_id: str) -> str:
    """The stable reference of a review's thank-you (``TY-`` and 8 characters)."""
    digest = int.from_bytes(hashlib.sha256(f"{source}\0{external_id}".encode()).digest()[:5])
    chars = []
    for _ in range(8):
        digest, index = divmod(digest, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "TY-" + "".join(chars)


def wants_thanks(review: Review, sentiment: Sentiment, brand: BrandSettings) -> bool:
    """A positive, unflagged review (not a question or a social mention) of a brand that
    thanks its reviewers."""
    return (
        brand.thank_positive
        and not sentiment.flag
        and sentiment.label is Label.POSITIVE
        and review.kind is Kind.REVIEW
    )
