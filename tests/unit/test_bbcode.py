"""Forum and Steam markup is dropped before a text is read; brackets that close no known
tag are the writer's."""

import pytest

from reputation.core.bbcode import bbcode_as_text
from reputation.core.text import as_typed, fold


@pytest.mark.parametrize(
    ("marked", "words"),
    [
        ("[b]Péssimo[/b] atendimento", "Péssimo atendimento"),
        ("[color=red][size=5]УЖАСНО[/size][/color]", "УЖАСНО"),
        ("[h1]Horrible[/h1]Never again", "\nHorrible\nNever again"),
        ("[url=https://x.example/a]veja aqui[/url] ruim", "veja aqui ruim"),
        ("[url]https://x.example/a[/url]", "https://x.example/a"),
        ("[img]https://x.example/a.png[/img]ruim", " ruim"),  # a picture is no words
        ("[list][*]caro[*]lento[/list]", "\n\ncaro\nlento\n"),
        ("[SPOILER]o final é ruim[/SPOILER]", "o final é ruim"),
    ],
)
def test_bbcode_tags_are_dropped_and_words_kept(marked, words):
    assert bbcode_as_text(marked) == words


@pytest.mark.parametrize(
    "text",
    [
        "nota [i] e item [b]",  # nothing closed: footnotes, labels
        "[1] ver [/x] e [/ ]",
        "Preço [caro] e entrega [lenta]",
        "",
    ],
)
def test_brackets_that_close_no_known_tag_stay(text):
    assert bbcode_as_text(text) == text


def test_text_is_read_and_compared_without_its_markup():
    assert as_typed("[b]P&eacute;ssimo[/b]") == "Péssimo"
    assert fold("[i]reembolso[/i] negado") == "reembolso negado"
