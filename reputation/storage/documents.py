"""Mapping between domain models and MongoDB documents. ``_id`` never leaves this package."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from reputation.core.models import Review, StoredReview

M = TypeVar("M", bound=BaseModel)


def review_id(source: str, external_id: str) -> str:
    # source names are [a-z0-9_], so the first ':' separates the two parts unambiguously.
    return f"{source}:{external_id}"


def to_doc(model: BaseModel, *, doc_id: str | None = None) -> dict[str, Any]:
    doc = model.model_dump(mode="python")
    if doc_id is not None:
        doc["_id"] = doc_id
    return doc


def from_doc(cls: type[M], doc: dict[str, Any]) -> M:
    fields = cls.model_fields
    return cls.model_validate({k: v for k, v in doc.items() if k in fields})


def new_review_doc(review: Review, *, now: Any) -> dict[str, Any]:
    doc = to_doc(review, doc_id=review_id(*review.key))
    doc.update(
        content_hash=review.content_hash,
        seen_hashes=[review.content_hash],
        status="new",
        removed_at_source=False,
        revision_count=0,
        first_seen_at=now,
        stored_at=now,
        pending_classification=True,
        pending_response=False,
        sentiment=None,
        label_override=None,
        case_ref=None,
    )
    return doc


def stored_review(doc: dict[str, Any]) -> StoredReview:
    return from_doc(StoredReview, doc)
