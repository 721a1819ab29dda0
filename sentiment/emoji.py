"""Emoji the encoder's vocabulary lacks, read as ones it knows that mean the same.

The XLM-R vocabulary (250,002 pieces, shared by multilingual-e5 and the XLM-R sentiment
models on the hub) predates many emoji that angry and happy customers use now: 🤬, 🤮, 🤢,
💩, 🖕 and 🥳 are each one unknown piece, which the model reads the same as any other —
so "🤬🤬🤬" scored neutral. Each emoji below with a clear feeling is read as the nearest one
the vocabulary has (🤬 → 😡, 🤮 → 😖, 🥳 → 🎉). Emoji whose feeling depends on the
reader (🥺, 🥲, 🤯, 🫠) are left alone.

A run of one emoji longer than :data:`MAX_RUN` is read as :data:`MAX_RUN` of it: up to 30
"😡" read more negative the more there are, but 255 of them (a comment filled to the limit)
read positive — nothing like it was in training. Figures: sentiment/MODEL_CARD.md,
"Robustness".
"""

from __future__ import annotations

import re

STAND_INS: dict[str, str] = {
    # anger, insult
    "🤬": "😡",  # face with symbols on mouth
    "😾": "😠",  # pouting cat
    "🙎": "😠",  # person pouting
    "🖕": "😡",  # middle finger
    "💩": "👎",  # pile of poo
    # disgust, illness, injury (food safety complaints)
    "🤢": "😖",  # nauseated face
    "🤮": "😖",  # face vomiting
    "🤒": "😷",  # face with thermometer
    "🤕": "😷",  # face with head-bandage
    "🥴": "😵",  # woozy face
    # sadness, disappointment
    "😿": "😢",  # crying cat
    "🙍": "🙁",  # person frowning
    "😧": "😦",  # anguished face
    "🫤": "😕",  # face with diagonal mouth
    # joy, love
    "🥳": "🎉",  # face with party horn and hat
    "🤍": "❤",  # white heart
    "🤎": "❤",  # brown heart
    "🫶": "❤",  # heart hands
    "😸": "😄",  # grinning cat with smiling eyes
    "😺": "😃",  # smiling cat with open mouth
    "😽": "😚",  # kissing cat
}
_TABLE = str.maketrans(STAND_INS)
# Every key lies in this block (a test keeps it so); a range is searched ten times faster
# than the keys listed.
BLOCK = re.compile("[\U0001f300-\U0001faff]")


MAX_RUN = 10
# One emoji (pictographs, dingbats and symbols, with its variation selector or skin tone)
# repeated more than MAX_RUN times.
_RUN = re.compile(
    f"([\u2600-\u27bf\U0001f300-\U0001faff][\ufe0f\U0001f3fb-\U0001f3ff]?)\\1{{{MAX_RUN},}}"
)


def known_emoji(text: str) -> str:
    """``text`` with each emoji of :data:`STAND_INS` written as its stand-in, and no emoji
    repeated more than :data:`MAX_RUN` times in a row."""
    if BLOCK.search(text):
        text = text.translate(_TABLE)
    return _RUN.sub(lambda run: run.group(1) * MAX_RUN, text)
