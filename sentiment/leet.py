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

# The characters typed for letters: digits, and a dollar sign for an s ("pé$$imo").
DIGITS = "013457$"
MIN_CHARS = 4
_AS_LETTERS = str.maketrans(DIGITS, "oieasts")  # 1 is i, the likelier letter inside a word
_LATIN = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_INSIDE = re.compile(rf"[^\W\d_][{DIGITS}]+[^\W\d_]")  # a digit between two letters: a hint
# A whole word of 4+ Latin letters and those digits, with a digit between two letters.
# It starts only where a run of such characters does: "$" is no word character, and tried
# from each "$" of "$$$…" the look-ahead read the run to its end every time.
_CANDIDATE = re.compile(
    rf"(?<![\w$])(?=[{_LATIN}{DIGITS}]*[{_LATIN}][{DIGITS}]+[{_LATIN}])"
    rf"[{_LATIN}{DIGITS}]{{{MIN_CHARS},}}+(?!\w)"
)
SHARE = 2 / 3  # the most pieces the letters may take, against the word as written

PieceCount = Callable[[str], int]


def candidate(word: str) -> bool:
    """A word of :data:`MIN_CHARS` or more characters, all Latin letters and the digits 0 1
    3 4 5 7 or $, with one of them between two letters. Not: "1st", "mp3", "covid19", "10h30",
    "4x4", "b2b" (no such digit inside, or a digit like 2), nor Cyrillic words, where 3 is з
    and 4 is ч."""
    return _CANDIDATE.fullmatch(word) is not None


def unleet(text: str, pieces: PieceCount | None = None) -> str:
    """``text`` with each :func:`candidate` word whose letters (0→o, 1→i, 3→e, 4→a, 5→s,
    7→t, $→s) take at most :data:`SHARE` of its word pieces written in letters. With no
    ``pieces`` to ask, every candidate is written in letters: for matching against a word
    list ("r33mb0ls0" meets the stem "reembols"), where a product code read as letters
    ("HXioov") meets nothing."""
    if _INSIDE.search(text) is None:
        return text

    def read(match: re.Match[str]) -> str:
        word = match.group()
        letters = word.translate(_AS_LETTERS)
        if pieces is None or pieces(letters) <= SHARE * pieces(word):
            return letters
        return word

    return _CANDIDATE.sub(read, text)


def piece_count(tokenizer: Any) -> PieceCount:
    """The number of word pieces ``tokenizer`` (called as in ``token_rows``) cuts a word
    into, its special tokens not counted."""
    specials = len(tokenizer([""])["input_ids"][0])
    return lambda word: len(tokenizer([word])["input_ids"][0]) - specials
