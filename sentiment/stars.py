"""A star rating written in the text: "★☆☆☆☆", "⭐⭐⭐⭐⭐", "★★☆☆☆☆☆☆☆☆".

Some sources have no rating field and customers type one; some exports flatten the rating
into the text. To the model a row of star glyphs is just stars: "★☆☆☆☆" read *positive*
(0.79). Read as a rating, it flags the review as one a star rating would.
"""

from __future__ import annotations

import re

from reputation.core.text import half_up

FILLED = "★⭐🌟"
EMPTY = "☆✩"
_GLYPH = f"[{FILLED}{EMPTY}]\ufe0f?"
# Five or ten glyphs, one space apart at most, and no more stars on either side.
_RUN = re.compile(
    rf"(?<![{FILLED}{EMPTY}\ufe0f])(?:{_GLYPH}[ \u00a0]?){{4,9}}{_GLYPH}(?![{FILLED}{EMPTY}])"
)


def stars_in(text: str) -> int | None:
    """The rating (1–5) a row of five or ten star glyphs in ``text`` gives: its filled stars
    out of five ("★★☆☆☆" is 2; of ten glyphs each counts half). A row of outlines only
    ("☆☆☆☆☆", written for five stars as often as for none) and rows of any other length
    ("⭐⭐⭐" as decoration) give none. Several rows (one per aspect: "Comida ★★★★★ Entrega
    ★☆☆☆☆") give the lowest: that is the complaint."""
    ratings = []
    for run in _RUN.finditer(text):
        filled = sum(run.group().count(c) for c in FILLED)
        empty = sum(run.group().count(c) for c in EMPTY)
        # All outlines is no rating: "CINCO ESTRELLAS ☆☆☆☆☆" — people draw stars with either.
        if filled and filled + empty in (5, 10):
            ratings.append(half_up(filled * 5 / (filled + empty)))
    return min(ratings) if ratings else None
