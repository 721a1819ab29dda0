"""Turn a model's scores, the star rating and the words used into a flag, topics and severity.

Flag reasons:
- ``negative_text``: the text reads negative;
- ``low_rating``: one or two stars;
- ``rating_text_mismatch``: four or five stars over clearly negative text ("hidden pain");
- ``legal_threat``: the customer says they will sue, call the police or go to a consumer
  agency, however calm the words read ("Vou processar vocês" reads neutral to the model).
  Such an item is critical.
- ``unresolved``: the customer says the problem is still open — they want their money back,
  never got the order, or are still waiting for it, the refund or an answer ("Quero o meu
  dinheiro de volta" reads neutral, "Rivoglio i miei soldi" positive). Such an item is at
  least medium.
- ``faulty_item``: the customer says what they received is faulty — it arrived broken,
  damaged, defective, used, expired or incomplete, or is not what they ordered ("Producto
  llegó roto, pero el vendedor fue amable" reads neutral, "Il prodotto è arrivato rotto ma il
  venditore è stato gentile" positive). Such an item is at least medium.
- ``wrong_charge``: the customer says they were charged wrongly — twice, more than was due,
  or without consent — or their money was taken for an order that never went through
  ("Списали деньги дважды, в поддержке отвечают шаблонами" reads positive). Such an item is
  at least medium.
- ``mixed_complaint``: the text as a whole does not read negative, but its closing "but ..."
  clause does ("O produto é bom, porém a entrega atrasou duas semanas":
  :mod:`sentiment.mixed`). Its topics are that clause's, so the praise before "but" neither
  routes the alert nor shapes the reply. The label stays the text's.
- ``accusation``: a text of at most three words calls the business thieves, swindlers or
  liars ("Ladri", "Жулики", "Truffa!", "Liars"); the model reads several of these neutral.
  Such an item is at least high. Links, @handles and #hashtags are not counted as words
  here and below: "@brand ladri! #vergogna" is one word.
- ``advises_against``: a text of at most five words warns others off ("Sconsiglio
  vivamente", "Обходите стороной", "Stay away"), writes the money off ("Soldi buttati",
  "Dinero tirado") or says the customer will not be back ("Mai più da questo ristorante");
  the model read "Sconsiglio vivamente" 0.82 positive and "Обходите стороной" neutral. Such
  an item is at least medium.

A text that is nothing but "nothing to complain about" or "not bad" ("Nada a reclamar",
"Non male", "Претензий нет") is labelled positive and not flagged for its words, however the
model reads it: the model can take the denied complaint word for a complaint.
"""

from __future__ import annotations

import re

from reputation.core.models import Label, Sentiment, Severity
from reputation.core.protocols import TextScore
from reputation.core.text import blank, lang_code
from sentiment.language import language_of
from sentiment.mixed import MIXED_NEGATIVE, closing_clause
from sentiment.stars import no_stars_said, rating_alone, stars_in
from sentiment.topics import (
    accusation_in,
    charge_in,
    danger_in,
    fault_in,
    forms_of,
    no_complaint_alone,
    threat_in,
    topics_in,
    unresolved_in,
    warning_in,
)

CLEARLY_NEGATIVE = 0.7
ACCUSATION_WORDS = 3  # the longest text whose accusation word alone flags it
WARNING_WORDS = 5  # the longest text whose warning ("Sconsiglio vivamente") alone flags it
SERIOUS_TOPICS = frozenset({"fraud", "safety"})
# A problem the customer still has, as its reason and the phrases that say it: each makes a
# flagged item at least medium, however calm the words read.
PROBLEMS = (
    ("unresolved", unresolved_in),
    ("faulty_item", fault_in),
    ("wrong_charge", charge_in),
)


def label_from_rating(rating: int | None) -> Label:
    if rating is None:
        return Label.NEUTRAL
    if rating <= 2:
        return Label.NEGATIVE
    return Label.NEUTRAL if rating == 3 else Label.POSITIVE


def assess(
    *,
    text: str,
    rating: int | None,
    lang: str | None,
    score: TextScore | None,
    model: str,
    content_hash: str = "",
    negative_threshold: float = 0.5,
    override: Label | None = None,
) -> Sentiment:
    """Combine the model's score (None when there is no text) with rating and lexicon rules.

    With no ``rating``, a row of star glyphs in the text is the rating
    (:func:`sentiment.stars.stars_in`: "★☆☆☆☆" is one star; "zero estrelas" is one too,
    :func:`sentiment.stars.no_stars_said`), and a text that is nothing but
    a rating ("★☆☆☆☆", "1/5": :func:`sentiment.stars.rating_alone`) is read as that rating.

    ``override`` is a human's label: it replaces the model's verdict on the text.
    """
    has_text = not blank(text)
    if not has_text:
        score = None  # a model's reading of nothing is no verdict: the rating is the review
    if rating is None and has_text:
        if (rating := rating_alone(text)) is not None:
            # Nothing but the stars or the score: they are the verdict, as a bare rating is.
            score, has_text = None, False
        else:
            rating = stars_in(text) or (1 if no_stars_said(text) else None)
    detected = _language(text, lang) if has_text else (lang_code(lang) or "und")
    if score is None:
        label = label_from_rating(rating)
        scores = {lbl.value: 1.0 if lbl is label else 0.0 for lbl in Label}
    else:
        label, scores = score.label, dict(score.scores)
    negativity = scores.get(Label.NEGATIVE.value, 0.0)
    negative_text = (
        has_text
        and score is not None
        and (negativity >= negative_threshold or label is Label.NEGATIVE)
    )
    forms = forms_of(text) if has_text else []  # folded once for every lexicon section
    satisfied = score is not None and override is None and no_complaint_alone(forms, detected)
    if satisfied:
        # "Nada a reclamar", "Non male": the complaint word is denied, and the model can miss
        # it (0.43 and 0.66 negative). A satisfied customer; the scores stay the model's.
        label, negative_text, negativity = Label.POSITIVE, False, min(negativity, 0.1)
    if override is not None:
        label, negative_text = override, has_text and override is Label.NEGATIVE
        # A person said "negative": treat it as clearly negative text, not as an extreme one.
        negativity = max(negativity, CLEARLY_NEGATIVE) if negative_text else min(negativity, 0.1)
    reasons = []
    if negative_text:
        reasons.append("negative_text")
    if rating is not None and rating <= 2:
        reasons.append("low_rating")
    if rating is not None and rating >= 4 and has_text and negativity >= CLEARLY_NEGATIVE:
        reasons.append("rating_text_mismatch")
    closing = score.closing if score is not None and override is None else None
    clause = (
        closing_clause(text, detected)
        if closing is not None and closing >= MIXED_NEGATIVE and not negative_text
        else None
    )
    if clause is not None:
        reasons.append("mixed_complaint")
    # "Nessun difetto" names no complaint: its "difetto" is denied.
    topics = [] if satisfied else topics_in(forms if clause is None else forms_of(clause), detected)
    threat = threat_in(forms, detected)
    if threat:
        reasons.append("legal_threat")
    problems = [reason for reason, said in PROBLEMS if said(forms, detected)]
    reasons += problems
    words = word_count(text, WARNING_WORDS)
    accused = words <= ACCUSATION_WORDS and accusation_in(forms, detected)
    if accused:
        reasons.append("accusation")
    warned = words <= WARNING_WORDS and warning_in(forms, detected)
    if warned:
        reasons.append("advises_against")
    flag = bool(reasons)
    severity = severity_of(
        flag=flag,
        rating=rating,
        negativity=negativity if has_text else 0.0,
        topics=topics,
        danger=threat or (flag and danger_in(forms, detected)),
        problem=bool(problems) or warned,
        accused=accused,
    )
    return Sentiment(
        label=label,
        scores=scores,
        lang=detected,
        flag=flag,
        reasons=reasons,
        topics=topics,
        severity=severity,
        model=model,
        content_hash=content_hash,
    )


def severity_of(
    *,
    flag: bool,
    rating: int | None,
    negativity: float,
    topics: list[str],
    danger: bool,
    problem: bool = False,
    accused: bool = False,
) -> Severity:
    """Critical: danger words (injury, fraud, lawyers...). High: one star or very negative
    text, a serious topic, or a short accusation ("Ladri"). Medium: any other flagged item
    with a complaint, or with a ``problem`` the customer still has (one still open, a faulty
    item or a wrong charge) or a short warning to others ("Sconsiglio vivamente"). Low: the
    rest."""
    if not flag:
        return Severity.LOW
    if danger:
        return Severity.CRITICAL
    if rating == 1 or negativity >= 0.9 or SERIOUS_TOPICS.intersection(topics) or accused:
        return Severity.HIGH
    if negativity >= 0.5 or rating == 2 or topics or problem:
        return Severity.MEDIUM
    return Severity.LOW


# What a post carries besides its words: links, @handles and #hashtags.
_NOT_WORDS = re.compile(r"(?:https?://|www\.|[@#])\S*", re.IGNORECASE)
_WORD = re.compile(r"\S+")


def word_count(text: str, most: int) -> int:
    """How many words ``text`` holds, links, @handles and #hashtags not counted ("@brand
    sconsiglio vivamente #truffa" is two), counting no further than ``most`` + 1: a 1 MB text
    is not split."""
    count = 0
    for match in _WORD.finditer(text):
        if not _NOT_WORDS.match(match.group()):
            count += 1
            if count > most:
                break
    return count


def _language(text: str, given: str | None) -> str:
    """The given language when the project reads it; otherwise what the text says, so a
    Persian comment a source tagged ``xx`` (or ``fr``) still gets a Persian reply; the given
    code (``fr-CA`` → ``fr``) when the text says nothing. A tag that is no language code
    ("klingon", "5 stars") is never passed on as one."""
    found = language_of(text, given)
    code = lang_code(given)
    return code if found == "und" and code else found
