"""Leetspeak: which words are candidates, and the piece-count rule that decides."""

import pytest

from sentiment.leet import candidate, unleet
from sentiment.reading import reading_form

VOCABULARY = {"pessimo", "horrible", "hotel", "terrible"}


def pieces(word: str) -> int:
    # A vocabulary of whole words; anything else is one piece per character.
    return 1 if word.lower() in VOCABULARY else len(word)


@pytest.mark.parametrize(
    "word", ["p3ss1mo", "h0rr1bl3", "Pé551m0", "f41l", "n00b", "M3rd4", "pé$$imo", "Micro$oft"]
)
def test_leet_words_are_candidates(word):
    assert candidate(word)


@pytest.mark.parametrize(
    "word",
    [
        "1st",
        "mp3",
        "covid19",
        "10h30",
        "4x4",
        "b2b",
        "rtx3080",
        "x1000",
        "ужа3но",
        "4то",
        "a1b",
        "R$50",
        "U$S",
        "US$",
        "$100",  # prices: no dollar sign between two letters of a word
    ],
)
def test_numbers_codes_and_cyrillic_words_are_not(word):
    assert not candidate(word)


def test_a_candidate_is_read_as_letters_only_when_the_vocabulary_knows_them_better():
    text = "P3ss1mo h0t3l, t3rr1bl3! HX100v 1st pe$$imo R$50"
    assert unleet(text, pieces) == "Pessimo hotel, terrible! HX100v 1st pessimo R$50"


def test_without_a_piece_count_the_reading_form_leaves_digits_alone():
    assert reading_form("p3ss1mo") == "p3ss1mo"
    assert reading_form("P3SS1MO!!", pieces) == "pessimo!!"  # read as letters, then unshouted


def test_without_a_piece_count_every_candidate_is_read_as_letters():
    assert unleet("r33mb0ls0 HX100v 1st covid19") == "reembolso HXioov 1st covid19"


def test_a_run_of_dollar_signs_is_no_word_and_hides_none():
    # Each "$" of a run used to start a word to try (bench/hostile_patterns.py).
    assert unleet("p3ss1mo " + "$" * 2000 + " r33mb0ls0") == "pessimo " + "$" * 2000 + " reembolso"
    assert unleet("pé$$imo, R$50") == "péssimo, R$50"
