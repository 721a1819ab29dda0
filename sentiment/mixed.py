"""Mixed reviews: praise, then "but" and a complaint.

"O celular é bom! Mas não recomendo comprar por esse site, a entrega demora" reads neutral as
a whole, and the star-rated sets the model learnt from label such reviews neutral or
positive, so nothing would flag it, and a brand that thanks positive reviews would answer
"Que alegria ler isso!". The complaint sits in the clause after the last contrast word
("mas", "pero", "però", "но", "اما", "but", "unfortunately"...): the model reads that clause
on its own, and a clause that reads negative flags the review (``mixed_complaint`` in
:mod:`sentiment.rules`).

Only the closing clause: the part before "but" is often a concession or the story so far
("No pude comentar, pero...", "Los encontré por accidente. Pero qué lugar"), and read alone
it flagged far more texts that hold no complaint (MODEL_CARD.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from reputation.core.models import Label
from reputation.core.protocols import SentimentModel, TextScore
from sentiment.language import language_of

# Words that open the clause a review's complaint usually follows, per language. Only words
# that turn the text ("but", "however", "unfortunately", "the only problem") or head its
# list of faults ("Недостатки:", "Contras:", the cons of a pros-and-cons form): not "only"
# or "just" ("apenas", "только", "فقط"), which more often limit praise than start a
# complaint, not Italian "difetti" ("nessun difetto"), and not Spanish "mas", which is "más"
# typed without its accent.
CONTRAST: dict[str, list[str]] = {
    lang: words.split(", ")
    for lang, words in {
        "pt": "mas, porém, porem, entretanto, contudo, todavia, no entanto, só que, so que, "
        "infelizmente, lamentavelmente, pena que, o problema, o único problema, "
        "o unico problema, o único defeito, o unico defeito, o ruim, contras, "
        "pontos negativos, ponto negativo",
        "es": "pero, sin embargo, no obstante, lamentablemente, desafortunadamente, lo malo, "
        "lo único malo, lo unico malo, el problema, el único problema, el unico problema, "
        "solo que, sólo que, contras, puntos negativos, lo negativo",
        "it": "ma, però, pero, tuttavia, purtroppo, peccato che, peccato, il problema, "
        "l'unico problema, unico difetto, solo che, punti negativi",
        "ru": "но, однако, а вот, к сожалению, жаль, единственный минус, единственное, "
        "из минусов, проблема, недостатки, минусы",
        "fa": "اما, ولی, منتها, متاسفانه, متأسفانه, حیف",
        "en": "but, however, unfortunately, sadly, the only problem, the problem",
    }.items()
}
MIN_WORDS = 3  # "mas demorou" is too little to read alone; "mas veio quebrado" is not
MIXED_NEGATIVE = 0.6  # the clause's negative probability that flags the review


def _word(word: str, lang: str) -> str:
    """A contrast word's pattern: words apart by any whitespace, an apostrophe as typed;
    Persian with either ye (ی, ي) and stretched with tatweel or not ("ولــی")."""
    if lang == "fa":
        pattern = "\u0640*".join("[یي]" if char in "یي" else re.escape(char) for char in word)
    else:
        pattern = re.escape(word).replace("'", "['’]?")
    return pattern.replace(r"\ ", r"\s+")


@cache
def _pattern(lang: str) -> re.Pattern[str] | None:
    words = CONTRAST.get(lang)
    if not words:
        return None
    alternatives = "|".join(_word(w, lang) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def closing_clause(text: str, lang: str) -> str | None:
    """The text from its last contrast word on, when the text is in a language with a
    contrast list and the clause holds at least :data:`MIN_WORDS` words; else None."""
    pattern = _pattern(lang)
    return None if pattern is None else clause_after(pattern, text)


def clause_after(pattern: re.Pattern[str], text: str) -> str | None:
    """The text from the last match of ``pattern`` on, when that is not the text's start and
    holds at least :data:`MIN_WORDS` words; else None."""
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    if last is None or last.start() == 0:
        return None  # no contrast, or one that opens the text: the text is the clause
    clause = text[last.start() :].strip()
    return clause if len(clause.split()) >= MIN_WORDS else None


async def score_reviews(
    model: SentimentModel,
    texts: Sequence[str],
    kinds: Sequence[str | None] | None = None,
    langs: Sequence[str | None] | None = None,
) -> list[TextScore]:
    """``model.score`` of ``texts``, and for each text that does not read negative but has a
    :func:`closing_clause`, that clause's negative probability as ``closing`` (one more call
    to the model, for those clauses only)."""
    scores = await model.score(texts, kinds, langs)
    given = list(langs) if langs else [None] * len(texts)
    todo: list[tuple[int, str, str]] = []
    for i, (text, score) in enumerate(zip(texts, scores, strict=True)):
        if score.label is Label.NEGATIVE:
            continue
        lang = language_of(text, given[i])
        if (clause := closing_clause(text, lang)) is not None:
            todo.append((i, clause, lang))
    if not todo:
        return scores
    read = await model.score(
        [clause for _, clause, _ in todo],
        [kinds[i] for i, _, _ in todo] if kinds else None,
        [lang for _, _, lang in todo],
    )
    for (i, _, _), clause_score in zip(todo, read, strict=True):
        scores[i] = replace(scores[i], closing=clause_score.scores.get(Label.NEGATIVE.value, 0.0))
    return scores
