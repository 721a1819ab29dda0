"""A text as the model should read it: what people type to be seen, not what they type to
hide.

- First, escape sequences an export wrote out as text, encoding for JSON one time too many
  ("P\\u00e9ssimo", "\\u0423\\u0436…"), and the percent-encoding of a web form or a URL
  ("P%C3%A9ssimo+atendimento") are read (:mod:`reputation.core.escapes`), and
  HTML escaping left by a web page or an export ("P&eacute;ssimo",
  "&#1087;&#1083;&#1086;…", "<br />") is undone (:func:`reputation.core.text.html_as_text`):
  every escaped letter is pieces of punctuation and digits to the model. A scraped page's
  scripts, style sheets and comments are dropped whole first
  (:func:`reputation.core.text.unhidden`), and forum markup ("[b]…[/b]") is dropped
  (:mod:`reputation.core.bbcode`).
- Then mojibake — UTF-8 read as windows-1252, Latin-1 or windows-1251 by an export or a
  spreadsheet ("PÃ©ssimo", "РЈР¶Р°СЃРЅРѕ") — is repaired
  (:func:`reputation.core.text.unmangled`, with ftfy): Russian read so was neutral and `und`.
- Text stored in another order than a screen shows it — spelled backwards after a
  right-to-left override ("\\u202eomissép" shows "péssimo"), or written upside down by a
  generator ("ǝlqᴉɹɹoɥ") — is put in reading order (:mod:`reputation.core.direction`).
- The styled letters of "fancy text" generators — small capitals ("ᴘéssɪᴍᴏ"), negative
  squared letters ("🅿🅴🆂🆂🅸🅼🅾"), mathematical bold or script ones, regional indicator
  letters drawn one by one ("🇵 🇪 🇸") — are written plain
  (:func:`reputation.core.text.plain_letters`): small capitals, which Unicode
  normalisation leaves alone, read positive.
- Invisible format characters (zero-width space and joiner, soft hyphen, word joiner,
  byte-order mark, bidirectional marks; Unicode category Cf) split a word into pieces the
  model never saw: "péss\\u200bimo". Pasted in to dodge filters or left by editors, they cut
  negative-class F1 on 1,500 validation texts from 0.755 to 0.669 when a zero-width space
  is put in 30% of the words (bench/reading.py).
  They are dropped — except the zero-width non-joiner between two Arabic-script letters,
  which is how Persian spells compounds (می‌خواهم). Tatweel (ـ), a purely visual stretch of
  Arabic-script letters, is dropped too.
- Stacks of combining marks ("zalgo" text: "P̖̤͓é̖̤͓s̖̤͓s̖̤͓i̖̤͓m̖̤͓o̖̤͓"), and the mark or two
  glitch-text generators put on every letter ("P̙é́şs͇i͉ṁó"), are dropped
  (:func:`reputation.core.text.unstacked`): each mark is a piece of its own to the model.
- A word that mixes Latin and Cyrillic lookalike letters ("Сбеpбaнк", typed to stay out of
  searches) is written in one script (:func:`reputation.core.scripts.one_script`).
- A word spelled out letter by letter for emphasis ("P É S S I M O", "B A S T A",
  "P.é.s.s.i.m.o", "N-U-N-C-A", "P👏É👏S…", one letter a line) is read as the word
  (:func:`unspaced`); spelled out, each letter is a piece of its own and the word is lost
  to the model.
- Leetspeak ("p3ss1mo", "h0rr1bl3") is read as letters when the model's vocabulary says
  the letters are the word (:mod:`sentiment.leet`; product codes like "HX100v" stay).
- Shouting and mocking case ("PéSsImO") are read in lower case
  (:func:`sentiment.casing.unshout`), and so is the capital that starts a sentence of a
  short text ("Orribile servizio", :func:`sentiment.casing.sentence_lowered`).
- Russian typed in Latin letters ("Uzhasnyj servis, ne sovetuyu") is read in Cyrillic ones
  (:mod:`sentiment.translit`).
- Emoji the vocabulary lacks (🤬, 🤮, 💩, 🥳) are read as ones it has that mean the same
  (:func:`sentiment.emoji.known_emoji`); unknown, each was one neutral piece. A run of one
  emoji is read as ten at most: 255 "😡" read positive.

Figures: sentiment/MODEL_CARD.md, "Robustness".
"""

from __future__ import annotations

import re

from reputation.core.scripts import one_script
from reputation.core.text import as_typed, unhidden, unstacked, visible
from sentiment.casing import sentence_lowered, unshout
from sentiment.emoji import known_emoji
from sentiment.leet import PieceCount, unleet
from sentiment.translit import is_translit, to_cyrillic

__all__ = ["as_seen", "reading_form", "unspaced", "visible"]

MIN_SPELLED = 4  # letters in a row, one mark apart, before they are read as one word
# What people put between the letters of a word they spell out: a space (a no-break, thin
# or wide one too, as a filter does not see), a dot, a dash, a tilde, a bar, a star, a clap,
# or a line break (one letter a line, "vertical" text).
SPACES = " \t\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u205f\u3000"
SEPARATORS = SPACES + ".-_*·•~|\n👏"
# A letter, a separator, then letters each after that same separator.
_SPELLED = re.compile(
    rf"(?<!\w)[^\W\d_]([{re.escape(SEPARATORS)}])[^\W\d_]"
    rf"(?:\1[^\W\d_]){{{MIN_SPELLED - 2},}}(?!\w)"
)


def unspaced(text: str) -> str:
    """``text`` with each run of :data:`MIN_SPELLED` or more single letters, one space or
    one other :data:`SEPARATORS` mark apart (the same mark throughout), written as one word:
    "P É S S I M O  A T E N D I M E N T O" → "PÉSSIMO ATENDIMENTO", "P.é.s.s.i.m.o" →
    "Péssimo", "N-U-N-C-A" → "NUNCA", "P👏É👏S👏S👏I👏M👏O" and one letter a line → "PÉSSIMO".
    Shorter runs are initials, abbreviations or words ("J R R", "a e o", "S.O.S",
    "U.S.A.")."""
    return _SPELLED.sub(lambda m: m.group().replace(m.group(1), ""), text)


def as_seen(text: str) -> str:
    """The characters of ``text`` as a reader sees them: a page's scripts and style sheets
    dropped (:func:`reputation.core.text.unhidden`), :func:`reputation.core.text.as_typed`
    (HTML escaping undone, mojibake repaired, styled letters written plain), invisible
    characters (:func:`reputation.core.text.visible`) and stacked marks dropped, one script
    per word. The model and language ID both start from this."""
    return one_script(unstacked(visible(as_typed(unhidden(text)))))


def reading_form(text: str, pieces: PieceCount | None = None) -> str:
    """What the model reads of ``text``: :func:`as_seen`, then spelled-out words joined,
    leetspeak read as letters when ``pieces`` (the model's piece count,
    :func:`sentiment.leet.piece_count`) says the letters are the word, shouting and mocking
    case lowered, a short text's sentences begun in small letters, emoji the vocabulary
    lacks written as ones it has; Russian typed in Latin letters in Cyrillic ones
    (:mod:`sentiment.translit`)."""
    text = unspaced(as_seen(text))
    if is_translit(text):
        text = to_cyrillic(text)
    if pieces is not None:
        text = unleet(text, pieces)
    return known_emoji(sentence_lowered(unshout(text)))
