"""Batched encoder inference spread over the CPU cores.

Texts are tokenized once, sorted by token count and cut into batches, so a batch pads to
its own longest text and little compute goes to padding (and the default encoder's matrix
products skip even that: :mod:`sentiment.packed`). The batches then run on one worker
thread per core, each with a single torch thread: on 2 cores two workers scored 1.7× one
worker, and 116.7 reviews/s against 85-97 for one forward pass on both cores (BENCHMARKS.md),
because the small matrices of a review-sized batch split poorly across cores while two
independent batches keep both busy. torch releases the GIL inside its kernels, so threads suffice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def length_batches(lengths: Sequence[int], batch_size: int, parts: int = 1) -> list[list[int]]:
    """Indices grouped into batches of similar length, at most ``batch_size`` each, longest
    first. The batch count is a multiple of ``parts`` (one item a batch when there are
    fewer), so each worker gets as many: 74 texts on two workers are four batches of 18-19,
    not 32, 32 and 10 with one worker idle for the last. Longest first, the batches that
    start last are the quickest, and the workers finish nearly together."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    if not order:
        return []
    count = -(-len(order) // batch_size)
    # A multiple of parts; with fewer items than workers, one item a batch.
    count = -(-count // parts) * parts if len(order) >= parts else len(order)
    size, extra = divmod(len(order), count)
    batches, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        batches.append(order[start:end])
        start = end
    return batches[::-1]


PAD_TO = 8


def pad(rows: Sequence[Sequence[int]], pad_id: int, multiple: int = PAD_TO) -> tuple[Any, Any]:
    """``input_ids`` and ``attention_mask`` tensors for token id lists of varying length,
    padded to a multiple of ``multiple`` tokens. Few distinct widths keep the CPU kernels'
    per-shape caches small (oneDNN keeps prepared weights per matrix shape: one width per
    length added ≈0.5 GB over 2,000 reviews of 20-80 tokens) and cost little padding."""
    import torch

    longest = max(len(row) for row in rows)
    width = -(-longest // multiple) * multiple
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    return ids, mask


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def bound_kernel_cache(capacity: int = 64) -> None:
    """Cap oneDNN's cache of prepared kernels (default 1,024 entries, each holding its own
    copy of a weight matrix laid out for one input shape): with 64, a process that scores
    2,000 reviews peaked ≈95 MB lower at the same speed. Must run before torch is imported
    (``sentiment`` does it on import); an explicit ``ONEDNN_PRIMITIVE_CACHE_CAPACITY`` wins."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(capacity))


def _one_torch_thread() -> None:
    import torch

    torch.set_num_threads(1)


class Workers:
    """``count`` threads (0: one per available core), each running torch single-threaded."""

    def __init__(self, count: int = 0) -> None:
        self.count = count or available_cores()
        self._pool = ThreadPoolExecutor(
            max_workers=self.count,
            thread_name_prefix="sentiment-worker",
            initializer=_one_torch_thread,
        )

    def map(self, fn: Callable[[list[int]], T], batches: Sequence[list[int]]) -> list[T]:
        return list(self._pool.map(fn, batches))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
