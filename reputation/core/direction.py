"""Text stored in one order and read in another: put back in the order a reader reads it.

- A right-to-left override (U+202E) makes a screen draw the letters after it from right to
  left. Typed before a word spelled backwards, it shows the word as written: "\\u202eomissép"
  is "péssimo" on screen, and "omissép" to anything that reads the stored characters — the
  model, the topic and danger-word lists, search. It is how a complaint is slipped past a
  word filter (:func:`as_displayed`).
- "Upside-down text" generators write each letter as one that looks like it turned upside
  down (ɐ for a, ǝ for e, ɹ for r, ʇ for t, ∀ for A) and the text backwards, so that it reads
  right on a phone held upside down: "ǝlqᴉɹɹoɥ" is "horrible" (:func:`upright`).
"""

from __future__ import annotations

import re

RLO = "\u202e"  # right-to-left override
PDF = "\u202c"  # pop directional formatting: the override ends here or at the line's end
_OVERRIDDEN = re.compile(f"{RLO}([^{PDF}\n]*){PDF}?")

# A character and the combining marks written after it stay together when a text is turned
# round: the accent of "é" typed as "e" + U+0301 is drawn on the e either way.
_MARK = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_ANY_MARK = re.compile(_MARK)
_CLUSTER = re.compile(f"(?s).{_MARK}*")
# Right to left, a screen draws each bracket as its mirror image.
_MIRROR = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))
_BRACKET = re.compile("[()\\[\\]{}<>«»]")


def _mirrored(text: str) -> str:
    return _BRACKET.sub(lambda m: _MIRROR[m[0]], text)


def _backwards(text: str) -> str:
    if _ANY_MARK.search(text) is None:
        return text[::-1]
    return "".join(reversed(_CLUSTER.findall(text)))


# Letters of the scripts written right to left: Hebrew, Arabic (Persian), Syriac, Thaana,
# N'Ko, Samaritan, Mandaic, and their presentation forms.
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]" + r"(?<=[^\W\d_])")


def _right_to_left_script(text: str) -> bool:
    """Most letters of ``text`` are of a script written right to left, which an override
    leaves in the order typed."""
    return 2 * len(_RTL_LETTER.findall(text)) > sum(map(str.isalpha, text))


def _as_drawn(match: re.Match[str]) -> str:
    span = match[1]
    return span if _right_to_left_script(span) else _mirrored(_backwards(span))


def as_displayed(text: str) -> str:
    """``text`` in the order a screen shows it: each stretch after a right-to-left override,
    up to the end of the override or of the line, turned round, without the override
    ("Serviço \\u202eomissép\\u202c!" → "Serviço péssimo!"). A stretch in a right-to-left
    script is shown in the order it was typed, and stays so."""
    return _OVERRIDDEN.sub(_as_drawn, text) if RLO in text else text


# What upside-down generators write for each character turned, and the character it is.
# "q" is a turned "b" and "b" a turned "q": in a turned line every character maps back.
_TURNED_LETTERS = {
    "ɐ": "a", "q": "b", "ɔ": "c", "p": "d", "ǝ": "e", "ɟ": "f", "ƃ": "g", "ᵷ": "g", "ɥ": "h",
    "ᴉ": "i", "ı": "i", "ɾ": "j", "ʞ": "k", "ן": "l", "ɯ": "m", "u": "n", "d": "p", "b": "q",
    "ɹ": "r", "ʇ": "t", "n": "u", "ʌ": "v", "ʍ": "w", "ʎ": "y",
    "∀": "A", "ᗺ": "B", "Ɔ": "C", "ᗡ": "D", "Ǝ": "E", "Ⅎ": "F", "⅁": "G", "ſ": "J", "Ʞ": "K",
    "˥": "L", "W": "M", "Ԁ": "P", "ᴚ": "R", "┴": "T", "⊥": "T", "Ʇ": "T", "∩": "U",
    "Ʌ": "V", "Λ": "V", "M": "W", "⅄": "Y",
    "Ɩ": "1", "ᄅ": "2", "Ɛ": "3", "ㄣ": "4", "ϛ": "5", "9": "6", "ㄥ": "7", "6": "9",
    "¡": "!", "¿": "?", "˙": ".", "'": ",", ",": "'", "„": '"', "⅋": "&", "‾": "_",
    "(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<",
}  # fmt: skip
_UPRIGHT = str.maketrans(_TURNED_LETTERS)
# The turned letters no language read here writes: only a turned text holds several.
_ONLY_TURNED = "ɐɔǝɟƃᵷɥᴉɾʞɯɹʇʌʍʎ∀ᗺƆᗡƎℲ⅁Ʞ˥ԀᴚɅ┴∩⅄"
_ANY_TURNED = re.compile(f"[{_ONLY_TURNED}]")
# Latin letters a turned text does not hold: each is written turned.
_UPRIGHT_ONLY = re.compile("[acefghijkmrtvwyACDEFGJKLPRTUVY]")
MIN_TURNED = 3


def _turned(line: str) -> bool:
    """Most of ``line``'s letters that look different upside down are turned ones."""
    turned = len(_ANY_TURNED.findall(line))
    return turned >= MIN_TURNED and turned > 2 * len(_UPRIGHT_ONLY.findall(line))


def upright(text: str) -> str:
    """``text`` with each line written upside down by a generator turned back: its letters
    the right way up and in reading order ("¡ǝlqᴉɹɹoɥ oᴉɔᴉʌɹǝS" → "Servicio horrible!"); a
    text turned whole has its lines put back in order too.
    A line is taken as turned when it holds :data:`MIN_TURNED` or more letters only a turned
    text holds, over twice as many as letters a turned text does not hold."""
    if _ANY_TURNED.search(text) is None:
        return text
    lines = text.split("\n")
    turned = [_turned(ln) for ln in lines]
    if all(t or not ln.strip() for t, ln in zip(turned, lines, strict=True)):
        return _backwards(text).translate(_UPRIGHT)  # the lines come last first, too
    return "\n".join(
        _backwards(ln).translate(_UPRIGHT) if t else ln for t, ln in zip(turned, lines, strict=True)
    )
