"""A sentence encoder loaded with transformers ``from_pretrained`` (a local dir or a hub id).

Texts are tokenised in length-sorted batches (less padding), run under
``torch.inference_mode()``, mean-pooled under the attention mask and L2-normalised — the way
the e5 family is meant to be used (``"query: "`` prefix).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from reputation.core.errors import ModelError
from sentiment.hf import check_location, quiet_transformers

log = logging.getLogger(__name__)


class Encoder:
    """Embeds texts into unit vectors. Blocking: call it from a worker thread."""

    def __init__(
        self,
        model_id: str,
        *,
        revision: str | None = None,
        max_length: int = 256,
        batch_size: int = 32,
        threads: int = 0,
        prefix: str = "query: ",
    ) -> None:
        from transformers import AutoModel, AutoTokenizer

        quiet_transformers(threads)
        check_location(model_id, "encoder")
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(model_id, revision=revision)
            self.model: Any = AutoModel.from_pretrained(model_id, revision=revision)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load encoder {model_id!r}: {exc}") from exc
        self.model.eval()
        self.model_id = model_id
        self.max_length = max_length
        self.batch_size = batch_size
        self.prefix = prefix
        self.dim = int(self.model.config.hidden_size)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised embeddings, in input order."""
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [self.prefix + texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.float().numpy()
        return out
