from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from reputation.core.models import Review


def review(**kw):
    base = {"source": "google_play", "external_id": "gp:1", "created_at": "2026-11-01T10:00:00Z"}
    return Review.model_validate(base | kw)


def test_timestamps_become_utc():
    naive = review(created_at=datetime(2026, 11, 1, 10, 0))  # noqa: DTZ001 - the point of it
    assert naive.created_at.tzinfo is UTC
    local = review(created_at=datetime(2026, 11, 1, 13, 0, tzinfo=timezone(timedelta(hours=3))))
    assert local.created_at == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad",
    [
        {"rating": 0},
        {"rating": 6},
        {"external_id": ""},
        {"source": "Bad Source"},
        {"kind": "tweet"},
        {"lang": "Portuguese"},
        {"unexpected": 1},
    ],
)
def test_invalid_records_are_rejected(bad):
    with pytest.raises(ValidationError):
        review(**bad)


def test_content_hash_tracks_what_the_author_wrote():
    original = review(text="Chegou quebrado", rating=1)
    assert (
        original.content_hash == review(text="Chegou quebrado", rating=1, author="Ana").content_hash
    )
    assert (
        original.content_hash
        == review(text="Chegou quebrado", rating=1, reply={"text": "Sentimos muito"}).content_hash
    )
    assert original.content_hash != review(text="Chegou quebrado", rating=2).content_hash
    assert original.content_hash != review(text="Chegou quebrado!", rating=1).content_hash
