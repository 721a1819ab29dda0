"""The encoder with padding left out of its matrix products (``sentiment/packed.py``)
against transformers' own forward on padded batches, in the same process.

The same 2,000 reviews as ``bench/sentiment.py``, the shipped worker pool and the precision
``auto`` picks (or ``--precision``).
The two forwards alternate for ``--rounds`` rounds, so a change in the host's load falls on
both; each round prints both rates, and the end prints the medians, their ratio, the share
of the padded forward's labels the packed one keeps, and how many of the tokens the encoder
reads are padding.

    .venv/bin/python bench/packed.py [--datasets ../shared/datasets] [--n 2000] [--rounds 6]
        [--precision auto|bf16|fp32|int8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.precision import sample  # noqa: E402
from config.settings import load_settings  # noqa: E402
from sentiment import default_encoder, default_weights  # noqa: E402
from sentiment.finetuned import FineTunedSentimentModel  # noqa: E402
from sentiment.truncation import token_rows  # noqa: E402
from sentiment.workers import length_batches, pad  # noqa: E402


def padding_share(model: FineTunedSentimentModel, texts: list[str]) -> float:
    """The share of padding among the tokens of the padded batches the model would run."""
    rows = token_rows(model.tokenizer, texts, model._max_length, model._prefix)
    batches = length_batches([len(row) for row in rows], model._batch_size, model._workers.count)
    masks = [pad([rows[i] for i in batch], model._pad_id)[1] for batch in batches]
    return 1 - sum(int(mask.sum()) for mask in masks) / sum(mask.numel() for mask in masks)


def rate(
    model: FineTunedSentimentModel, texts: list[str], packed: bool
) -> tuple[float, np.ndarray]:
    model._packed = packed
    started = time.perf_counter()
    logits = model.logits_blocking(texts)
    return len(texts) / (time.perf_counter() - started), logits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--precision", default="auto", choices=["auto", "bf16", "fp32", "int8"])
    args = parser.parse_args()

    base = default_encoder(load_settings(data_dir=ROOT / "var"), print)
    model = FineTunedSentimentModel(base, default_weights(), precision=args.precision)
    texts = sample(Path(args.datasets), model.tokenizer, args.n)
    print(
        f"{len(texts)} reviews, {model.precision}, {model._workers.count} workers; "
        f"padding is {padding_share(model, texts):.1%} of the tokens read"
    )
    rate(model, texts[:64], True)  # warm-up
    rate(model, texts[:64], False)
    rates: dict[bool, list[float]] = {True: [], False: []}
    labels: dict[bool, np.ndarray] = {}
    for n in range(args.rounds):
        for packed in (False, True):
            value, logits = rate(model, texts, packed)
            rates[packed].append(value)
            labels[packed] = logits.argmax(1)
        print(f"  round {n + 1}: padded {rates[False][-1]:.1f}, packed {rates[True][-1]:.1f}")
    padded, packed = statistics.median(rates[False]), statistics.median(rates[True])
    kept = float((labels[True] == labels[False]).mean())
    print(f"padded (transformers' forward): {padded:.1f} reviews/s (median)")
    print(f"packed: {packed:.1f} reviews/s (median), {packed / padded:.3f}x")
    print(f"labels kept: {kept:.2%}")


if __name__ == "__main__":
    main()
