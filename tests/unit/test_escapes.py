import json

import pytest

from reputation.core.escapes import unescaped
from reputation.core.text import fold


@pytest.mark.parametrize(
    ("escaped", "text"),
    [
        (r"P\u00e9ssimo atendimento, n\u00e3o recomendo", "Péssimo atendimento, não recomendo"),
        (r"\u0423\u0436\u0430\u0441\u043d\u043e", "Ужасно"),
        (r"\u063a\u0630\u0627 \u0633\u0631\u062f", "غذا سرد"),
        (r"Horrible \ud83d\ude21", "Horrible 😡"),  # a surrogate pair is one emoji
        (r"\U0001F621 ok", "😡 ok"),
        (r"P\xc3\xa9ssimo", "Péssimo"),  # UTF-8 bytes as Python's repr of bytes shows them
        (r"P\xe9ssimo", "Péssimo"),  # not UTF-8: Latin-1
        (r"Nunca m\u00e1s.\n\n\"Horrible\" \\ nada", 'Nunca más.\n\n"Horrible" \\ nada'),
    ],
)
def test_escape_sequences_written_out_are_read(escaped, text):
    assert unescaped(escaped) == text


def test_text_encoded_for_json_twice_reads_as_written():
    review = 'Péssimo!\n"Nunca mais" — خیلی بد, ужасно 😡'
    assert unescaped(json.dumps(review)[1:-1]) == review


@pytest.mark.parametrize(
    "text",
    [
        r"C:\new\test",  # no escape names a letter beyond ASCII: backslashes stay
        r"\o/ yay \m/",
        r"a \u0041 b",
        r"\ud83d alone",  # half a pair
        r"\\u00e9",  # an escaped backslash, then letters
        "Péssimo, \\ sem escape",
    ],
)
def test_text_without_an_escaped_letter_is_left_alone(text):
    assert unescaped(text) == text


def test_words_are_compared_unescaped():
    assert fold(r"quero o reembolso, \u00e9 fraude") == "quero o reembolso, e fraude"
