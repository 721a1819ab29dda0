"""Escape sequences written out as text: a review encoded for JSON (or by Python's repr) one
time too many, by an export or a script, arrives as "P\\u00e9ssimo atendimento, n\\u00e3o
recomendo" — to the model a backslash, a "u" and digits where each letter was: that review
read *positive* (0.91), and Russian so written read neutral and Italian.

:func:`unescaped` reads them back when a text holds one that names a letter beyond ASCII:
``\\uXXXX`` (a pair of them for a character beyond the BMP, as JSON writes "😡"),
``\\UXXXXXXXX``, and runs of ``\\xXX`` (the UTF-8 bytes Python's repr of ``bytes`` shows, or
Latin-1 letters); then the other escapes such an encoding leaves (``\\n``, ``\\t``, ``\\"``,
``\\/``, ``\\\\``). A text with no such escape is left alone: "C:\\new\\test", a regex or
"\\o/" keep their backslashes.

Percent-encoding is read the same way. A review that went through a URL or a web form on
its way ("P%C3%A9ssimo+atendimento%2C+n%C3%A3o+recomendo") read positive (0.88). Runs of
``%XX`` are read as UTF-8 (and JavaScript's ``%uXXXX``) when one of them names a letter
beyond ASCII, or when a text with no space joins its words with "+" or "%20"; in such a
text "+" is a space, as a form writes it. "100%", "50%OFF" or "Paguei+caro%20demais" in a
sentence stay as written.
"""

from __future__ import annotations

import re

_UNICODE = r"\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}"
_BYTES = r"(?:\\x[0-9a-fA-F]{2})+"
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "/": "/", "\\": "\\"}
_ESCAPE = re.compile(rf"(?:{_UNICODE})+|{_BYTES}|\\[ntr\"'/\\]")
_ANY_CODE = re.compile(rf"{_UNICODE}|\\x[0-9a-fA-F]{{2}}")
_CODE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")
_HEX_BYTE = re.compile(r"\\x([0-9a-fA-F]{2})")
# A run of percent-escaped bytes, or JavaScript's escape() of one UTF-16 unit.
_PERCENT_RUN = r"(?:%[0-9a-fA-F]{2})+|(?:%u[0-9a-fA-F]{4})+"
# A link keeps its escapes: they are how a URL is written, not how the review was stored.
_PERCENT = re.compile(rf"(?P<link>(?:https?://|www\.)\S+)|{_PERCENT_RUN}", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s")
# Words joined by what a form or a URL writes for a space, in a text with no space of its own.
_FORM_SPACE = re.compile(r"[^\W\d_](?:\+|%20)[^\W\d_]")


def _code_points(run: str) -> str:
    """A run of ``\\u`` escapes as text, surrogate pairs joined; a lone surrogate or a code
    beyond Unicode stays as written."""
    units = [int(a or b, 16) for a, b in _CODE.findall(run)]
    chars: list[str] = []
    i = 0
    while i < len(units):
        unit = units[i]
        low = units[i + 1] if i + 1 < len(units) else 0
        if 0xD800 <= unit < 0xDC00 and 0xDC00 <= low < 0xE000:
            chars.append(chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)))
            i += 2
            continue
        if 0xD800 <= unit < 0xE000 or unit > 0x10FFFF:
            return run
        chars.append(chr(unit))
        i += 1
    return "".join(chars)


def _bytes(run: str) -> str:
    raw = bytes(int(h, 16) for h in _HEX_BYTE.findall(run))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read(match: re.Match[str]) -> str:
    escape = match.group()
    if escape.startswith(("\\u", "\\U")):
        return _code_points(escape)
    if escape.startswith("\\x"):
        return _bytes(escape)
    return _SIMPLE[escape[1]]


def unescaped(text: str) -> str:
    """``text`` with its escape sequences read, when one of them stands for a character
    beyond ASCII ("P\\u00e9ssimo" → "Péssimo", "\\u0423\\u0436\\u0430\\u0441" → "Ужас",
    "P\\xc3\\xa9ssimo" → "Péssimo", "\\ud83d\\ude21" → "😡"; "\\n" then a line break), then
    its percent escapes (:func:`percent_decoded`)."""
    return percent_decoded(_backslashes_read(text))


def _backslashes_read(text: str) -> str:
    if "\\" not in text or _ANY_CODE.search(text) is None:
        return text
    beyond_ascii = False

    def read(match: re.Match[str]) -> str:
        nonlocal beyond_ascii
        written = _read(match)
        beyond_ascii = beyond_ascii or (match.group()[1] in "uUx" and not written.isascii())
        return written

    read_text = _ESCAPE.sub(read, text)
    return read_text if beyond_ascii else text


def _percent_run(run: str) -> str:
    """A run of percent escapes as text; one that is not UTF-8 (or a lone surrogate) stays
    as written."""
    if run.startswith("%u"):
        read = _code_points(run.replace("%u", "\\u"))
        return run if read.startswith("\\u") else read
    try:
        return bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return run


def percent_decoded(text: str) -> str:
    """``text`` with its percent escapes read, when one of them stands for a character
    beyond ASCII ("P%C3%A9ssimo+atendimento" → "Péssimo atendimento",
    "%D0%A3%D0%B6%D0%B0%D1%81" → "Ужас"), or when the text has no space and joins words
    with "+" or "%20" as a form or a URL writes them ("Servizio+pessimo%2C+mai+pi%C3%B9",
    "Terrible%20service"). "+" is a space only in a text with no other."""
    if "%" not in text and "+" not in text:
        return text
    spaceless = _WHITESPACE.search(text) is None
    beyond_ascii = False

    def read(match: re.Match[str]) -> str:
        nonlocal beyond_ascii
        if match["link"]:
            return match[0]
        written = _percent_run(match[0])
        beyond_ascii = beyond_ascii or not written.isascii()
        return written

    read_text = _PERCENT.sub(read, text)  # decides, and is the answer where "+" stays
    if not (beyond_ascii or (spaceless and _FORM_SPACE.search(text))):
        return text
    if not spaceless:
        return read_text
    # A form's text: "+" is a space, replaced before reading (a written "+" is "%2B").
    return _PERCENT.sub(read, text.replace("+", " "))
