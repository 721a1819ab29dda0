"""Complaint topics and danger words from a per-language stem lexicon (``lexicon/topics.toml``)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

DANGER = "danger"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """One compiled pattern per topic, covering every language's stems."""
    raw = tomllib.loads(
        resources.files("sentiment").joinpath("lexicon/topics.toml").read_text(encoding="utf-8")
    )
    patterns = {}
    for topic, by_lang in raw.items():
        alternatives = []
        for stems in by_lang.values():
            for stem in stems:
                whole = stem.endswith("=")
                escaped = re.escape(stem.rstrip("=").lower()).replace(r"\ ", r"\s+")
                alternatives.append(rf"(?<!\w){escaped}" + (r"(?!\w)" if whole else ""))
        patterns[topic] = re.compile("|".join(alternatives), re.IGNORECASE)
    return patterns


def _normalise(text: str) -> str:
    # Arabic ye/kaf typed on Persian keyboards would otherwise miss Persian stems.
    return text.lower().replace("ي", "ی").replace("ك", "ک")


def topics_of(text: str) -> list[str]:
    """Complaint topics mentioned in ``text``, in lexicon order."""
    text = _normalise(text)
    return [t for t, p in _patterns().items() if t != DANGER and p.search(text)]


def has_danger_words(text: str) -> bool:
    """True when the text mentions injury, poisoning, fire, fraud, lawyers, police..."""
    return bool(_patterns()[DANGER].search(_normalise(text)))
