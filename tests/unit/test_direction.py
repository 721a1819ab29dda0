import pytest

from reputation.core.direction import PDF, RLO, as_displayed, upright
from reputation.core.text import fold


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (RLO + "omissép", "péssimo"),
        ("Serviço " + RLO + "omissép" + PDF + " demais!", "Serviço péssimo demais!"),
        (RLO + "ecivres elbirret\nnever again", "terrible service\nnever again"),  # to line end
        (RLO + "omisse\u0301p", "pe\u0301ssimo"),  # a combining accent stays on its e
        (RLO + "(ogidóc) on", "no (código)"),  # brackets are drawn mirrored
        (RLO + "йынсажу", "ужасный"),
    ],
)
def test_text_after_a_right_to_left_override_is_read_as_shown(stored, shown):
    assert as_displayed(stored) == shown


def test_a_right_to_left_script_under_an_override_stays_as_typed():
    assert as_displayed("ok " + RLO + "خیلی بد" + PDF) == "ok خیلی بد"


def test_text_without_an_override_is_left_alone():
    text = "Péssimo (de novo) — خیلی بد \u202b embedded \u202c"
    assert as_displayed(text) == text


@pytest.mark.parametrize(
    ("turned", "upright_text"),
    [
        ("¡ǝlqᴉɹɹoɥ oᴉɔᴉʌɹǝS", "Servicio horrible!"),
        ("oɯᴉssǝd 'oʇuǝɯᴉpuǝʇ∀", "Atendimento, pessimo"),
        ("(ǝpɐpᴉlɐnb) ɐɔsnq", "busca (qualidade)"),  # b/q, d/p, n/u swap back too
        ("ʞɔɐq ʎǝuoɯ ʎɯ ʇuɐʍ I\nok", "I want my money back\nok"),  # line by line
        ("ɐɯᴉssǝԀ\n\nɐʇsɐq", "basta\n\nPessima"),  # turned whole: lines put back in order
    ],
)
def test_upside_down_text_is_turned_back(turned, upright_text):
    assert upright(turned) == upright_text


@pytest.mark.parametrize(
    "text",
    [
        "¡Qué horrible! ¿Nadie responde?",  # Spanish marks are not turned letters
        "Pronúncia /ɐˈtẽdʒimẽtu/, ok",  # one phonetic letter among many upright ones
        "The ʌ and ɔ vowels of English, as in cup and caught, are hard",
        "Phonetic writing has turned letters too: ɐ, ǝ, ɹ, ʇ and ɥ",
        "Мара решает убить трех зайцев",
    ],
)
def test_upright_text_with_a_turned_looking_letter_is_left_alone(text):
    assert upright(text) == text


def test_words_are_compared_as_they_are_shown():
    assert fold(RLO + "oãçidner") == "rendicao"
    assert fold("osloqɯǝǝɹ") == "reembolso"
