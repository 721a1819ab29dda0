"""Complaint topics and danger words from a per-language stem lexicon (``lexicon/topics.toml``).

Stems and texts are compared in their folded form (:func:`reputation.core.text.fold`): a
text typed without accents ("nao chegou", "atencion al cliente"), in full-width letters or
with zero-width characters inside words matches the stems written properly. A ZWNJ inside a
Persian stem may be written as a ZWNJ, a space or nothing.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from reputation.core.text import fold

DANGER = "danger"


@cache
def lexicon() -> dict[str, tuple[list[str], list[str]]]:
    """Each topic's stems and exceptions (written "-stem"), as written, over every language."""
    raw = tomllib.loads(
        resources.files("sentiment").joinpath("lexicon/topics.toml").read_text(encoding="utf-8")
    )
    found = {}
    for topic, by_lang in raw.items():
        listed = [stem for stems in by_lang.values() for stem in stems]
        found[topic] = (
            [stem for stem in listed if not stem.startswith("-")],
            [stem[1:] for stem in listed if stem.startswith("-")],
        )
    return found


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """One compiled pattern per topic, covering every language's stems."""
    patterns = {}
    for topic, (stems, exceptions) in lexicon().items():
        initials = "".join(sorted({fold(stem)[0] for stem in stems}))
        alternatives = "|".join(_word_pattern(stem) for stem in stems)
        # Checked once per position, before the alternatives: only a word start whose first
        # letter begins some stem tries them (a 1 MB text: 8 s when each alternative carried
        # its own word-start test, 0.2 s this way).
        start = rf"(?<!\w)(?=[{re.escape(initials)}])"
        if exceptions:
            start += "(?!" + "|".join(_word_pattern(stem) for stem in exceptions) + ")"
        patterns[topic] = re.compile(start + "(?:" + alternatives + ")")
    return patterns


def _word_pattern(stem: str) -> str:
    """A stem's pattern: the start of a word, or the whole word when it ends in "="."""
    return _stem_pattern(stem.rstrip("=")) + (r"(?!\w)" if stem.endswith("=") else "")


def _stem_pattern(stem: str) -> str:
    """Words of the folded stem apart by whitespace; the parts of a ZWNJ compound by any."""
    parts = [fold(part).split() for part in stem.split("\u200c")]
    return r"\s*".join(r"\s+".join(re.escape(word) for word in words) for words in parts)


def topics_of(text: str) -> list[str]:
    """Complaint topics mentioned in ``text``, in lexicon order."""
    text = fold(text)
    return [t for t, p in _patterns().items() if t != DANGER and p.search(text)]


def has_danger_words(text: str) -> bool:
    """True when the text mentions injury, poisoning, fire, fraud, lawyers, police..."""
    return bool(_patterns()[DANGER].search(fold(text)))
