"""Author names: which are a person's, and which a platform's stand-in for nobody in
particular ("A Google user", "Um usuário do Google", "Amazon Customer", "Anonymous",
"کاربر"). A reply never greets a stand-in by name, and a wave of them is one sign of a
coordinated burst (:mod:`responders.suspicion`)."""

from __future__ import annotations

import re

_STAND_IN = re.compile(
    r"^(?:(?:a|an|um|uma|un|una|uno|ein|eine)\s+)?"
    r"(?:(?:google|amazon|play|app\s+store)[\s-]+)?"
    r"(?:user|usuário|usuario|utente|utilisateur|nutzer|пользователь|покупатель|клиент|"
    r"гость|customer|cliente|client|buyer|comprador|acquirente|guest|gast|verified|"
    r"anonymous|anonym|anónimo|anonimo|anônimo|аноним|ناشناس|کاربر|مشتری|خریدار)\b",
    re.IGNORECASE,
)


def platform_stand_in(author: str) -> bool:
    """True for a platform's default name or an anonymous label, in any of its languages."""
    return bool(_STAND_IN.match(author.strip()))
