"""Mixed reviews: the clause after the last "but" is read on its own and can flag the review."""

import pytest

from reputation.core.models import Label, Severity
from reputation.core.protocols import TextScore
from sentiment.mixed import MIXED_NEGATIVE, closing_clause, score_reviews
from sentiment.rules import assess
from tests.fakes import ClauseModel, FakeSentimentModel

CLAUSES = [
    ("pt", "O produto é bom, porém veio com defeito", "porém veio com defeito"),
    ("pt", "Gostei muito. Mas a entrega demorou demais", "Mas a entrega demorou demais"),
    ("pt", "Bom, só que a caixa chegou amassada", "só que a caixa chegou amassada"),
    ("es", "Buena comida, sin embargo el servicio fue lento", "sin embargo el servicio fue lento"),
    ("it", "Ottimo, ma purtroppo la batteria dura poco", "purtroppo la batteria dura poco"),
    ("it", "Bella sedia, l’unico problema è lo schienale", "l’unico problema è lo schienale"),
    ("ru", "Отличный телефон, но доставка опоздала", "но доставка опоздала"),
    ("ru", "Вкусно. А вот курьер опоздал на час", "А вот курьер опоздал на час"),
    ("fa", "غذا خوشمزه بود ولی خیلی دیر رسید", "ولی خیلی دیر رسید"),
    ("fa", "غذا خوشمزه بود ولــی خیلی دیر رسید", "ولــی خیلی دیر رسید"),  # tatweel
    ("fa", "غذا خوشمزه بود ولي خیلی دیر رسید", "ولي خیلی دیر رسید"),  # Arabic ye
    ("en", "Great kettle but the lid broke in a week", "but the lid broke in a week"),
    # The cons of a pros-and-cons form.
    ("ru", "Достоинства: рядом Недостатки: очереди и хамство", "Недостатки: очереди и хамство"),
    ("pt", "Prós: bonito. Contras: a tampa não fecha", "Contras: a tampa não fecha"),
]


@pytest.mark.parametrize(("lang", "text", "clause"), CLAUSES)
def test_the_closing_clause_starts_at_the_last_contrast_word(lang, text, clause):
    assert closing_clause(text, lang) == clause


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pt", "Chegou rápido e funciona muito bem"),  # no contrast
        ("pt", "Muito bom, mas demorou"),  # too little to read alone
        ("pt", "Mas que produto maravilhoso, adorei"),  # the contrast opens the text
        ("es", "Llegó mas rapido de lo esperado, gracias"),  # "más" without its accent
        ("pt", "Demasiado bom, pero chegou"),  # Spanish "pero" in Portuguese is no contrast
        ("fr", "Bon produit, mais la livraison était lente"),  # no French list
        ("it", "Ottimo, nessun difetto da segnalare"),  # "difetti" is no contrast
        ("ru", "Отличный банк. Минусы: нет"),  # no cons to read
        ("und", "👍👍 but 👎👎 and more"),
    ],
)
def test_no_closing_clause(lang, text):
    assert closing_clause(text, lang) is None


def test_a_contrast_inside_a_word_is_no_contrast():
    assert closing_clause("Bom produto, mascara linda e macia demais", "pt") is None
    assert closing_clause("Хороший товар, нож острый и удобный очень", "ru") is None


def _neutral(closing):
    return TextScore(
        Label.NEUTRAL, {"negative": 0.2, "neutral": 0.5, "positive": 0.3}, closing=closing
    )


def judge(text, score, **kw):
    return assess(text=text, rating=kw.pop("rating", None), lang=None, score=score, model="t", **kw)


def test_a_negative_closing_clause_flags_the_review_and_keeps_its_label():
    result = judge("O produto é bom, porém a entrega atrasou e a loja não responde", _neutral(0.8))
    assert result.flag
    assert result.reasons == ["mixed_complaint"]
    assert result.label is Label.NEUTRAL


def test_the_topics_are_the_closing_clause_s():
    # The praise names delivery; the complaint is the product's quality.
    result = judge("Entrega super rápida, mas o produto veio com defeito", _neutral(0.8))
    assert "delivery" not in result.topics
    assert "quality" in result.topics
    assert result.severity is Severity.MEDIUM


def test_a_mild_closing_clause_flags_nothing():
    result = judge("Entrega super rápida, mas poderia ser mais barato", _neutral(0.4))
    assert not result.flag
    assert "delivery" in result.topics  # an unflagged text keeps its topics as before


def test_the_threshold_is_inclusive_and_a_human_label_wins():
    text = "Buena comida, sin embargo el servicio fue muy lento"
    assert "mixed_complaint" in judge(text, _neutral(MIXED_NEGATIVE)).reasons
    assert not judge(text, _neutral(MIXED_NEGATIVE - 0.01)).flag
    assert not judge(text, _neutral(0.9), override=Label.POSITIVE).flag


def test_a_negative_text_is_not_also_mixed():
    score = TextScore(
        Label.NEGATIVE, {"negative": 0.8, "neutral": 0.1, "positive": 0.1}, closing=0.9
    )
    text = "Bonito, mas a entrega atrasou duas semanas"
    assert judge(text, score).reasons == ["negative_text"]


def test_five_stars_with_a_complaint_after_but_is_flagged():
    result = judge("Adorei o sofá, mas a entrega atrasou duas semanas", _neutral(0.7), rating=5)
    assert result.reasons == ["mixed_complaint"]
    assert result.topics == ["delivery"]


async def test_only_texts_that_do_not_read_negative_have_their_clause_read():
    model = ClauseModel()
    texts = [
        "Bonito e barato, mas chegou sem manual",  # neutral as a whole
        "Chegou quebrado, péssimo, mas enfim",  # negative already: no second reading
        "Entrega rápida e produto bom",  # no contrast
        "Ótimo sofá, ma la consegna è stata lenta",  # Italian clause, given as Italian
    ]
    scores = await score_reviews(model, texts, ["review"] * 4, [None, None, None, "it"])
    assert model.calls[1] == ["mas chegou sem manual", "ma la consegna è stata lenta"]
    assert model.kinds[1] == ["review", "review"]
    assert model.langs[1] == ["pt", "it"]
    assert scores[0].closing == 0.9
    assert scores[0].scores == model._one(texts[0].lower()).scores  # the text's own reading
    assert scores[1].closing is None
    assert scores[1].label is Label.NEGATIVE
    assert scores[2].closing is None
    assert scores[3].closing == 0.9


async def test_no_second_reading_when_no_text_has_a_clause():
    model = FakeSentimentModel()
    await score_reviews(model, ["Entrega rápida e produto bom", "Perfeito"])
    assert len(model.calls) == 1
