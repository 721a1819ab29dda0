"""Ratings on any numeric scale → the 1..5 stars the Review model holds."""

from __future__ import annotations

from typing import Any

from reputation.core.text import as_number, half_up, on_five_stars


def number(value: Any) -> float | None:
    """A rating value as a float (:func:`reputation.core.text.as_number`: numbers, ``"4"``,
    ``"4.5"``, ``"4,5"``); absent or empty → None; anything else (``"abc"``, ``true``, NaN)
    is a ``ValueError``, for the caller to quarantine."""
    if value is None or value == "":
        return None
    rating = as_number(value)
    if rating is None:
        raise ValueError(f"rating is not a number: {value!r}")
    return rating


def scale_rating(value: Any, *, best: Any = 5, worst: Any = 1) -> int | None:
    """``value`` on ``worst..best`` mapped linearly onto 1..5, rounded half up.

    On a 1..10 scale this is ceil(v / 2): 1-2 → 1, 3-4 → 2, ... 9-10 → 5.
    """
    rating = number(value)
    if rating is None:
        return None
    high = number(best) or 5.0
    low = number(worst)
    low = 1.0 if low is None else low
    if high <= low:
        raise ValueError(f"rating scale {low}..{high} is empty")
    if not low <= rating <= high:
        raise ValueError(f"rating {rating} is outside {low}..{high}")
    stars = on_five_stars(rating, best=high, worst=low)
    return min(5, max(1, half_up(stars)))


def stars(value: Any) -> int:
    """A required 1..5 star rating as a source gives it (``4``, ``4.5``, ``"4"``), rounded half
    up like :func:`scale_rating` — every source rounds a half star the same way."""
    rating = scale_rating(value)
    if rating is None:
        raise ValueError(f"no star rating: {value!r}")
    return rating


def optional_stars(value: Any) -> int | None:
    """Like :func:`stars`, but absent, empty or 0 (sources' "not rated") is None."""
    return None if value is None or value == "" or number(value) == 0 else stars(value)
