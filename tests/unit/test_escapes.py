import json
from urllib.parse import quote, quote_plus

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


@pytest.mark.parametrize(
    ("encoded", "text"),
    [
        # A web form's encoding: "+" for each space, every other character escaped.
        (quote_plus("Péssimo atendimento, não recomendo!"), "Péssimo atendimento, não recomendo!"),
        (quote_plus("Ужасно. 2+2 и 100% плохо"), "Ужасно. 2+2 и 100% плохо"),
        (quote("غذا سرد بود 😡"), "غذا سرد بود 😡"),  # a URL's: "%20"
        ("P%u00e9ssimo %uD83D%uDE21", "Péssimo 😡"),  # JavaScript's escape()
        # No letter beyond ASCII, but no space either: words joined as a form joins them.
        (quote_plus("Servizio pessimo, mai più!"), "Servizio pessimo, mai più!"),
        (quote_plus("Terrible service, 1+1 stars"), "Terrible service, 1+1 stars"),
        ("Terrible%20service%21", "Terrible service!"),
    ],
)
def test_percent_escapes_naming_letters_are_read(encoded, text):
    assert unescaped(encoded) == text


@pytest.mark.parametrize(
    "text",
    [
        "50%OFF, 100%DE acordo",  # hex digits after a percent sign, no letter named
        "Paguei+caro%20demais, sério",  # only ASCII escaped, in a text with spaces
        "C++",
        "1+1=2",
        "%C3 sozinho",  # half a letter: not UTF-8
        "%uD83D alone",
        "Péssimo+atendimento 100%",
        # A link's escapes are how a URL is written: "%20" would cut it in two.
        "Плохо, см. https://ru.wikipedia.org/wiki/%D0%A2%D0%B8 и www.x.org/a%20b",
        # A link's own letters are not escapes: they do not make the text's "%2C" one.
        "Ruim, 50%2C ver https://ru.wikipedia.org/wiki/Сбер",
    ],
)
def test_text_without_a_percent_escaped_letter_is_left_alone(text):
    assert unescaped(text) == text


def test_plus_stays_a_plus_where_the_text_has_spaces():
    assert unescaped("C++ n%C3%A3o funciona") == "C++ não funciona"


def test_links_keep_their_escapes_in_a_decoded_text():
    text = "P%C3%A9ssimo, veja https://x.com/a%20b%C3%A9"
    assert unescaped(text) == "Péssimo, veja https://x.com/a%20b%C3%A9"
