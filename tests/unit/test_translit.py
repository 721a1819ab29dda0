import pytest

from sentiment.language import detect_language
from sentiment.reading import reading_form
from sentiment.rules import assess
from sentiment.topics import forms_of, topics_of, unresolved_in
from sentiment.translit import is_translit, to_cyrillic

TRANSLIT = [
    "Uzhasnyj servis, nikomu ne sovetuyu",
    "Vse otlichno, spasibo!",
    "Zakaz prishel vovremya, vse horosho",
    "Ochen' plohoe kachestvo, vernite dengi",
    "Tovar prishyol slomannyj, prodavets ne otvechaet",
    "Kurier opozdal na chas, eda kholodnaya, bol'she ne zakazhu",
    "ZAKAZ NE PRISHEL, VERNITE DENGI",
    "Eto moj pervyj otzyv, i ya ochen' dovolna",
]
NOT_TRANSLIT = [
    "The courier was rude, but the food was great",
    "Produto chegou quebrado e ninguem responde",
    "Pedido nunca llego, quiero mi dinero",
    "Prodotto rotto e assistenza inesistente",
    "Ghaza sard bood va kheili dir resid",  # Persian in Latin letters
    "Ужасный сервис, никому не советую",
    "Vse",  # one word is no evidence
    "Let the drug store know",
    # English with two Russian words: fastText is sure of English, and in Cyrillic letters
    # the English would be lost.
    "Delivery was late, ochen plokho",
    "Top Gear",
    "",
]


@pytest.mark.parametrize("text", TRANSLIT)
def test_russian_in_latin_letters_is_seen_and_identified_as_russian(text):
    assert is_translit(text)
    assert detect_language(text) == "ru"


@pytest.mark.parametrize("text", NOT_TRANSLIT)
def test_other_latin_text_and_cyrillic_text_are_not_translit(text):
    assert not is_translit(text)
    if text.isascii():  # Latin letters stay Latin, and the language is not Russian
        assert reading_form(text).isascii()
        assert detect_language(text) != "ru"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Uzhasnyj servis, nikomu ne sovetuyu", "Ужасный сервис, никому не советую"),
        ("vernite dengi", "верните деньги"),  # the listed word keeps its soft sign
        ("Shchi byli vkusnye", "Щи были вкусные"),  # "ye" after a consonant: "ые"
        ("moy novyj zakaz", "мой новый заказ"),  # "y" after a vowel: "й"
        ("Eto KUR'ER", "Это КУРЬЕР"),  # capitals kept; the apostrophe is the soft sign
        ("zhdu yeshchyo", "жду ещё"),
        ("Eto 'luchshij' magazin, den' i tol'ko", "Это 'лучший' магазин, день и только"),
    ],
)
def test_translit_is_spelled_back_in_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_the_model_reads_translit_in_cyrillic_letters():
    # (A short text's first word is read in small letters: sentiment.casing.)
    assert reading_form("Uzhasnyj servis, nikomu ne sovetuyu") == (
        "ужасный сервис, никому не советую"
    )
    assert reading_form("Muito bom, recomendo") == "muito bom, recomendo"


def test_topics_and_open_problems_are_found_in_translit():
    text = "Zakaz tak i ne prishel, vernite dengi!"
    assert {"delivery", "refund"} <= set(topics_of(text, "ru"))
    assert unresolved_in(forms_of(text), "ru")
    result = assess(text=text, rating=None, lang=None, score=None, model="t")
    assert result.lang == "ru"
