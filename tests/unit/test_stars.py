"""Star ratings typed into the text."""

import pytest

from reputation.core.models import Label, Severity
from reputation.core.protocols import TextScore
from sentiment.rules import assess
from sentiment.stars import given_rating, no_stars_said, rating_alone, stars_in


@pytest.mark.parametrize(
    ("text", "stars"),
    [
        ("★☆☆☆☆", 1),
        ("★★☆☆☆ entrega atrasada", 2),
        ("Nota: ★ ★ ★ ☆ ☆", 3),
        ("⭐️⭐️⭐️⭐️☆", 4),  # with the emoji variation selector
        ("⭐⭐⭐⭐⭐", 5),
        ("🌟🌟🌟🌟🌟 amei", 5),
        ("★★★☆☆☆☆☆☆☆", 2),  # out of ten: 1.5 stars, a half rounded up
        ("Comida ★★★★★ Entrega ★☆☆☆☆", 1),  # one row per aspect: the lowest
    ],
)
def test_a_row_of_five_or_ten_stars_is_a_rating(text, stars):
    assert stars_in(text) == stars


@pytest.mark.parametrize(
    "text",
    [
        "⭐",
        "⭐⭐⭐ top",
        "★★★★★★★",
        "CINCO ESTRELLAS ☆☆☆☆☆",  # outlines only: as often five stars as none
        "5 estrelas",
        "* * * * *",
        "★☆☆☆☆☆☆☆☆☆☆☆",
    ],
)
def test_other_stars_are_no_rating(text):
    assert stars_in(text) is None


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        (4, 4.0),
        ("4,5", 4.5),  # as_number's shapes pass through
        ("2/5", 2.0),
        (" 4.5 / 5 ", 4.5),
        ("2 out of 5", 2.0),
        ("2 de 5", 2.0),
        ("3 из 5", 3.0),
        ("10/10", 5.0),  # 1..10 maps linearly onto 1..5, as the collectors map it
        ("1/10", 1.0),
        ("★★☆☆☆", 2),
        ("⭐⭐⭐⭐⭐", 5),
    ],
)
def test_a_rating_field_is_read_as_exports_write_it(value, stars):
    assert given_rating(value) == stars


@pytest.mark.parametrize(
    "value", ["five", "2/3", "☆☆☆☆☆", "★★★", "★★☆☆☆ nota", "", True, None, [2], "2/5/5"]
)
def test_a_rating_field_that_is_no_rating_is_none(value):
    assert given_rating(value) is None


def test_scores_out_of_ten_keep_their_order():
    assert [round(given_rating(f"{n}/10")) for n in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


@pytest.mark.parametrize(
    ("text", "stars"),
    [
        ("★☆☆☆☆", 1),
        ("★★☆☆☆!!", 2),
        ("1/5", 1),
        ("10/10.", 5),
        ("0/10", 1),  # the lowest score there is
        ("2 de 5", 2),
        ("4 out of 5!", 4),
    ],
)
def test_a_text_that_is_nothing_but_a_rating_gives_it(text, stars):
    assert rating_alone(text) == stars


@pytest.mark.parametrize("text", ["★☆☆☆☆ horrível", "1/5 do preço", "11/10", "2/3", "5", ""])
def test_a_text_with_more_than_a_rating_gives_none(text):
    assert rating_alone(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Cero estrellas",  # read neutral by the shipped model
        "Ноль звёзд, не советую",
        "Se pudesse dava zero estrelas",
        "Zero stars if I could",
        "Dou nota 0 para esse atendimento",
        "0 stelle, pessimo",
        "صفر ستاره",
        "Nenhuma estrela merece",
    ],
)
def test_a_text_that_would_give_no_stars_is_one_star(text):
    assert no_stars_said(text)
    neutral = TextScore(Label.NEUTRAL, {"negative": 0.1, "neutral": 0.8, "positive": 0.1})
    result = assess(text=text, rating=None, lang=None, score=neutral, model="t")
    assert "low_rating" in result.reasons
    assert result.severity is Severity.HIGH  # one star
    given = assess(text=text, rating=5, lang=None, score=neutral, model="t")
    assert "low_rating" not in given.reasons  # a rating field the source sent wins


@pytest.mark.parametrize(
    "text",
    [
        "Nota 10, zero problemas",
        "Nota 0,5 de desconto",
        "Comprei 10 estrelas de natal",
        "Zero defeitos, 5 estrelas",
        "A nota 0800 do SAC",
    ],
)
def test_zero_of_something_else_is_no_rating(text):
    assert not no_stars_said(text)
