"""Complaint topics, danger words, legal threats, unresolved problems and faulty items from a
per-language stem lexicon (``lexicon/topics.toml``).

Stems and texts are compared in their folded form (:func:`reputation.core.text.fold`): a
text typed without accents ("nao chegou", "atencion al cliente"), in full-width letters or
with zero-width characters inside words matches the stems written properly, and so does a
word with letters stretched for emphasis ("reembooolso", "poliiicia"). A ZWNJ inside a
Persian stem may be written as a ZWNJ, a space or nothing, and an apostrophe as any of
' ’ ʼ ` or none ("where's", "where’s", "wheres").
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from reputation.core.text import fold, lang_code
from sentiment.leet import unleet
from sentiment.translit import is_translit, to_cyrillic

DANGER = "danger"
THREAT = "threat"
UNRESOLVED = "unresolved"
FAULT = "fault"
CHARGE = "charge"
ACCUSATION = "accusation"
WARNING = "warning"
NO_COMPLAINT = "no_complaint"
# Sections that are no complaint topic.
NOT_TOPICS = frozenset(
    {DANGER, THREAT, UNRESOLVED, FAULT, CHARGE, ACCUSATION, WARNING, NO_COMPLAINT}
)


@cache
def sections() -> dict[str, dict[str, list[str]]]:
    """``lexicon/topics.toml`` as written: each section's stems per language."""
    return tomllib.loads(
        resources.files("sentiment").joinpath("lexicon/topics.toml").read_text(encoding="utf-8")
    )


ONLY = "_only"  # "pt_only": stems met only in texts of that language or of none known


@cache
def lexicon() -> dict[str, tuple[list[str], list[str]]]:
    """Each topic's stems and exceptions (written "-stem"), as written, over every language;
    the stems include every "<lang>_only" list."""
    return {topic: _stems(by_lang, None) for topic, by_lang in sections().items()}


def _stems(by_lang: dict[str, list[str]], scope: str | None) -> tuple[list[str], list[str]]:
    """A section's stems and exceptions for texts of language ``scope``: every common list,
    and of the "<lang>_only" lists that language's (None: the language is unknown, all)."""
    listed = [
        stem
        for key, stems in by_lang.items()
        if not key.endswith(ONLY) or scope is None or key == scope + ONLY
        for stem in stems
    ]
    return (
        [stem for stem in listed if not stem.startswith("-")],
        [stem[1:] for stem in listed if stem.startswith("-")],
    )


def _scope(lang: str | None) -> str | None:
    """Whose "<lang>_only" stems a text meets: its language's ("pt-BR": Portuguese), if the
    lexicon has that language; none ("") for another; all (None) when it is unknown."""
    code = lang_code(lang)
    if code is None or code == "und":
        return None
    return code if code in _languages() else ""


@cache
def _languages() -> frozenset[str]:
    return frozenset(key.removesuffix(ONLY) for by_lang in sections().values() for key in by_lang)


@cache
def _patterns(scope: str | None = None) -> dict[str, re.Pattern[str]]:
    """One compiled pattern per topic, covering every language's stems and the
    "<lang>_only" stems of ``scope`` (:func:`_scope`)."""
    patterns = {}
    for topic, by_lang in sections().items():
        stems, exceptions = _stems(by_lang, scope)
        initials = "".join(sorted({fold(stem)[0] for stem in stems}))
        alternatives = "|".join(_word_pattern(stem) for stem in stems)
        # Checked once per position, before the alternatives: only a word start whose first
        # letter begins some stem tries them (a 1 MB text: 8 s when each alternative carried
        # its own word-start test, 0.2 s this way).
        start = rf"(?<!\w)(?=[{re.escape(initials)}])"
        if exceptions:
            start += "(?!" + "|".join(_word_pattern(stem) for stem in exceptions) + ")"
        patterns[topic] = re.compile(start + "(?:" + alternatives + ")")
    return patterns


def _word_pattern(stem: str) -> str:
    """A stem's pattern: the start of a word, or the whole word when it ends in "="."""
    return _stem_pattern(stem.rstrip("=")) + (r"(?!\w)" if stem.endswith("=") else "")


def _stem_pattern(stem: str) -> str:
    """Words of the folded stem apart by whitespace; the parts of a ZWNJ compound by any."""
    parts = [fold(part).split() for part in stem.split("\u200c")]
    return r"\s*".join(r"\s+".join(_escaped(word) for word in words) for words in parts)


_APOSTROPHE = "['’ʼ`]?"  # as typed: straight, typographic, modifier letter, backtick, none


def _escaped(word: str) -> str:
    return re.escape(word).replace("'", _APOSTROPHE)


# Topics whose mention its own words can deny: "not a scam" is no fraud complaint, and
# "no es una estafa, pero tardó un mes" no reason to call a lawyer's-desk emergency.
DENIABLE = frozenset(
    {"fraud", "safety", DANGER, THREAT, UNRESOLVED, FAULT, CHARGE, ACCUSATION, WARNING}
)
# A word that denies what follows it, then at most a verb or article or two.
_CUE = (
    r"not|isn[\'’]?t|wasn[\'’]?t|aren[\'’]?t|weren[\'’]?t|never|without|nothing|none|"  # en
    r"can[\'’]?t|cannot|couldn[\'’]?t|"  # en: "can't stay away"
    r"nao|nem|nunca|sem|nenhum|nenhuma|nada|"  # pt (folded: não → nao)
    r"ni|sin|ningun|ninguna|ninguno|"  # es ("nada" above)
    r"non|mai|senza|nessun|nessuna|nessuno|nulla|niente|"  # it
    r"не|ни|нет|без|никакого|никакой|никаких|ничего|"  # ru
    r"بدون|هیچ"  # fa: without, no
)
# "No" as a determiner, which may take its noun before the verb: "nenhuma peça veio
# quebrada", "ningún vaso llegó roto", "nessun pezzo è arrivato rotto".
_NONE_OF = (
    r"(?:nenhum|nenhuma|ningun|ninguna|ninguno|nessun|nessuna|nessuno|никакой|никакая|"
    r"никакое|никакие|ни\s+один|ни\s+одна|ни\s+одно)\s+\w+"
)
_FILLER = (
    r"is|was|are|a|an|any|e|foi|era|eh|sao|houve|um|uma|es|son|fue|hay|hubo|un|una|uno|sono|"
    r"было|это|"
    # Pronouns between a denial and its verb: "non lo sconsiglio", "nunca la desaconsejé".
    r"lo|la|li|le|gli|ne|los|las|les"
)
# "no" denies only before a verb ("no es una estafa", "no hay peligro", "no fraud was"): in
# Portuguese "no" is "in the", and "vou entrar no Procon" is a claim, not a denial.
_NO_VERB = r"no\s+(?:is|was|es|son|fue|era|eran|hay|hubo)"
# Spanish says "I won't" with "no", the object pronoun, then "voy a" or "pienso":
# "no voy a demandar", "no los pienso denunciar" (Portuguese says "não").
_ES_PRONOUN = r"lo|los|la|las|les|le"
_ES_INTENT = r"voy|vamos|pienso|pensamos"
_NO_INTENT = rf"no(?:\s+(?:{_ES_PRONOUN}))?\s+(?:{_ES_INTENT})(?:\s+a)?"
_DENIED_BEFORE = re.compile(
    rf"(?<!\w)(?:{_CUE}|{_NONE_OF}|{_NO_VERB}|{_NO_INTENT})(?:\s+(?:{_FILLER}))*\s+$"
)
# Where a threat's own words start with that verb or pronoun ("voy a demandar", "los voy a
# denunciar"), or a fault's with the Spanish verb of arriving ("llegó roto", "me llegó otro
# producto"), its "no" sits right before the mention. Only there: a bare "no" before any
# other mention is Portuguese "in the" ("entrei no juizado").
_ES_ARRIVED = r"llego|llegaron|vino|vinieron"
_NO_BEFORE = re.compile(r"(?<!\w)no\s+$")
_VERB_FIRST = re.compile(rf"(?:{_ES_INTENT}|{_ES_PRONOUN}|{_ES_ARRIVED}|me)\s")
_DENIED_AFTER = re.compile(r"\w*\s+(?:نیست|نبود|نیستند|نبودند|نمی\s*باشد)(?!\w)")
_SENTENCE_END = re.compile(r"[.!?\n]")


def _denied(text: str, match: re.Match[str]) -> bool:
    """True when the words around a mention deny it, and its sentence asks nothing (\"isn't
    this a scam?\" and \"não é golpe isso?\" still claim one)."""
    end = _SENTENCE_END.search(text, match.end(), match.end() + 300)
    if end is not None and end.group() == "?":
        return False
    before = text[max(0, match.start() - 40) : match.start()]
    return bool(
        _DENIED_BEFORE.search(before)
        or (_NO_BEFORE.search(before) and _VERB_FIRST.match(match.group()))
        or _DENIED_AFTER.match(text, match.end())
    )


MAX_DENIED = 100  # a text denying the same thing more often than this is read as saying it


def _mentioned(topic: str, pattern: re.Pattern[str], text: str) -> bool:
    if topic not in DENIABLE:
        return pattern.search(text) is not None
    for seen, match in enumerate(pattern.finditer(text)):
        if seen == MAX_DENIED or not _denied(text, match):
            return True
    return False


_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


def forms_of(text: str) -> list[str]:
    """The forms of ``text`` the stems are matched in: folded, and, when letters are
    stretched for emphasis ("reembooolso", "poliiicia"), also with each stretch cut to one
    letter and to two (a stem with a double letter, "reembols", is met by one of them).
    Leetspeak ("r33mb0ls0", "p0l1c14") is read as letters in a form of its own
    (:func:`sentiment.leet.unleet`). Fold once, then ask :func:`topics_in` and
    :func:`danger_in`."""
    text = fold(text)
    forms = [text]
    if (lettered := unleet(text)) != text:
        forms.append(lettered)
    if _STRETCHED.search(text) is not None:
        forms += [_STRETCHED.sub(r"\1", text), _STRETCHED.sub(r"\1\1", text)]
    if is_translit(text):
        forms.append(fold(to_cyrillic(text)))  # "vernite dengi": "верните деньги"
    return forms


def topics_in(forms: list[str], lang: str | None = None) -> list[str]:
    """Complaint topics mentioned in a text's :func:`forms_of`, in lexicon order; a fraud or
    safety mention its own words deny ("not a scam", "не обман", "کلاهبرداری نیست") does not
    count. ``lang``, the text's language, decides which "<lang>_only" stems it meets (all
    when unknown)."""
    return [topic for topic in _patterns() if topic not in NOT_TOPICS and _said(topic, forms, lang)]


def danger_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` mention injury, poisoning, fire, fraud, lawyers,
    police... and do not deny it in the same words ("no es una estafa")."""
    return _said(DANGER, forms, lang)


def threat_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` say the customer will take the business to court,
    a lawyer, the police or a consumer agency ("vou processar", "подам в суд", "I'll sue
    you"), and do not deny it ("não vou processar")."""
    return _said(THREAT, forms, lang)


def unresolved_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` say the customer's problem is still open: they
    want their money back ("quero o meu dinheiro de volta", "верните деньги") or are still
    waiting for the order or the refund ("ainda não recebi", "still waiting for my refund")."""
    return _said(UNRESOLVED, forms, lang)


def fault_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` say what the customer received is faulty: it
    arrived broken, damaged, defective, used, expired or incomplete, or is not what they
    ordered ("veio quebrado", "llegó roto", "arrivato danneggiato", "пришёл с браком",
    "sent me the wrong size"), and do not deny it ("não veio quebrado")."""
    return _said(FAULT, forms, lang)


def charge_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` say the customer was charged wrongly: twice, more
    than was due, or without consent ("cobraram duas vezes", "me cobraron de más", "списали
    деньги дважды", "charged twice"), and do not deny it ("não cobraram duas vezes")."""
    return _said(CHARGE, forms, lang)


def accusation_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` call someone thieves, swindlers or liars
    ("ladri", "жулики", "truffa", "liars") and do not deny it ("não são ladrões")."""
    return _said(ACCUSATION, forms, lang)


def warning_in(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` warn others off ("sconsiglio", "обходите
    стороной", "stay away"), write the money off ("soldi buttati", "dinero tirado") or say
    the customer will not be back ("mai più da", "больше не закажу"), and do not deny it
    ("non lo sconsiglio", "not a waste of money")."""
    return _said(WARNING, forms, lang)


def no_complaint_alone(forms: list[str], lang: str | None = None) -> bool:
    """True when a text's :func:`forms_of` are nothing but "nothing to complain about" or "not
    bad" ("Nada a reclamar!", "Non male", "Претензий нет"), give or take spaces and ``.,;:!…``."""
    pattern = _alone(_scope(lang))
    return any(pattern.fullmatch(form) for form in forms)


# What may stand around such a phrase: spaces and sentence punctuation, not a question mark
# ("Sem problemas?") or an emoji ("Nada a reclamar 🙄"), which can turn its meaning.
_AROUND = r"[\s.,;:!…]*"


@cache
def _alone(scope: str | None) -> re.Pattern[str]:
    stems, _ = _stems(sections()[NO_COMPLAINT], scope)
    return re.compile(_AROUND + "(?:" + "|".join(map(_word_pattern, stems)) + ")" + _AROUND)


def _said(section: str, forms: list[str], lang: str | None = None) -> bool:
    """True when one of a text's :func:`forms_of` mentions ``section`` undenied."""
    pattern = _patterns(_scope(lang))[section]
    return any(_mentioned(section, pattern, form) for form in forms)


def topics_of(text: str, lang: str | None = None) -> list[str]:
    """:func:`topics_in` of ``text``."""
    return topics_in(forms_of(text), lang)


def has_danger_words(text: str, lang: str | None = None) -> bool:
    """:func:`danger_in` of ``text``."""
    return danger_in(forms_of(text), lang)
