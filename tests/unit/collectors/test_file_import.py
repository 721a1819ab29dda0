from datetime import UTC, datetime

import pytest

import collectors.file_import.collector  # noqa: F401 - registers the source
from collectors.file_import.parse import parse
from reputation.core.errors import FatalSourceError
from reputation.core.models import Kind
from tests.collector_kit import (
    FIXTURES,
    RecordingSleep,
    all_pages,
    fixture_text,
    make_collector,
    session,  # noqa: F401 - fixture
)

CSV = fixture_text("file_import", "trustmate_export.csv")
JSONL = fixture_text("file_import", "helpdesk_export.jsonl")
CSV_COLUMNS = {
    "external_id": "Review ID",
    "created_at": "Date",
    "rating": "Stars (1-10)",
    "author": "Customer",
    "title": "Headline",
    "text": "Review",
    "lang": "Language",
    "url": "Link",
}
JSONL_COLUMNS = {
    "external_id": "id",
    "created_at": "created",
    "text": "body",
    "rating": "score",
    "author": "user.name",
    "kind": "type",
    "lang": "locale",
}


def test_csv_with_mapped_columns_and_a_ten_point_scale():
    parsed = parse(CSV, fmt="csv", columns=CSV_COLUMNS, rating_scale=10, source_name="trustmate")
    first, second, unrated = parsed.items
    assert first.source == "file_import"
    assert first.external_id == "trustmate:TM-1001"
    assert first.location == "trustmate"
    assert first.rating == 5  # 9 of 10
    assert first.title == "Szybka dostawa"
    assert first.lang == "pl"
    assert first.url == "https://reviews.example.com/r/TM-1001"
    assert first.created_at == datetime(2025, 6, 1, 14, 5, tzinfo=UTC)  # naive = UTC
    assert second.author == "Nowak, Jan"
    assert second.text == "Lampa przyszła uszkodzona;\nwymiana trwała dwa tygodnie."
    assert second.rating == 2  # 3 of 10
    assert second.title is None
    assert second.created_at == datetime(2025, 5, 30, 6, 0, tzinfo=UTC)
    assert unrated.rating is None  # 0 = no rating
    assert len(parsed.rejects) == 2
    assert "Date" in parsed.rejects[0].reason
    assert "TM-1003" in parsed.rejects[0].raw
    assert "Review ID" in parsed.rejects[1].reason


def test_jsonl_with_dotted_keys_epoch_times_and_kinds():
    parsed = parse(JSONL, columns=JSONL_COLUMNS)  # sniffed: each line is an object
    review, question = parsed.items
    assert review.external_id == "5501"
    assert review.author == "R. Singh"
    assert review.created_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert review.lang == "en"
    assert review.rating == 5
    assert question.kind is Kind.QUESTION
    assert question.rating is None
    reasons = [r.reason for r in parsed.rejects]
    assert len(reasons) == 3
    assert "line 3 is not JSON" in reasons[0]
    assert "complaint" in reasons[1]  # not a kind we know
    assert "created" in reasons[2]


def test_a_jsonl_line_nested_past_the_parsers_limit_is_a_reject_with_its_line():
    deep = "[" * 100_000 + "]" * 100_000
    text = JSONL.splitlines()[0] + "\n" + deep + "\n"
    parsed = parse(text, columns=JSONL_COLUMNS)
    assert [r.external_id for r in parsed.items] == ["5501"]
    (reject,) = parsed.rejects
    assert reject.raw == deep  # kept whole for the quarantine
    assert "line 2 is not JSON: nested too deeply" in reject.reason


def test_default_columns_are_our_field_names():
    text = "external_id,created_at,text,rating\nA1,2025-01-02,Fine,4\n"
    [review] = parse(text).items
    assert (review.external_id, review.rating, review.location) == ("A1", 4, None)


def test_unreadable_content_raises_value_error():
    with pytest.raises(ValueError, match="no header row with the columns"):
        parse("name,comment\nx,y\n")
    with pytest.raises(ValueError, match="no header row"):
        parse(CSV, fmt="csv")  # the file's columns are not mapped
    with pytest.raises(ValueError, match="no line has the id key 'external_id'"):
        parse(JSONL)  # JSON lines, but the keys are not mapped
    with pytest.raises(ValueError, match="no JSON object"):
        parse("garbage\n", fmt="jsonl")
    with pytest.raises(ValueError, match="unknown fields"):
        parse(CSV, columns={"stars": "Stars"})
    with pytest.raises(ValueError, match="format"):
        parse(CSV, fmt="xlsx")


async def test_collector_reads_each_file_as_one_page(session):  # noqa: F811
    path = str(FIXTURES / "file_import" / "trustmate_export.csv")
    options = {"columns": CSV_COLUMNS, "rating_scale": 10, "source_name": "trustmate"}
    collector = make_collector(
        "file_import", session, RecordingSleep(), ids=[path], options=options
    )
    [page] = await all_pages(collector, path)
    assert page.resume is None
    assert [r.external_id for r in page.items] == [
        "trustmate:TM-1001",
        "trustmate:TM-1002",
        "trustmate:TM-1004",
    ]
    assert len(page.rejects) == 2


async def test_format_follows_the_extension(session, tmp_path):  # noqa: F811
    path = tmp_path / "export.jsonl"
    path.write_text(JSONL, encoding="utf-8")
    collector = make_collector(
        "file_import",
        session,
        RecordingSleep(),
        ids=[str(path)],
        options={"columns": JSONL_COLUMNS},
    )
    [page] = await all_pages(collector, str(path))
    assert [r.external_id for r in page.items] == ["5501", "5502"]


async def test_missing_or_unreadable_files_are_source_errors(session, tmp_path):  # noqa: F811
    missing = str(tmp_path / "nope.csv")
    collector = make_collector("file_import", session, RecordingSleep(), ids=[missing])
    with pytest.raises(FatalSourceError, match="cannot read"):
        await all_pages(collector, missing)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FatalSourceError, match="no header row"):
        await all_pages(collector, str(bad))
