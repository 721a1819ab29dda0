"""Russian typed in Latin letters ("translit"): "Uzhasnyj servis, nikomu ne sovetuyu".

Some Russian speakers write with a Latin keyboard. The model has seen almost no such text:
on 1,500 validation texts, their Russian ones written so cut accuracy from 0.797 to 0.680
(bench/reading.py, "Russian translit"), and language ID read them as Esperanto, Malay or
nothing (``und``). A text is taken for translit when a fifth of its words, two at least,
are Russian words as translit writes them (:func:`is_translit`, a word list made from the
labelled Russian texts: ``lexicon/translit.toml``), and is then read in Cyrillic letters again
(:func:`to_cyrillic`): by the model, by language ID (Russian) and by the topic rules.
A listed word is written as the list says ("dengi": "деньги"); any other is spelled back
letter by letter in the common scheme, not always rightly ("y" is "ы" or "й" by its place,
a dropped soft sign stays dropped): the model reads a misspelt word much better than a
Latin one.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

MIN_WORDS = 2  # translit words a text must hold
SHARE = 0.2  # of its words of MIN_LETTERS or more
MIN_LETTERS = 3  # shorter words ("ne", "v", "na", "ya") are in no list
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_LATIN = re.compile(r"[A-Za-z]")
# A word, an apostrophe inside it or at its end being a soft sign ("tol'ko", "den'"); an
# apostrophe before a word is a quotation mark.
_TRANSLIT_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*'?")

# Longest first: "shch" before "sch" before "sh" and "ch".
_GROUPS = {
    "shch": "щ", "sch": "щ", "zh": "ж", "kh": "х", "ch": "ч", "sh": "ш", "ts": "ц",
    "yu": "ю", "ju": "ю", "ya": "я", "ja": "я", "yo": "ё", "jo": "ё", "ye": "е", "je": "е",
}  # fmt: skip
_LETTERS = dict(zip("abvgdezijklmnoprstufhcwqx'", "абвгдезийклмнопрстуфхцвкхь", strict=True))
_VOWELS = frozenset("aeiouy")
_PIECE = re.compile("|".join(sorted(_GROUPS, key=len, reverse=True)) + "|.", re.DOTALL)
# "eto", "etot", "eta", "eti"…: "это", not "ето".
_E_WORDS = re.compile(r"et(?:o|a|i|u|ot|om|im|ih|ikh|oi|oj|oy|ogo|omu)$")


@cache
def words() -> dict[str, str]:
    """Translit words and the Cyrillic words they stand for (``lexicon/translit.toml``)."""
    text = resources.files("sentiment").joinpath("lexicon/translit.toml").read_text("utf-8")
    return {str(k): str(v) for k, v in tomllib.loads(text)["ru"].items()}


def is_translit(text: str) -> bool:
    """True when the text's letters are Latin ones (a Russian text quoting "iPhone" is
    Cyrillic already), at least :data:`MIN_WORDS` of its words of three letters or more,
    and :data:`SHARE` of them, are Russian words as translit writes them ("tol'ko" is
    "tolko": the apostrophe stands for the soft sign), and fastText is not sure of another
    language (:func:`_other_language`)."""
    if _LATIN.search(text) is None:
        return False
    low = text.lower()
    if not all(word.isascii() for word in _WORD.findall(low)):
        return False
    found = [word.replace("'", "") for word in _LATIN_WORD.findall(low)]
    found = [word for word in found if len(word) >= MIN_LETTERS]
    known = words()
    hits = sum(word in known for word in found)
    return hits >= MIN_WORDS and hits >= SHARE * len(found) and not _other_language(text)


# What fastText makes of translit when it is sure of anything: a Slavic language or
# Esperanto (13 of 255 Russian validation texts so written, at 0.50-0.91).
_TRANSLIT_GUESSES = frozenset(
    ["ru", "uk", "be", "pl", "cs", "sk", "sl", "sr", "hr", "bs", "sh", "bg", "mk", "eo"]
)
_CONFIDENT = 0.6


def _other_language(text: str) -> bool:
    """True when fastText is confident the text is in a language translit is not taken
    for: "Delivery was late, ochen plokho" is English 0.997 with two Russian words in it,
    and spelled in Cyrillic its English would be lost."""
    from sentiment.language import _fasttext_guess  # language ID reads this module

    guess, score = _fasttext_guess(" ".join(text.split()))
    return score >= _CONFIDENT and guess not in _TRANSLIT_GUESSES


def to_cyrillic(text: str) -> str:
    """``text`` with its Latin words spelled in Cyrillic letters (capitals kept): a word of
    the list as the list writes it ("dengi": "деньги", with the soft sign translit drops),
    any other letter by letter."""
    return _TRANSLIT_WORD.sub(_word, text)


def _word(match: re.Match[str]) -> str:
    written = match.group()
    if written.endswith("'") and written[-2].lower() in _VOWELS | {"j"}:
        return _word_form(written[:-1]) + "'"  # "'horoshij'": a closing quotation mark
    return _word_form(written)


def _word_form(written: str) -> str:
    low = written.lower()
    cyrillic = words().get(low) or _spelled(low)
    if written.isupper() and len(written) > 1:
        return cyrillic.upper()
    return cyrillic[:1].upper() + cyrillic[1:] if written[:1].isupper() else cyrillic


def _spelled(low: str) -> str:
    out = []
    for piece in _PIECE.finditer(low):
        part, start = piece.group(), piece.start()
        if part in ("ye", "je") and start > 0 and low[start - 1] not in _VOWELS:
            out.append("ые")  # "vkusnye": "вкусные"; "ye" is "е" only after a vowel or first
        elif part in _GROUPS:
            out.append(_GROUPS[part])
        elif part == "y":
            # "moy", "novyj": й after a vowel when no vowel follows; ы elsewhere.
            after = low[start + 1 : start + 2]
            after_vowel = start > 0 and low[start - 1] in _VOWELS
            out.append("й" if after_vowel and after not in _VOWELS else "ы")
        elif part == "e" and start == 0 and _E_WORDS.match(low):
            out.append("э")
        else:
            out.append(_LETTERS.get(part, part))
    return "".join(out)
