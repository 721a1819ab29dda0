"""The default sentiment model: the multilingual-e5-small encoder with its layers
fine-tuned and a linear head, both shipped as one compact delta file (see
:mod:`sentiment.delta`: int8 differences from the base, or fp16 replacements).

Loading: ``from_pretrained`` on the base encoder (a local directory or any hub id), then the
delta is applied to the base's tensors; every delta key must exist in the base with the same
shape, or loading fails loudly. Where the CPU computes bf16, the base loads from its stored
bf16 copy (``model.bf16.safetensors``) when it has one.

Inference is batched by token count under ``torch.inference_mode()`` and spread over one
single-threaded worker per core (:mod:`sentiment.workers`), all off the event loop. A BERT
encoder (the default) runs with the padding left out of its matrix products
(:mod:`sentiment.packed`); any other runs transformers' own forward.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reputation.core.errors import ModelError
from reputation.core.protocols import TextScore
from sentiment.calibration import apply_offsets
from sentiment.convert import BF16_VARIANT, has_bf16_variant
from sentiment.delta import expand, head_of, read_delta
from sentiment.hf import LABELS, ThreadedModel, check_location, quiet_transformers, text_scores
from sentiment.kind_probe import load_probe, resolve_kinds
from sentiment.language import language_of
from sentiment.packed import mean_pooled, packable
from sentiment.pieces import load_tokenizer
from sentiment.truncation import token_rows
from sentiment.workers import Workers, length_batches, pad


class FineTunedSentimentModel(ThreadedModel):
    """A :class:`~reputation.core.protocols.SentimentModel`: encoder + delta + linear head."""

    def __init__(
        self,
        base: str,
        delta: Path,
        *,
        revision: str | None = None,
        max_length: int = 256,
        batch_size: int = 32,
        threads: int = 0,
        precision: str = "auto",
    ) -> None:
        super().__init__()
        import torch
        from transformers import AutoModel

        quiet_transformers()
        check_location(base, "encoder")
        tensors, metadata = read_delta(delta)
        self.precision = resolve_precision(precision)
        # bf16 weights where the CPU computes bf16 natively: half the memory and no per-call
        # casts. Elsewhere fp32 (int8 quantizes from fp32).
        dtype = torch.bfloat16 if self.precision == "bf16" else torch.float32
        try:
            self.tokenizer: Any = load_tokenizer(base, revision)
            self.encoder: Any = AutoModel.from_pretrained(
                base,
                revision=revision,
                dtype=dtype,
                variant=_variant(base, self.precision),
                # Plain matmul attention: at review lengths (20-80 tokens) it measured ≈10%
                # faster on CPU than the fused SDPA kernel (BENCHMARKS.md); same numbers.
                attn_implementation="eager",
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load encoder {base!r}: {exc}") from exc
        state = self.encoder.state_dict()  # views of the parameters: copy_ writes them
        try:
            head = head_of(tensors)
            with torch.no_grad():
                for name, value in expand(tensors, state, metadata["format"]):
                    state[name].copy_(value)
        except ModelError as exc:
            raise ModelError(f"{delta.name} does not fit encoder {base!r}: {exc}") from None
        del tensors, state
        if self.precision in {"fp32", "int8"}:  # int8 quantizes the Linears, not the table
            compact_embeddings(self.encoder, base)
        self.encoder.eval()
        self.head = torch.nn.Linear(head["weight"].shape[1], head["weight"].shape[0])
        self.head.load_state_dict(head)
        self.head.eval()
        self.offsets = _offsets(metadata.get("logit_offsets", "{}"), delta)
        self.kind_probe = load_probe(delta, self.head.in_features)
        self._prefix = metadata.get("prefix", "query: ")
        self._max_length = max_length
        self._batch_size = batch_size
        self._pad_id = self.tokenizer.pad_token_id or 0
        self._workers = Workers(threads)
        if self.precision == "int8":
            self.encoder = _int8(self.encoder)
        self._packed = packable(self.encoder)  # padding left out of the matrix products
        self.name = f"finetuned:{Path(base).name}+{delta.stem}@{self.precision}"
        self.version = metadata.get("version", delta.stem)
        self.metadata = metadata

    def logits_blocking(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """(n, 3) logits in input order, with the calibration offsets of each text's language
        and kind applied: the source's tag in ``langs`` when the project reads that
        language, else the identified one; the given kind, else (None) what the kind probe
        reads, when the weights have one (:mod:`sentiment.kind_probe`)."""
        out = self._run(texts, self._forward, len(LABELS) + 1)
        logits, mention = out[:, : len(LABELS)], out[:, len(LABELS)]
        if self.offsets and len(texts):
            given = langs or [None] * len(texts)
            found = [language_of(t, g) for t, g in zip(texts, given, strict=True)]
            known: list[str | None] = [None] * len(texts) if kinds is None else list(kinds)
            probed = resolve_kinds(known, mention if self.kind_probe is not None else None)
            logits = apply_offsets(logits, found, self.offsets, probed)
        return logits

    def pooled_blocking(self, texts: Sequence[str]) -> np.ndarray:
        """(n, hidden) mean-pooled encoder outputs in input order: what the head reads."""
        return self._run(texts, lambda rows: self._pooled(rows).numpy(), self.head.in_features)

    def _run(
        self, texts: Sequence[str], forward: Callable[[list[list[int]]], np.ndarray], width: int
    ) -> np.ndarray:
        """``forward`` over ``texts``, tokenized once, batched by token count and spread over
        the workers; rows back in input order."""
        out = np.zeros((len(texts), width), dtype=np.float32)
        if not texts:
            return out
        ids = token_rows(self.tokenizer, texts, self._max_length, self._prefix)
        batches = length_batches([len(row) for row in ids], self._batch_size, self._workers.count)
        results = self._workers.map(lambda idx: forward([ids[i] for i in idx]), batches)
        for idx, rows in zip(batches, results, strict=True):
            out[idx] = rows
        return out

    def _pooled(self, rows: list[list[int]]) -> Any:
        import torch

        input_ids, attention_mask = pad(rows, self._pad_id)
        with torch.inference_mode():
            if self._packed:
                return mean_pooled(self.encoder, input_ids, attention_mask)
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
            hidden = hidden.last_hidden_state.float()
            mask = attention_mask.unsqueeze(-1).float()
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        """The head's logits, and the kind probe's score (0 without a probe) as a 4th column."""
        import torch

        pooled = self._pooled(rows)
        with torch.inference_mode():
            logits = self.head(pooled).numpy()
        probe = self.kind_probe
        mention = probe.mention_scores(pooled.numpy()) if probe else np.zeros(len(rows))
        return np.concatenate([logits, mention[:, None]], axis=1)

    async def aclose(self) -> None:
        await super().aclose()
        self._workers.close()

    def score_blocking(
        self,
        texts: Sequence[str],
        kinds: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> list[TextScore]:
        if not texts:
            return []
        logits = self.logits_blocking(texts, kinds, langs)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return text_scores(probs)


def _variant(base: str, precision: str) -> str | None:
    """The stored bf16 copy of the weights, when computing in bf16 and the base has one."""
    return BF16_VARIANT if precision == "bf16" and has_bf16_variant(base) else None


def _offsets(raw: str, path: Path) -> dict[str, list[float]]:
    try:
        offsets = {str(k): [float(x) for x in v] for k, v in json.loads(raw).items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise ModelError(f"{path.name}: bad logit_offsets metadata: {exc}") from exc
    if not all(len(v) == len(LABELS) for v in offsets.values()):
        raise ModelError(f"{path.name}: each logit offset must list one number per label")
    return offsets


WORD_TABLE = "embeddings.word_embeddings.weight"


def compact_embeddings(encoder: Any, base: str | None = None) -> None:
    """Keep the word-embedding table (96M of the 118M parameters) in bf16 while the rest
    computes in fp32: 190 MB less resident memory. Each looked-up row is added to the fp32
    position embeddings, so type promotion returns fp32 before the first LayerNorm; rounding
    the table to bf16 moves no label in practice (BENCHMARKS.md).

    When ``base`` holds the bf16 copy of its weights, the table is read from there (the
    same rounding): converting the fp32 table would first page all 384 MB of it in from the
    memory-mapped file: loading peaked at 1,354 MB that way, ≈810 MB this way."""
    import torch

    table = encoder.embeddings.word_embeddings
    if base is not None and has_bf16_variant(base):
        from safetensors import safe_open

        path = Path(base) / f"model.{BF16_VARIANT}.safetensors"
        with safe_open(str(path), framework="pt") as handle:
            names = set(handle.keys())
            stored = handle.get_tensor(WORD_TABLE) if WORD_TABLE in names else None
        if stored is not None and stored.shape == table.weight.shape:
            table.weight = torch.nn.Parameter(stored, requires_grad=False)
    table.to(torch.bfloat16)
    # fp32 tensors loaded from safetensors may still be views of the memory-mapped file,
    # whose touched pages count as resident: copy them out so the mapping can go.
    with torch.no_grad():
        for tensor in [*encoder.parameters(), *encoder.buffers()]:
            if tensor.dtype == torch.float32:
                tensor.data = tensor.data.clone()


def _int8(encoder: Any) -> Any:
    """Dynamic int8 on every Linear: int8 weights with one scale per output row, activations
    quantized per batch. One scale per row instead of per matrix kept 93.6% of the fp32
    labels instead of 89.8% on the bench's 2,000 reviews, and ran 2% faster (AVX2).

    torch 2.13 (pinned) marks the eager API deprecated in favour of torchao; it still works
    and needs no extra package, so the notice is silenced here, and only here."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            encoder,
            {torch.nn.Linear: per_channel_dynamic_qconfig},
            dtype=torch.qint8,
            mapping=int8_mapping(),
        )


def int8_mapping() -> dict[Any, Any]:
    """Which dynamic int8 Linear replaces ``torch.nn.Linear``: the full 8-bit activation
    range where the CPU has AVX-512 VNNI, else torch's own module.

    torch quantizes activations to 7 bits (``reduce_range``) because the AVX2 int8 product
    adds pairs of u8 × s8 products in 16 bits, which 8-bit activations can overflow. VNNI
    sums them in 32 bits, so the eighth bit is free there, and it halves each activation's
    rounding step: on the bench's 2,000 reviews 96.3% of fp32's labels kept instead of
    92.8%, and no slower (BENCHMARKS.md, 2026-12-07)."""
    import torch

    if not vnni():
        return {torch.nn.Linear: torch.ao.nn.quantized.dynamic.Linear}
    return {torch.nn.Linear: _full_range_linear()}


@functools.cache
def _full_range_linear() -> type:
    import torch

    class FullRangeLinear(torch.ao.nn.quantized.dynamic.Linear):
        """torch's dynamic int8 Linear with 8-bit activations (see :func:`int8_mapping`);
        only ever built with ``torch.qint8`` weights (:func:`_int8`)."""

        def forward(self, x: Any) -> Any:
            packed = self._packed_params._packed_params
            y = torch.ops.quantized.linear_dynamic(x, packed, reduce_range=False)
            return y.to(x.dtype)

    return FullRangeLinear


def vnni() -> bool:
    """Whether the CPU has AVX-512 VNNI (int8 products summed in 32 bits)."""
    return "avx512_vnni" in _cpu_flags()


def resolve_precision(precision: str) -> str:
    """``auto`` → bf16 where the CPU computes it natively, else fp32. Dynamic int8 is
    available but not the default: on an AVX2 CPU it was barely faster and changed 11% of
    labels (BENCHMARKS.md)."""
    if precision not in {"auto", "fp32", "bf16", "int8"}:
        raise ModelError(f"sentiment.precision: {precision!r} is not auto, fp32, bf16 or int8")
    if precision != "auto":
        return precision
    return "bf16" if bf16_is_fast() else "fp32"


def bf16_is_fast() -> bool:
    """bf16 autocast pays off only where the CPU has native bf16 (AVX-512 BF16 / AMX)."""
    flags = _cpu_flags()
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _cpu_flags() -> str:
    """The CPU's feature flags as ``/proc/cpuinfo`` lists them; empty where it cannot be read."""
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return ""
