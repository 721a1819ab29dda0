"""Whether a text reads as a social-media post or a review, for texts whose kind nobody gave.

The calibration offsets differ by kind (``es`` and ``es/mention``, see
:mod:`sentiment.calibration`): tweets and VKontakte posts are mostly neutral, reviews are
not, and the review offsets cost the tweet sets several points of macro-F1. The pipeline
always knows an item's kind; a line given to ``reputation classify`` or ``eval`` may not.
For those, a linear probe on the same pooled embedding the head reads tells a post from a
review: one dot product per text, no extra pass.

The probe is a small JSON file beside the weights (``<weights stem>.kind.json``: ``weight``,
``bias``, and how it was fitted), fitted by ``python -m sentiment.fit_kind_probe`` on the
training split only. Weights without one leave an unknown kind unknown: the language's
plain offsets apply, as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reputation.core.errors import ModelError
from reputation.core.models import Kind

SUFFIX = ".kind.json"


@dataclass(frozen=True)
class KindProbe:
    weight: np.ndarray  # (hidden,)
    bias: float

    def mention_scores(self, pooled: np.ndarray) -> np.ndarray:
        """One score per pooled row: above zero reads as a social-media post."""
        return np.asarray(pooled @ self.weight + self.bias, dtype=np.float32)


def probe_path(weights: Path) -> Path:
    return weights.with_name(weights.stem + SUFFIX)


def load_probe(weights: Path, hidden: int) -> KindProbe | None:
    """The probe beside ``weights``, or None when there is none; a malformed one fails."""
    path = probe_path(weights)
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        weight = np.asarray(raw["weight"], dtype=np.float32)
        bias = float(raw["bias"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path.name}: not a kind probe: {exc}") from exc
    if weight.shape != (hidden,):
        raise ModelError(f"{path.name}: {weight.shape[0]} weights for a {hidden}-wide encoder")
    return KindProbe(weight, bias)


def resolve_kinds(kinds: list[str | None], scores: np.ndarray | None) -> list[str | None]:
    """Each given kind as it is; an unknown one (None) from the probe's score when there is
    one: ``mention`` above zero, else ``review``."""
    if scores is None:
        return kinds
    return [
        kind if kind is not None else (Kind.MENTION.value if score > 0 else Kind.REVIEW.value)
        for kind, score in zip(kinds, scores, strict=True)
    ]
