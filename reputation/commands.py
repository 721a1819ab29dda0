"""The model commands: ``classify``, ``eval`` and ``train`` (or ``train --refit-offsets``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO, cast

from config.settings import Settings
from reputation.app import build_model, open_store
from reputation.core.errors import ConfigError, StorageError
from reputation.core.protocols import SentimentModel
from reputation.core.text import INPUT_ERRORS
from sentiment.data import Example


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def _encoding(mode: str) -> str:
    # Input files saved by spreadsheet tools often start with a byte-order mark.
    return "utf-8-sig" if "r" in mode else "utf-8"


def _open(
    path: str | None, mode: str, default: TextIO
) -> contextlib.AbstractContextManager[TextIO]:
    if path is None:
        return contextlib.nullcontext(default)
    try:
        errors = INPUT_ERRORS if "r" in mode else "replace"
        handle = cast("TextIO", open(path, mode, encoding=_encoding(mode), errors=errors))  # noqa: SIM115 - with block
    except OSError as exc:
        raise ConfigError(f"cannot open {path}: {exc.strerror}") from exc
    return handle


async def _with_model(settings: Settings) -> SentimentModel:
    return await asyncio.to_thread(build_model, settings, _say)


def classify(settings: Settings, args: argparse.Namespace) -> int:
    from sentiment.batch import classify_lines

    if args.input and args.output and Path(args.input).resolve() == Path(args.output).resolve():
        raise ConfigError("--input and --output are the same file; it would be overwritten")
    if args.input is None:
        # A line with bytes that are not UTF-8 gets an error of its own instead of stopping
        # the whole run; a leading byte-order mark is dropped.
        sys.stdin.reconfigure(encoding="utf-8-sig", errors=INPUT_ERRORS)  # type: ignore[union-attr]

    async def run() -> tuple[int, int]:
        model = await _with_model(settings)
        try:
            with (
                _open(args.input, "r", sys.stdin) as src,
                _open(args.output, "w", sys.stdout) as dst,
            ):
                return await classify_lines(model, src, dst, settings=settings, progress=sys.stderr)
        finally:
            await model.aclose()

    done, errors = asyncio.run(run())
    _say(f"classified {done} lines, {errors} errors")
    return 0


def evaluate(settings: Settings, args: argparse.Namespace) -> int:
    from sentiment.batch import evaluate_examples, read_labelled
    from sentiment.metrics import table

    files = [Path(f) for f in args.files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ConfigError(f"no such file: {', '.join(missing)}")
    extra: list[Example] = []
    if args.validation:
        from sentiment.data import load_datasets, split

        datasets = settings.sentiment.datasets_dir
        if not datasets.is_dir():
            raise ConfigError(f"sentiment.datasets_dir: {datasets} is not a directory")
        # Scored as untagged text (the language identifier picks the calibration), as the
        # model card's validation table is measured; a file's rows may name their ``lang``.
        extra = [replace(ex, lang="und") for ex in split(load_datasets(datasets))[1]]
    if not files and not extra:
        raise ConfigError("give labelled JSON-lines files, or --validation")
    examples = read_labelled(files) + extra  # a bad line fails now, before the model loads

    async def run() -> dict[str, object]:
        model = await _with_model(settings)
        try:
            results = await evaluate_examples(model, examples)
        finally:
            await model.aclose()
        return {"model": model.name, "datasets": results}

    outcome = asyncio.run(run())
    results = outcome["datasets"]
    assert isinstance(results, dict)  # noqa: S101 - built just above
    if args.json:
        print(
            json.dumps(
                {
                    "model": outcome["model"],
                    "datasets": {k: v.as_dict() for k, v in results.items()},
                },
                ensure_ascii=False,
            )
        )
    else:
        print(table(results))
    return 0


def train(settings: Settings, args: argparse.Namespace) -> int:
    from sentiment import default_encoder
    from sentiment.fit_kind_probe import fit_probe
    from sentiment.training import Recipe
    from sentiment.training import train as run_training

    if args.refit_offsets and not Path(args.refit_offsets).is_file():
        raise ConfigError(f"--refit-offsets: no such file: {args.refit_offsets}")
    datasets = Path(args.datasets) if args.datasets else settings.sentiment.datasets_dir
    if not datasets.is_dir():
        raise ConfigError(f"sentiment.datasets_dir: {datasets} is not a directory")
    _check_out(Path(args.out))
    if args.refit_offsets:
        return _refit(settings, Path(args.refit_offsets), Path(args.out), datasets)
    _check_training_options(args)
    extra: list[Example] = []
    if not args.no_overrides:
        try:
            extra = asyncio.run(_overrides(settings))
        except StorageError as exc:
            raise StorageError(
                f"{exc}\n(the label overrides are read from MongoDB; "
                "--no-overrides trains on the datasets alone)"
            ) from None
        _say(f"{len(extra)} label overrides from community managers")
    base = default_encoder(settings, _say)
    results = run_training(
        base=base,
        datasets=datasets,
        out=Path(args.out),
        recipe=Recipe(
            epochs=args.epochs,
            unfrozen_layers=args.layers,
            cap_per_class=args.cap,
            seed=args.seed,
            layer_lr_decay=args.lr_decay,
            lr_encoder=args.lr,
            lr_head=args.lr_head,
            dataset_weight_min=args.weight_min,
            max_length=args.max_length,
            head_and_tail=args.head_tail,
            normalize=args.normalize,
            calibration_min=args.calibration_min,
        ),
        extra=extra,
        limit=args.limit or None,
        init=Path(args.init) if args.init else None,
        progress=_say,
    )
    _say(f"validation mean macro-F1 {sum(f.macro_f1 for f in results.values()) / len(results):.4f}")
    fit_probe(Path(args.out), str(base), datasets, progress=_say)
    _say(f"use it with: REPUTATION_SENTIMENT__WEIGHTS={args.out}")
    return 0


def _check_out(out: Path) -> None:
    """Training takes hours: a file it could not write fails now, not at the end."""
    if out.is_dir():
        raise ConfigError(f"--out: {out} is a directory; name the weights file to write")
    parent = out.parent
    if not parent.is_dir():
        raise ConfigError(f"--out: no such directory: {parent}")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ConfigError(f"--out: {out} is not writable")


def _check_training_options(args: argparse.Namespace) -> None:
    """Each training option in its range, named as the command line names it."""
    above_zero = {"--epochs": args.epochs, "--lr": args.lr, "--lr-head": args.lr_head}
    for flag, value in above_zero.items():
        if not (math.isfinite(value) and value > 0):
            raise ConfigError(f"{flag} must be a number above 0, not {value}")
    if not 0 < args.lr_decay <= 1:
        raise ConfigError(f"--lr-decay must be above 0 and at most 1, not {args.lr_decay}")
    at_least = {
        "--layers": (args.layers, 0),
        "--cap": (args.cap, 1),
        "--weight-min": (args.weight_min, 1),
        "--max-length": (args.max_length, 16),
        "--calibration-min": (args.calibration_min, 1),
        "--limit": (args.limit, 0),
    }
    for flag, (value, low) in at_least.items():
        if value < low:
            raise ConfigError(f"{flag} must be at least {low}, not {value}")
    if args.init and not Path(args.init).is_file():
        raise ConfigError(f"--init: no such file: {args.init}")


def _refit(settings: Settings, weights: Path, out: Path, datasets: Path) -> int:
    from sentiment.refit import refit_offsets

    results = refit_offsets(weights, out, datasets, settings, _say)
    _say(f"validation mean macro-F1 {sum(f.macro_f1 for f in results.values()) / len(results):.4f}")
    _say(f"use it with: REPUTATION_SENTIMENT__WEIGHTS={out}")
    return 0


async def _overrides(settings: Settings) -> list[Example]:
    async with open_store(settings, _say) as store:
        return [
            Example(text=text, label=label, dataset="overrides", lang=lang)
            for text, label, lang in await store.reviews.label_overrides()
        ]
