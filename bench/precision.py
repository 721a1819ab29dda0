"""Cheaper arithmetic for the default sentiment model: which Linear layers dynamic int8 can
take without changing labels, what ``torch.compile`` buys over eager fp32, and bf16 beside
them where the CPU computes it.

The same 2,000 reviews as ``bench/sentiment.py`` (``sample``), scored by fp32 (the
reference), by dynamic int8 (one weight scale per row, activations per batch, in 8 bits
where the CPU has AVX-512 VNNI and 7 elsewhere, as shipped) on every
Linear and on subsets of them, and by the fp32 encoder compiled with inductor (dynamic
shapes). For each: reviews/s and the share of fp32's labels kept. Every variant runs on the
shipped worker pool (one single-threaded worker per core).

    .venv/bin/python bench/precision.py [--datasets ../shared/datasets] [--n 2000]
        [--skip-compile]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from sentiment import default_encoder, default_weights  # noqa: E402
from sentiment.finetuned import (  # noqa: E402
    FineTunedSentimentModel,
    bf16_is_fast,
    int8_mapping,
    vnni,
)

# Which Linears each int8 variant quantizes: patterns their module names end with.
QKV = r"attention\.self\.(?:query|key|value)"
ATTENTION_OUT = r"attention\.output\.dense"
FFN_IN = r"intermediate\.dense"
FFN_OUT = r"layer\.\d+\.output\.dense"  # the FFN's down-projection, not attention's output
VARIANTS = {
    "int8, every Linear": (QKV, ATTENTION_OUT, FFN_IN, FFN_OUT),
    "int8, all but the FFN down-projection": (QKV, ATTENTION_OUT, FFN_IN),
    "int8, FFN up-projection only": (FFN_IN,),
    "int8, FFN only": (FFN_IN, FFN_OUT),
    "int8, attention only": (QKV, ATTENTION_OUT),
}


def quantized(encoder: Any, patterns: tuple[str, ...]) -> Any:
    """A copy of ``encoder`` with dynamic int8 (per-row weight scales) on the Linears whose
    names end with a match of one of ``patterns``."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    wanted = re.compile(f"(?:{'|'.join(patterns)})$")
    spec = {
        name: per_channel_dynamic_qconfig
        for name, module in encoder.named_modules()
        if isinstance(module, torch.nn.Linear) and wanted.search(name)
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            copy.deepcopy(encoder), spec, dtype=torch.qint8, mapping=int8_mapping()
        )


def timed(model: FineTunedSentimentModel, texts: list[str]) -> tuple[float, np.ndarray]:
    model.logits_blocking(texts[:64])  # warm-up
    started = time.perf_counter()
    logits = model.logits_blocking(texts)
    return len(texts) / (time.perf_counter() - started), logits


def sample(datasets: Path, tokenizer: object, n: int) -> list[str]:
    """``bench/sentiment.py``'s reviews (its module name would shadow the package here)."""
    spec = importlib.util.spec_from_file_location(
        "bench_sentiment", ROOT / "bench" / "sentiment.py"
    )
    if spec is None or spec.loader is None:
        sys.exit("bench/sentiment.py is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.sample(datasets, tokenizer, n))


def main() -> None:
    import torch

    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--skip-compile", action="store_true")
    args = parser.parse_args()

    base = default_encoder(load_settings(data_dir=ROOT / "var"), print)
    model = FineTunedSentimentModel(base, default_weights(), precision="fp32")
    texts = sample(Path(args.datasets), model.tokenizer, args.n)
    print(f"torch {torch.__version__}, {len(texts)} reviews, fp32 labels as the reference")
    bits = "8 bits (AVX-512 VNNI)" if vnni() else "7 bits (no AVX-512 VNNI)"
    print(f"int8 activations quantized to {bits}")
    fp32 = model.encoder
    speed, reference = timed(model, texts)
    print(f"{'fp32':40} {speed:6.1f} reviews/s")
    labels = reference.argmax(1)
    if bf16_is_fast():  # the default where the CPU has it: the speed int8 must beat
        bf16 = FineTunedSentimentModel(base, default_weights(), precision="bf16")
        speed, logits = timed(bf16, texts)
        kept = np.mean(logits.argmax(1) == labels)
        print(f"{'bf16 (the default here)':40} {speed:6.1f} reviews/s, {kept:.1%} of fp32's labels")
        del bf16
    for name, ends in VARIANTS.items():
        model.encoder = quantized(fp32, ends)
        speed, logits = timed(model, texts)
        kept = np.mean(logits.argmax(1) == labels)
        print(f"{name:40} {speed:6.1f} reviews/s, {kept:.1%} of fp32's labels")
    if not args.skip_compile:
        started = time.perf_counter()
        model.encoder = torch.compile(fp32, dynamic=True)
        model.logits_blocking(texts[:64])
        print(f"torch.compile: first batches compiled in {time.perf_counter() - started:.0f} s")
        timed(model, texts)  # shapes not met in the warm-up compile here
        speed, logits = timed(model, texts)
        kept = np.mean(logits.argmax(1) == labels)
        print(
            f"{'fp32, torch.compile (inductor)':40} {speed:6.1f} reviews/s, "
            f"{kept:.1%} of fp32's labels"
        )


if __name__ == "__main__":
    main()
