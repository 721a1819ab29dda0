import re
from datetime import UTC, datetime

import pytest

from config.settings import BrandSettings
from reputation.core.models import Case, Label, Review, Sentiment, Severity
from responders.drafts import TemplateDrafter, first_name, load_templates

BRAND = BrandSettings(private_channel="care@aurora-home.example", signature="Aurora Home Care")
NOW = datetime(2026, 11, 20, tzinfo=UTC)

REVIEWS = {
    "pt": ("Mariana Souza", "Meu pedido 12345 atrasou 3 semanas, liguem 11 99999-0000"),
    "es": ("Lucía", "El pedido llegó roto y nadie contesta. Mi correo es lucia@example.com"),
    "it": ("Giorgio", "Consegna in ritardo di due settimane"),
    "ru": ("Ольга", "Курьер опоздал на три дня"),
    "fa": ("مریم", "سفارشم خیلی دیر رسید"),
    "en": ("Tom", "Parcel arrived two weeks late"),
}
SCRIPT = {"ru": r"[а-яА-Я]", "fa": r"[\u0600-\u06FF]"}


def make(
    lang,
    author,
    text,
    ref="RP-7K2Q",
    topics=("delivery",),
    source="google_business",
    reasons=("low_rating",),
):
    review = Review(
        source=source,
        external_id=f"{lang}-1",
        author=author,
        rating=1,
        text=text,
        lang=lang,
        created_at=NOW,
    )
    sentiment = Sentiment(
        label=Label.NEGATIVE,
        scores={"negative": 0.9},
        lang=lang,
        flag=True,
        reasons=list(reasons),
        topics=list(topics),
        severity=Severity.HIGH,
        model="t",
    )
    case = Case(
        ref=ref,
        source=source,
        external_id=review.external_id,
        lang=lang,
        severity=Severity.HIGH,
        created_at=NOW,
        reply_due_at=NOW,
        private_contact_due_at=NOW,
    )
    return review, sentiment, case


@pytest.mark.parametrize("lang", sorted(REVIEWS))
def test_draft_in_the_reviewers_language_with_invite_and_case(lang):
    author, text = REVIEWS[lang]
    draft = TemplateDrafter().draft(*make(lang, author, text), BRAND)
    assert draft.lang == lang
    assert "RP-7K2Q" in draft.text
    assert BRAND.private_channel in draft.text
    assert BRAND.signature in draft.text
    assert author.split()[0] in draft.text
    if lang in SCRIPT:
        assert len(re.findall(SCRIPT[lang], draft.text)) > 40
    assert len(draft.text) > 120  # not a cold one-liner


def test_no_customer_details_are_repeated_in_public():
    for lang in ("pt", "es"):
        author, text = REVIEWS[lang]
        draft = TemplateDrafter().draft(*make(lang, author, text), BRAND)
        for detail in ("12345", "99999", "lucia@example.com", "Souza"):
            assert detail not in draft.text


def test_persian_uses_persian_letters():
    draft = TemplateDrafter().draft(*make("fa", "مریم", "دیر رسید"), BRAND)
    assert "ي" not in draft.text
    assert "ك" not in draft.text


def test_topic_is_acknowledged():
    drafter = TemplateDrafter()
    en = load_templates("en")
    for topic in ("delivery", "staff", "safety"):
        draft = drafter.draft(*make("en", "Tom", "text", topics=(topic,)), BRAND)
        assert any(ack in draft.text for ack in en.data["acknowledge"][topic])


def test_unknown_language_falls_back_to_the_brand_default():
    draft = TemplateDrafter().draft(*make("de", "Anna", "Lieferung zu spät"), BRAND)
    assert draft.lang == "en"


def test_wording_varies_between_cases():
    drafter = TemplateDrafter()
    texts = {
        drafter.draft(*make("es", "Lucía", "x", ref=f"RP-{n:04d}"), BRAND).text for n in range(30)
    }
    assert len(texts) >= 25


def test_google_play_limit_is_respected():
    for n in range(40):
        draft = TemplateDrafter().draft(
            *make("fa", "مریم", "x", ref=f"RP-{n:04d}", source="google_play"), BRAND
        )
        assert len(draft.text) <= 350


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Lucía Pérez", "Lucía"),
        ("john.doe@mail.com", None),
        ("user12345", None),
        (None, None),
        ("  ", None),
        ("Ольга", "Ольга"),
        ("@handle", None),
        # platforms' stand-ins for an anonymous reviewer are no one's name
        ("A Google user", None),
        ("Um usuário do Google", None),
        ("Пользователь Google", None),
        ("Amazon Customer", None),
        ("Anônimo", None),
        ("کاربر", None),
        # a phrase is not a name; a name with its capitals is
        ("ignore previous instructions", None),
        ("João da Silva", "João"),
        ("Clientes Felizes", "Clientes"),  # only the whole word is a stand-in
    ],
)
def test_first_name_is_safe_to_print(author, expected):
    assert first_name(author) == expected


MINIMAL = {
    "greeting_named": '["Hi {name},"]',
    "greeting_anonymous": '["Hi,"]',
    "thanks": '["Thanks for telling us."]',
    "apology": '["We are sorry."]',
    "invite": '["Write to {channel} quoting {case_ref}."]',
    "closing": '["Regards, {signature}"]',
}


def write_templates(directory, **changes):
    lists = MINIMAL | changes
    body = "\n".join(f"{key} = {value}" for key, value in lists.items())
    (directory / "en.toml").write_text(
        f'lang = "en"\n{body}\n[acknowledge]\ngeneral = ["That fell short."]\n',
        encoding="utf-8",
    )


def test_minimal_templates_load(tmp_path):
    write_templates(tmp_path)
    load_templates.cache_clear()
    assert load_templates("en", tmp_path).lang == "en"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"invite": '["Write to {channel}."]'}, "needs {channel} and {case_ref}"),
        ({"thanks": '["Thanks {customer_email}!"]'}, "unknown placeholder"),
        ({"apology": "[]"}, "non-empty list"),
        ({"closing": '["Bye {signature"]'}, "closing"),
        ({"thanks": '"not a list"'}, "non-empty list"),
    ],
)
def test_broken_templates_are_refused_with_the_reason(tmp_path, change, message):
    from reputation.core.errors import ConfigError

    write_templates(tmp_path, **change)
    load_templates.cache_clear()
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_templates("en", tmp_path)


# --- every language, every promise -------------------------------------------------------

from reputation.core.models import Suspicion  # noqa: E402
from responders.drafts import (  # noqa: E402
    PLATFORM_LIMITS,
    needs_approval,
    wants_reply,
    wording,
)

LANGS = ("pt", "fa", "it", "es", "ru", "en")
# Words only that language's replies use: the draft is really in the reviewer's language.
MARKERS = {
    "pt": ("você", "Obrigado", "Agradecemos", "protocolo", "Olá", "Oi"),
    "es": ("Gracias", "Hola", "Buenos días", "Escríbenos", "contáctanos", "referencia"),
    "it": ("Grazie", "Gentile", "Buongiorno", "Salve", "Ci scriva", "Lei"),
    "en": ("Thank", "Thanks", "Hi", "Hello", "Dear", "sorry"),
}
PII_TEXTS = {
    "pt": "Pedido 20231187 atrasou! Meu WhatsApp é +55 11 98765-4321, email ana.souza@gmail.com",
    "es": "Pedido nº 99887766 sin llegar. Llamadme al 612 345 678 o a lucia.perez@correo.es",
    "it": "Ordine AB-778899 mai arrivato, chiamatemi al 347 123 4567, mario.rossi@libero.it",
    "ru": "Заказ 5566778899 не пришёл, звоните +7 916 123-45-67, почта olga@yandex.ru",
    "fa": "سفارش ۸۸۷۷۶۶۵۵ هنوز نرسیده، شماره‌ام ۰۹۱۲۳۴۵۶۷۸۹ و ایمیلم maryam@gmail.com است",
    "en": "Order #A12-3456789 never came. Call me on +1 (415) 555-0199 or tom.j@example.com",
}
PII_VALUES = (
    "20231187",
    "98765-4321",
    "ana.souza@gmail.com",
    "99887766",
    "612 345 678",
    "lucia.perez@correo.es",
    "AB-778899",
    "347 123 4567",
    "mario.rossi@libero.it",
    "5566778899",
    "916 123-45-67",
    "olga@yandex.ru",
    "۸۸۷۷۶۶۵۵",
    "۰۹۱۲۳۴۵۶۷۸۹",
    "maryam@gmail.com",
    "A12-3456789",
    "555-0199",
    "tom.j@example.com",
)
NAMES = {"pt": "Ana", "es": "Lucía", "it": "Mario", "ru": "Ольга", "fa": "مریم", "en": "Tom"}


def sentences_of(lang):
    data = load_templates(lang).data
    lists = [v for k, v in data.items() if isinstance(v, list)]
    lists += list(data["acknowledge"].values())
    return [s for variants in lists for s in variants]


@pytest.mark.parametrize("lang", LANGS)
def test_every_sentence_comes_from_the_reviewers_language(lang):
    drafter = TemplateDrafter()
    for n, topic in enumerate(("delivery", "staff", "refund", "app", "fraud")):
        draft = drafter.draft(
            *make(lang, NAMES[lang], "x", ref=f"RP-{n:04d}", topics=(topic,)), BRAND
        ).text
        if lang == "ru":
            assert len(re.findall(r"[а-яё]", draft, re.IGNORECASE)) > 100
        elif lang == "fa":
            assert len(re.findall(r"[\u0600-\u06FF]", draft)) > 100
            latin = re.sub(r"care@aurora-home\.example|RP-\w+|Aurora Home Care", "", draft)
            assert not re.search(r"[A-Za-z]", latin)
        else:
            assert not re.search(r"[\u0400-\u04FF\u0600-\u06FF]", draft)
            assert any(marker in draft for marker in MARKERS[lang])
            others = [m for o in MARKERS if o != lang for m in MARKERS[o] if len(m) > 4]
            assert not any(re.search(rf"\b{m}\b", draft) for m in others), draft


@pytest.mark.parametrize("lang", LANGS)
def test_invites_to_the_private_channel_with_the_case_reference(lang):
    brand = BrandSettings(private_channel="https://wa.me/5511999990000", signature="Equipe")
    draft = TemplateDrafter().draft(*make(lang, NAMES[lang], "x", ref="RP-9XQ3"), brand)
    invite = next(line for line in draft.text.split("\n") if "RP-9XQ3" in line)
    assert "https://wa.me/5511999990000" in invite
    assert draft.private_channel == brand.private_channel


@pytest.mark.parametrize("lang", LANGS)
def test_never_repeats_phones_emails_or_order_numbers(lang):
    text = PII_TEXTS[lang]
    for author in (NAMES[lang], "tom.j@example.com", "+55 11 98765-4321", "Order 20231187"):
        for source in ("google_business", "google_play"):
            draft = TemplateDrafter().draft(*make(lang, author, text, source=source), BRAND)
            for value in PII_VALUES:
                assert value not in draft.text
            assert not re.search(r"\d{5,}", draft.text.replace(" ", ""))


def test_a_name_that_is_really_a_number_is_not_used_as_a_greeting():
    draft = TemplateDrafter().draft(*make("en", "20231187", "order 20231187 late"), BRAND)
    assert "20231187" not in draft.text


@pytest.mark.parametrize("lang", LANGS)
def test_a_late_delivery_is_not_answered_like_a_rude_employee(lang):
    drafter = TemplateDrafter()
    acks = load_templates(lang).data["acknowledge"]
    late = drafter.draft(*make(lang, "Ana", "x", topics=("delivery",)), BRAND).text
    rude = drafter.draft(*make(lang, "Ana", "x", topics=("staff",)), BRAND).text
    assert any(a in late for a in acks["delivery"])
    assert not any(a in late for a in acks["staff"])
    assert any(a in rude for a in acks["staff"])
    assert not any(a in rude for a in acks["delivery"])
    # the most serious topic wins when several are mentioned
    both = drafter.draft(*make(lang, "Ana", "x", topics=("delivery", "safety")), BRAND).text
    assert any(a in both for a in acks["safety"])


@pytest.mark.parametrize("lang", LANGS)
def test_fifty_drafts_for_one_brand_never_share_a_wording(lang):
    drafter = TemplateDrafter()
    recent: list[str] = []
    for n in range(60):
        review, sentiment, case = make(lang, NAMES[lang], "x", ref=f"RP-{n:04d}")
        draft = drafter.draft(review, sentiment, case, BRAND, avoid=recent[-50:])
        key = wording(draft.text, case_ref=case.ref, name=NAMES[lang])
        assert key not in recent[-50:]
        recent.append(key)
    assert len(set(recent[-50:])) == 50


def test_wording_ignores_only_what_is_personal():
    text = "Hi Tom,\nWrite to care@x.example quoting RP-7K2Q.\nBest, Aurora"
    assert wording(text, case_ref="RP-7K2Q", name="Tom") == wording(
        text.replace("Tom", "Ana").replace("RP-7K2Q", "RP-AAAA"), case_ref="RP-AAAA", name="Ana"
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("source", ["google_play", "x"])
def test_platform_limits_hold_in_every_language(lang, source):
    brand = BrandSettings(
        private_channel="https://wa.me/5511999990000", signature="Aurora Home Customer Care"
    )
    for n in range(25):
        for author in (NAMES[lang], None):
            draft = TemplateDrafter().draft(
                *make(lang, author, "x", ref=f"RP-{n:04d}", source=source), brand
            )
            assert len(draft.text) <= PLATFORM_LIMITS[source]
            assert "RP-" in draft.text
            assert brand.private_channel in draft.text


@pytest.mark.parametrize("lang", LANGS)
def test_replies_are_plain_text_and_warm(lang):
    for n in range(20):
        draft = TemplateDrafter().draft(*make(lang, None, "x", ref=f"RP-{n:04d}"), BRAND).text
        assert not re.search(r"[<>*_`\[\]#]|\s{2,}", draft.replace("\n", " "))
        assert draft.count(".") + draft.count("!") + draft.count("؛") >= 3
        assert "{" not in draft
        assert "}" not in draft


def test_persian_reads_right_to_left_even_after_a_latin_name():
    draft = TemplateDrafter().draft(*make("fa", "Tom", "x", ref="RP-0003"), BRAND).text
    first_strong = next(c for c in draft if c.isalpha() or c == "\u200f")
    assert first_strong == "\u200f" or "\u0600" <= first_strong <= "\u06ff"
    assert "\u200c" in draft  # ZWNJ: می‌خواهیم, این‌که...
    for text in map(str, load_templates("fa").data.values()):
        assert "ي" not in text
        assert "ك" not in text


def positive(lang="en", author="Tom"):
    review, sentiment, case = make(lang, author, "Lovely", topics=())
    sentiment = sentiment.model_copy(
        update={"label": Label.POSITIVE, "flag": False, "reasons": [], "severity": Severity.LOW}
    )
    return review.model_copy(update={"rating": 5}), sentiment, case


@pytest.mark.parametrize("lang", LANGS)
def test_positive_reviews_get_a_short_warm_thank_you_only_when_enabled(lang):
    review, sentiment, case = positive(lang, NAMES[lang])
    assert not wants_reply(sentiment, BRAND)
    brand = BRAND.model_copy(update={"thank_positive": True})
    assert wants_reply(sentiment, brand)
    text = TemplateDrafter().draft(review, sentiment, case, brand).text
    assert NAMES[lang] in text
    assert brand.signature in text
    assert len(text) < 200
    assert not any(a in text for a in load_templates(lang).data["apology"])
    anonymous = TemplateDrafter().draft(*positive(lang, None), brand).text
    assert ", !" not in anonymous
    assert "{" not in anonymous


@pytest.mark.parametrize(
    ("severity", "auto_low", "suspicious", "expected"),
    [
        (Severity.CRITICAL, True, False, True),
        (Severity.HIGH, True, False, True),
        (Severity.MEDIUM, True, False, True),
        (Severity.LOW, True, False, False),
        (Severity.LOW, False, False, True),
        (Severity.LOW, True, True, True),
    ],
)
def test_only_low_severity_may_skip_approval_and_only_when_enabled(
    severity, auto_low, suspicious, expected
):
    brand = BRAND.model_copy(update={"auto_post_low": auto_low})
    assert needs_approval(severity, brand, suspicious=suspicious) is expected


def test_templates_with_markup_are_refused(tmp_path):
    from reputation.core.errors import ConfigError

    write_templates(tmp_path, thanks='["Thanks <!channel>!"]')
    load_templates.cache_clear()
    with pytest.raises(ConfigError, match="not plain text"):
        load_templates("en", tmp_path)


def test_a_brand_can_override_one_language_and_keep_the_others(tmp_path):
    write_templates(tmp_path, apology='["We are terribly sorry about this."]')
    load_templates.cache_clear()
    brand = BRAND.model_copy(update={"templates_dir": tmp_path})
    en = TemplateDrafter().draft(*make("en", "Tom", "x"), brand).text
    assert "We are terribly sorry about this." in en
    it = TemplateDrafter().draft(*make("it", "Mario", "x"), brand)
    assert it.lang == "it"


def test_suspicion_model_keeps_reasons_for_a_human():
    s = Suspicion(reasons=["similar_text_burst"], notes=["3 texts"], detected_at=NOW)
    assert s.reasons == ["similar_text_burst"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrong_charge_is_acknowledged_as_a_charge_not_a_price(lang):
    # "Cobraram duas vezes no meu cartão": the lexicon's topic is price, and "the price
    # didn't feel fair" would answer a double charge coldly.
    drafter = TemplateDrafter()
    acks = load_templates(lang).data["acknowledge"]
    charged = make(lang, "Ana", "x", topics=("price",), reasons=("wrong_charge",))
    text = drafter.draft(*charged, BRAND).text
    assert any(a in text for a in acks["charge"])
    assert not any(a in text for a in acks["price"])
    # a fraud or safety report still comes first
    fraud = make(
        lang, "Ana", "x", ref="RP-8K2Q", topics=("price", "fraud"), reasons=("wrong_charge",)
    )
    assert any(a in drafter.draft(*fraud, BRAND).text for a in acks["fraud"])
