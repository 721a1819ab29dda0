"""Mapping between domain models and MongoDB documents. ``_id`` never leaves this package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from reputation.core.models import Event, Review, StoredReview

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
    content_hash = review.content_hash  # a property that hashes: once per review
    doc.update(
        content_hash=content_hash,
        seen_hashes=[content_hash],
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


def shared_entity(entity: str) -> str:
    """The ``entity`` of events documents shared by many items of ``entity`` (``reviews``)."""
    return f"{entity}s"


def shared_event_doc(
    entity: str,
    kind: str,
    at: datetime,
    items: Sequence[tuple[str, dict[str, Any]]],
    *,
    actor: str = "system",
    doc_id: Any = None,
) -> dict[str, Any]:
    """One document for the same event happening to many items at once (a batch flagged).

    Its ``entity`` is the plural (:func:`shared_entity`), so a reader of single-item events
    never meets one; ``key`` and ``data`` are parallel lists, one entry per item. A query on
    ``key`` matches a document listing it (the events index is multikey), and
    :func:`events_in_doc` gives each item its own event back. One document instead of one per
    item keeps the history complete for a fraction of the writes.

    With ``doc_id``, the list is kept under ``keys`` instead, out of the index (a thousand
    index entries per batch cost a fifth of storing the batch): each item then names the
    document itself (a review's ``collected_in``), and is found by that ``_id``.
    """
    keys = [key for key, _ in items]
    doc: dict[str, Any] = {
        "entity": shared_entity(entity),
        "type": kind,
        "at": at,
        "actor": actor,
        "data": [data for _, data in items],
    }
    if doc_id is None:
        doc["key"] = keys
    else:
        doc.update(_id=doc_id, keys=keys)
    return doc


def events_in_doc(doc: dict[str, Any], entity: str, key: str) -> list[Event]:
    """``key``'s events in an events document: the document itself, or its entry in a shared
    one (see :func:`shared_event_doc`)."""
    listed = doc["key"] if isinstance(doc.get("key"), list) else doc.get("keys")
    if not isinstance(listed, list):
        return [from_doc(Event, doc)]
    common = {k: doc[k] for k in ("type", "at", "actor") if k in doc}
    return [
        Event.model_validate({**common, "entity": entity, "key": item, "data": data})
        for item, data in zip(listed, doc["data"], strict=True)
        if item == key
    ]
