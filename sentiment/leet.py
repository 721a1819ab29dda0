"""Leetspeak read as letters, when the model's vocabulary says the letters are the word.

"p3ss1mo", "h0rr1bl3", "r33mb0ls0", "c4ralho": digits typed for letters to get a complaint
past a word filter. To the model each digit is a piece of its own, and the word is lost:
"Pé551m0 4t3nd1m3nt0" read neutral. Product codes look the same ("HX100v", "qc35ii",
"wh1000mx3"), and in the labelled data outnumber real leetspeak about two to one, so a
candidate word is read as letters only when its letters cut its word pieces to two thirds or
fewer (``h0tel`` 3 pieces → ``hotel`` 1; ``qc35ii`` 4 → ``qcesii`` 3 stays as written).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

DIGITS = "013457"
_AS_LETTERS = str.maketrans(DIGITS, "oieast")  # 1 is i, the likelier letter inside a word
_WORD = re.compile(r"\w+")
_INSIDE = re.compile(rf"[^\W\d_][{DIGITS}]+[^\W\d_]")  # a digit between two letters
MIN_CHARS = 4
SHARE = 2 / 3  # the most pieces the letters may take, against the word as written

PieceCount = Callable[[str], int]


def candidate(word: str) -> bool:
    """A word of :data:`MIN_CHARS` or more characters, all Latin letters and the digits 0 1
    3 4 5 7, at least two of them letters, with a digit between two letters. Not: "1st",
    "mp3", "covid19", "10h30", "4x4", "b2b" (no such digit inside, too few letters, or a
    digit like 2), nor Cyrillic words, where 3 is з and 4 is ч."""
    return (
        len(word) >= MIN_CHARS
        and sum(c.isalpha() for c in word) >= 2
        and all(c in DIGITS or (c.isalpha() and c < "\u0250") for c in word)
        and _INSIDE.search(word) is not None
    )


def unleet(text: str, pieces: PieceCount) -> str:
    """``text`` with each :func:`candidate` word whose letters (0→o, 1→i, 3→e, 4→a, 5→s,
    7→t) take at most :data:`SHARE` of its word pieces written in letters."""
    if _INSIDE.search(text) is None:
        return text

    def read(match: re.Match[str]) -> str:
        word = match.group()
        if not candidate(word):
            return word
        letters = word.translate(_AS_LETTERS)
        return letters if pieces(letters) <= SHARE * pieces(word) else word

    return _WORD.sub(read, text)


def piece_count(tokenizer: Any) -> PieceCount:
    """The number of word pieces ``tokenizer`` (called as in ``token_rows``) cuts a word
    into, its special tokens not counted."""
    specials = len(tokenizer([""])["input_ids"][0])
    return lambda word: len(tokenizer([word])["input_ids"][0]) - specials
