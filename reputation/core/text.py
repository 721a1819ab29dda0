"""Text as it arrives from outside: strings that can always be encoded, stored and shown.

JSON allows an unpaired UTF-16 surrogate (``"\\ud83d"``, the first half of an emoji cut off
by a source that truncates by code unit). Python keeps it as a lone surrogate, which no
UTF-8 encoder accepts: MongoDB (BSON), the tokenizer and any UTF-8 output would fail on it.
Control characters other than tab and line breaks (a NUL ends the string for fastText's C++
side) are replaced as well.
"""

from __future__ import annotations

import codecs
import html
import json
import math
import re
import unicodedata
from functools import cache
from itertools import chain

import ftfy

from reputation.core.bbcode import bbcode_as_text
from reputation.core.direction import as_displayed, upright
from reputation.core.escapes import unescaped
from reputation.core.scripts import one_script

_UNENCODABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """``text`` with every lone surrogate and control character (but tab, CR and LF)
    replaced by U+FFFD; anything else unchanged."""
    return _UNENCODABLE.sub(REPLACEMENT, text)


ZWNJ = "\u200c"  # zero-width non-joiner: how Persian spells compounds (می‌خواهم)
TATWEEL = "\u0640"  # Arabic-script stretching stroke, purely visual
_ARABIC_LETTER = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_STRAY_ZWNJ = re.compile(rf"(?<![{_ARABIC_LETTER}]){ZWNJ}|{ZWNJ}(?![{_ARABIC_LETTER}])")


@cache
def invisible() -> dict[int, None]:
    """A ``str.translate`` table dropping every Unicode format character (category Cf:
    zero-width space and joiner, soft hyphen, word joiner, byte-order mark, bidirectional
    marks, tags) but the zero-width non-joiner, and tatweel. Pasted into a word to dodge
    filters ("ref\u200bund") or left by editors, they split words that should match."""
    planes = chain(range(0x30000), range(0xE0000, 0xE1000))
    drop = [c for c in planes if unicodedata.category(chr(c)) == "Cf" and chr(c) != ZWNJ]
    return dict.fromkeys([*drop, ord(TATWEEL)])


def visible(text: str) -> str:
    """``text`` without :func:`invisible` characters; a zero-width non-joiner is kept only
    between two Arabic-script letters. Variation selectors typed after each of three letters
    or more in a row ("P\ufe0fé\ufe0fs\ufe0fs\ufe0f…", which no screen shows) go too: they
    choose how an emoji is drawn, and after a letter they choose nothing. One after a single
    letter stays: there it is the trace of an emoji a source dropped ("bonito\ufe0f")."""
    text = _unselected(text.translate(invisible()))
    return _STRAY_ZWNJ.sub("", text) if ZWNJ in text else text


def _unselected(text: str) -> str:
    """``text`` without the variation selectors of three letters or more in a row that each
    carry one (:func:`visible`)."""
    if _ANY_SELECTOR.search(text) is None:
        return text
    return _SELECTED_LETTERS.sub(lambda m: _ANY_SELECTOR.sub("", m.group()), text)


_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_ANY_SELECTOR = re.compile(f"[{_SELECTORS}]")
# Three letters or more in a row, each with a variation selector after it.
_SELECTED_LETTERS = re.compile(rf"(?:[^\W\d_][{_SELECTORS}]+){{3,}}")


def blank(text: str) -> bool:
    """True when ``text`` holds nothing to read: no letter, digit, punctuation or symbol, only
    whitespace, invisible characters (a zero-width space, a byte-order mark), combining marks
    with nothing under them and variation selectors. Such a text is no text: a review of "\u200b"
    and one star is its rating alone, not the model's reading of nothing."""
    return not any(unicodedata.category(char)[0] in _READABLE for char in text)


_READABLE = "LNPS"  # the Unicode categories of letters, numbers, punctuation and symbols


_SMALL_CAPITAL = re.compile(r"LATIN LETTER SMALL CAPITAL ([A-Z])")
_STYLED = re.compile(
    r"(?:MATHEMATICAL [A-Z -]+?|(?:FULLWIDTH|(?:NEGATIVE )?(?:CIRCLED|SQUARED)|PARENTHESIZED)"
    r" LATIN) (CAPITAL|SMALL)(?: LETTER)? ([A-Z])"
)


# The blocks styled Latin letters come from (and some other characters of them).
_STYLED_BLOCKS = (
    (0x0180, 0x02AF),  # Latin Extended-B, IPA: ʙ ɢ ʜ ɪ ʟ ɴ ʀ ʏ
    (0x1D00, 0x1D7F),  # phonetic extensions: ᴀ ᴄ ᴅ ᴇ ᴊ ᴋ ᴍ ᴏ ᴘ ᴛ ᴜ ᴠ ᴡ ᴢ
    (0xA720, 0xA7FF),  # Latin Extended-D: ꜰ ꜱ
    (0x2460, 0x24FF),  # enclosed alphanumerics: Ⓟ ⓟ ⒫
    (0xFF21, 0xFF5A),  # fullwidth: Ｐ ｐ
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics: 𝐏 𝓅 𝕡
    (0x1F100, 0x1F18F),  # enclosed alphanumeric supplement: 🄿 🅟 🅿
)
_IN_STYLED_BLOCK = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _STYLED_BLOCKS) + "]")


@cache
def _styled_letters() -> dict[int, str]:
    """A ``str.translate`` table from styled Latin letters to plain ones."""
    table: dict[int, str] = {}
    for code in chain.from_iterable(range(a, b + 1) for a, b in _STYLED_BLOCKS):
        name = unicodedata.name(chr(code), "")
        if small := _SMALL_CAPITAL.fullmatch(name):
            table[code] = small[1].lower()
        elif styled := _STYLED.fullmatch(name):
            table[code] = styled[2] if styled[1] == "CAPITAL" else styled[2].lower()
    return table


# The marks the same generators draw through or under every letter: strikethrough
# ("p̶é̶s̶s̶i̶m̶o̶", read positive and Japanese), slash, tilde overlay, underline, overline. No
# language read here writes them. After an arrow or a mathematical symbol they are kept:
# "=" + long solidus is "≠".
# Over a few words of a text they are not a style but a retraction ("убить д̶в̶у̶х̶ ̶з̶а̶й̶ц̶е̶в̶
# трех зайцев", as all 12 labelled texts that have them use them), and stay as written.
_OVERLAY_MARK = "[\u0305\u0332-\u0338\u033f\u20d2\u20d3\u20e5\u20e6]"
_ANY_OVERLAY = re.compile(_OVERLAY_MARK)  # the quick test: 5x faster without the look-behind
_OVERLAY = re.compile(r"(?<![=<>\u2190-\u21ff\u2200-\u22ff])" + _OVERLAY_MARK)


def _drawn_throughout(text: str) -> bool:
    """Lines drawn under or through at least half the letters: a style, not a retraction."""
    return 2 * len(_OVERLAY.findall(text)) >= sum(c.isalpha() for c in text)


# Regional indicator letters drawn one by one ("🇵 🇪 🇸 🇸 🇮 🇲 🇴", or with a zero-width space
# between them): two side by side are a flag ("🇧🇷"), and stay one.
_REGIONAL = "\U0001f1e6-\U0001f1ff"
_LONE_REGIONAL = re.compile(f"(?<![{_REGIONAL}])[{_REGIONAL}](?![{_REGIONAL}])")
_ANY_REGIONAL = re.compile(f"[{_REGIONAL}]")  # the quick test: 6x faster without look-arounds
_AS_LETTER = {code: chr(code - 0x1F1E6 + ord("A")) for code in range(0x1F1E6, 0x1F200)}
MIN_REGIONAL = 3  # letters so drawn before they are read as letters, not as a stray symbol


def _regional_letters(text: str) -> str:
    lone = _LONE_REGIONAL.findall(text)
    if len(lone) < MIN_REGIONAL:
        return text
    return _LONE_REGIONAL.sub(lambda m: _AS_LETTER[ord(m[0])], text)


def plain_letters(text: str) -> str:
    """``text`` with the styled Latin letters of "fancy text" generators written plain:
    small capitals ("ᴘéssɪᴍᴏ", which Unicode normalisation leaves alone; to the model it read
    positive, and Swedish), negative squared and circled letters ("🅿🅴🆂🆂🅸🅼🅾", read
    neutral), mathematical bold, italic and script letters ("𝐏é𝐬𝐬𝐢𝐦𝐨"), circled, parenthesized
    and full-width ones, regional indicator letters drawn one by one (:data:`_LONE_REGIONAL`),
    and without the lines they draw through or under a whole text (:data:`_OVERLAY`). Capitals
    stay capitals, so shouting is still seen as shouting."""
    if text.isascii():
        return text
    if _ANY_OVERLAY.search(text) and _drawn_throughout(text):
        # The other marks on a text so styled are the same generator's decoration (zalgo's
        # middle marks mix lines with hooks and tildes: "P̸é̢̛s̴̨s̷…"): they go too, but for
        # the language's accents, composed first ("e" + acute under a stroke is "é").
        text = _undecorated(unicodedata.normalize("NFC", _OVERLAY.sub("", text)))
    if _ANY_REGIONAL.search(text):
        text = _regional_letters(text)
    if _IN_STYLED_BLOCK.search(text) is None:  # translate is slower
        return text
    return text.translate(_styled_letters())


# The generic combining diacritics (accents for any script), as "zalgo" text stacks them:
# "Ṕ̖̤͓é̖̤͓́ś̖̤͓ś̖̤͓í̖̤͓ḿ̖̤͓ó̖̤͓". No language puts more than two on one letter (Vietnamese
# ệ: dot below and circumflex); script-specific marks (Arabic, Hebrew, Thai, Indic) are
# other blocks and never touched.
_GENERIC_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_ANY_MARK = re.compile(f"[{_GENERIC_MARKS}]")
_STACKED = re.compile(f"[{_GENERIC_MARKS}]{{3,}}")
# A word as written: letters, each with the marks that follow it.
_MARKED_WORD = re.compile(rf"(?:[^\W\d_][{_GENERIC_MARKS}]*)+")
# A mark of a letter's own, and a letter with one: the lines drawn through or under letters
# (:data:`_OVERLAY_MARK`) do not count, since over a few words they are a retraction.
_OWN_MARK = f"(?!{_OVERLAY_MARK})[{_GENERIC_MARKS}]"
_DECORATION = re.compile(_OWN_MARK)
_MARKED_LETTER = re.compile(rf"[^\W\d_](?:{_OWN_MARK})+")
DECORATED = 0.6  # the share of a word's letters with a mark of their own that decorates it
MIN_DECORATED = 3  # letters a word needs to be judged alone; shorter ones go with the text


def unstacked(text: str) -> str:
    """``text`` without the combining marks "zalgo" and glitch-text generators scatter over
    letters, typed to dodge filters or to shout:

    - stacks of three or more generic marks on one letter;
    - every mark of a word whose letters mostly carry one (:data:`DECORATED`, counted
      decomposed; "P̙é́şs͇i͉ṁó a͟t̛e̙nͯḏi͟m̹e͊n̐t͊o͢", a mark or two a letter, read positive and
      English), but for the accented letters its language writes (:func:`_undecorated`).
      No language read here marks most letters of a word: Vietnamese "tốt", decomposed,
      marks one of three, a Russian stress mark ("бо́льшую") one of eight. A word of fewer
      than :data:`MIN_DECORATED` letters goes with the text: it loses its marks when most
      of the text's letters carry one.

    Lines drawn through a few words (a retraction, "д̶в̶у̶х̶") stay. A precomposed letter (é)
    keeps its accent; a decomposed one loses it with the rest, and is still the word to the
    model."""
    if _ANY_MARK.search(text) is None:
        return text
    text = _STACKED.sub("", text)
    words = list(_MARKED_WORD.finditer(text))
    # Letters and marked letters per word; letters a mark was composed into ("ṁ", "ş") count
    # as marked: decomposed, they are.
    counts = []
    for word in words:
        decomposed = unicodedata.normalize("NFD", word.group())
        counts.append((_letter_count(decomposed), len(_MARKED_LETTER.findall(decomposed))))
    marked = sum(k for _, k in counts)
    if not marked:
        return text
    decorated_text = marked >= DECORATED * sum(n for n, _ in counts)
    parts, end = [], 0
    for word, (n, k) in zip(words, counts, strict=True):
        decorated = k >= DECORATED * n if n >= MIN_DECORATED else decorated_text
        written = word.group()
        parts += [text[end : word.start()], _undecorated(written) if decorated else written]
        end = word.end()
    return "".join(parts) + text[end:]


def _letter_count(word: str) -> int:
    return sum(char.isalpha() for char in word)


# The accented letters of the languages read here: a decorated word keeps these as typed.
_OWN_ACCENTED = frozenset("áàâãäçéèêëíìîïóòôõöúùûüñÁÀÂÃÄÇÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÑйёЙЁ")


def _undecorated(word: str) -> str:
    """``word`` without its marks, but for the accented letters its language writes (é, ç,
    ñ, й, ё) typed as one character: a mark composed into another letter ("ṁ", "ş") goes
    too, and so does a mark typed apart ("e" + acute: a generator's as often as not). Lines
    drawn through letters stay (:data:`_OVERLAY_MARK`)."""
    kept = [char if char in _OWN_ACCENTED else unicodedata.normalize("NFD", char) for char in word]
    return unicodedata.normalize("NFC", _DECORATION.sub("", "".join(kept)))


@cache
def _fold_table() -> dict[int, str | None]:
    # Persian typed on Arabic keyboards; ZWNJ joins the parts of a Persian compound, which
    # people also write with a space.
    persian = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", ZWNJ: " "})
    return {**invisible(), **persian}


def fold(text: str) -> str:
    """The form in which words are compared: compatibility forms unified (full-width
    letters, ligatures), accents and other combining marks dropped (``não`` → ``nao``,
    ``ещё`` → ``еще``, Arabic vowel signs), case folded, Persian letters unified,
    :func:`invisible` characters dropped, words of mixed Latin and Cyrillic lookalikes in one
    script (:func:`reputation.core.scripts.one_script`), read :func:`as_typed` first
    (``n&atilde;o``, ``nÃ£o`` and ``ɴãᴏ`` are ``não``)."""
    decomposed = unicodedata.normalize("NFKD", one_script(as_typed(_unselected(text))))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_fold_table())


# nl2br puts <br /> before each line break it keeps: the pair is one break.
_BREAK = re.compile(
    r"<br\b[^<>]{0,200}>(?:\r?\n)?"
    r"|</?(?:p|div|li|[uo]l|h[1-6]|blockquote|pre|hr|table|tr|section|article)\b[^<>]{0,200}>",
    re.IGNORECASE,
)
_STYLE = re.compile(
    r"</?(?:b|i|u|em|strong|span|small|big|a|font|strike|del|ins|mark|sub|sup)\b"
    r"[^<>]{0,200}>",
    re.IGNORECASE,
)
# Tags that stand between two words: a table cell, a picture (a smiley between words).
_GAP = re.compile(r"</?(?:td|th|img)\b[^<>]{0,200}>", re.IGNORECASE)
# What a page carries that is no one's words: scripts, style sheets, comments.
_HIDDEN_OPENER = re.compile(r"<!--|<(script|style|noscript|template)\b[^<>]{0,200}>", re.I)
_HIDDEN_CLOSER = {
    tag: re.compile(rf"</{tag}\s*>", re.I) for tag in ("script", "style", "noscript", "template")
} | {"--": re.compile("-->")}
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Each match starts where a run of blanks does: tried from inside a run of spaces, the
# pattern read to its end again and again (8.9 s on "<b>" and 40,000 spaces).
_BLANKS = re.compile(r"(?<![ \t])[ \t]*\n[ \t\n]*\n[ \t]*|(?<![ \t])[ \t]+\n")


def unhidden(text: str) -> str:
    """``text`` without the scripts, style sheets and comments of a scraped page, for
    reading (the model, language ID): a scraped body with ``<style>…</style>`` before
    "Ужасный сервис" read positive. Each block becomes a space; a text that did not start
    or end with a space does not gain one there. A block never closed stays, and its end is
    looked for once (a pattern with ``.*?`` looked again from every opening: 40 s on 20,000
    "<script>"). Search and topics keep every word a reader is shown, these included."""
    if "<" not in text:
        return text
    opening = _HIDDEN_OPENER.search(text)
    kept: list[str] = []
    missing: set[str] = set()
    start = 0
    while opening is not None:
        tag = (opening.group(1) or "--").lower()
        closed = None if tag in missing else _HIDDEN_CLOSER[tag].search(text, opening.end())
        if closed is None:
            missing.add(tag)
            opening = _HIDDEN_OPENER.search(text, opening.end())
            continue
        kept += [text[start : opening.start()], " "]
        start = closed.end()
        opening = _HIDDEN_OPENER.search(text, start)
    if not kept:
        return text
    return _at_ends_as_written("".join(kept) + text[start:], text)


def _at_ends_as_written(text: str, written: str) -> str:
    """``text`` with no blank at an end where ``written`` had none."""
    if not written[:1].isspace():
        text = text.lstrip()
    return text if written[-1:].isspace() else text.rstrip()


def _untagged(text: str) -> str:
    if "<" not in text:
        return text
    return _STYLE.sub("", _GAP.sub(" ", _BREAK.sub("\n", text)))


def html_as_text(text: str) -> str:
    """``text`` without the HTML escaping a page or an export put on it: the tags that only
    break or style a line dropped (``<br>``, ``<p>``, ``<h2>`` become line breaks; nl2br's
    ``<br />`` + newline is one), entities decoded (``P&eacute;ssimo``, ``&#1087;``,
    ``Q&amp;A``; twice when the text was escaped twice, ``P&amp;eacute;ssimo``, and then
    the tags of a text escaped whole, ``&lt;br /&gt;``), a blank line at most between
    paragraphs, no space left at either end by a tag there. Other angle brackets ("<3",
    "a < b", "<angry>") and bare ampersands ("AT&T") are the customer's and stay.
    Scripts and style sheets are words a reader is shown here; reading drops them
    (:func:`unhidden`)."""
    if "<" not in text and "&" not in text:
        return text
    written = text
    text = _untagged(text.replace("\r\n", "\n"))
    if "&" in text and _ENTITY.search(text):
        twice = "&amp;" in text
        text = html.unescape(text)
        if twice and _ENTITY.search(text):  # "P&amp;eacute;ssimo": escaped on save and export
            text = html.unescape(text)
        text = _untagged(text)  # "&lt;br /&gt;": the tags of a text escaped whole
    text = _BLANKS.sub(lambda m: "\n\n" if m.group().count("\n") > 1 else "\n", text)
    return _at_ends_as_written(text, written)  # a tag's break at an end is the page's


# Han, kana and Hangul: a mojibake repair that produces them out of none is a misreading
# ("Ищущий††" is not Russian read as windows-1251), not a repair, for the languages read here.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@cache
def _mangled_pair() -> re.Pattern[str]:
    """A lead byte of a multi-byte UTF-8 sequence followed by a continuation byte, as
    windows-1252, Latin-1 or windows-1251 show them ("Ã©", "Ð£", "Р°"): every mojibake
    :func:`unmangled` repairs holds one. Bytes a code page leaves undefined show as the C1
    control of the same number. "à" (C3 A0) shows as "Ã" and a no-break space, which an
    editor often turns into a plain one: "giÃ pronto" is "già pronto"."""
    leads: set[str] = set()
    follows: set[str] = set()
    for encoding in ("cp1252", "latin-1", "cp1251"):
        leads |= {bytes([b]).decode(encoding, "ignore") or chr(b) for b in range(0xC2, 0xF5)}
        follows |= {bytes([b]).decode(encoding, "ignore") or chr(b) for b in range(0x80, 0xC0)}
    pair = f"[{re.escape(''.join(sorted(leads)))}][{re.escape(''.join(sorted(follows)))}]"
    return re.compile(f"{pair}|\u00c3 ")


def unmangled(text: str) -> str:
    """``text`` with mojibake repaired: UTF-8 read as windows-1252, Latin-1 or windows-1251 by
    an export or a spreadsheet ("PÃ©ssimo" → "Péssimo", "РЈР¶Р°СЃРЅРѕ" → "Ужасно",
    "Ø¨Ø¯" → "بد"), once or twice over. Unrepaired, such a text is noise to the model and to
    language ID: Russian read so came out neutral and ``und``. ftfy decides, from the
    characters mojibake leaves and real text does not; where it finds nothing, a text that
    is wholly valid UTF-8 once written back in windows-1251 ("PГ©ssimo", Portuguese opened
    by a Russian spreadsheet) is read so — real Russian of more than a word never is. A
    repair that would make CJK characters out of none is refused. A text with no byte pair
    such mojibake leaves is returned as it is."""
    if text.isascii() or _mangled_pair().search(text) is None:  # ftfy's own check is slower
        return text
    fixed = text
    for _ in range(3):  # read wrong twice, or by two different code pages
        step: str = ftfy.fix_encoding(fixed)
        if step == fixed:
            step = _rewritten(fixed, "cp1251") or fixed
        if step == fixed:
            break
        fixed = step
    if fixed != text and len(_CJK.findall(fixed)) > len(_CJK.findall(text)):
        return text
    return fixed


def _rewritten(text: str, encoding: str) -> str | None:
    """``text`` written back in ``encoding`` (a C1 control, which stands for a byte the code
    page leaves undefined, as that byte) and read as UTF-8; None when either step fails, or
    when the result holds one character that is not ASCII and the text is mostly not ASCII."""
    try:
        read = text.encode(encoding, errors=_C1_AS_BYTE).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    # One character is too little to judge by: "Её" ("her") is C5 B8 in windows-1251, "Ÿ" —
    # unless the text is mostly ASCII letters, where "Г©" is no Russian ("ele Г© lindo").
    latin = sum(c.isascii() and c.isalpha() for c in text)
    other = sum(not c.isascii() and c.isalpha() for c in text)
    return read if sum(not c.isascii() for c in read) >= 2 or latin > other else None


def _c1_as_byte(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    if not all("\x80" <= c <= "\x9f" for c in bad):
        raise error
    return bad.encode("latin-1"), error.end


_C1_AS_BYTE = "reputation.c1_as_byte"
codecs.register_error(_C1_AS_BYTE, _c1_as_byte)


def as_typed(text: str) -> str:
    """``text`` as its writer typed it, before a web page, an export or a font generator got
    at it: escape sequences written out as text read (:mod:`reputation.core.escapes`),
    HTML escaping undone (:func:`html_as_text`), forum markup dropped
    (:mod:`reputation.core.bbcode`), mojibake repaired (:func:`unmangled`), text
    drawn right to left by an override or turned upside down put in reading order
    (:mod:`reputation.core.direction`), styled letters written plain
    (:func:`plain_letters`). Words are compared (:func:`fold`) and read by the model
    (``sentiment.reading.as_seen``) from this."""
    text = unmangled(bbcode_as_text(html_as_text(unescaped(text))))
    return plain_letters(upright(as_displayed(text)))


def clean_json(value: object) -> object:
    """A decoded JSON value with :func:`clean_text` applied to every string, keys included,
    and ``NaN`` / ``Infinity`` as None: Python's parser accepts them, but they are not JSON,
    and written back out they would break every strict reader of our output."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def read_json(text: str | bytes, *, strict: bool = True) -> object:
    """``json.loads`` then :func:`clean_json`, failing only with ``json.JSONDecodeError``.

    Python's parser has two other ways to fail on hostile input: nesting deeper than the
    recursion limit (``[[[[…`` a hundred thousand times) raises RecursionError, and an
    integer of more than 4,300 digits a plain ValueError. Every reader of outside JSON
    treats a line it cannot read as a bad line, so both become the same error as a syntax
    error, with a message that says what was wrong. ``strict=False`` admits control
    characters inside strings, as ``json.loads`` does.
    """
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")  # a byte-order mark: files joined with cat
    try:
        return clean_json(json.loads(text, strict=strict))
    except json.JSONDecodeError:
        raise
    except RecursionError:
        reason = "nested too deeply"
    except ValueError as exc:  # the integer digit limit; its message names the limit
        reason = str(exc).split(";")[0]
    doc = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    raise json.JSONDecodeError(reason, doc[:100], 0) from None


# Three-letter (ISO 639-2/3) codes some exports use for the languages read here.
_TWO_LETTER = {
    "por": "pt",
    "spa": "es",
    "ita": "it",
    "rus": "ru",
    "fas": "fa",
    "per": "fa",
    "pes": "fa",
    "eng": "en",
}


def lang_code(value: object) -> str | None:
    """``pt-BR`` → ``pt``, ``por`` → ``pt``; anything that is not a language code → None."""
    if not isinstance(value, str):
        return None
    head = value.strip().replace("_", "-").split("-")[0].lower()
    if not (head.isascii() and head.isalpha() and 2 <= len(head) <= 3):
        return None
    return _TWO_LETTER.get(head, head)


_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]+")


def as_number(value: object) -> float | None:
    """A finite number, or a string holding one (``"4"``, ``" 4.5 "``, ``"4,5"`` with the
    decimal comma of pt/es/it/ru exports — exports often quote ratings); None for anything
    else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        written = value.strip()
        if _DECIMAL_COMMA.fullmatch(written):
            written = written.replace(",", ".")
        try:
            value = float(written)
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


# Bytes a UTF-8 decoder could not read, as errors="surrogateescape" leaves them in a line.
_UNDECODED = re.compile("[\udc80-\udcff]")
INPUT_ERRORS = "surrogateescape"  # how line-by-line commands open their input


def undecoded(line: str) -> str | None:
    """Why a line read with :data:`INPUT_ERRORS` is not text: its first byte that is not
    UTF-8 ("é" saved as Latin-1 or Windows-1252), or None for a line that decoded whole.
    Replacing such bytes would pass "P\ufffdssimo" on as if it were what the customer wrote."""
    found = _UNDECODED.search(line)
    if found is None:
        return None
    byte = ord(found.group()) - 0xDC00
    return f"not UTF-8 (byte 0x{byte:02X} at character {found.start() + 1}); save the file as UTF-8"


def unreadable(line: str) -> str | None:
    """Why a line of line-by-line input cannot be read at all: it is empty, or not UTF-8
    (:func:`undecoded`); None for a line worth parsing."""
    return "empty line" if not line.strip() else undecoded(line)


def on_five_stars(value: float, *, best: float, worst: float = 1) -> float:
    """``value`` on a ``worst..best`` scale mapped linearly onto 1..5 stars, unrounded (on
    1..10: 1 → 1, 8 → 4.11, 10 → 5). Collectors and rating fields read every scale so."""
    return 1 + (value - worst) * 4 / (best - worst)


def half_up(stars: float) -> int:
    """A fractional star rating as whole stars, a half rounded up (2.5 → 3, 4.5 → 5), the same
    way every collector reads one. Python's ``round`` rounds a half to even, which would read
    2.5 as a two-star (negative) rating but 3.5 as four stars."""
    return math.floor(stars + 0.5)
