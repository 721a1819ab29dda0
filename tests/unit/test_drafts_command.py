import argparse
import io
import json
import re

import pytest

from reputation.core.errors import ConfigError
from reputation.draft_commands import draft, draft_lines
from tests.fakes import FakeSentimentModel

PARSED = {  # as `reputation parse` prints it
    "source": "google_business",
    "external_id": "accounts/1/locations/2/reviews/abc",
    "kind": "review",
    "rating": 1,
    "text": "El pedido 55667788 llegó roto y nadie contesta. Escribidme a lu@correo.es",
    "lang": "es",
    "author": "Lucía Pérez",
    "created_at": "2026-11-20T10:00:00Z",
    "updated_at": None,
    "url": "https://maps.google.com/?cid=1",
    "reply": None,
}
SENTIMENT = {
    "label": "negative",
    "scores": {"negative": 0.93, "neutral": 0.05, "positive": 0.02},
    "lang": "es",
    "flag": True,
    "reasons": ["negative_text", "low_rating"],
    "topics": ["quality", "support"],
    "severity": "high",
}


@pytest.fixture
def fake_model(monkeypatch):
    model = FakeSentimentModel()
    monkeypatch.setattr("reputation.app.build_model", lambda settings, progress: model)
    return model


def run(lines, settings, **kwargs):
    out = io.StringIO()
    counts = __import__("asyncio").run(draft_lines(lines, out, settings=settings, **kwargs))
    return [json.loads(line) for line in out.getvalue().splitlines()], counts


def test_every_line_comes_back_in_order_with_a_draft_or_an_error(settings, fake_model):
    lines = [
        json.dumps({**PARSED, "sentiment": SENTIMENT}, ensure_ascii=False),
        "{not json",
        json.dumps({**PARSED, "external_id": "b", "rating": 9}),
        "",
        json.dumps(
            {
                **PARSED,
                "external_id": "c",
                "lang": "ru",
                "author": "Ольга",
                "text": "Курьер опоздал, товар плохой",
            },
            ensure_ascii=False,
        ),
        "[1, 2]",
    ]
    rows, (drafted, errors) = run(lines, settings)
    assert len(rows) == 6
    assert (drafted, errors) == (2, 4)
    first = rows[0]
    assert {k: first[k] for k in PARSED} == PARSED  # the input is kept as it was
    d = first["draft"]
    assert set(d) == {"text", "lang", "case_ref", "private_channel", "needs_approval"}
    assert d["lang"] == "es"
    assert d["needs_approval"] is True
    assert re.fullmatch(r"RP-[0-9A-Z]{4,8}", d["case_ref"])
    assert d["case_ref"] in d["text"]
    assert settings.brand.private_channel in d["text"]
    assert d["private_channel"]
    assert "Lucía" in d["text"]
    assert "Pérez" not in d["text"]
    assert "55667788" not in d["text"]
    assert "lu@correo.es" not in d["text"]
    assert "sentiment" in first
    assert first["sentiment"] == SENTIMENT
    assert rows[1]["error"].startswith("line 2: not JSON")
    assert "rating" in rows[2]["error"]
    assert rows[2]["external_id"] == "b"
    assert rows[3]["error"] == "line 4: empty line"
    assert rows[4]["draft"]["lang"] == "ru"
    assert rows[4]["sentiment"]["flag"] is True
    assert re.search(r"[а-я]{20}", rows[4]["draft"]["text"].replace(" ", ""))
    assert "expected a JSON object" in rows[5]["error"]
    assert fake_model.calls == [["Курьер опоздал, товар плохой"]]  # only what lacked sentiment


def test_no_model_is_loaded_when_every_line_has_a_sentiment(settings, monkeypatch):
    def refuse(settings, progress):
        raise AssertionError("model loaded")

    monkeypatch.setattr("reputation.app.build_model", refuse)
    rows, _ = run([json.dumps({**PARSED, "sentiment": SENTIMENT})], settings)
    assert rows[0]["draft"]["text"]


def test_minimal_lines_without_dates_are_drafted(settings, fake_model):
    line = {
        "source": "google_business",
        "external_id": "x1",
        "kind": "review",
        "rating": 1,
        "lang": "es",
        "author": "Lucía",
        "text": "El pedido llegó roto y nadie contesta.",
    }
    rows, _ = run([json.dumps(line, ensure_ascii=False)], settings)
    assert rows[0]["draft"]["case_ref"] in rows[0]["draft"]["text"]
    assert "created_at" not in rows[0]


def test_case_refs_are_unique_and_wording_never_repeats_within_a_run(settings):
    lines = [
        json.dumps(
            {
                **PARSED,
                "external_id": f"id{n}",
                "author": "Lucía",
                "text": f"Problema número {n}",
                "sentiment": SENTIMENT,
            },
            ensure_ascii=False,
        )
        for n in range(80)
    ]
    rows, _ = run(lines, settings)
    refs = [r["draft"]["case_ref"] for r in rows]
    assert len(set(refs)) == 80
    from responders.drafts import wording

    keys = [
        wording(r["draft"]["text"], case_ref=r["draft"]["case_ref"], name="Lucía") for r in rows
    ]
    for n in range(len(keys)):
        assert keys[n] not in keys[max(0, n - 50) : n]


def test_positive_and_unflagged_items_get_no_draft_unless_the_brand_thanks(settings, fake_model):
    happy = json.dumps({**PARSED, "rating": 5, "text": "Great service, I love it"})
    rows, _ = run([happy], settings)
    assert rows[0]["draft"] is None
    settings.brand.thank_positive = True
    rows, _ = run([happy], settings)
    assert rows[0]["draft"]["text"]
    assert "Lucía" in rows[0]["draft"]["text"]


def test_suspicious_bursts_are_labelled_and_never_auto_posted(settings):
    settings.brand.auto_post_low = True
    low = {**SENTIMENT, "severity": "low"}
    text = "Worst shop in town, they steal your money and never answer, avoid them!!!"
    lines = [
        json.dumps(
            {
                **PARSED,
                "external_id": f"s{n}",
                "text": text + "!" * n,
                "created_at": f"2026-11-20T1{n}:00:00Z",
                "sentiment": low,
            }
        )
        for n in range(4)
    ]
    lines.append(
        json.dumps({**PARSED, "external_id": "ok", "text": "Late parcel, sad", "sentiment": low})
    )
    rows, _ = run(lines, settings)
    for row in rows[:4]:
        assert row["suspicious"]["reasons"] == ["similar_text_burst"]
        assert row["draft"]["needs_approval"] is True
    assert "suspicious" not in rows[4]
    assert rows[4]["draft"]["needs_approval"] is False  # low, brand allows auto-posting


def test_brand_option_picks_the_brands_voice_and_channel(settings, tmp_path):
    from config.settings import BrandSettings

    settings.brands["Loja Sol"] = BrandSettings(
        name="Loja Sol", private_channel="https://wa.me/5511988887777", signature="Equipe Sol"
    )
    src = tmp_path / "in.jsonl"
    dst = tmp_path / "out.jsonl"
    src.write_text(json.dumps({**PARSED, "sentiment": SENTIMENT}) + "\n", encoding="utf-8")
    args = argparse.Namespace(input=str(src), output=str(dst), brand="Loja Sol")
    assert draft(settings, args) == 0
    (row,) = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert "https://wa.me/5511988887777" in row["draft"]["text"]
    assert row["draft"]["text"].rstrip().endswith("Equipe Sol")
    with pytest.raises(ConfigError, match="not configured"):
        draft(settings, argparse.Namespace(input=str(src), output=None, brand="Nope"))
    with pytest.raises(ConfigError, match="same file"):
        draft(settings, argparse.Namespace(input=str(src), output=str(src), brand=None))


def test_a_cut_off_emoji_in_the_input_is_drafted_not_a_crash(settings, fake_model):
    # Half an emoji (a lone surrogate) used to abort the whole run when the row was echoed.
    row = {**PARSED, "external_id": "cut", "text": "Chegou quebrado @", "author": "@Bia"}
    line = json.dumps(row).replace('quebrado @"', 'quebrado \\ud83d"').replace("@Bia", "\\u0000Bia")
    out, counts = run([line], settings)
    assert counts == (1, 0)
    assert out[0]["text"].endswith("\ufffd")
    assert out[0]["author"] == "\ufffdBia"
    assert out[0]["draft"]["text"]


def test_regional_tags_quoted_or_fractional_ratings_and_numeric_ids_are_read(settings, fake_model):
    lines = [
        json.dumps({**PARSED, "external_id": "a", "lang": "es-MX", "rating": "1"}),
        json.dumps({**PARSED, "external_id": 7, "lang": "es_AR", "rating": 1.4}),
        json.dumps({**PARSED, "external_id": "c", "rating": 0.4}),
        json.dumps({**PARSED, "external_id": "d", "rating": "one"}),
        json.dumps({**PARSED, "external_id": True}),
        json.dumps({**PARSED, "external_id": "e", "rating": "2/5"}),
    ]
    rows, (drafted, errors) = run(lines, settings)
    assert (drafted, errors) == (3, 3)
    assert rows[5]["rating"] == "2/5"
    assert "draft" in rows[5]
    assert [r["draft"]["lang"] for r in rows[:2]] == ["es", "es"]
    assert rows[0]["lang"] == "es-MX"  # the input is kept as it was
    assert rows[1]["external_id"] == 7
    assert all("rating" in r["error"] for r in rows[2:4])
    assert "external_id" in rows[4]["error"]


def test_a_line_nested_past_the_parsers_limit_is_an_error_line(settings, fake_model):
    rows, (drafted, errors) = run(["[" * 100_000 + "]" * 100_000], settings)
    assert (drafted, errors) == (0, 1)
    assert rows == [{"error": "line 1: not JSON: nested too deeply"}]


def test_a_line_that_is_not_utf8_is_an_error_line(settings, fake_model):
    line = json.dumps({**PARSED, "external_id": "a"}, ensure_ascii=False)
    latin1 = line + "\udce9"  # a byte 0xE9, as errors="surrogateescape" reads it
    rows, (drafted, errors) = run([latin1, line], settings)
    assert (drafted, errors) == (1, 1)
    assert rows[0]["error"].startswith("line 1: not UTF-8 (byte 0xE9 at character")
    assert "draft" in rows[1]
