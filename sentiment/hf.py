"""Shared pieces of every model that loads with ``from_pretrained``: quiet set-up, turning
probabilities into scores, and running blocking inference off the event loop."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from reputation.core.errors import ModelError
from reputation.core.models import Label
from reputation.core.protocols import TextScore
from reputation.core.text import clean_text

LABELS = (Label.NEGATIVE, Label.NEUTRAL, Label.POSITIVE)


def quiet_transformers(threads: int = 0) -> None:
    """Silence load reports and progress bars (a service's logs are not a notebook), and set
    torch's thread count when one is configured (0 keeps torch's default)."""
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if threads > 0:
        torch.set_num_threads(threads)


def check_location(model_id: str, what: str) -> None:
    """A model named by path must be a directory holding a ``config.json``; say so plainly
    before ``from_pretrained`` does (for a missing path it complains that the name is not a
    hub id; for a directory of something else, about tokenizer conversion). A hub id
    ("org/name") is left to ``from_pretrained``."""
    path = Path(model_id).expanduser()
    if not (path.is_absolute() or model_id.startswith((".", "~")) or path.exists()):
        return
    if not path.exists():
        raise ModelError(f"{what} {model_id!r}: no such directory")
    if not path.is_dir():
        raise ModelError(f"{what} {model_id!r}: not a model directory (a file)")
    if not (path / "config.json").is_file():
        raise ModelError(f"{what} {model_id!r}: not a model directory (no config.json in it)")


def text_scores(probs: np.ndarray) -> list[TextScore]:
    """One score per row of (n, 3) probabilities ordered negative, neutral, positive."""
    return [
        TextScore(
            label=LABELS[int(row.argmax())],
            scores={lbl.value: round(float(p), 4) for lbl, p in zip(LABELS, row, strict=True)},
        )
        for row in probs
    ]


class ThreadedModel(ABC):
    """Runs :meth:`score_blocking` in one worker thread, so the event loop never blocks and
    batches never compete with each other for the CPU."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentiment")

    @abstractmethod
    def score_blocking(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]: ...

    async def score(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]:
        loop = asyncio.get_running_loop()
        clean = [clean_text(text) for text in texts]
        return await loop.run_in_executor(
            self._executor,
            self.score_blocking,
            clean,
            list(kinds) if kinds else None,
            list(langs) if langs else None,
        )

    async def aclose(self) -> None:
        self._executor.shutdown(wait=True)
