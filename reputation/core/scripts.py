"""One script per word: Latin and Cyrillic lookalike letters put back where they belong.

Latin ``a c e o p x y`` and Cyrillic ``а с е о р х у`` look the same, and people mix them: a
Russian keyboard layout left on for one letter, or on purpose, to keep a complaint out of a
search ("Сбеpбaнк", "пpедoстеpечь" in a bank review) or past a filter ("pоlícia" with a
Cyrillic о). A mixed word matches no topic stem or brand keyword and splits into pieces the
model rarely saw. 420 rows of the Russian training data hold such words (LiveLib, RuSentiment,
Otzovik). A word is rewritten only when its lookalikes can make it wholly one script: the
script most of its letters are in, else the other ("ХХI", Cyrillic Х with a Latin I, reads
"XXI"). Words that mix scripts for real ("publishingСейчас", "ФФантGame") are left as
written. Greek lookalikes (Ο Ρ Α ο α ν…) in a Latin or Cyrillic word are read as the Latin
letters they pass for first.
"""

from __future__ import annotations

import re

# Pairs that look alike in print, lower and upper case; Latin vowels with an acute accent are
# how Russian marks stress ("стóит"), so they read as the plain Cyrillic vowel.
_LATIN = "aceopxyëkACEOPXYËKBHMTáéóý"
_CYRILLIC = "асеорхуёкАСЕОРХУЁКВНМТаеоу"
_TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)
_TO_LATIN = str.maketrans(_CYRILLIC[:-4] + "іјѕІЈЅ", _LATIN[:-4] + "ijsIJS")

_CYRILLIC_LETTER = "\u0400-\u04ff"
_LATIN_LETTER = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LETTER = r"[^\W\d_]"
# A whole word (atomic: no backtracking into it) that holds a letter of each script. Each
# lookahead scans one word once, and only at a word's start: linear in the text.
_MIXED = re.compile(
    rf"(?<!{_LETTER})(?={_LETTER}*?[{_CYRILLIC_LETTER}])(?={_LETTER}*?[{_LATIN_LETTER}])"
    rf"{_LETTER}++"
)
_ANY_CYRILLIC = re.compile(f"[{_CYRILLIC_LETTER}]")
_NOT_CYRILLIC = re.compile(rf"[^\W\d_{_CYRILLIC_LETTER}]")


# Each rewrite, and what must not be left in a word it made wholly one script.
_REWRITES = ((_TO_CYRILLIC, _NOT_CYRILLIC), (_TO_LATIN, _ANY_CYRILLIC))


def _one_script(match: re.Match[str]) -> str:
    word = match.group()
    mostly_cyrillic = 2 * len(_ANY_CYRILLIC.findall(word)) >= len(word)
    for table, leftover in _REWRITES if mostly_cyrillic else _REWRITES[::-1]:
        rewritten = word.translate(table)
        if not leftover.search(rewritten):
            return rewritten
    return word


# Greek letters that pass for Latin ones in print ("Ρéssimο" with Greek Rho and omicron), and
# the Latin letter each passes for; a Cyrillic word with one is then put right as above.
_GREEK_TO_LATIN = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαγεικνορτυχϲϹ", "ABEZHIKMNOPTYXayeiknoptuxcC")
_GREEK_LETTER = "\u0370-\u03ff"
_ANY_GREEK = re.compile(f"[{_GREEK_LETTER}]")
# A whole word that holds a Greek letter and a Latin or Cyrillic one.
_WITH_GREEK = re.compile(
    rf"(?<!{_LETTER})(?={_LETTER}*?[{_GREEK_LETTER}])"
    rf"(?={_LETTER}*?[{_LATIN_LETTER}{_CYRILLIC_LETTER}]){_LETTER}++"
)


def _without_greek(match: re.Match[str]) -> str:
    word = match.group()
    rewritten = word.translate(_GREEK_TO_LATIN)
    return word if _ANY_GREEK.search(rewritten) else rewritten


def one_script(text: str) -> str:
    """``text`` with each word that mixes Latin and Cyrillic letters written in one script
    when its lookalike letters allow: "Сбеpбaнк" → "Сбербанк", "pоlícia" → "polícia". Greek
    lookalikes in a Latin or Cyrillic word go first ("Ρéssimο" → "Péssimo", "Ужаснοе" →
    "Ужасное"); Greek words, and words whose Greek letters pass for none, stay Greek."""
    if _ANY_GREEK.search(text):
        text = _WITH_GREEK.sub(_without_greek, text)
    if not _ANY_CYRILLIC.search(text):
        return text
    return _MIXED.sub(_one_script, text)
