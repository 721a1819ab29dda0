"""Shouting, read as speech: an all-caps text or word is given to the model in lower case.

Angry customers write in capitals ("PÉSSIMO ATENDIMENTO, NUNCA MAIS"), and the model's
word pieces are case-sensitive: upper-case words split into rare pieces it barely saw in
training. Upper-casing 1,500 pt/es/it/ru/fa validation texts cut negative-class F1 from
0.755 to 0.581; lower-casing shouted text first brings it back to 0.751 (bench/reading.py,
sentiment/MODEL_CARD.md, "Robustness"). Mixed case ("iPhone", "Péssimo") is left alone, as
are words shorter than :data:`MIN_WORD` letters (acronyms: "SMS", "DHL" read the same in
either case, so lower-casing them gains nothing).

Mocking case ("PéSsImO aTeNdImEnTo, NuNcA mAiS"), capitals and small letters taking turns,
is read in lower case too: a text with one word whose case changes at nearly every letter
(:data:`MOCKING_CHANGES` times or more) has each such word lowered, short ones included.
As written that review read 0.54 negative, against 0.91 for the same words typed plainly;
Italian so written read positive. Camel case ("WiFi", "PayPal", "HojeEmDia",
"LaPeorDeMisBodas") changes case too seldom to count.

A short text (:data:`SHORT_TEXT` words or fewer) is read with each sentence's first word
in small letters ("Orribile servizio" → "orribile servizio"): the capital there is the
convention of a sentence's start, not meaning, yet it splits the word into other pieces,
and in two words the first is half the text. "Orribile servizio" read 0.96 positive,
"orribile servizio" negative (:func:`sentence_lowered`).
"""

from __future__ import annotations

import re
from itertools import islice, pairwise

MIN_WORD = 4  # letters in a capitalised word before it is read in lower case
MIN_LETTERS = 4  # cased letters a text needs before it counts as shouted as a whole
SHOUTED_SHARE = 0.7  # share of its cased letters in upper case that makes a text shouted
_LETTERS_ONLY = re.compile(rf"\b[^\W\d_]{{{MIN_WORD},}}\b")
MOCKING_CHANGES = 4  # case changes in one word that make a text mocking
MOCKING_SHARE = 0.75  # share of a word's letter pairs that change case, in a mocking word
_WORD = re.compile(r"\b[^\W\d_]{2,}\b")
# Chosen on the calibration split (sentiment/MODEL_CARD.md, "Robustness"): among its texts
# of six words or fewer the lowering fixed 7 labels and broke 2; at four words, 5 and 2.
SHORT_TEXT = 6
_TOKEN = re.compile(r"\S+")  # a word, as the limit counts them
# A sentence's first word: the text's first, or the first after . ! ? or …, past any
# spaces, quotes, brackets or emoji.
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?…]))\W*([^\W\d_])([^\W\d_]+)")
# The cased letters of Latin, Greek, Cyrillic, Armenian and their full-width forms, for a
# quick test: a word whose case changes at three pairs in four of its letters has a lone
# capital or a lone small letter between two of the other kind ("sEm", "PéS").
_BICAMERAL = [chr(c) for c in (*range(0x41, 0x590), *range(0x1E00, 0x2000), *range(0xFF21, 0xFF5B))]
_UPPER = re.escape("".join(c for c in _BICAMERAL if c.isupper()))
_LOWER = re.escape("".join(c for c in _BICAMERAL if c.islower()))
_TURN = re.compile(f"[{_LOWER}][{_UPPER}][{_LOWER}]|[{_UPPER}][{_LOWER}][{_UPPER}]")


def _lower_if_shouted(match: re.Match[str]) -> str:
    word = match.group()
    return word.lower() if word.isupper() else word


def _case_changes(word: str) -> int:
    return sum(1 for a, b in pairwise(word) if a.isupper() != b.isupper())


def _alternating(word: str, least: int) -> bool:
    if word.islower() or word.isupper() or word.istitle():  # most words: no loop in Python
        return False
    changes = _case_changes(word)
    return changes >= least and changes >= MOCKING_SHARE * (len(word) - 1)


def unmocked(text: str) -> str:
    """``text`` with its words in mocking case lowered ("NuNcA mAiS" → "nunca mais", "nÃo"
    → "não"), when one of them changes case :data:`MOCKING_CHANGES` times or more, and
    wholly lowered when most of its words are so written; else as it is."""
    if _TURN.search(text) is None:  # most texts: a C loop, no word looked at
        return text
    words = _WORD.findall(text)
    if not any(_alternating(word, MOCKING_CHANGES) for word in words):
        return text
    if sum(_alternating(word, 1) for word in words) >= MOCKING_SHARE * len(words):
        return text.lower()  # mocking throughout: "De" and "Ok" are typed so by chance
    return _WORD.sub(_lower_if_mocking, text)


def _lower_if_mocking(match: re.Match[str]) -> str:
    # In a mocking text short words count too ("nÃo", "mE"); capitalised ones ("Me") do not.
    word = match.group()
    return word.lower() if _alternating(word, 1) else word


def unshout(text: str) -> str:
    """``text`` in lower case when most of its letters are capitals, else with each word of
    :data:`MIN_WORD` or more letters that is all capitals in lower case, and words in
    mocking case lowered (:func:`unmocked`)."""
    upper = sum(map(str.isupper, text))  # no letter is both
    if upper == 0:
        return text
    lower = sum(map(str.islower, text))
    if upper + lower >= MIN_LETTERS and upper >= SHOUTED_SHARE * (upper + lower):
        return text.lower()
    return unmocked(_LETTERS_ONLY.sub(_lower_if_shouted, text))


def sentence_lowered(text: str) -> str:
    """``text`` with each sentence's first word begun in a small letter when the text has at
    most :data:`SHORT_TEXT` words ("Orribile servizio. Mai più" → "orribile servizio. mai
    più"); longer texts as they are. Only a capital before small letters alone is lowered:
    "DHL", "iPhone" and "WiFi" stay."""
    if sum(1 for _ in islice(_TOKEN.finditer(text), SHORT_TEXT + 1)) > SHORT_TEXT:
        return text
    return _SENTENCE_START.sub(_lower_initial, text)


def _lower_initial(match: re.Match[str]) -> str:
    # A capital and then only small letters ("Orribile"; not "DHL", "iPhone" or "WiFi").
    capital, rest = match.group(1), match.group(2)
    if not (capital.isupper() and rest.islower()):
        return match.group()
    return match.group()[: match.start(1) - match.start()] + capital.lower() + rest
