"""Every registered source, end to end: its recorded responses (aioresponses) through the real
collector and runner into the real MongoDB, twice. The first run stores new items; the second,
served the same responses, must add nothing."""

import copy
import re
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult, aioresponses

import collectors
from collectors._http import RetryPolicy
from collectors.base import Collector
from collectors.runner import SourceReport, collect_source
from config.settings import CollectorSettings
from reputation.storage import Store
from tests.collector_kit import FIXTURES, fixture_json, fixture_text

pytestmark = pytest.mark.integration

TOKEN = "fake-token-for-tests"
POLICY = RetryPolicy(attempts=2, base_delay=0.001)
Response = str | dict[str, Any] | Callable[..., CallbackResult]
Mock = tuple[str, str, Response]


def by_last_id(pages: dict[str, str]) -> Callable[..., CallbackResult]:
    """Ozon pages by ``last_id`` in the POST body, which a URL pattern cannot see."""

    def respond(url: Any, **kwargs: Any) -> CallbackResult:
        return CallbackResult(payload=fixture_json("ozon", pages[kwargs["json"]["last_id"]]))

    return respond


# name → (config, mocks). A mock is (method, URL regex, response): a fixture file of
# tests/fixtures/<name or its family>/, a payload, or a callback. Each page's pattern names
# its cursor so that, with every mock repeating, each request gets exactly one page.
SOURCES: dict[str, tuple[dict[str, Any], list[Mock]]] = {
    "apple_app_store": (
        {"ids": ["us:284882215"]},
        [
            (
                "GET",
                r".*/us/rss/customerreviews/page=1/id=284882215/",
                "customerreviews_page1.json",
            ),
            (
                "GET",
                r".*/us/rss/customerreviews/page=2/id=284882215/",
                "customerreviews_page2_single_entry.json",
            ),
        ],
    ),
    "digikala": (
        {"ids": ["14116027"], "accept_unofficial": True},
        [
            ("GET", r".*/rate-review/products/14116027/\?.*\bpage=1\b", "rate_review_page1.json"),
            ("GET", r".*/rate-review/products/14116027/\?.*\bpage=2\b", "rate_review_page2.json"),
        ],
    ),
    "file_import": (
        {
            "ids": [str(FIXTURES / "file_import" / "trustmate_export.csv")],
            "options": {
                "source_name": "trustmate",
                "rating_scale": 10,
                "columns": {
                    "external_id": "Review ID",
                    "created_at": "Date",
                    "rating": "Stars (1-10)",
                    "author": "Customer",
                    "title": "Headline",
                    "text": "Review",
                    "lang": "Language",
                    "url": "Link",
                },
            },
        },
        [],  # a local file: no HTTP
    ),
    "google_business": (
        {"ids": ["accounts/111/locations/222"], "token": TOKEN},
        [
            (
                "GET",
                r".*/accounts/111/locations/222/reviews\?(?!.*pageToken=)",
                "reviews_list.json",
            ),
            (
                "GET",
                r".*/accounts/111/locations/222/reviews\?.*pageToken=opaque-token",
                "reviews_list_page2.json",
            ),
        ],
    ),
    "google_places": (
        {"ids": ["ChIJj61dQgK6j4AR4GeTYWZsKWw"], "token": TOKEN},
        [("GET", r".*/v1/places/ChIJj61dQgK6j4AR4GeTYWZsKWw", "place_details_new.json")],
    ),
    "google_places_legacy": (
        {"ids": ["ChIJN1t_tDeuEmsRUsoyG83frY4"], "token": TOKEN},
        [("GET", r".*/maps/api/place/details/json\?", "place_details_legacy.json")],
    ),
    "google_play": (
        {"ids": ["com.example.app"], "token": TOKEN},
        [
            (
                "GET",
                r".*/applications/com\.example\.app/reviews\?(?!.*token=)",
                "reviews_list.json",
            ),
            # No recorded second page: the token leads to an empty last page.
            ("GET", r".*/applications/com\.example\.app/reviews\?.*token=NEXT123", {}),
        ],
    ),
    "mercadolibre": (
        {"ids": ["MLB1625519814"], "token": TOKEN, "page_size": 2},
        [
            ("GET", r".*/reviews/item/MLB1625519814\?.*\boffset=0\b", "reviews_item_page1.json"),
            ("GET", r".*/reviews/item/MLB1625519814\?.*\boffset=2\b", "reviews_item_page2.json"),
        ],
    ),
    "mercadolibre_questions": (
        {"ids": ["MLA903218023"], "token": TOKEN, "page_size": 2},
        [
            ("GET", r".*/questions/search\?.*\boffset=0\b", "questions_search_page1.json"),
            ("GET", r".*/questions/search\?.*\boffset=2\b", "questions_search_page2.json"),
        ],
    ),
    "ozon": (
        {"token": TOKEN, "options": {"client_id": "836271"}},
        [
            (
                "POST",
                r".*/v1/review/list$",
                by_last_id(
                    {
                        "": "review_list_realistic.json",
                        "017c0d53-a7c8-81ef-53de-7d32fcbd7421": "review_list_last.json",
                    }
                ),
            ),
            ("POST", r".*/v1/review/comment/list$", "comment_list.json"),
        ],
    ),
    "reddit": (
        {"ids": ["red bull"], "token": TOKEN},
        [
            ("GET", r".*/search\?(?!.*after=)", "search_page1.json"),
            ("GET", r".*/search\?.*\bafter=t1_lx9k2mq\b", "search_page2.json"),
        ],
    ),
    "snappfood": (
        {"ids": ["0qqwd9"], "accept_unofficial": True},
        [
            ("GET", r".*/vendor-comment\?.*\bpage=0\b", "vendor_comment_page0.json"),
            ("GET", r".*/vendor-comment\?.*\bpage=1\b", "vendor_comment_page1.json"),
            ("GET", r".*/vendor-comment\?.*\bpage=2\b", "vendor_comment_empty.json"),
        ],
    ),
    "telegram": (
        {"ids": ["@gadgetbazaar"]},
        [
            ("GET", r".*/s/gadgetbazaar$", "channel_latest.html"),
            ("GET", r".*/s/gadgetbazaar\?before=1195$", "channel_before_1195.html"),
            ("GET", r".*/s/gadgetbazaar\?before=1190$", "channel_empty.html"),
        ],
    ),
    "trustpilot": (
        {"ids": ["46d6a890ffa235a75b00021d"], "token": TOKEN, "page_size": 2},
        [
            (
                "GET",
                r".*/46d6a890ffa235a75b00021d/reviews\?.*\bpage=1\b",
                "business_unit_reviews_page1.json",
            ),
            (
                "GET",
                r".*/46d6a890ffa235a75b00021d/reviews\?.*\bpage=2\b",
                "business_unit_reviews_page2.json",
            ),
        ],
    ),
    "web": (
        {"ids": ["https://shop.example.com/product/aurora-lamp-2/"]},
        [("GET", r"^https://shop\.example\.com/product/aurora-lamp-2/$", "product_graph.html")],
    ),
    "wildberries": (
        {"token": TOKEN, "page_size": 2},
        [
            ("GET", r".*/feedbacks\?.*isAnswered=false.*\bskip=0\b", "feedbacks_unanswered.json"),
            ("GET", r".*/feedbacks\?.*isAnswered=false.*\bskip=2\b", "feedbacks_empty.json"),
            ("GET", r".*/feedbacks\?.*isAnswered=true.*\bskip=0\b", "feedbacks_answered.json"),
        ],
    ),
    "x": (
        {"ids": ["acme"], "token": TOKEN},
        [
            ("GET", r".*/tweets/search/recent\?(?!.*next_token=)", "search_recent_page1.json"),
            (
                "GET",
                r".*/tweets/search/recent\?.*next_token=b26v89c19zqg8",
                "search_recent_page2.json",
            ),
        ],
    ),
    "yandex_market": (
        {"ids": ["918273"], "token": TOKEN},
        [
            (
                "POST",
                r".*/businesses/918273/goods-feedback\?(?!.*pageToken=)",
                "goods_feedback_page1.json",
            ),
            (
                "POST",
                r".*/businesses/918273/goods-feedback\?.*pageToken=eyJvcCI6Ij4i",
                "goods_feedback_page2.json",
            ),
        ],
    ),
}
FAMILY = {"google_places_legacy": "google_places", "mercadolibre_questions": "mercadolibre"}


def test_the_table_covers_every_registered_source():
    assert sorted(SOURCES) == collectors.names()


def serve(mock: aioresponses, name: str, mocks: list[Mock]) -> None:
    for method, pattern, response in mocks:
        kwargs: dict[str, Any]
        if callable(response):
            kwargs = {"callback": response}
        elif isinstance(response, dict):
            kwargs = {"payload": response}
        elif response.endswith(".json"):
            kwargs = {"payload": fixture_json(FAMILY.get(name, name), response)}
        else:
            kwargs = {"body": fixture_text(FAMILY.get(name, name), response)}
        mock.add(re.compile(pattern), method, repeat=True, **kwargs)


def build(name: str, session: aiohttp.ClientSession, config: dict[str, Any]) -> Collector:
    settings = CollectorSettings(enabled=True, rate_per_s=1000, **config)
    return collectors.build(name, settings, session, policy=POLICY)


async def collect(name: str, store: Store, config: dict[str, Any]) -> SourceReport:
    async with aiohttp.ClientSession() as session:
        return await collect_source(build(name, session, config), store, progress=lambda _: None)


@pytest.mark.parametrize("name", sorted(SOURCES))
async def test_a_source_stores_its_reviews_once(name: str, store: Store):
    config, mocks = SOURCES[name]
    with aioresponses() as mock:
        serve(mock, name, mocks)
        first = await collect(name, store, config)
        assert first.error is None, first.error
        assert first.new > 0
        stored = await store.reviews.count()
        assert stored == first.new
        quarantined = await store.quarantine.count()
        # Every page of the pagination was asked for.
        sent = [(method, str(url)) for method, url in mock.requests]
        for method, pattern, _ in mocks:
            assert any(m == method and re.match(pattern, url) for m, url in sent), (
                f"{method} {pattern} never requested; sent: {sent}"
            )

        second = await collect(name, store, config)
    assert second.error is None, second.error
    assert (second.new, second.updated, second.removed) == (0, 0, 0)
    assert await store.reviews.count() == stored
    assert await store.quarantine.count() == quarantined  # a known bad record is not added again


def edited_play_page() -> dict[str, Any]:
    page = copy.deepcopy(fixture_json("google_play", "reviews_list.json"))
    user = page["reviews"][0]["comments"][0]["userComment"]
    assert page["reviews"][0]["reviewId"] == "gp:AAAA"
    user["text"] = "Crashes on settings, even after the update"
    user["lastModified"] = {"seconds": str(int(user["lastModified"]["seconds"]) + 86_400)}
    return page


async def test_an_edited_review_adds_a_revision(store: Store):
    config, mocks = SOURCES["google_play"]
    with aioresponses() as mock:
        serve(mock, "google_play", mocks)
        first = await collect("google_play", store, config)
    assert first.error is None, first.error
    stored = await store.reviews.count()
    before = await store.reviews.get("google_play", "gp:AAAA")
    assert before is not None

    edited = [(mocks[0][0], mocks[0][1], edited_play_page()), *mocks[1:]]
    with aioresponses() as mock:
        serve(mock, "google_play", edited)
        report = await collect("google_play", store, config)
    assert report.error is None, report.error
    assert (report.new, report.updated, report.removed) == (0, 1, 0)
    (revision,) = await store.reviews.revisions("google_play", "gp:AAAA")
    assert revision.text == before.text == "Crashes on settings"
    after = await store.reviews.get("google_play", "gp:AAAA")
    assert after is not None
    assert after.text == "Crashes on settings, even after the update"
    assert await store.reviews.count() == stored  # nothing deleted
