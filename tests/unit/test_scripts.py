"""One script per word: Latin, Cyrillic and Greek lookalikes mixed in a word are put back."""

import pytest

from collectors.social.match import KeywordMatcher
from reputation.core.scripts import one_script
from sentiment.language import detect_language
from sentiment.reading import reading_form
from sentiment.topics import has_danger_words, topics_of


@pytest.mark.parametrize(
    ("mixed", "written"),
    [
        # Latin p, a, o in Russian words: a bank review typed to stay out of searches.
        ("Хoчу пpедoстеpечь oт кapт Сбеpбaнкa", "Хочу предостеречь от карт Сбербанка"),
        ("стóит", "стоит"),  # a Latin accented vowel marking stress
        ("еë", "её"),
        # Cyrillic о, е, а in Latin words.
        ("pоlícia", "polícia"),
        ("pеssimo аtendimento", "pessimo atendimento"),
        ("ХХI век", "XXI век"),
        # Greek lookalikes (Rho, omicron, alpha, nu) in Latin and Cyrillic words.
        ("Ρéssimο αtendimentο, nãο recοmendο", "Péssimo atendimento, não recomendo"),
        ("Servizio ρessimο, mαi più", "Servizio pessimo, mai più"),
        ("Ужаснοе οбслуживание", "Ужасное обслуживание"),
        ("Ρolícia", "Polícia"),
    ],
)
def test_lookalike_letters_are_written_in_the_words_script(mixed, written):
    assert one_script(mixed) == written


@pytest.mark.parametrize(
    "text",
    [
        "publishingСейчас",  # a missing space: й and ч have no Latin twin
        "ФФантGame",
        "Ozon и Озон",  # each word in one script already
        "Καλημέρα κόσμε, και ο κόσμος",  # Greek stays Greek
        "πizza",  # π passes for no Latin letter
        "normal text",
        "нормальный текст",
        "",
    ],
)
def test_words_that_cannot_be_one_script_or_already_are_stay_as_written(text):
    assert one_script(text) == text


def test_topics_danger_words_and_brand_keywords_see_through_lookalikes():
    assert "fraud" in topics_of("Это мoшенники, пишу в пoлицию")  # Latin o
    assert has_danger_words("Vou chamar a pоlícia")  # Cyrillic о
    assert has_danger_words("Vou chamar a ροlícia")  # Greek ρ and ο
    assert KeywordMatcher(["Ozon"]).matches("Оzon опять потерял заказ")  # Cyrillic О


def test_the_model_and_language_id_read_the_word_in_one_script():
    assert reading_form("В Сбеpбaнке") == "В Сбербанке"
    assert detect_language("Хoчу пpедoстеpечь всех oт испoльзoвaния кapт этoгo бaнкa") == "ru"


def test_a_hostile_one_word_text_is_read_once_not_backtracked():
    # A pattern that backtracked into words took 10 s for 1,000 Cyrillic letters and grew
    # with the cube of the length; this one reads each word once.
    word = "а" * 200_000 + "bж" + "а" * 200_000  # b has no Cyrillic twin, ж no Latin one
    assert one_script(word) == word
    assert one_script("аo" * 100_000) == "ао" * 100_000
    assert one_script("ο" * 200_000 + "b") == "o" * 200_000 + "b"
    greek = "ο" * 200_000 + "bλ"  # λ passes for no Latin letter
    assert one_script(greek) == greek
