"""Any transformers sequence classifier (a hub id or a local directory) as a sentiment model,
e.g. ``cardiffnlp/twitter-xlm-roberta-base-sentiment``. Its labels are mapped onto
negative / neutral / positive by ``sentiment.label_map`` or, failing that, by the model's own
``id2label`` names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reputation.core.errors import ConfigError, ModelError
from reputation.core.protocols import TextScore
from sentiment.hf import LABELS, ThreadedModel, check_location, quiet_transformers, text_scores
from sentiment.truncation import token_rows
from sentiment.workers import pad


def label_indices(id2label: dict[int, str], label_map: dict[str, str]) -> list[int]:
    """For negative, neutral, positive: the model output index of each."""
    names = {i: label_map.get(name, name).lower() for i, name in id2label.items()}
    found = {}
    for index, name in names.items():
        if name in {lbl.value for lbl in LABELS}:
            found[name] = index
    missing = [lbl.value for lbl in LABELS if lbl.value not in found]
    if missing:
        raise ConfigError(
            f"sentiment.label_map: the model's labels {sorted(id2label.values())} do not map "
            f'onto {", ".join(missing)}; set e.g. label_map = {{LABEL_0 = "negative"}}'
        )
    return [found[lbl.value] for lbl in LABELS]


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
        self._columns = label_indices(dict(self._model.config.id2label), label_map or {})
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
                logits = logits.logits.float()[:, self._columns]
                probs[idx] = torch.softmax(logits, dim=-1).numpy()
        return text_scores(probs)
