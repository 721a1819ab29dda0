"""Text search without ``$text`` (the embedded server has no text indexes; see MONGODB.md).

Each inbox entry stores ``terms``: the distinct folded words of the review (title and text,
at most :data:`MAX_TERMS`), with a multikey index, and ``author_lc``, the folded author.
Folding is :func:`reputation.core.text.fold` (NFKD without combining marks, casefolded,
Arabic yeh/kaf mapped to the Persian letters, zero-width characters dropped), so "Péssimo",
"pessimo" and "PESSIMO" meet, as do Arabic- and Persian-typed words.

A search matches the case reference by prefix, the author by prefix, or the text: every
word of the query as a whole term, except the last, which matches as a prefix (you can type
"entreg" for "entrega"). All three are anchored, case-sensitive regexes or equalities on
folded fields, which a B-tree index answers; a case-insensitive ``/i`` regex could not.
"""

from __future__ import annotations

import re
from typing import Any

from reputation.core.text import fold

MAX_TERMS = 300
_WORD = re.compile(r"\w+")
REF_PATTERN = re.compile(r"^(RP|TY)-[0-9A-Z]{0,8}$", re.IGNORECASE)


def terms(text: str, *, cap: int = MAX_TERMS) -> list[str]:
    """The distinct folded words of ``text`` (two characters or more), in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        if len(word) >= 2:
            seen.setdefault(word, None)
            if len(seen) >= cap:
                break
    return list(seen)


def _prefix(value: str) -> dict[str, str]:
    return {"$regex": "^" + re.escape(value)}


def search_filter(query: str) -> dict[str, Any] | None:
    """The MongoDB filter for a search box's text (None for an empty query)."""
    text = query.strip()
    if not text:
        return None
    if REF_PATTERN.match(text):
        return {"case_ref": _prefix(text.upper())}
    clauses: list[dict[str, Any]] = [{"author_lc": _prefix(fold(text))}]
    words = terms(text, cap=8)
    if words:
        *whole, last = words
        parts: list[dict[str, Any]] = [{"terms": word} for word in whole]
        parts.append({"terms": _prefix(last)})
        clauses.append(parts[0] if len(parts) == 1 else {"$and": parts})
    return {"$or": clauses}
