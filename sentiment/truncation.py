"""Cutting a long text to the model's length: keep its beginning and its end.

Reviews tell the verdict at the end as often as at the start ("…all fine until the bill").
Keeping the first and last tokens of a text over the limit scored 69.1% against 65.5%
keeping the first only, on the 307 calibration texts of v3 over 256 tokens
(sentiment/MODEL_CARD.md). A text is first cut by characters, so a hostile multi-megabyte
review costs no more tokenizing than a long one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sentiment.leet import piece_count
from sentiment.reading import reading_form

CHARS_PER_TOKEN = 12  # generous: XLM-R pieces average 3-5 characters
# How much longer than it reads a text may be written: a letter escaped for HTML twice is
# up to 11 characters ("&amp;#1087;"), mojibake two to four. The reading form is given this
# much more, and its result clipped as usual.
WRITTEN_LONGER = 4


def clip_chars(text: str, max_length: int) -> str:
    """``text`` or its beginning and end, long enough for ``max_length`` tokens each."""
    keep = max_length * CHARS_PER_TOKEN
    if len(text) <= 2 * keep:
        return text
    return text[:keep] + " … " + text[-keep:]


def head_and_tail(ids: Sequence[int], max_length: int) -> list[int]:
    """Token ids (special tokens included at both ends) cut to ``max_length``: the first
    token and the first half of the rest, then the last half and the closing token."""
    if len(ids) <= max_length:
        return list(ids)
    body = max_length - 2
    head = body // 2
    tail = body - head
    return [*ids[: 1 + head], *ids[len(ids) - tail - 1 :]]


def head_only(ids: Sequence[int], max_length: int) -> list[int]:
    """Token ids cut to ``max_length``: the beginning and the closing token (how v3 was
    trained)."""
    if len(ids) <= max_length:
        return list(ids)
    return [*ids[: max_length - 1], ids[-1]]


def token_rows(
    tokenizer: Any,
    texts: Sequence[str],
    max_length: int,
    prefix: str = "",
    *,
    normalized: bool = True,
    keep_tail: bool = True,
) -> list[list[int]]:
    """What the model reads of each text: ``prefix`` + the text after :func:`clip_chars`
    and, when ``normalized``, :func:`sentiment.reading.reading_form` (which reads a clip
    :data:`WRITTEN_LONGER` times as long, clipped after it), tokenized (special tokens
    included) and cut to ``max_length`` by :func:`head_and_tail` (or, without
    ``keep_tail``, :func:`head_only`)."""
    if normalized:
        pieces = piece_count(tokenizer)
        texts = [reading_form(clip_chars(t, max_length * WRITTEN_LONGER), pieces) for t in texts]
    clipped = [clip_chars(text, max_length) for text in texts]
    encoded = tokenizer([prefix + text for text in clipped])["input_ids"]
    cut = head_and_tail if keep_tail else head_only
    return [cut(row, max_length) for row in encoded]
