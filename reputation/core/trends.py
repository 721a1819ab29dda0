"""Trend queries and their results, read from daily snapshots (storage/trends.py)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, starting on Monday
    MONTH = "month"


class TrendQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: date
    end: date  # inclusive
    grain: Grain = Grain.DAY
    brand: str | None = None
    location: str | None = None
    source: str | None = None
    lang: str | None = None


class TrendBucket(BaseModel):
    """One day, week or month of the filtered snapshots."""

    model_config = ConfigDict(extra="forbid")

    start: date
    volume: int = 0
    rated: int = 0
    average_rating: float | None = None
    negatives: int = 0
    negative_share: float | None = None
    replies: int = 0
    response_median_min: float | None = None
    response_p90_min: float | None = None
    sla_met: int = 0
    sla_missed: int = 0
    sla_compliance: float | None = None  # public replies by their deadline
    private_contact_met: int = 0
    private_contact_missed: int = 0
    private_contact_compliance: float | None = None
    top_topics: list[tuple[str, int]] = Field(default_factory=list)


class TrendReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: TrendQuery
    buckets: list[TrendBucket]
    total: TrendBucket  # the whole period as one bucket


class Comparison(BaseModel):
    """Two periods of the same filters side by side."""

    model_config = ConfigDict(extra="forbid")

    current: TrendReport
    previous: TrendReport
