"""Brand keyword matching for social mentions, in any script.

Texts and keywords are compared after NFKC normalisation and case folding, with the Arabic
forms of ی/ک (ي ى ك) unified with the Persian ones, ZWNJ, tatweel, every other invisible
format character (zero-width space, soft hyphen, bidirectional marks…) and Arabic
diacritics dropped, ё read as е and words of mixed Latin and Cyrillic lookalikes ("Оzon")
written in one script, so one keyword catches the spellings people actually type.
Matching is whole-word-ish: nothing alphanumeric may touch the keyword's start; at its end
Latin keywords need a boundary too, while Cyrillic/Persian ones may carry a short ending
(Озона, Озоном; دیجیکالای) because those languages inflect names. Underscores count as
separators so handles like ``@acme_support`` match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from reputation.core.errors import ConfigError
from reputation.core.models import Review
from reputation.core.scripts import one_script
from reputation.core.text import invisible

_UNIFY = invisible() | str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh → Persian yeh
        "\u0649": "\u06cc",  # alef maksura → Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf → Persian keheh
        "\u0629": "\u0647",  # teh marbuta → heh
        "\u0451": "\u0435",  # ё → е
        "\u200c": None,  # ZWNJ: Persian writes compounds with, without or with a space
    }
)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
_ALNUM = r"[^\W_]"
# Inflectional endings are at most three letters in Russian (-ами) and Persian (-های).
_ENDING = r"[^\W\d_]{0,3}"


def normalise(text: str) -> str:
    """The comparable form of ``text`` (see the module docstring)."""
    folded = one_script(unicodedata.normalize("NFKC", text)).casefold().translate(_UNIFY)
    return _DIACRITICS.sub("", folded)


def _pattern(keyword: str) -> re.Pattern[str]:
    # A ZWNJ in a keyword marks a part boundary that texts may write as a space or nothing.
    words = normalise(keyword.replace("\u200c", " ")).split()
    body = r"\s*".join(re.escape(word) for word in words)
    ending = "" if all(ch.isascii() for ch in "".join(words)) else _ENDING
    return re.compile(rf"(?<!{_ALNUM}){body}{ending}(?!{_ALNUM})")


class KeywordMatcher:
    """Matches brand keywords; with no keywords configured everything matches."""

    def __init__(self, keywords: Iterable[str] = ()) -> None:
        self.keywords = [k for k in keywords if k.strip()]
        self._patterns = [_pattern(k) for k in self.keywords]

    @classmethod
    def from_option(cls, value: Any, *, source: str) -> KeywordMatcher:
        """From the ``keywords`` option: a list of strings (or one string)."""
        if value is None:
            return cls()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"collectors.{source}.options.keywords: a list of strings")
        return cls(value)

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def matches(self, text: str) -> bool:
        if not self._patterns:
            return True
        comparable = normalise(text)
        return any(p.search(comparable) for p in self._patterns)

    def keep(self, items: Iterable[Review]) -> list[Review]:
        """The items whose title or text mentions a keyword."""
        return [item for item in items if self.matches(item.full_text)]
