"""A half star or a numeric string means the same number of stars whichever source sent it
(rounded half up, as ``scale_rating`` does for 10-point and other scales)."""

import copy

import pytest

from collectors.google_places.parse import parse as parse_places
from collectors.google_places.parse_legacy import parse as parse_places_legacy
from collectors.mercadolibre.parse import parse_reviews as parse_mercadolibre
from collectors.ozon.parse import parse as parse_ozon
from collectors.trustpilot.parse import parse as parse_trustpilot
from collectors.web.rating import optional_stars, stars
from collectors.wildberries.parse import parse as parse_wildberries
from collectors.yandex_market.parse import parse as parse_yandex
from tests.collector_kit import fixture_json


def _set(path):
    def mutate(page, value):
        *parents, key = path
        node = page
        for step in parents:
            node = node[step]
        node[key] = value

    return mutate


SOURCES = [
    (parse_places, ("google_places", "place_details_new.json"), ("reviews", 0, "rating")),
    (
        parse_places_legacy,
        ("google_places", "place_details_legacy.json"),
        ("result", "reviews", 0, "rating"),
    ),
    (parse_mercadolibre, ("mercadolibre", "reviews_item_page1.json"), ("reviews", 0, "rate")),
    (parse_ozon, ("ozon", "review_list_realistic.json"), ("reviews", 0, "rating")),
    (
        parse_wildberries,
        ("wildberries", "feedbacks_answered.json"),
        ("data", "feedbacks", 0, "productValuation"),
    ),
    (parse_trustpilot, ("trustpilot", "business_unit_reviews_page1.json"), ("reviews", 0, "stars")),
    (
        parse_yandex,
        ("yandex_market", "goods_feedback_page1.json"),
        ("result", "feedbacks", 0, "statistics", "rating"),
    ),
]


@pytest.mark.parametrize(("parse", "fixture", "path"), SOURCES)
@pytest.mark.parametrize(("given", "expected"), [(2.5, 3), (4.5, 5), (1.4, 1), ("4", 4), (5, 5)])
def test_every_source_reads_a_rating_the_same_way(parse, fixture, path, given, expected):
    page = copy.deepcopy(fixture_json(*fixture))
    _set(path)(page, given)
    parsed = parse(page)
    assert not parsed.rejects
    assert parsed.items[0].rating == expected


@pytest.mark.parametrize(("parse", "fixture", "path"), SOURCES)
@pytest.mark.parametrize("given", [7, -1, "four", float("nan")])
def test_a_rating_off_the_scale_is_a_reject_not_a_review(parse, fixture, path, given):
    page = copy.deepcopy(fixture_json(*fixture))
    _set(path)(page, given)
    parsed = parse(page)
    assert len(parsed.rejects) == 1
    assert len(parsed.items) == len(parse(fixture_json(*fixture)).items) - 1


def test_not_rated_is_none_only_where_a_source_may_omit_it():
    assert optional_stars(None) is None
    assert optional_stars(0) is None
    assert optional_stars("") is None
    assert optional_stars("3,5") == 4
    with pytest.raises(ValueError, match="no star rating"):
        stars(None)
