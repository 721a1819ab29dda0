import json

import pytest

from reputation.cli import main
from tests.collector_kit import FIXTURES

KEYS = {
    "source",
    "external_id",
    "kind",
    "rating",
    "text",
    "lang",
    "author",
    "created_at",
    "updated_at",
    "url",
    "reply",
}


def test_list_names_every_registered_source(clean_env, capsys):
    assert main(["parse", "--list"]) == 0
    names = capsys.readouterr().out.split()
    assert {"google_play", "google_business", "google_places"} <= set(names)
    assert names == sorted(names)


def test_parse_prints_one_normalised_line_per_item(clean_env, capsys):
    path = FIXTURES / "google_play" / "reviews_list.json"
    assert main(["parse", "google_play", str(path), "--location", "com.example.app"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    assert set(lines[0]) >= KEYS
    assert lines[0]["created_at"] == "2025-09-12T18:00:00Z"
    assert lines[0]["reply"]["text"] == "Sorry! Fix coming."
    assert lines[1]["reply"] is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [("{ not json", "is not JSON"), ('{"response": {}}', "is not a google_play response")],
)
def test_garbage_exits_non_zero_with_one_line(clean_env, tmp_path, capsys, content, reason):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["parse", "google_play", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert reason in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_unknown_source_lists_the_known_ones(clean_env, tmp_path, capsys):
    assert main(["parse", "myspace", str(tmp_path / "x.json")]) == 2
    assert "google_play" in capsys.readouterr().err
