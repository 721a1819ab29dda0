"""A response of the wrong shape — an error page with status 200, a renamed field, paging
that is not an object — ends the source's run with a MalformedPayloadError carrying the raw
body, which the runner stores in quarantine; it is never an uncaught shape error (reported,
body lost) and never an empty page (silent loss)."""

import re

import pytest
from aioresponses import aioresponses

from collectors import sources as _all_sources  # noqa: F401 - registers every source
from collectors._http import MalformedPayloadError
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    make_collector,
    session,  # noqa: F401 - fixture
)

TRUSTPILOT = re.compile(r"^https://api\.trustpilot\.com/v1/business-units/u1/reviews\?.*$")
ML_REVIEWS = re.compile(r"^https://api\.mercadolibre\.com/reviews/item/MLB1\?.*$")
ML_QUESTIONS = re.compile(r"^https://api\.mercadolibre\.com/questions/search\?.*$")
APPLE = "https://itunes.apple.com/us/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json"
PLACES_LEGACY = re.compile(r"^https://maps\.googleapis\.com/maps/api/place/details/json\?.*$")

CASES = [
    ("trustpilot", "u1", TRUSTPILOT, {"reviews": "rate limited, try later"}, {}),
    ("trustpilot", "u1", TRUSTPILOT, ["not", "an", "object"], {}),
    ("mercadolibre", "MLB1", ML_REVIEWS, {"reviews": [], "paging": "end"}, {}),
    ("mercadolibre", "MLB1", ML_REVIEWS, {"message": "invalid_token", "status": 200}, {}),
    ("mercadolibre_questions", "MLB1", ML_QUESTIONS, {"questions": {"0": "q"}, "total": 1}, {}),
    ("apple_app_store", "us:284882215", APPLE, {"feed": {"entry": "none today"}}, {}),
    (
        "google_places_legacy",
        "ChIJx",
        PLACES_LEGACY,
        {"status": "OK", "result": {"reviews": "hidden"}},
        {},
    ),
]


@pytest.mark.parametrize(("name", "location", "url", "body", "options"), CASES)
async def test_a_page_of_the_wrong_shape_is_kept_for_quarantine(
    session,  # noqa: F811
    name,
    location,
    url,
    body,
    options,
):
    collector = make_collector(
        name, session, RecordingSleep(), ids=[location], token="t0ken", options=options
    )
    with aioresponses() as mock:
        mock.get(url, payload=body)
        with pytest.raises(MalformedPayloadError) as caught:
            await all_pages(collector, location)
    assert str(caught.value).startswith(f"{name}: unexpected response shape")
    assert caught.value.raw.startswith(("{", "["))
    assert "t0ken" not in str(caught.value)
    assert "t0ken" not in caught.value.raw
