"""Star ratings typed into the text."""

import pytest

from sentiment.stars import stars_in


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
