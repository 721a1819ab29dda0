"""A real collector's page with one hostile record, through the runner into the real MongoDB:
the record is quarantined with its reason, the good ones on the same page are stored."""

import copy
import re

import pytest
from aioresponses import aioresponses

from collectors.runner import collect_source
from tests.collector_kit import (
    RecordingSleep,
    fixture_json,
    make_collector,
    session,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.integration

UNIT = "46d6a890ffa235a75b00021d"
URL = re.compile(rf"^https://api\.trustpilot\.com/v1/business-units/{UNIT}/reviews\?.*$")


def quiet(_message: str) -> None:
    pass


async def test_a_far_future_record_is_quarantined_and_the_page_stored(store, session):  # noqa: F811
    page = copy.deepcopy(fixture_json("trustpilot", "business_unit_reviews_page1.json"))
    page["links"] = []  # the last page
    bad = copy.deepcopy(page["reviews"][0])
    bad["id"] = "far-future"
    bad["createdAt"] = 10**20  # no datetime holds it: OSError out of the parser, once
    page["reviews"].insert(1, bad)
    collector = make_collector("trustpilot", session, RecordingSleep(), ids=[UNIT], token="t")
    with aioresponses() as mock:
        mock.get(URL, payload=page)
        report = await collect_source(collector, store, progress=quiet)
    assert report.error is None
    assert (report.new, report.quarantined) == (2, 1)
    (record,) = await store.quarantine.list("trustpilot")
    assert "far-future" in record.raw
    assert "timestamp out of range" in record.reason
