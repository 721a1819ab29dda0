import re
from datetime import UTC, datetime

import pytest
from aioresponses import aioresponses

import collectors.web.collector  # noqa: F401 - registers the source
from collectors._http import MalformedPayloadError
from collectors.web.parse import parse
from collectors.web.rating import scale_rating
from reputation.core.errors import RetriableSourceError, SourceAuthError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_text,
    make_collector,
    session,  # noqa: F401 - fixture
)

SHOP = "https://shop.example.com/product/aurora-lamp-2/"
BAKERY = "https://boulangerie.example.fr/avis"
BLOG = "https://blog.example.net/aurora-kettle"
GRAPH = fixture_text("web", "product_graph.html")
MICRODATA = fixture_text("web", "microdata.html")
BROKEN = fixture_text("web", "broken_jsonld.html")
ESCAPED = fixture_text("web", "escaped_jsonld.html")
SHOP_IT = "https://negozio.example.it/brio-3"


def test_json_ld_graph_reviews_nested_under_a_product():
    parsed = parse(GRAPH, SHOP)
    assert not parsed.rejects
    dana, jonas, priya = parsed.items
    assert dana.external_id == SHOP + "#li-comment-4411"  # the Review's @id
    assert dana.author == "Dana W."  # a Person object
    assert dana.rating == 2
    assert dana.text.startswith("The switch broke")
    assert dana.lang == "en"  # from <html lang="en-US">
    assert dana.created_at == datetime(2025, 3, 2, 9, 15, tzinfo=UTC)
    assert dana.location == SHOP
    assert jonas.author == "Jonas"  # a plain string
    assert jonas.title == "Gutes Licht"
    assert jonas.lang == "de"  # the review's own inLanguage wins
    assert jonas.rating == 4  # 7 on 1..10 → 4 stars
    assert len(jonas.external_id) == 24  # no @id/url: a stable hash
    assert priya.external_id == SHOP + "#li-comment-4398"  # a relative @id, resolved
    assert priya.text == "Perfect for reading."  # description when there is no reviewBody
    assert priya.created_at == datetime(2025, 1, 20, 17, 40, tzinfo=UTC)
    assert priya.updated_at == datetime(2025, 1, 21, 7, 0, tzinfo=UTC)


def test_html_escaped_json_ld_text_is_read_as_the_customer_wrote_it():
    parsed = parse(ESCAPED, SHOP_IT)
    assert not parsed.rejects
    leak, good = parsed.items
    assert leak.author == "Giulia & Marco"
    assert leak.title == "Non l'acquisterei più"
    assert leak.text == (
        "Dopo 10 giorni perde acqua.\n"
        'L\'assistenza non risponde & il rimborso è "in lavorazione" da 3 settimane.\n\n'
        "Sconsigliata."
    )
    assert leak.rating == 1
    assert leak.lang == "it"
    assert good.text == "Caffè buono, rumorosa.\n\nPrezzo < 100€: ok <3"


def test_hashed_ids_are_stable_across_parses():
    assert parse(GRAPH, SHOP).items[1].external_id == parse(GRAPH, SHOP).items[1].external_id
    assert parse(GRAPH, SHOP).items[1].external_id != parse(GRAPH, BAKERY).items[1].external_id


def test_microdata_reviews_with_nested_author_and_rating():
    first, second = parse(MICRODATA, BAKERY).items
    assert first.external_id == "https://boulangerie.example.fr/avis/981"  # itemid
    assert first.author == "Camille R."
    assert first.title == "Croissants excellents"
    assert first.rating == 5
    assert first.text == "Les meilleurs croissants du quartier, toujours chauds le matin."
    assert first.created_at == datetime(2025, 4, 3, tzinfo=UTC)  # <meta content>
    assert first.lang == "fr"
    assert second.author == "Marc"
    assert second.rating == 2
    assert second.created_at == datetime(2025, 3, 28, 5, 30, tzinfo=UTC)  # <time datetime>
    assert second.url == BAKERY


def test_a_broken_json_ld_block_is_rejected_and_the_other_blocks_kept():
    parsed = parse(BROKEN, BLOG)
    [review] = parsed.items
    assert review.external_id == "https://blog.example.net/reviews/aurora-kettle"
    assert review.url == review.external_id
    assert review.author == "Sam Ortiz"  # first of an author list
    assert review.rating == 4  # 80 on 0..100
    assert review.title == "Aurora Kettle: quiet, quick, a little small"
    assert review.text == "Quiet and quick.\nThe 1.2 l capacity is small for a family."
    broken, undated = parsed.rejects
    assert "broken JSON-LD" in broken.reason
    assert '"Boils fast",' in broken.raw
    assert "datePublished" in undated.reason


def test_the_same_review_in_json_ld_and_microdata_is_kept_once():
    doubled = GRAPH.replace("</body>", MICRODATA.split("<body>")[1])
    twice = doubled.replace("</body>", MICRODATA.split("<body>")[1])
    assert len(parse(twice, SHOP).items) == 5


def test_ratings_scale_to_five_stars():
    assert [scale_rating(v, best=10) for v in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scale_rating("4,5", best=5) == 5
    assert scale_rating(0, best=5, worst=0) == 1
    assert scale_rating(None) is None
    with pytest.raises(ValueError, match="outside"):
        scale_rating(6)
    for garbage in ("four", True, float("nan"), [4]):
        with pytest.raises(ValueError, match="not a number"):
            scale_rating(garbage)


def test_a_page_without_markup_has_no_reviews_and_garbage_is_refused():
    assert not parse("<html><body><p>Hello</p></body></html>", SHOP).items
    with pytest.raises(ValueError, match="HTML"):
        parse("just some text", SHOP)
    with pytest.raises(ValueError, match="HTML"):
        parse({"reviews": []}, SHOP)


async def test_fetch_gets_each_url_once_and_retries(session):  # noqa: F811
    sleep = RecordingSleep()
    collector = make_collector("web", session, sleep, ids=[SHOP], options={"user_agent": "rep/1"})
    with aioresponses() as mock:
        mock.get(SHOP, status=429, headers={"Retry-After": "4"})
        mock.get(SHOP, status=503)
        mock.get(SHOP, body=GRAPH, content_type="text/html")
        pages = await all_pages(collector, SHOP)
        calls = [call for calls in mock.requests.values() for call in calls]
    assert [p.resume for p in pages] == [None]  # one page per URL
    assert len(pages[0].items) == 3
    assert sleep.calls[0] == 4.0  # Retry-After honoured
    assert len(sleep.calls) == 2  # then one backoff for the 503
    assert calls[-1].kwargs["headers"]["User-Agent"] == "rep/1"
    assert "text/html" in calls[-1].kwargs["headers"]["Accept"]


async def test_an_auth_wall_is_a_clear_error(session):  # noqa: F811
    collector = make_collector("web", session, RecordingSleep(), ids=[SHOP], token="s3cret!")
    with aioresponses() as mock:
        mock.get(SHOP, status=403, body="denied s3cret!")
        with pytest.raises(SourceAuthError) as caught:
            await all_pages(collector, SHOP)
    assert "HTTP 403" in str(caught.value)
    assert "s3cret!" not in str(caught.value)


async def test_persistent_5xx_and_non_html_bodies(session):  # noqa: F811
    collector = make_collector("web", session, RecordingSleep(), ids=[SHOP], attempts=2)
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), status=502)
        mock.get(re.compile(r".*"), status=502)
        with pytest.raises(RetriableSourceError, match="502 after 2 attempts"):
            await all_pages(collector, SHOP)
    with aioresponses() as mock:
        mock.get(SHOP, body="plain text, no markup")
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector, SHOP)
    assert caught.value.raw == "plain text, no markup"
