"""Every language detects the main complaint types (a community manager routes by them)."""

import pytest

from sentiment.topics import topics_of

CASES = {
    "pt": {
        "delivery": "O pedido ainda não foi entregue, a transportadora sumiu",
        "price": "Achei o preço muito caro pelo que oferece",
        "quality": "Produto de péssima qualidade, veio com defeito",
        "support": "O atendimento não responde minhas mensagens",
        "refund": "Pedi o reembolso há um mês e nada",
    },
    "es": {
        "delivery": "El envío tardó tres semanas en llegar",
        "price": "Demasiado caro para lo que es",
        "quality": "Mala calidad, se rompió a los dos días",
        "support": "El servicio al cliente nunca contesta",
        "refund": "Todavía espero el reembolso de mi devolución",
    },
    "it": {
        "delivery": "La consegna è arrivata con una settimana di ritardo",
        "price": "Prezzo troppo alto per questa qualità",
        "quality": "Il prodotto è difettoso, si è rotto subito",
        "support": "L'assistenza clienti non risponde mai",
        "refund": "Aspetto ancora il rimborso del reso",
    },
    "ru": {
        "delivery": "Доставка задержалась на две недели",
        "price": "Слишком дорого за такое качество",
        "quality": "Товар бракованный, сломался через день",
        "support": "Служба поддержки не отвечает",
        "refund": "До сих пор жду возврат денег",
    },
    "fa": {
        "delivery": "ارسال سفارش خیلی دیر انجام شد",
        "price": "قیمت خیلی گران است",
        "quality": "کیفیت محصول افتضاح بود و خراب شد",
        "support": "پشتیبانی اصلا جواب نمی‌دهد",
        "refund": "هنوز پولم را برنگرداندند",
    },
    "en": {
        "delivery": "My parcel arrived two weeks late",
        "price": "Way too expensive for what it is",
        "quality": "Poor quality, it broke after one day",
        "support": "Customer service never answers",
        "refund": "Still waiting for my refund",
    },
}


@pytest.mark.parametrize(
    ("lang", "topic", "text"),
    [(lang, topic, text) for lang, cases in CASES.items() for topic, text in cases.items()],
)
def test_main_topics_in_every_language(lang, topic, text):
    assert topic in topics_of(text), f"{lang}: {text}"


@pytest.mark.parametrize("lang", sorted(CASES))
def test_a_plain_thank_you_has_no_topic(lang):
    thanks = {
        "pt": "Muito obrigado, adorei!",
        "es": "¡Muchas gracias, me encantó!",
        "it": "Grazie mille, mi è piaciuto tanto!",
        "ru": "Большое спасибо, всё понравилось!",
        "fa": "خیلی ممنون، عالی بود!",
        "en": "Thank you so much, loved it!",
    }
    assert topics_of(thanks[lang]) == []
