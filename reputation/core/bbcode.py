"""BBCode, the markup of forums and of Steam reviews: "[b]Péssimo[/b] atendimento",
"[h1]Horrible[/h1]", "[spoiler]…[/spoiler]". To the model each tag is pieces of brackets
and letters: "[b]Péssimo[/b] atendimento" read 0.64 negative against 0.91 plain.

:func:`bbcode_as_text` drops the tags and keeps the words, when the text closes at least one
known tag ("[/b]", "[/quote]"): a lone "[i]" or "[b]" is a footnote or a list label, and
stays. A line-level tag (heading, quote, list item, rule, table row) becomes a line break;
a picture or a video is dropped with its address; a link keeps its words, or its address
when it has no words.
"""

from __future__ import annotations

import re

_INLINE = "b|i|u|s|strike|spoiler|noparse|url|color|size|font|center|left|right|sub|sup|code|email"
_LINE = r"h[1-6]|quote|list|olist|\*|hr|table|tr|th|td"
_MEDIA = "img|youtube|video|media"
_ARGUMENT = r"(?:=[^\[\]\n]{0,200})?"
_CLOSED = re.compile(rf"\[/(?:{_INLINE}|{_LINE}|{_MEDIA})\]", re.IGNORECASE)
_MEDIA_BLOCK = re.compile(rf"\[({_MEDIA}){_ARGUMENT}\][^\[\]]{{0,2000}}\[/\1\]", re.IGNORECASE)
_LINE_TAG = re.compile(rf"\[/?(?:{_LINE}){_ARGUMENT}\]", re.IGNORECASE)
_INLINE_TAG = re.compile(rf"\[/?(?:{_INLINE}){_ARGUMENT}\]", re.IGNORECASE)


def bbcode_as_text(text: str) -> str:
    """``text`` without its BBCode tags, when it closes one ("[b]Ruim[/b]" → "Ruim",
    "[h1]Nunca más[/h1]" → "\\nNunca más\\n", "[img]https://…[/img]" → ""); else as it
    is."""
    if "[/" not in text or _CLOSED.search(text) is None:
        return text
    text = _MEDIA_BLOCK.sub(" ", text)
    return _INLINE_TAG.sub("", _LINE_TAG.sub("\n", text))
