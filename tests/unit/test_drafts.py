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


def make(lang, author, text, ref="RP-7K2Q", topics=("delivery",), source="google_business"):
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
        reasons=["low_rating"],
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
    ],
)
def test_first_name_is_safe_to_print(author, expected):
    assert first_name(author) == expected
