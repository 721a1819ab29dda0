"""Labelled data for training and evaluation: loading, and a deterministic stratified split."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, cast

from reputation.core.errors import ConfigError
from reputation.core.models import Kind, Label, review_text
from reputation.core.text import INPUT_ERRORS, read_json, undecoded
from sentiment.stars import given_rating

LABELS = (Label.NEGATIVE.value, Label.NEUTRAL.value, Label.POSITIVE.value)


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    dataset: str
    lang: str
    rating: float | None = None
    # None: nobody said (no ``kind``, no ``domain``); the model may read it from the text.
    kind: str | None = Kind.REVIEW.value


_SOCIAL = re.compile(
    r"\b(?:tweets?|twitter|social|posts?|vkontakte|vk|facebook|instagram|telegram|reddit)\b"
)
_REVIEWS = re.compile(r"\b(?:reviews?|comments?|feedback|opinions?|ratings?|sentences?)\b")


def given_kind(row: Mapping[str, object]) -> str | None:
    """The row's ``kind`` when it is one of review / mention / question ("Mention",
    " REVIEW" are fine, as labels are), or names one in words a source uses: "tweet",
    "post", "instagram" are mentions; "comment", "feedback", "rating" are reviews."""
    kind = row.get("kind")
    if not isinstance(kind, str):
        return None
    kind = kind.strip().lower()
    return kind if kind in {k.value for k in Kind} else _named_kind(kind)


def _named_kind(words: str) -> str | None:
    """``mention`` for words naming social posts, ``review`` for words naming reviews."""
    if _SOCIAL.search(words):
        return Kind.MENTION.value
    return Kind.REVIEW.value if _REVIEWS.search(words) else None


def _kind(row: dict[str, object]) -> str | None:
    """``kind`` as given, else read from ``domain``: ``mention`` for tweets and social-media
    posts ("tweets", "VKontakte posts"), ``review`` for reviews, comments, feedback ("hotel
    reviews", "food-delivery comments"); None for a row that says neither, or a domain that
    names neither (the model may then read the kind from the text)."""
    return given_kind(row) or _named_kind(str(row.get("domain") or "").lower())


def _example(row: dict[str, object], path: Path, lang: str) -> Example:
    if not isinstance(row.get("text"), str):
        raise TypeError("text must be a string")
    label = str(row.get("label", "")).strip().lower()  # "Negative", "NEGATIVE " are fine
    if label not in LABELS:
        raise ValueError(f"label {row.get('label')!r} is not one of {', '.join(LABELS)}")
    rating = row.get("rating")
    title = row.get("title")
    return Example(
        text=review_text(str(title) if title else None, str(row["text"])),
        label=label,
        dataset=str(row.get("dataset") or path.stem),
        lang=str(row.get("lang") or lang),
        rating=given_rating(rating),
        kind=_kind(row),
    )


def read_jsonl(path: Path, *, lang: str = "und") -> Iterator[Example]:
    """Labelled JSON lines: ``text``, ``label``, optional ``title``, ``dataset``, ``rating``,
    ``kind`` (review / mention / question; else guessed from ``domain``)."""
    with path.open(encoding="utf-8-sig", errors=INPUT_ERRORS) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if why := undecoded(line):
                raise ConfigError(f"{path}:{number}: {why}")
            try:
                yield _example(cast(dict[str, object], read_json(line)), path, lang)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ConfigError(f"{path}:{number}: not a labelled example: {exc}") from exc


def load_datasets(root: Path) -> list[Example]:
    """Every ``<lang>/train.jsonl`` under ``root``."""
    files = sorted(root.glob("*/train.jsonl"))
    if not files:
        raise ConfigError(f"no <lang>/train.jsonl files under {root}")
    return [ex for path in files for ex in read_jsonl(path, lang=path.parent.name)]


def _rank(example: Example, seed: int) -> str:
    # A hash, not random.shuffle: adding rows elsewhere never moves a row across the split.
    return hashlib.sha256(f"{seed}\0{example.dataset}\0{example.text}".encode()).hexdigest()


def split(
    examples: Iterable[Example],
    *,
    seed: int = 13,
    fraction: float = 0.1,
    minimum: int = 300,
    maximum: int = 2000,
) -> tuple[list[Example], list[Example]]:
    """Stratified by (dataset, label): a fixed share of each dataset goes to validation.

    Small datasets give at least ``minimum`` rows (never more than 40% of them), large ones at
    most ``maximum``, shared across labels in proportion.
    """
    groups: dict[str, dict[str, list[Example]]] = defaultdict(lambda: defaultdict(list))
    for example in examples:
        groups[example.dataset][example.label].append(example)
    train: list[Example] = []
    validation: list[Example] = []
    for by_label in groups.values():
        total = sum(len(rows) for rows in by_label.values())
        size = min(maximum, max(int(total * fraction), min(minimum, int(total * 0.4))))
        for rows in by_label.values():
            ordered = sorted(rows, key=lambda ex: _rank(ex, seed))
            take = round(size * len(rows) / total)
            validation += ordered[:take]
            train += ordered[take:]
    return train, validation


class Splits(NamedTuple):
    train: list[Example]
    calibration: list[Example]
    validation: list[Example]


def carve(
    examples: Iterable[Example],
    *,
    seed: int,
    calibration_fraction: float = 0.08,
    calibration_min: int = 150,
    calibration_max: int = 800,
) -> Splits:
    """The splits training uses: validation with ``seed``, then a calibration split (by
    default 8%, 150-800 rows per dataset) with ``seed + 1`` from what remains; the rest is for
    training. The validation split depends on ``seed`` alone, so every recipe with the same
    seed is scored on the same rows. Refitting a file's offsets carves the same splits from
    its recipe."""
    train, validation = split(examples, seed=seed)
    train, calibration = split(
        train,
        seed=seed + 1,
        fraction=calibration_fraction,
        minimum=calibration_min,
        maximum=calibration_max,
    )
    return Splits(train, calibration, validation)


def cap(examples: Iterable[Example], per_class: int, *, seed: int = 13) -> list[Example]:
    """At most ``per_class`` rows of each (dataset, label): the majorities stop dominating."""
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        groups[(example.dataset, example.label)].append(example)
    kept: list[Example] = []
    for rows in groups.values():
        kept += sorted(rows, key=lambda ex: _rank(ex, seed + 1))[:per_class]
    return kept
