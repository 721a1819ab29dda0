import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

# Load the whole registry: once any source registers itself, collectors.source() stops loading.
from collectors import sources as _all_sources  # noqa: F401
from collectors.mercadolibre.collector import MercadoLibreQuestionsCollector
from collectors.mercadolibre.parse import item_url, parse_questions, parse_reviews, site_lang
from reputation.core.errors import ConfigError, SourceAuthError
from reputation.core.models import Kind
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

BASE = "https://api.mercadolibre.com"
REVIEWS_URL = re.compile(rf"^{re.escape(BASE)}/reviews/item/MLB1625519814\?.*$")
QUESTIONS_URL = re.compile(rf"^{re.escape(BASE)}/questions/search\?.*$")
DOCS_REVIEWS = fixture_json("mercadolibre", "reviews_item_docs.json")
REVIEWS_1 = fixture_json("mercadolibre", "reviews_item_page1.json")
REVIEWS_2 = fixture_json("mercadolibre", "reviews_item_page2.json")
DOCS_QUESTIONS = fixture_json("mercadolibre", "questions_search_docs.json")
QUESTIONS_1 = fixture_json("mercadolibre", "questions_search_page1.json")
QUESTIONS_2 = fixture_json("mercadolibre", "questions_search_page2.json")


def sent(mock: aioresponses) -> list[tuple[str, Any]]:
    return [(str(key[1]), call.kwargs) for key, calls in mock.requests.items() for call in calls]


def test_site_prefix_gives_language_and_item_url():
    assert site_lang("MLB1625519814") == "pt"
    assert site_lang("MLA903218023") == "es"
    assert site_lang("MCO123") == "es"
    assert site_lang("123") is None
    assert item_url("MLA903218023") == "https://articulo.mercadolibre.com.ar/MLA-903218023"
    assert item_url("XYZ1") is None


def test_parse_reviews_maps_fields_times_and_language():
    parsed = parse_reviews(REVIEWS_1, "MLB1625519814")
    assert not parsed.rejects
    first, second = parsed.items
    assert first.source == "mercadolibre"
    assert first.external_id == "99576844"
    assert first.kind is Kind.REVIEW
    assert first.rating == 4
    assert first.title == "Melhor aquisição do ano!"
    assert first.text.startswith("Adorei a minha air frier")
    assert first.lang == "pt"  # MLB: Mercado Livre Brasil
    assert first.author is None  # reviewer_id 0 is the API's anonymised reviewer
    assert first.created_at == datetime(2021, 3, 18, 14, 45, 46, tzinfo=UTC)
    assert first.location == "MLB1625519814"
    assert first.url == "https://produto.mercadolivre.com.br/MLB-1625519814"
    assert second.rating == 5


def test_the_docs_example_keeps_the_full_review_and_rejects_the_elided_ones():
    # The vendor's own example elides four reviews as {}: each is a Reject, the real one stays.
    parsed = parse_reviews(DOCS_REVIEWS, "MLB1625519814")
    assert [r.external_id for r in parsed.items] == ["41672915"]
    assert parsed.items[0].location == "MLB1625519814"  # reviewable_object is elided too
    assert len(parsed.rejects) == 4
    assert all("missing field" in r.reason for r in parsed.rejects)


def test_a_malformed_review_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(REVIEWS_1)
    page["reviews"][0]["rate"] = 0  # outside 1..5
    page["reviews"].append({"id": 1, "rate": 3})  # no date_created
    parsed = parse_reviews(page, "MLB1625519814")
    assert [r.external_id for r in parsed.items] == ["41672915"]
    assert "rating" in parsed.rejects[0].reason
    assert "date_created" in parsed.rejects[1].reason


def test_parse_questions_answer_becomes_the_reply():
    parsed = parse_questions(QUESTIONS_1, "MLA903218023")
    answered, open_question = parsed.items
    assert answered.kind is Kind.QUESTION
    assert answered.source == "mercadolibre_questions"
    assert answered.external_id == "11765012345"
    assert answered.rating is None
    assert answered.text == "¿Tiene garantía oficial?"
    assert answered.lang == "es"
    assert answered.author == "162981404"
    assert answered.created_at == datetime(2021, 2, 17, 14, 5, tzinfo=UTC)  # -04:00 → UTC
    assert answered.reply is not None
    assert answered.reply.text == "Hola, sí: 12 meses de garantía oficial."
    assert answered.reply.created_at == datetime(2021, 2, 17, 15, 0, tzinfo=UTC)
    assert answered.location == "MLA903218023"
    assert open_question.reply is None


def test_docs_questions_drop_a_banned_question_and_a_banned_answer():
    parsed = parse_questions(DOCS_QUESTIONS)
    assert not parsed.rejects
    (only,) = parsed.items  # the BANNED question is not shown on the listing any more
    assert only.external_id == "11764931832"
    assert only.reply is None  # its answer was BANNED with empty text
    assert only.location == "MLA903218023"  # from item_id: searched by seller, not item


def test_a_malformed_question_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(QUESTIONS_1)
    page["questions"][0]["date_created"] = "yesterday"
    parsed = parse_questions(page)
    assert [r.external_id for r in parsed.items] == ["11764931832"]
    assert len(parsed.rejects) == 1
    assert "11765012345" in parsed.rejects[0].raw


TRUSTPILOT_PAGE: dict[str, list[Any]] = {"reviews": [], "links": []}


@pytest.mark.parametrize(
    "garbage", [{"results": []}, [], {"reviews": "x"}, "<html>", TRUSTPILOT_PAGE]
)
def test_other_payloads_are_not_mercadolibre_responses(garbage):
    with pytest.raises(ValueError, match="Mercado Libre"):
        parse_reviews(garbage)
    with pytest.raises(ValueError, match="Mercado Libre"):
        parse_questions(garbage)


async def test_reviews_fetch_pages_by_offset_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector(
        "mercadolibre", session, sleep, ids=["MLB1625519814"], token="APP_USR-secret", page_size=2
    )
    with aioresponses() as mock:
        mock.get(REVIEWS_URL, payload=REVIEWS_1)
        mock.get(REVIEWS_URL, status=429, headers={"Retry-After": "5"})
        mock.get(REVIEWS_URL, status=500)
        mock.get(REVIEWS_URL, payload=REVIEWS_2)
        # An old review does not stop the walk: the API does not order by date.
        pages = await all_pages(collector, "MLB1625519814", since=datetime(2020, 1, 1, tzinfo=UTC))
        requests = sent(mock)
    assert [p.resume for p in pages] == ["2", None]
    assert [r.external_id for p in pages for r in p.items] == ["99576844", "41672915", "38120077"]
    assert sleep.calls[0] == 5.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 500
    offsets = [URL(u).query["offset"] for u, _ in requests]
    assert offsets == ["0", "2", "2", "2"]  # the retries repeat the same page
    assert all(URL(u).query["limit"] == "2" for u, _ in requests)
    assert all(kw["headers"]["Authorization"] == "Bearer APP_USR-secret" for _, kw in requests)


async def test_reviews_fetch_resumes_from_the_cursor(session):  # noqa: F811
    collector = make_collector("mercadolibre", session, RecordingSleep(), ids=["x"], token="tok1")
    with aioresponses() as mock:
        mock.get(REVIEWS_URL, payload=REVIEWS_2)
        pages = await all_pages(collector, "MLB1625519814", resume="2")
        ((url, _),) = sent(mock)
    assert URL(url).query["offset"] == "2"
    assert pages[0].resume is None


async def test_questions_fetch_by_item_newest_first_and_stop_at_since(session):  # noqa: F811
    collector = make_collector(
        "mercadolibre_questions", session, RecordingSleep(), ids=["MLA903218023"], token="tok1"
    )
    with aioresponses() as mock:
        mock.get(QUESTIONS_URL, payload=QUESTIONS_1)
        pages = await all_pages(collector, "MLA903218023", since=datetime(2021, 2, 17, tzinfo=UTC))
        ((url, _),) = sent(mock)
    query = URL(url).query
    assert query["item"] == "MLA903218023"
    assert query["api_version"] == "4"
    assert (query["sort_fields"], query["sort_types"]) == ("date_created", "DESC")
    assert len(pages) == 1  # the second question is older than `since`
    assert pages[0].resume == "2"


async def test_questions_by_seller_follow_offsets_to_the_end(session):  # noqa: F811
    collector = make_collector(
        "mercadolibre_questions",
        session,
        RecordingSleep(),
        token="tok1",
        page_size=2,
        options={"seller_id": "189394110"},
    )
    assert collector.locations() == [""]
    with aioresponses() as mock:
        mock.get(QUESTIONS_URL, payload=QUESTIONS_1)
        mock.get(QUESTIONS_URL, payload=QUESTIONS_2)
        pages = await all_pages(collector, "")
        queries = [URL(u).query for u, _ in sent(mock)]
    assert [q["seller_id"] for q in queries] == ["189394110", "189394110"]
    assert [q["offset"] for q in queries] == ["0", "2"]
    assert [p.resume for p in pages] == ["2", None]
    assert pages[1].items[0].external_id == "11760000001"


def test_questions_need_item_ids_or_a_seller(session):  # noqa: F811
    with pytest.raises(ConfigError, match="seller_id"):
        make_collector("mercadolibre_questions", session, RecordingSleep(), token="t0k3n")


async def test_answer_posts_the_question_id_and_text(session):  # noqa: F811
    collector = make_collector(
        "mercadolibre_questions", session, RecordingSleep(), ids=["MLA1"], token="tok-123"
    )
    assert isinstance(collector, MercadoLibreQuestionsCollector)
    with aioresponses() as mock:
        mock.post(f"{BASE}/answers", payload={"question_id": 11764931832, "status": "ACTIVE"})
        await collector.reply("MLA1", "11764931832", "Sí, enviamos a Córdoba.")
        (((method, url), calls),) = mock.requests.items()
    assert (method, str(url)) == ("POST", f"{BASE}/answers")
    assert calls[0].kwargs["json"] == {
        "question_id": 11764931832,
        "text": "Sí, enviamos a Córdoba.",
    }
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer tok-123"


async def test_auth_failure_is_a_clear_error_without_the_token(session):  # noqa: F811
    collector = make_collector(
        "mercadolibre", session, RecordingSleep(), ids=["a"], token="s3cret!"
    )
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), status=401, body='{"message": "invalid token s3cret!"}')
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, "MLB1")
    assert "HTTP 401" in str(caught.value)
    assert "s3cret!" not in str(caught.value)
