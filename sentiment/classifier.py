"""Any transformers sequence classifier (a hub id or a local directory) as a sentiment model,
e.g. ``cardiffnlp/twitter-xlm-roberta-base-sentiment``. Its labels are mapped onto
negative / neutral / positive by ``sentiment.label_map`` or, failing that, by the model's own
``id2label`` names.

Several outputs may map onto one label — a five-class model's "Very Negative" and
"Negative", a star model's "1 star" and "2 stars" — and their probabilities add up. A
two-class model (negative / positive) has no neutral: its neutral probability is 0. Outputs
mapped onto nothing ("mixed") are left out and the rest renormalised."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reputation.core.errors import ConfigError, ModelError
from reputation.core.protocols import TextScore
from sentiment.hf import LABELS, ThreadedModel, check_location, quiet_transformers, text_scores
from sentiment.truncation import token_rows
from sentiment.workers import pad


def label_groups(id2label: dict[int, str], label_map: dict[str, str]) -> list[list[int]]:
    """For negative, neutral, positive: the model output indices that make up each (neutral
    may have none). ``label_map`` keys are the model's label names, as written or in any
    case; a name it does not list counts when it is itself negative / neutral / positive."""
    lowered = {name.lower(): label for name, label in label_map.items()}  # any case matches
    groups: dict[str, list[int]] = {lbl.value: [] for lbl in LABELS}
    for index, name in sorted(id2label.items()):
        label = lowered.get(name.lower()) or name.lower()
        if label in groups:
            groups[label].append(int(index))
    missing = [lbl for lbl in ("negative", "positive") if not groups[lbl]]
    if missing:
        raise ConfigError(
            f"sentiment.label_map: the model's labels {sorted(id2label.values())} do not map "
            f'onto {", ".join(missing)}; set e.g. label_map = {{LABEL_0 = "negative"}}'
        )
    return [groups[lbl.value] for lbl in LABELS]


def grouped(probs: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """(n, outputs) probabilities → (n, 3): each label the sum of its outputs, renormalised
    over the outputs that map onto a label."""
    out: np.ndarray = np.stack([probs[:, group].sum(axis=1) for group in groups], axis=1)
    out /= np.clip(out.sum(axis=1, keepdims=True), 1e-12, None)
    return out


class TransformersClassifierModel(ThreadedModel):
    """A :class:`~reputation.core.protocols.SentimentModel` over a sequence classifier."""

    def __init__(
        self,
        model_id: str,
        *,
        revision: str | None = None,
        label_map: dict[str, str] | None = None,
        max_length: int = 256,
        batch_size: int = 32,
        threads: int = 0,
    ) -> None:
        super().__init__()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        quiet_transformers(threads)
        check_location(model_id, "classifier")
        try:
            self._tokenizer: Any = AutoTokenizer.from_pretrained(model_id, revision=revision)
            self._model: Any = AutoModelForSequenceClassification.from_pretrained(
                model_id, revision=revision
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load classifier {model_id!r}: {exc}") from exc
        self._model.eval()
        self._groups = label_groups(dict(self._model.config.id2label), label_map or {})
        self._max_length = max_length
        self._batch_size = batch_size
        self._pad_id = self._tokenizer.pad_token_id or 0
        self.name = f"transformers:{model_id}"
        self.version = revision or "default"

    def score_blocking(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]:
        import torch

        probs = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self._batch_size):
                idx = order[start : start + self._batch_size]
                rows = token_rows(self._tokenizer, [texts[i] for i in idx], self._max_length)
                input_ids, attention_mask = pad(rows, self._pad_id)
                logits = self._model(input_ids=input_ids, attention_mask=attention_mask)
                every = torch.softmax(logits.logits.float(), dim=-1).numpy()
                probs[idx] = grouped(every, self._groups)
        return text_scores(probs)
