"""Shouting, read as speech: an all-caps text or word is given to the model in lower case.

Angry customers write in capitals ("PÉSSIMO ATENDIMENTO, NUNCA MAIS"), and the model's
word pieces are case-sensitive: upper-case words split into rare pieces it barely saw in
training. Upper-casing 1,500 pt/es/it/ru/fa validation texts cut negative-class F1 from
0.755 to 0.581; lower-casing shouted text first brings it back to 0.751 (bench/reading.py,
sentiment/MODEL_CARD.md, "Robustness"). Mixed case ("iPhone", "Péssimo") is left alone, as
are words shorter than :data:`MIN_WORD` letters (acronyms: "SMS", "DHL" read the same in
either case, so lower-casing them gains nothing).
"""

from __future__ import annotations

import re

MIN_WORD = 4  # letters in a capitalised word before it is read in lower case
MIN_LETTERS = 4  # cased letters a text needs before it counts as shouted as a whole
SHOUTED_SHARE = 0.7  # share of its cased letters in upper case that makes a text shouted
_LETTERS_ONLY = re.compile(rf"\b[^\W\d_]{{{MIN_WORD},}}\b")


def _lower_if_shouted(match: re.Match[str]) -> str:
    word = match.group()
    return word.lower() if word.isupper() else word


def unshout(text: str) -> str:
    """``text`` in lower case when most of its letters are capitals, else with each word of
    :data:`MIN_WORD` or more letters that is all capitals in lower case."""
    upper = lower = 0
    for char in text:
        if char.isupper():
            upper += 1
        elif char.islower():
            lower += 1
    if upper == 0:
        return text
    if upper + lower >= MIN_LETTERS and upper >= SHOUTED_SHARE * (upper + lower):
        return text.lower()
    return _LETTERS_ONLY.sub(_lower_if_shouted, text)
