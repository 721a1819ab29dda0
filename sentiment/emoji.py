"""Emoji the encoder's vocabulary lacks, read as ones it knows that mean the same.

The XLM-R vocabulary (250,002 pieces, shared by multilingual-e5 and the XLM-R sentiment
models on the hub) predates many emoji that angry and happy customers use now: 🤬, 🤮, 🤢,
💩, 🖕 and 🥳 are each one unknown piece, which the model reads the same as any other —
so "🤬🤬🤬" scored neutral. Each emoji below with a clear feeling is read as the nearest one
the vocabulary has (🤬 → 😡, 🤮 → 😖, 🥳 → 🎉). Emoji whose feeling depends on the
reader (🥺, 🥲, 🤯, 🫠) are left alone. Figures: sentiment/MODEL_CARD.md, "Robustness".
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


def known_emoji(text: str) -> str:
    """``text`` with each emoji of :data:`STAND_INS` written as its stand-in."""
    return text.translate(_TABLE) if BLOCK.search(text) else text
