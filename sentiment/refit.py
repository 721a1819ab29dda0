"""Refit the calibration offsets of a trained weights file, without retraining.

The calibration and validation splits are carved as training carved them (the seed is in the
file's ``recipe`` metadata), their raw logits computed by the shipped inference path (the
configured encoder, max length and precision, offsets off), and the offsets fitted again
with :func:`sentiment.calibration.fit_offsets`. The tensors are written unchanged; the
metadata gets the new ``logit_offsets``, ``validation`` (with them applied), ``calibration``
(how they were fitted) and ``version`` (the output's stem).

A file trained with ``--limit`` evaluated on part of each split only; a refit uses all of it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from config.settings import Settings
from sentiment import Progress, _finetuned
from sentiment.calibration import figures_with, fit_on
from sentiment.data import LABELS, Example, load_datasets
from sentiment.delta import read_delta
from sentiment.metrics import Figures, table
from sentiment.training import carve_for, recorded_recipe

if TYPE_CHECKING:
    from sentiment.finetuned import FineTunedSentimentModel

CHUNK = 1024  # texts per logits call: a progress line each, little memory


def refit_offsets(
    weights: Path,
    out: Path,
    datasets_dir: Path,
    settings: Settings,
    progress: Progress = print,
) -> dict[str, Figures]:
    """Refit ``weights``' offsets on the datasets under ``datasets_dir`` and write ``out``.

    ``out`` may be ``weights`` itself: the file is replaced whole once the new one is written.
    Returns the validation figures with the new offsets applied.
    """
    tensors, metadata = read_delta(weights)
    recipe = recorded_recipe(metadata, weights)
    splits = carve_for(load_datasets(datasets_dir), recipe)
    calib, val = splits.calibration, splits.validation
    progress(f"seed {recipe.seed}: calibration rows {len(calib)}, validation rows {len(val)}")

    sentiment = settings.sentiment.model_copy(update={"weights": weights})
    model = cast(
        "FineTunedSentimentModel",
        _finetuned(settings.model_copy(update={"sentiment": sentiment}), progress),
    )
    try:
        current, model.offsets = model.offsets, {}
        calib_logits = _raw_logits(model, calib, "calibration", progress)
        val_logits = _raw_logits(model, val, "validation", progress)
    finally:
        asyncio.run(model.aclose())

    offsets = fit_on(calib_logits, calib)
    progress(f"per-language logit offsets [negative, neutral, positive]: {offsets}")
    progress(f"validation uncalibrated:\n{table(figures_with(val_logits, val, {}))}")
    if current:
        before = figures_with(val_logits, val, current)
        progress(f"validation with the file's offsets:\n{table(before)}")
    refitted = figures_with(val_logits, val, offsets)
    progress(f"validation with the refitted offsets:\n{table(refitted)}")

    from safetensors.torch import save_file

    metadata |= {
        "version": out.stem,
        "logit_offsets": json.dumps(offsets),
        "validation": json.dumps({k: v.as_dict() for k, v in refitted.items()}),
        "calibration": "offsets per language and per kind (review / mention), refitted on the "
        f"calibration split from the logits of shipped inference ({model.precision}, max "
        f"length {sentiment.max_length}) by `reputation train --refit-offsets`",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        save_file(tensors, str(partial), metadata=metadata)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    progress(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return refitted


def _raw_logits(
    model: FineTunedSentimentModel, rows: Sequence[Example], name: str, progress: Progress
) -> np.ndarray:
    """Logits of ``rows`` in order, ``CHUNK`` texts per call, with a progress line each."""
    chunks = []
    started = time.monotonic()
    for start in range(0, len(rows), CHUNK):
        chunks.append(model.logits_blocking([ex.text for ex in rows[start : start + CHUNK]]))
        done = start + len(chunks[-1])
        rate = done / max(1e-6, time.monotonic() - started)
        progress(f"  {name}: {done}/{len(rows)} texts ({rate:.0f}/s)")
    return np.vstack(chunks) if chunks else np.zeros((0, len(LABELS)), dtype=np.float32)
