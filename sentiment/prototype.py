"""Zero-shot sentiment: compare each text with labelled prototype sentences.

The prototypes (``prototypes.jsonl``: negative / neutral / positive customer-review sentences
in every supported language) are embedded once. A text's score for a label is the mean
cosine similarity of its ``top_k`` nearest prototypes of that label; a softmax with a
temperature turns the three scores into probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from reputation.core.errors import ModelError
from reputation.core.models import Label
from reputation.core.protocols import TextScore
from reputation.core.text import read_json
from sentiment.encoder import Encoder
from sentiment.hf import LABELS, ThreadedModel


def load_prototypes(path: Path | None = None) -> list[tuple[Label, str]]:
    """Read (label, text) pairs; the bundled file unless ``path`` is given."""
    if path is None:
        text = resources.files("sentiment").joinpath("prototypes.jsonl").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row: Any = read_json(line)
            pairs.append((Label(row["label"]), str(row["text"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"prototype line {number} is invalid: {exc}") from exc
    if {label for label, _ in pairs} != set(LABELS):
        raise ModelError("prototypes must cover negative, neutral and positive")
    return pairs


class PrototypeSentimentModel(ThreadedModel):
    """A :class:`~reputation.core.protocols.SentimentModel` on top of a sentence encoder."""

    def __init__(
        self,
        encoder: Encoder,
        prototypes: Sequence[tuple[Label, str]],
        *,
        top_k: int = 5,
        temperature: float = 0.02,
    ) -> None:
        super().__init__()
        self.name = f"prototype:{encoder.model_id}"
        self.version = f"prototype-v1-k{top_k}-t{temperature}"
        self._encoder = encoder
        self._top_k = top_k
        self._temperature = temperature
        self._labels = np.array([LABELS.index(label) for label, _ in prototypes])
        self._prototypes = encoder.embed([text for _, text in prototypes])

    def score_blocking(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]:
        if not texts:
            return []
        similarity = self._encoder.embed(texts) @ self._prototypes.T
        per_label = []
        for index in range(len(LABELS)):
            columns = similarity[:, self._labels == index]
            k = min(self._top_k, columns.shape[1])
            nearest = np.sort(columns, axis=1)[:, -k:]
            per_label.append(nearest.mean(axis=1))
        logits = np.stack(per_label, axis=1) / self._temperature
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return [
            TextScore(
                label=LABELS[int(row.argmax())],
                scores={
                    label.value: round(float(p), 4) for label, p in zip(LABELS, row, strict=True)
                },
            )
            for row in probs
        ]
