"""Pure helpers for trends: bucket boundaries and merging snapshot figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from reputation.core.trends import Grain, TrendBucket


def bucket_start(day: date, grain: Grain) -> date:
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day


def buckets_between(start: date, end: date, grain: Grain) -> list[date]:
    """The start of every bucket from ``start``'s to ``end``'s, in order."""
    starts: list[date] = []
    current = bucket_start(start, grain)
    while current <= end:
        starts.append(current)
        if grain is Grain.MONTH:
            year, month = divmod(current.month, 12)
            current = current.replace(year=current.year + year, month=month + 1, day=1)
        else:
            current += timedelta(days=7 if grain is Grain.WEEK else 1)
    return starts


def weighted_quantiles(
    samples: Iterable[tuple[Sequence[float], int]], qs: Sequence[float]
) -> list[float | None]:
    """The ``qs`` quantiles of samples that each stand for ``count`` values: the smallest
    value whose cumulative weight reaches ``q`` of the total. One sort serves every ``q``
    (a year by day sorts ~300,000 sampled response times: numpy, not a Python loop)."""
    values: list[Sequence[float]] = []
    weights: list[np.ndarray] = []
    for sample, count in samples:
        if sample:
            values.append(sample)
            weights.append(np.full(len(sample), count / len(sample)))
    if not values:
        return [None] * len(qs)
    flat = np.concatenate([np.asarray(v, dtype=float) for v in values])
    order = np.argsort(flat, kind="stable")
    cumulative = np.cumsum(np.concatenate(weights)[order])
    total = cumulative[-1]
    last = len(flat) - 1
    found = [int(np.searchsorted(cumulative, q * total - 1e-9, side="left")) for q in qs]
    return [float(flat[order[min(i, last)]]) for i in found]


def weighted_quantile(samples: Iterable[tuple[Sequence[float], int]], q: float) -> float | None:
    """The ``q`` quantile of samples that each stand for ``count`` values."""
    return weighted_quantiles(samples, [q])[0]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(start: date, docs: Sequence[dict[str, Any]]) -> TrendBucket:
    """One bucket from the snapshot documents that fall in it."""
    volume = sum(d.get("volume", 0) for d in docs)
    rated = sum(d.get("rated", 0) for d in docs)
    rating_sum = sum(d.get("rating_sum", 0) for d in docs)
    negatives = sum(d.get("negatives", 0) for d in docs)
    met = sum(d.get("sla_met", 0) for d in docs)
    missed = sum(d.get("sla_missed", 0) for d in docs)
    pc_met = sum(d.get("pc_met", 0) for d in docs)
    pc_missed = sum(d.get("pc_missed", 0) for d in docs)
    topics: Counter[str] = Counter()
    for doc in docs:
        for topic, count in doc.get("topics") or []:
            topics[str(topic)] += int(count)
    samples = [(d.get("response_sample") or [], d.get("replies", 0)) for d in docs]
    median, p90 = weighted_quantiles(samples, [0.5, 0.9])
    return TrendBucket(
        start=start,
        volume=volume,
        rated=rated,
        average_rating=round(rating_sum / rated, 3) if rated else None,
        negatives=negatives,
        negative_share=_share(negatives, volume),
        replies=sum(d.get("replies", 0) for d in docs),
        response_median_min=round(median, 1) if median is not None else None,
        response_p90_min=round(p90, 1) if p90 is not None else None,
        sla_met=met,
        sla_missed=missed,
        sla_compliance=_share(met, met + missed),
        private_contact_met=pc_met,
        private_contact_missed=pc_missed,
        private_contact_compliance=_share(pc_met, pc_met + pc_missed),
        top_topics=topics.most_common(5),
    )
