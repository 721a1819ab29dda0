"""A star rating written in the text: "★☆☆☆☆", "⭐⭐⭐⭐⭐", "★★☆☆☆☆☆☆☆☆"; and a rating field
as exports write one (:func:`given_rating`: ``4``, ``"4,5"``, ``"2/5"``, ``"8/10"``, ``"★★☆☆☆"``).

Some sources have no rating field and customers type one; some exports flatten the rating
into the text. To the model a row of star glyphs is just stars: "★☆☆☆☆" read *positive*
(0.79). Read as a rating, it flags the review as one a star rating would. So does a
customer who says they would give no stars at all ("Cero estrellas" and "Ноль звёзд" read
neutral): :func:`no_stars_said`.
"""

from __future__ import annotations

import re

from reputation.core.text import as_number, half_up, on_five_stars

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


# "zero stars", "0 estrelas", "cero estrellas", "zero stelle", "ноль звёзд", "صفر ستاره",
# "nota zero", "voto 0", "nenhuma estrela". Of the 132,077 labelled texts 24 say so: 22 are
# labelled negative.
_NO_STARS = re.compile(
    r"(?<!\w)(?:(?:zero|cero|0|ноль|нуль|صفر|۰)\s*"
    r"(?:stars?|estrelas?|estrellas?|stelle|stella|звёзд|звезд|звезды|ستاره)"
    r"|(?:nota|voto)\s*(?:zero|0)(?![\w.,/])"
    r"|nenhuma estrela|ninguna estrella|nessuna stella)(?!\w)",
    re.IGNORECASE,
)


def no_stars_said(text: str) -> bool:
    """True when ``text`` says it would give no stars, or a mark of zero ("Se pudesse dava
    zero estrelas", "Cero estrellas", "Ноль звёзд", "nota 0"): the lowest rating there is."""
    return _NO_STARS.search(text) is not None


# "2/5", "8 / 10", "2 of 5", "2 out of 5", "2 de 5", "2 su 5", "2 из 5", "2 از 5".
_OUT_OF = re.compile(
    r"\s*([0-9]+(?:[.,][0-9]+)?)\s*(?:/|(?:out )?of|de|su|из|از)\s*(5|10)\s*", re.IGNORECASE
)


def _stars_of(out_of: re.Match[str]) -> float:
    """The stars out of five an :data:`_OUT_OF` match gives, unrounded."""
    score = float(out_of[1].replace(",", "."))
    return score if out_of[2] == "5" else on_five_stars(score, best=10)


def given_rating(value: object) -> float | None:
    """A rating field's value as stars out of five, read as exports write it: a number or
    one in a string (:func:`~reputation.core.text.as_number`), a score out of 5 or 10
    ("2/5", "8 out of 10": a 1..10 score maps linearly onto 1..5, as the collectors map
    one), or a row of star glyphs alone ("★★☆☆☆"). None for anything else; whether the
    number is a star rating at all (1..5) is the caller's check."""
    number = as_number(value)
    if number is not None or not isinstance(value, str):
        return number
    if out_of := _OUT_OF.fullmatch(value):
        return _stars_of(out_of)
    row = value.strip()
    if _RUN.fullmatch(row):
        return stars_in(row)
    return None


def rating_alone(text: str) -> int | None:
    """The rating (1–5) of a text that is nothing but one: a row of star glyphs with marks
    around it ("★☆☆☆☆!"), or a score out of 5 or 10 ("1/5", "10/10.", "2 de 5"; "0/10" is one
    star). To the model "1/5" and "5/5" alike read neutral. None for a text with anything
    else in it."""
    if not any(c.isalpha() for c in text) and (stars := stars_in(text)) is not None:
        return stars
    out_of = _OUT_OF.fullmatch(text.strip(" .!?¡¿"))
    value = _stars_of(out_of) if out_of else None
    if value is None or value > 5:
        return None
    return max(1, half_up(value))  # "0/10" typed alone is the lowest score there is
