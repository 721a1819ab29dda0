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


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # A stem's frequent word of another meaning is an exception, not the topic.
        ("Un hotel precioso, con vistas preciosas", "price"),  # precio / precioso
        ("Pegamos a estrada errada, a viagem foi longa", "delivery"),
        ("Долго ехали по дороге, дорога разбитая", "price"),  # дорог: price / road
        ("Пришлось ждать в очереди час", "delivery"),  # пришл: arrived / had to
        ("Горячий суп был невкусный", "support"),  # горячая линия / hot soup
        ("Nos alojamos en un sitio muy bonito", "app"),  # sitio: place / website
        ("Es una lástima, el desayuno era pobre", "safety"),  # lastimar / lástima
        ("En cambio la cena fue mediocre", "refund"),  # cambio: change, not exchange
        ("Não sei pra quem recomendar, o som é fraco", "safety"),  # quem / quemado
        ("La pizza era bruciata sotto", "safety"),  # burnt food is not a hazard
        ("پیتزا سوخته بود و مزه سوختگی میداد", "safety"),
        ("The toast was burnt and the eggs cold", "safety"),
        ("دیروز سفارش دادم، مزه‌اش بد بود", "delivery"),  # دیر (late) / دیروز (yesterday)
        ("باگت ساندویچ بیات بود", "app"),  # باگ (bug) / باگت (baguette)
        ("رزولوشن پایین و پیکسل‌ها معلومه", "delivery"),  # پیک (courier) / پیکسل
        # Another language's word: a stem meets words of every language in the text.
        ("Fiquei chateada, a cor é diferente da foto", "support"),  # chat / chateada (upset)
        ("Comprei há dois meses atrás e ainda uso", "delivery"),  # atraso / atrás (ago)
        ("Reservé meses atrás y todo salió bien", "delivery"),
        ("Parcelei em 10 vezes sem juros", "delivery"),  # parcel / parcela (instalment)
        ("Lo que más valoro es la ubicación", "price"),  # valor / valorar (to value)
        ("A capa não cobre a tela toda", "price"),  # cobrar / cobrir (to cover)
        ("Audio limpido e potente", "cleanliness"),  # limpio / limpido (clear)
        ("La staffa per il muro è robusta", "staff"),  # staff / staffa (bracket)
        ("Opinione personale: lo consiglio per uso personale", "staff"),
        ("Non supporta la ricarica wireless", "support"),  # supporta: it supports (a feature)
        ("Lo uso con la Fire TV Stick, funziona bene", "safety"),  # Amazon's Fire TV
        ("Il cavo si modella bene, molde perfeito", "cleanliness"),  # mold / molde (pattern)
        ("Uno scambio di battute divertente", "fraud"),  # scam / scambio (exchange)
        ("Le sue funzioni sono limitate", "fraud"),  # sue: Italian "his/her"
        ("Дорогие друзья, поздравляю с праздником!", "price"),  # дорогие: dear / expensive
        ("Они двадцать лет в браке", "quality"),  # брак: defect / marriage
        ("Героиня после развода с мужем уехала", "fraud"),  # развод: scam / divorce
        ("Военная служба далась ему тяжело", "support"),  # служба: army service
        ("It wouldn't hurt to add a longer cable", "safety"),
        ("Герои обмениваются письмами", "refund"),  # обмен: exchanging, not returning goods
        ("Обмен валюты в отделении быстрый", "refund"),  # a bank's currency exchange
        ("Nos alojamos en Trocadero 111, en La Habana", "refund"),  # troca / a street
        ("Mi hija se fotografió con artistas famosos", "fraud"),  # con artist / "with artists"
        ("Ho letto l'ultimo libro di Travaglio", "app"),  # trava (freezes) / a surname
        ("Le bevande travasate restano fredde", "app"),  # trava / travasare (to decant)
        ("El golpe de estado de 1973 fue una tragedia", "fraud"),  # golpe: scam / coup
    ],
)
def test_words_of_another_meaning_do_not_raise_the_topic(text, topic):
    assert topic not in topics_of(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Заказ пришёл через месяц", "delivery"),
        ("Слишком дорого для такого качества", "price"),
        ("На горячую линию не дозвониться", "support"),
        ("La página web no carga", "app"),
        ("Se lastimó mi hijo con una pieza suelta", "safety"),
        ("A tomada soltou fumaça e cheiro de queimado", "safety"),
        ("Il caricatore ha preso fuoco", "safety"),
        ("My daughter burned her hand on the lid", "safety"),
        ("پیک خیلی دیر رسید", "delivery"),
        ("O pedido atrasou duas semanas", "delivery"),
        ("The parcel never came", "delivery"),
        ("El personal fue muy grosero con nosotros", "staff"),
        ("Todo el personal de recepción fue lento", "staff"),  # Spanish staff: "el personal"
        ("Il personale era scortese e lento", "staff"),
        ("Personale scortese, mai più", "staff"),
        ("The live chat never answers", "support"),
        ("The staff ignored us", "staff"),
        ("Mold in the bathroom, everything moldy", "cleanliness"),
        ("This shop is a scam, scammers!", "fraud"),
        ("I will sue you for this", "fraud"),
        ("Попался брак, товар с браком вернули", "quality"),
        ("Слишком дорогие тарифы", "price"),
        ("Il supporto tecnico non risponde", "support"),
        ("The charger caught fire", "safety"),
        ("Служба поддержки не отвечает", "support"),
        ("Позвонила в службу заботы о клиентах, без толку", "support"),
        ("Оператор колл-центра нагрубил", "support"),
        ("Магазин отказал в обмене товара", "refund"),
        ("Il profumo è buono ma dura pochissimo", "quality"),  # it lasts: durability
        ("Comprei em maio e não durou nem dois anos", "quality"),
        ("La batería dura poco", "quality"),
        ("The battery didn’t last a week", "quality"),
        ("Vocês são ladrões", "fraud"),  # thieves
        ("Жулики, а не магазин", "fraud"),
    ],
)
def test_the_topic_words_themselves_still_match(text, topic):
    assert topic in topics_of(text)


@pytest.mark.parametrize(
    ("text", "lang", "topic", "expected"),
    [
        # "<lang>_only" stems meet only texts of their language: Portuguese "golpe" is a
        # scam, Spanish "golpe" a knock or "suddenly"; Spanish "robo" a theft, Portuguese
        # "robô" a robot; English "crack" a fault, Spanish "un crack" a star.
        ("O site é golpe, paguei e nada chegou", "pt", "fraud", True),
        ("El ascensor bajó seis plantas de golpe", "es", "fraud", False),
        ("Hubo un robo en la habitación", "es", "fraud", True),
        ("Meu filho amou o robô, ótimo presente", "pt", "fraud", False),
        ("The screen arrived with a crack", "en", "quality", True),
        ("Un abrazo, crack, y feliz día", "es", "quality", False),
        # A text of no known language meets them all, as before: better a topic too many.
        ("golpe!!", None, "fraud", True),
        ("golpe!!", "und", "fraud", True),
        ("golpe!!", "klingon", "fraud", True),  # no language code: unknown
        ("Isso é golpe", "pt-BR", "fraud", True),
        ("Bajó de golpe", "es-MX", "fraud", False),
        # Another language the lexicon does not hold meets none of them.
        ("Le golpe est un mot espagnol", "fr", "fraud", False),
    ],
)
def test_a_stem_of_one_language_only_meets_that_languages_texts(text, lang, topic, expected):
    assert (topic in topics_of(text, lang)) is expected


def test_the_rules_read_the_stems_of_the_texts_own_language():
    from reputation.core.models import Label, Severity
    from reputation.core.protocols import TextScore
    from sentiment.rules import assess

    negative = TextScore(Label.NEGATIVE, {"negative": 0.9, "neutral": 0.05, "positive": 0.05})

    def judge(text):  # no language given: the rules identify it
        return assess(text=text, rating=None, lang=None, score=negative, model="t")

    knock = judge("Horrible hotel, el ascensor bajó seis plantas de golpe y nadie vino")
    assert knock.lang == "es"
    assert "fraud" not in knock.topics
    assert knock.severity is not Severity.CRITICAL
    scam = judge("Isso é golpe, paguei e o pedido nunca chegou")
    assert scam.lang == "pt"
    assert "fraud" in scam.topics
    assert scam.severity is Severity.CRITICAL
    beaten = judge("El portero lo golpeó y le causó lesiones, un horror")
    assert beaten.severity is Severity.CRITICAL
