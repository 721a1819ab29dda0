"""Per-language calibration: a logit offset per language, fitted on rows nobody trained on.

A model trained on a mix of datasets leans towards whatever the mix over-represents in each
language (Persian food-delivery comments have no neutral class, Russian posts are mostly
neutral...). Adding a small offset to the negative and neutral logits per language moves the
decision boundary back; the offsets are chosen on a calibration split carved from the
training data (never the validation split) to maximise, over the datasets of that language,
the mean of macro-F1 and negative-class F1 — what a community manager needs: find the
negatives without drowning in false alarms.

Social mentions (tweets, posts) lean differently from reviews in the same language, so when
the calibration split has enough of them a language gets a second offset, keyed
``"<lang>/mention"``, for mentions; reviews, questions and texts of unknown kind use the plain
``"<lang>"`` key, and a mention falls back to it when its language has no mention offset.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from reputation.core.models import Kind
from sentiment.data import LABELS, Example
from sentiment.metrics import Figures, by_dataset

NEG, NEU, POS = range(3)
GRID = np.round(np.arange(-1.5, 1.5001, 0.1), 2)


def _f1(gold: np.ndarray, pred: np.ndarray, label: int) -> float:
    tp = float(np.sum((gold == label) & (pred == label)))
    fp = float(np.sum((gold != label) & (pred == label)))
    fn = float(np.sum((gold == label) & (pred != label)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def dataset_score(gold: np.ndarray, pred: np.ndarray) -> float:
    """Mean of macro-F1 and negative F1; a set without neutral gold is scored as binary."""
    binary = not np.any(gold == NEU)
    if binary:
        pred = np.where(pred == NEU, POS, pred)
    labels = (NEG, POS) if binary else (NEG, NEU, POS)
    macro = sum(_f1(gold, pred, label) for label in labels) / len(labels)
    return (macro + _f1(gold, pred, NEG)) / 2


MENTION = Kind.MENTION.value


def offset_key(lang: str, kind: str | None) -> str:
    """The key a text's offset is stored under: ``"es"``, or ``"es/mention"`` for mentions."""
    return f"{lang}/{MENTION}" if kind == MENTION else lang


def fit_offsets(
    logits: np.ndarray,
    gold: Sequence[str],
    datasets: Sequence[str],
    langs: Sequence[str],
    kinds: Sequence[str | None] | None = None,
    *,
    min_rows: int = 200,
    min_mention_rows: int = 120,
    shrink: float = 0.002,
) -> dict[str, list[float]]:
    """Offsets ``[negative, neutral, positive]`` per :func:`offset_key` (positive is always 0).

    A grid search, each key on its own rows; ``shrink`` penalises large offsets so noise in a
    small calibration set does not move the boundary, and it grows as the rows get fewer.
    Languages with fewer than ``min_rows`` calibration rows get no offset; mentions with fewer
    than ``min_mention_rows`` are fitted together with the other texts of their language.
    """
    gold_ids = np.array([LABELS.index(label) for label in gold])
    kinds = kinds or [None] * len(langs)
    mentions = Counter(lang for lang, kind in zip(langs, kinds, strict=True) if kind == MENTION)
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, (lang, kind) in enumerate(zip(langs, kinds, strict=True)):
        own = kind == MENTION and mentions[lang] >= min_mention_rows
        by_key[offset_key(lang, MENTION if own else None)].append(index)
    offsets: dict[str, list[float]] = {}
    for key, rows in sorted(by_key.items()):
        # A mention key only exists with min_mention_rows or more rows (above).
        if len(rows) < min_rows and not key.endswith(f"/{MENTION}"):
            continue
        penalty = shrink * max(1.0, min_rows / len(rows))
        idx = np.array(rows)
        groups = defaultdict(list)
        for position, i in enumerate(rows):
            groups[datasets[i]].append(position)
        members = [np.array(g) for g in groups.values()]
        sub, sub_gold = logits[idx], gold_ids[idx]
        best, best_score = (0.0, 0.0), -1.0
        for b_neg in GRID:
            for b_neu in GRID:
                pred = (sub + np.array([b_neg, b_neu, 0.0])).argmax(axis=1)
                score = float(np.mean([dataset_score(sub_gold[m], pred[m]) for m in members]))
                score -= penalty * (abs(b_neg) + abs(b_neu))
                if score > best_score:
                    best, best_score = (float(b_neg), float(b_neu)), score
        offsets[key] = [best[0], best[1], 0.0]
    return offsets


def apply_offsets(
    logits: np.ndarray,
    langs: Sequence[str],
    offsets: dict[str, list[float]],
    kinds: Sequence[str | None] | None = None,
) -> np.ndarray:
    """Logits plus each row's offset (unknown languages unchanged)."""
    if not offsets:
        return logits
    zero = (0.0, 0.0, 0.0)
    shift = np.array(
        [
            offsets.get(offset_key(lang, kind)) or offsets.get(lang) or zero
            for lang, kind in zip(langs, kinds or [None] * len(langs), strict=True)
        ],
        dtype=np.float32,
    )
    return logits + shift


def fit_on(logits: np.ndarray, rows: Sequence[Example]) -> dict[str, list[float]]:
    """:func:`fit_offsets` on labelled rows (their label, dataset, language and kind)."""
    return fit_offsets(
        logits,
        [ex.label for ex in rows],
        [ex.dataset for ex in rows],
        [ex.lang for ex in rows],
        [ex.kind for ex in rows],
    )


def figures_with(
    logits: np.ndarray, rows: Sequence[Example], offsets: dict[str, list[float]]
) -> dict[str, Figures]:
    """Per-dataset figures of labelled rows' predictions with ``offsets`` applied."""
    shifted = apply_offsets(logits, [ex.lang for ex in rows], offsets, [ex.kind for ex in rows])
    return by_dataset(
        [ex.dataset for ex in rows],
        [ex.label for ex in rows],
        [LABELS[i] for i in shifted.argmax(axis=1)],
    )
