"""`reputation collect` end to end: config → collectors → real MongoDB, with progress."""

import re
import uuid

import pytest
from aioresponses import aioresponses

from reputation.cli import main
from tests.collector_kit import fixture_json

pytestmark = pytest.mark.integration
PLAY = re.compile(r"^https://play\.test/v3/applications/com\.example\.app/reviews.*$")


def configure(env, mongo_uri, tmp_path, token="play-secret-token"):
    env.setenv("REPUTATION_MONGO_URI", mongo_uri)
    env.setenv("REPUTATION_MONGO__DATABASE", f"cli_{uuid.uuid4().hex[:10]}")
    env.setenv("REPUTATION_DATA_DIR", str(tmp_path))
    config = tmp_path / "settings.toml"
    config.write_text(
        '[collectors.google_play]\nenabled = true\nids = ["com.example.app"]\n'
        'base_url = "https://play.test/v3"\n\n'
        '[collectors.ozon]\nenabled = true\nbase_url = "https://ozon.test"\n',
        encoding="utf-8",
    )
    env.setenv("REPUTATION_CONFIG", str(config))
    env.setenv("REPUTATION_COLLECTORS__GOOGLE_PLAY__TOKEN", token)


def test_collect_reports_per_source_and_is_idempotent(clean_env, mongo_uri, tmp_path, capsys):
    configure(clean_env, mongo_uri, tmp_path)
    with aioresponses() as mock:
        mock.get(PLAY, payload=fixture_json("google_play", "reviews_list.json"), repeat=True)
        assert main(["collect", "--source", "google_play"]) == 0
        first = capsys.readouterr()
        assert main(["collect", "--source", "google_play"]) == 0
        second = capsys.readouterr()
    assert "google_play: 2 new, 0 updated" in first.out
    assert "page 1" in first.err  # progress
    assert "google_play: 0 new, 0 updated" in second.out
    assert "play-secret-token" not in first.out + first.err + second.out + second.err


def test_one_broken_source_does_not_stop_the_others(clean_env, mongo_uri, tmp_path, capsys):
    configure(clean_env, mongo_uri, tmp_path)
    with aioresponses() as mock:
        mock.get(PLAY, payload=fixture_json("google_play", "reviews_list.json"), repeat=True)
        # ozon has no client_id and no token configured: it reports, google_play still runs.
        assert main(["collect"]) == 1
    out = capsys.readouterr().out
    assert "google_play: 2 new" in out
    assert re.search(r"ozon: .*ERROR .*client_id", out)
