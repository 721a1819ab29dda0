"""Fit the kind probe (:mod:`sentiment.kind_probe`) for a weights file and write it beside it.

    python -m sentiment.fit_kind_probe [WEIGHTS] [--base DIR] [--datasets DIR] [--per-class N]

Rows come from the splits the weights' recipe carves (:func:`sentiment.training.carve_for`):
up to ``--per-class`` training rows of each dataset and label to fit, the calibration split
to choose the L2 strength, never the validation split. A row's kind is its dataset's:
social-media posts (tweets, VKontakte) are mentions, the rest reviews. Both kinds weigh the
same, and so does each dataset within its kind, so the big review sets do not drown the
tweets. The first sentences of reviews join as short reviews (:func:`openings`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from reputation.core.models import Kind
from sentiment import default_weights
from sentiment.data import Example, cap, load_datasets
from sentiment.delta import read_delta
from sentiment.kind_probe import probe_path
from sentiment.training import carve_for, recorded_recipe

STRENGTHS = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2)


def balanced_weights(rows: Sequence[Example]) -> np.ndarray:
    """Each kind half the weight, shared equally by its datasets, then by their rows."""
    per_dataset = Counter(ex.dataset for ex in rows)
    datasets_of = Counter(_is_mention(ex) for ex in {ex.dataset: ex for ex in rows}.values())
    raw = [1.0 / datasets_of[_is_mention(ex)] / per_dataset[ex.dataset] for ex in rows]
    weights = np.asarray(raw, dtype=np.float64)
    return np.asarray(weights / weights.mean())


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def openings(rows: Sequence[Example], per_dataset: int) -> list[Example]:
    """The first sentence of reviews of more than one, as short reviews of their own (at most
    ``per_dataset`` of each dataset, named "<dataset> (opening)"). Short texts in the data
    are mostly posts — RuSentiment is the only short Russian set — so without these the
    probe reads any short text as a post: half the short Russian reviews were."""
    found: list[Example] = []
    taken: Counter[str] = Counter()
    for ex in rows:
        if _is_mention(ex) or taken[ex.dataset] >= per_dataset:
            continue
        first = _SENTENCE_END.split(ex.text.strip(), maxsplit=1)[0]
        if first != ex.text.strip() and 2 <= len(first.split()) <= 25:
            found.append(replace(ex, text=first, dataset=f"{ex.dataset} (opening)"))
            taken[ex.dataset] += 1
    return found


def fit(
    pooled: np.ndarray, mention: np.ndarray, weights: np.ndarray, strength: float
) -> tuple[np.ndarray, float]:
    """Weighted logistic regression with an L2 penalty on the weights (not the bias)."""
    import torch

    x = torch.from_numpy(pooled.astype(np.float64))
    y = torch.from_numpy(mention.astype(np.float64))
    w = torch.from_numpy(weights)
    coef = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([coef, bias], max_iter=500, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimizer.zero_grad()
        logits = x @ coef + bias
        value = (
            w * torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none")
        ).mean() + strength * (coef**2).sum()
        value.backward()  # type: ignore[no-untyped-call]
        return value

    optimizer.step(loss)  # type: ignore[no-untyped-call]
    return coef.detach().numpy().astype(np.float32), float(bias.item())


def balanced_accuracy(scores: np.ndarray, rows: Sequence[Example]) -> dict[str, float]:
    """Share of each dataset's rows whose kind the scores get right, and their mean."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for score, ex in zip(scores, rows, strict=True):
        total[ex.dataset] += 1
        right[ex.dataset] += (score > 0) == _is_mention(ex)
    per = {name: right[name] / total[name] for name in sorted(total)}
    return {"mean": float(np.mean(list(per.values()))), **per}


def _is_mention(ex: Example) -> bool:
    return ex.kind == Kind.MENTION.value


def fit_probe(
    weights: Path,
    base: str,
    datasets: Path,
    *,
    per_class: int = 300,
    progress: Callable[[str], None] = print,
) -> Path | None:
    """Fit the probe for ``weights`` on ``base`` and write it beside the weights; None
    (and nothing written) when the data holds only one kind."""
    from sentiment.finetuned import FineTunedSentimentModel

    _, metadata = read_delta(weights)
    recipe = recorded_recipe(metadata, weights)
    splits = carve_for(load_datasets(datasets), recipe)
    train = cap(splits.train, per_class, seed=recipe.seed)
    train += openings(train, per_class)
    calibration = list(splits.calibration)
    calibration += openings(calibration, per_class)
    if len({_is_mention(ex) for ex in train}) < 2 or not calibration:
        progress(f"kind probe: skipped, {datasets} lacks social posts or reviews to tell apart")
        return None
    model = FineTunedSentimentModel(base, weights)
    try:
        embedded = {}
        for name, rows in (("training", train), ("calibration", calibration)):
            progress(f"kind probe: embedding {len(rows)} {name} rows")
            embedded[name] = model.pooled_blocking([ex.text for ex in rows])
    finally:
        asyncio.run(model.aclose())

    target = np.asarray([_is_mention(ex) for ex in train], dtype=np.float64)
    row_weights = balanced_weights(train)
    best = None
    for strength in STRENGTHS:
        coef, bias = fit(embedded["training"], target, row_weights, strength)
        accuracy = balanced_accuracy(embedded["calibration"] @ coef + bias, calibration)
        progress(f"kind probe: L2 {strength:g}, calibration accuracy {accuracy['mean']:.4f}")
        if best is None or accuracy["mean"] > best[3]["mean"]:
            best = (strength, coef, bias, accuracy)
    assert best is not None  # noqa: S101 - STRENGTHS is not empty
    strength, coef, bias, accuracy = best
    out = probe_path(weights)
    record = {
        "about": "mention (social-media post) vs review probe on the pooled embedding of "
        f"{weights.name}: python -m sentiment.fit_kind_probe",
        "fitted_on": f"{len(train)} training rows (at most {per_class} per dataset and label, "
        f"seed {recipe.seed}); L2 {strength:g} chosen on {len(calibration)} calibration rows",
        "calibration_accuracy": {k: round(v, 4) for k, v in accuracy.items()},
        "bias": round(bias, 6),
        "weight": [round(float(v), 6) for v in coef],
    }
    out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    progress(f"wrote {out}: calibration accuracy {accuracy['mean']:.4f}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from config.settings import load_settings
    from sentiment import default_encoder

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weights", nargs="?", default=str(default_weights()))
    parser.add_argument("--base", help="encoder dir or hub id (default: the configured one)")
    parser.add_argument("--datasets", help="default: sentiment.datasets_dir")
    parser.add_argument("--per-class", type=int, default=300)
    args = parser.parse_args(argv)
    settings = load_settings()

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    fit_probe(
        Path(args.weights),
        args.base or default_encoder(settings, say),
        Path(args.datasets) if args.datasets else settings.sentiment.datasets_dir,
        per_class=args.per_class,
        progress=say,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
