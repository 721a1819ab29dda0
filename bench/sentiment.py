"""Throughput and memory of the default sentiment model on 2,000 typical reviews.

Reviews are drawn from the labelled datasets (pt, es, it, fa, ru; 400 each, 20–80 tokens,
fixed seed), in random order. The model's resident memory is measured in a fresh process
per precision (it loads the model and scores the same reviews; nothing else counts). The
naive baseline is a transformers ``feature-extraction`` pipeline called one text at a time
with the same weights (on a 200-text subset), run in the same process; the figure that
matters is the ratio.

    .venv/bin/python bench/sentiment.py [--datasets ../shared/datasets] [--n 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.settings import Settings, load_settings  # noqa: E402
from sentiment import default_encoder, default_weights  # noqa: E402
from sentiment.finetuned import (  # noqa: E402
    FineTunedSentimentModel,
    bf16_is_fast,
    resolve_precision,
)
from sentiment.language import forget_languages  # noqa: E402
from sentiment.workers import available_cores  # noqa: E402


def rss_mb() -> float:
    """Current resident set size, from /proc (peak comes from getrusage)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample(datasets: Path, tokenizer: object, n: int) -> list[str]:
    rng = random.Random(7)
    per_lang = n // 5
    texts: list[str] = []
    for lang in ("pt", "es", "it", "fa", "ru"):
        rows = [json.loads(line)["text"] for line in (datasets / lang / "train.jsonl").open()]
        rng.shuffle(rows)
        kept = []
        for text in rows:
            tokens = len(tokenizer(text)["input_ids"])  # type: ignore[operator]
            if 20 <= tokens <= 80:
                kept.append(text)
            if len(kept) == per_lang:
                break
        texts += kept
    rng.shuffle(texts)
    return texts


def resident(base: str, precision: str, texts_file: Path) -> None:
    """The model alone: load it, score the texts, print the process's peak RSS (a fresh
    process, so nothing of the benchmark's own sampling or other precisions counts)."""
    texts = json.loads(texts_file.read_text())
    model = FineTunedSentimentModel(base, default_weights(), precision=precision)
    model.score_blocking(texts)
    # VmHWM, not getrusage: ru_maxrss survives exec, so it would report the parent's peak.
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"precision": precision, "peak_rss_mb": round(peak / 1024)}))


def tokenizer_alone(base: str, kind: str, texts_file: Path) -> None:
    """One tokenizer in a fresh process: the RSS it adds once loaded, and its speed on the
    texts (the model's own prefix and cut, 5 passes). ``fast`` is transformers'
    ``AutoTokenizer``; ``pieces`` the SentencePiece copy the model reads."""
    # torch and transformers count in the baseline: the model imports both either way.
    import torch  # noqa: F401
    import transformers

    from sentiment.pieces import SPM_FILE, PieceTokenizer
    from sentiment.truncation import token_rows

    texts = json.loads(texts_file.read_text())
    before = rss_mb()
    if kind == "pieces":
        tokenizer: object = PieceTokenizer(Path(base) / SPM_FILE)
    else:
        tokenizer = transformers.AutoTokenizer.from_pretrained(base)
    loaded = rss_mb()
    started = time.perf_counter()
    for _ in range(5):
        token_rows(tokenizer, texts, 256, "query: ")
    rate = 5 * len(texts) / (time.perf_counter() - started)
    print(json.dumps({"kind": kind, "added_mb": round(loaded - before), "texts_per_s": rate}))


def tokenizer_figures(base: str, texts: list[str]) -> dict[str, dict[str, float]]:
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(texts))
        for kind in ("fast", "pieces"):
            command = [sys.executable, __file__, "--tokenizer", kind, "--texts", str(path)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
            figures[kind] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def resident_mb(base: str, precision: str, texts: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(texts))
        command = [sys.executable, __file__, "--resident", precision, "--texts", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"])


def classification(model: FineTunedSentimentModel, texts: list[str], settings: Settings) -> None:
    """What classification costs beyond the model: the second reading of mixed reviews'
    closing "but" clauses (:func:`sentiment.mixed.score_reviews`, as ``classify`` and the
    pipeline run it), then the whole of ``reputation classify`` on the same reviews as JSON
    lines (chunks of :data:`sentiment.batch.CHUNK`, the rules, the output)."""
    import asyncio
    import io

    from sentiment.batch import classify_lines
    from sentiment.mixed import score_reviews

    forget_languages()  # each pass identifies the languages afresh, as a new batch would
    started = time.perf_counter()
    scores = asyncio.run(score_reviews(model, texts))
    elapsed = time.perf_counter() - started
    read = sum(score.closing is not None for score in scores)
    print(
        f"      with the closing clauses of mixed reviews read too ({read} of {len(texts)}): "
        f"{len(texts) / elapsed:.1f} reviews/s"
    )
    lines = [json.dumps({"text": text}, ensure_ascii=False) for text in texts]
    forget_languages()
    started = time.perf_counter()
    asyncio.run(classify_lines(model, lines, io.StringIO(), settings=settings))
    elapsed = time.perf_counter() - started
    print(f"      reputation classify, end to end: {len(texts) / elapsed:.1f} reviews/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--baseline-n", type=int, default=200)
    parser.add_argument("--resident", help=argparse.SUPPRESS)  # internal: see resident()
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    parser.add_argument("--tokenizer", help=argparse.SUPPRESS)  # internal: tokenizer_alone()
    args = parser.parse_args()
    if args.resident or args.tokenizer:
        settings = load_settings(data_dir=ROOT / "var")
        base = default_encoder(settings, print)
        if args.resident:
            resident(base, args.resident, Path(args.texts))
        else:
            tokenizer_alone(base, args.tokenizer, Path(args.texts))
        return

    import torch

    settings = load_settings(data_dir=ROOT / "var")
    base = default_encoder(settings, print)
    print(
        f"python {sys.version.split()[0]}, torch {torch.__version__}, "
        f"{available_cores()} cores: one single-threaded inference worker each, "
        f"batches of {settings.sentiment.batch_size}"
    )
    shipped = resolve_precision(settings.sentiment.precision)
    precisions = [shipped] + [
        p for p in ("fp32", "int8", "bf16") if p != shipped and (p != "bf16" or bf16_is_fast())
    ]
    if not bf16_is_fast():
        print("bf16: skipped (this CPU has no native bf16; autocast would be emulated)")
    results: dict[str, tuple[float, list[str]]] = {}
    texts: list[str] = []
    model = None
    for precision in precisions:
        before = rss_mb()
        started = time.perf_counter()
        model = FineTunedSentimentModel(base, default_weights(), precision=precision)
        load_s = time.perf_counter() - started
        if not texts:
            texts = sample(Path(args.datasets), model.tokenizer, args.n)
            lengths = [len(model.tokenizer(t)["input_ids"]) for t in texts]
            print(
                f"{len(texts)} reviews, tokens mean {np.mean(lengths):.0f}, "
                f"min {min(lengths)}, max {max(lengths)}, random order"
            )
        model.score_blocking(texts[:64])  # warm-up
        forget_languages()
        started = time.perf_counter()
        scores = model.score_blocking(texts)
        elapsed = time.perf_counter() - started
        results[precision] = (len(texts) / elapsed, [s.label.value for s in scores])
        note = " (shipped default here)" if precision == shipped else ""
        print(
            f"{precision:5}{note}: load {load_s:4.1f}s, RSS {before:5.0f} → {rss_mb():5.0f} MB, "
            f"{len(texts) / elapsed:7.1f} reviews/s, peak RSS so far {peak_mb():.0f} MB"
        )
        if precision == shipped:
            classification(model, texts, settings)
    one = FineTunedSentimentModel(base, default_weights(), precision=shipped, threads=1)
    one.score_blocking(texts[:64])
    started = time.perf_counter()
    one.score_blocking(texts)
    single = len(texts) / (time.perf_counter() - started)
    print(
        f"{shipped} on one worker (one core): {single:.1f} reviews/s; "
        f"1 → {available_cores()} workers: "
        f"{results[shipped][0] / single:.2f}x"
    )
    del one
    for precision in precisions:
        mb = resident_mb(base, precision, texts)
        print(f"{precision:5}: peak RSS of a process that loads it and scores them: {mb:.0f} MB")
    tokenizers = tokenizer_figures(base, texts)
    fast, pieces = tokenizers["fast"], tokenizers["pieces"]
    print(
        f"tokenizer, transformers' fast one: +{fast['added_mb']:.0f} MB resident, "
        f"{fast['texts_per_s']:.0f} texts/s; SentencePiece (shipped): "
        f"+{pieces['added_mb']:.0f} MB, {pieces['texts_per_s']:.0f} texts/s "
        f"({pieces['texts_per_s'] / fast['texts_per_s']:.1f}x)"
    )
    for precision in precisions[1:]:
        agree = np.mean(
            [a == b for a, b in zip(results[shipped][1], results[precision][1], strict=True)]
        )
        print(f"{shipped} and {precision} agree on {agree:.1%} of labels")
    assert model is not None  # noqa: S101
    model = FineTunedSentimentModel(base, default_weights(), precision="fp32")

    from transformers import AutoTokenizer, pipeline

    torch.set_num_threads(available_cores())
    extractor = pipeline(
        "feature-extraction",
        model=model.encoder,
        tokenizer=AutoTokenizer.from_pretrained(base),
        framework="pt",
    )
    head_w = model.head.weight.detach().numpy()
    head_b = model.head.bias.detach().numpy()
    subset = texts[: args.baseline_n]
    started = time.perf_counter()
    for text in subset:
        hidden = np.asarray(extractor("query: " + text, truncation=True, max_length=256))[0]
        _ = hidden.mean(axis=0) @ head_w.T + head_b
    naive = len(subset) / (time.perf_counter() - started)
    print(f"naive baseline (pipeline, one text at a time, fp32): {naive:7.1f} reviews/s")
    print(
        f"speed-up of the shipped path ({shipped}) over the baseline: "
        f"{results[shipped][0] / naive:.1f}x"
    )
    print(f"peak RSS of the whole run: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
