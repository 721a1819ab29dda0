"""Hostile or unusual record values (found by fuzzing the recorded payloads): each bad record
becomes a reject with a reason, and the other records of the same page are kept."""

import copy
import json
import re

import pytest
from aioresponses import aioresponses

from collectors.apple_app_store.parse import parse as parse_apple
from collectors.base import parse_time
from collectors.google_play.parse import parse as parse_play
from collectors.reddit.parse import parse as parse_reddit
from collectors.snappfood.parse import parse as parse_snappfood
from collectors.trustpilot.parse import parse as parse_trustpilot
from collectors.x.parse import parse as parse_x
from tests.collector_kit import (
    RecordingSleep,
    all_pages,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

TRUSTPILOT = fixture_json("trustpilot", "business_unit_reviews_page1.json")
PLAY = fixture_json("google_play", "reviews_list.json")
APPLE = fixture_json("apple_app_store", "customerreviews_page1.json")
REDDIT = fixture_json("reddit", "search_page1.json")
SNAPPFOOD = fixture_json("snappfood", "vendor_comment_page0.json")
X = fixture_json("x", "search_recent_page1.json")
PLAY_URL = re.compile(
    r"^https://androidpublisher\.googleapis\.com/androidpublisher/v3"
    r"/applications/com\.example\.app/reviews\?.*$"
)


@pytest.mark.parametrize(
    "value",
    [10**20, 1e300, 10**400, float("inf"), "100000000000000000000", {"seconds": 10**20}],
)
def test_a_timestamp_no_datetime_can_hold_is_a_value_error(value):
    with pytest.raises(ValueError, match="out of range"):
        parse_time(value)


def test_a_far_future_epoch_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(TRUSTPILOT)
    page["reviews"][0]["createdAt"] = 10**20  # was OSError / OverflowError out of the parser
    parsed = parse_trustpilot(page)
    assert [r.external_id for r in parsed.items] == ["6582f0c4a3b1d70f9c1e2a02"]
    (reject,) = parsed.rejects
    assert "timestamp out of range" in reject.reason
    assert "6582f0c4a3b1d70f9c1e2a01" in reject.raw


# json.loads (and so aiohttp's .json()) accepts Infinity and integers of any length.
INFINITY, HUGE = json.loads("[Infinity, 1{}]".format("0" * 400))


def _trustpilot_stars(page):
    page["reviews"][0]["stars"] = INFINITY


def _snappfood_rating(page):
    page["data"]["comments"][0]["rating"] = HUGE


def _x_edit_history(page):
    page["data"][0]["edit_history_tweet_ids"] = [str(HUGE)]


@pytest.mark.parametrize(
    ("parse", "payload", "mutate", "reason"),
    [
        (parse_trustpilot, TRUSTPILOT, _trustpilot_stars, "rating is not a number: inf"),
        (parse_snappfood, SNAPPFOOD, _snappfood_rating, "OverflowError"),
        (parse_x, X, _x_edit_history, "OverflowError"),
    ],
)
def test_a_number_no_int_or_float_can_hold_is_rejected_and_the_rest_kept(
    parse, payload, mutate, reason
):
    page = copy.deepcopy(payload)
    mutate(page)
    parsed = parse(page)  # was OverflowError out of the parser
    assert len(parsed.items) == len(parse(payload).items) - 1
    (reject,) = parsed.rejects
    assert reason in reject.reason


def test_a_play_review_without_a_user_comment_is_rejected_and_the_rest_kept():
    page = copy.deepcopy(PLAY)
    page["reviews"][0]["comments"] = [
        c for c in page["reviews"][0]["comments"] if "userComment" not in c
    ]
    parsed = parse_play(page)  # was StopIteration out of the parser
    assert [r.external_id for r in parsed.items] == ["gp:BBBB"]
    (reject,) = parsed.rejects
    assert "userComment" in reject.reason
    assert "gp:AAAA" in reject.raw


async def test_a_fetched_play_page_keeps_its_good_reviews_around_one_without_a_user_comment(
    session,  # noqa: F811
):
    page = copy.deepcopy(PLAY)
    del page["tokenPagination"]
    page["reviews"][0]["comments"] = []
    collector = make_collector(
        "google_play", session, RecordingSleep(), ids=["com.example.app"], token="t"
    )
    with aioresponses() as mock:
        mock.get(PLAY_URL, payload=page)
        # StopIteration inside the async generator used to end the run as a RuntimeError.
        (fetched,) = await all_pages(collector, "com.example.app")
    assert [r.external_id for r in fetched.items] == ["gp:BBBB"]
    assert len(fetched.rejects) == 1


@pytest.mark.parametrize("entry", ["oops", [], 5])
def test_an_apple_entry_that_is_not_an_object_is_rejected_not_skipped(entry):
    page = copy.deepcopy(APPLE)
    good = len(parse_apple(page).items)
    page["feed"]["entry"][1] = entry
    parsed = parse_apple(page)
    assert len(parsed.items) == good - 1
    (reject,) = parsed.rejects
    assert "not an object" in reject.reason


@pytest.mark.parametrize("field", ["title", "selftext", "body"])
def test_a_reddit_text_that_is_not_a_string_is_rejected_not_taken_as_deleted(field):
    page = copy.deepcopy(REDDIT)
    good = parse_reddit(page).items
    kind = "t1" if field == "body" else "t3"
    index = next(i for i, c in enumerate(page["data"]["children"]) if c["kind"] == kind)
    page["data"]["children"][index]["data"][field] = 42
    parsed = parse_reddit(page)
    assert len(parsed.items) == len(good) - 1
    (reject,) = parsed.rejects
    assert "not a string" in reject.reason
