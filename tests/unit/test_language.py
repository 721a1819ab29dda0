import pytest

from sentiment.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("O produto chegou quebrado e ninguém responde no atendimento", "pt"),
        ("El pedido llegó tarde y el repartidor fue muy grosero", "es"),
        ("Il prodotto è arrivato rotto e nessuno risponde alle mail", "it"),
        ("The parcel never arrived and support is not answering", "en"),
        ("Доставка опоздала на неделю, очень плохой сервис", "ru"),
        ("سفارشم خیلی دیر رسید و پشتیبانی جواب نمی‌دهد", "fa"),
        ("مرحبا، الطلب وصل متأخرا جدا", "ar"),
    ],
)
def test_six_languages_and_neighbours(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "😡😡😡", "👍", "!!!", "12345", "ok"])
def test_unsure_is_und(text):
    assert detect_language(text) == "und"


def test_mixed_scripts_without_a_majority_are_und():
    assert detect_language("delivery доставка ارسال") == "und"
