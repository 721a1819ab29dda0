"""How much compute an early exit could save the default sentiment model, at a fixed label
agreement with the full model.

An early exit reads a text's label from an intermediate layer when that layer is already
sure, and runs the remaining layers only for the others. This measures the best case: a
linear map from each layer's mean-pooled output to the model's final logits (ridge
regression, fitted on training rows: no labels needed, the model is its own teacher), and
the margin between its two largest logits as the exit test. For one exit layer and for every
pair, it finds the margins that keep 99.5% of the full model's labels on the calibration
split and prints the mean number of layers a text then runs, and the speed-up that bounds
(the encoder layers are ≈90% of inference time). The thresholds are chosen on the rows they
are scored on, so the figures are an upper bound.

    .venv/bin/python bench/early_exit.py [--datasets ../shared/datasets] [--per-dataset 400]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from sentiment import default_encoder, default_weights  # noqa: E402
from sentiment.data import Example, load_datasets  # noqa: E402
from sentiment.delta import read_delta  # noqa: E402
from sentiment.finetuned import FineTunedSentimentModel  # noqa: E402
from sentiment.training import carve_for, recorded_recipe  # noqa: E402
from sentiment.truncation import token_rows  # noqa: E402
from sentiment.workers import pad  # noqa: E402

AGREEMENT = 0.995


def per_dataset(rows: list[Example], n: int) -> list[Example]:
    rng = random.Random(5)
    groups: dict[str, list[Example]] = {}
    for row in rows:
        groups.setdefault(row.dataset, []).append(row)
    kept: list[Example] = []
    for name in sorted(groups):
        rng.shuffle(groups[name])
        kept += groups[name][:n]
    return kept


def layer_states(model: FineTunedSentimentModel, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(layers + 1, n, hidden) mean-pooled outputs of the embeddings and each layer, and the
    model's (n, 3) final logits before calibration offsets."""
    import torch

    ids = token_rows(model.tokenizer, texts, 256, model._prefix)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    layers = int(model.encoder.config.num_hidden_layers)
    states = np.zeros((layers + 1, len(ids), model.head.in_features), np.float32)
    logits = np.zeros((len(ids), 3), np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), 32):
            idx = order[start : start + 32]
            input_ids, mask = pad([ids[i] for i in idx], model._pad_id)
            out = model.encoder(input_ids=input_ids, attention_mask=mask, output_hidden_states=True)
            weights = mask.unsqueeze(-1).float()
            for k, hidden in enumerate(out.hidden_states):
                states[k, idx] = ((hidden.float() * weights).sum(1) / weights.sum(1)).numpy()
            logits[idx] = model.head(torch.from_numpy(states[layers, idx])).numpy()
    return states, logits


def ridge(x: np.ndarray, y: np.ndarray, strength: float = 1.0) -> np.ndarray:
    x1 = np.hstack([x, np.ones((len(x), 1), np.float32)])
    gram = x1.T @ x1 + strength * np.eye(x1.shape[1])
    gram[-1, -1] -= strength  # the bias is not shrunk
    return np.linalg.solve(gram, x1.T @ y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--per-dataset", type=int, default=400)
    args = parser.parse_args()

    settings = load_settings(data_dir=ROOT / "var")
    weights = default_weights()
    model = FineTunedSentimentModel(default_encoder(settings, print), weights, threads=1)
    layers = int(model.encoder.config.num_hidden_layers)
    splits = carve_for(
        load_datasets(Path(args.datasets)), recorded_recipe(read_delta(weights)[1], weights)
    )
    started = time.monotonic()
    fit_states, fit_logits = layer_states(
        model, [r.text for r in per_dataset(splits.train, args.per_dataset)]
    )
    states, logits = layer_states(model, [r.text for r in splits.calibration])
    print(
        f"· {fit_states.shape[1]} training and {states.shape[1]} calibration texts through "
        f"{layers} layers ({model.precision}) in {time.monotonic() - started:.0f} s"
    )

    full = logits.argmax(1)
    n = len(full)
    agrees: dict[int, np.ndarray] = {}
    margins: dict[int, np.ndarray] = {}
    exits = range(layers // 3, layers)
    for k in exits:
        map_k = ridge(fit_states[k], fit_logits)
        guess = np.hstack([states[k], np.ones((n, 1), np.float32)]) @ map_k
        top = np.sort(guess, axis=1)
        agrees[k], margins[k] = guess.argmax(1) == full, top[:, -1] - top[:, -2]

    print(f"\nOne exit layer, margins that keep {AGREEMENT:.1%} of the full model's labels:")
    print(
        f"{'layer':>5} {'agree at exit':>14} {'exit share':>11} {'mean layers':>12} {'speed-up':>9}"
    )
    for k in exits:
        order = np.argsort(-margins[k])
        wrong = np.cumsum(~agrees[k][order])
        share = max(i for i in range(n + 1) if i == 0 or wrong[i - 1] <= (1 - AGREEMENT) * n) / n
        cost = k + (1 - share) * (layers - k)
        print(
            f"{k:>5} {agrees[k].mean():>14.3f} {share:>11.2f} {cost:>12.2f} {layers / cost:>8.2f}×"
        )

    best = (float(layers), "none")
    grid = np.linspace(0.0, 6.0, 61)
    for a, b in itertools.combinations(exits, 2):
        for low in grid:
            at_a = margins[a] >= low
            for high in grid:
                at_b = ~at_a & (margins[b] >= high)
                wrong = (~agrees[a] & at_a).sum() + (~agrees[b] & at_b).sum()
                if wrong > (1 - AGREEMENT) * n:
                    continue
                cost = (
                    a + (1 - at_a.mean()) * (b - a) + (1 - at_a.mean() - at_b.mean()) * (layers - b)
                )
                if cost < best[0]:
                    best = (
                        cost,
                        f"layers {a} ({at_a.mean():.0%} exit) and {b} ({at_b.mean():.0%})",
                    )
    print(
        f"\nBest pair of exits: {best[1]}: {best[0]:.2f} layers a text, "
        f"at most {layers / best[0]:.2f}× the encoder's speed"
    )


if __name__ == "__main__":
    main()
