import io
import json

import pytest

from config.settings import Settings
from sentiment.batch import classify_lines
from tests.fakes import FakeSentimentModel

KEYS = {"label", "scores", "lang", "flag", "reasons", "topics", "severity"}


async def run(lines):
    out = io.StringIO()
    model = FakeSentimentModel()
    counts = await classify_lines(model, lines, out, settings=Settings())
    return [json.loads(line) for line in out.getvalue().splitlines()], counts, model


async def test_every_line_answers_in_order_keeping_its_keys():
    lines = [
        json.dumps({"id": "a", "text": "Produto ótimo, excelente!", "rating": 5}),
        json.dumps({"id": "b", "text": "Очень плохое качество, верните деньги", "extra": [1]}),
        json.dumps({"id": "c", "text": ""}),
        "not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "f", "rating": 9, "text": "x"}),
        json.dumps({"id": "g", "rating": 1}),
        "",
    ]
    out, (done, errors), model = await run(lines)
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["a", "b", "c", None, None, "f", "g", None]
    assert (done, errors) == (4, 4)
    assert out[0]["sentiment"]["label"] == "positive"
    assert set(out[0]["sentiment"]) == KEYS
    assert set(out[0]["sentiment"]["scores"]) == {"negative", "neutral", "positive"}
    assert out[1]["extra"] == [1]
    assert out[1]["sentiment"]["lang"] == "ru"
    assert out[1]["sentiment"]["flag"]
    assert "refund" in out[1]["sentiment"]["topics"]
    assert out[2]["sentiment"]["label"] == "neutral"
    assert not out[2]["sentiment"]["flag"]
    assert "not JSON" in out[3]["error"]
    assert "JSON object" in out[4]["error"]
    assert "rating" in out[5]["error"]
    assert out[6]["sentiment"]["reasons"] == ["low_rating"]
    assert "empty" in out[7]["error"]
    assert model.calls == [["Produto ótimo, excelente!", "Очень плохое качество, верните деньги"]]


async def test_given_language_is_kept_and_reaches_the_model():
    out, _, model = await run(
        [json.dumps({"text": "ok ok", "lang": "es"}), json.dumps({"text": "ok", "lang": "pt-BR"})]
    )
    assert out[0]["sentiment"]["lang"] == "es"
    assert out[1]["sentiment"]["lang"] == "pt"
    assert model.langs == [["es", "pt-BR"]]  # the model normalises the tag itself


async def test_the_kind_reaches_the_model_and_an_unknown_one_is_left_to_it():
    lines = [
        json.dumps({"text": "odio este tweet", "kind": "mention"}),
        json.dumps({"text": "mala reseña"}),
        json.dumps({"text": "otra", "kind": 7}),
        json.dumps({"text": "una pregunta", "kind": "question"}),
        json.dumps({"text": "otro tweet", "kind": " Mention"}),  # read as labels are
        json.dumps({"text": "y otra", "kind": "tweet"}),  # a source's word for a mention
        json.dumps({"text": "y más", "kind": "something"}),
    ]
    out, _, model = await run(lines)
    # None: nobody said; the default model reads it from the text (sentiment.kind_probe).
    assert model.kinds == [["mention", None, None, "question", "mention", "mention", None]]
    assert out[4]["kind"] == " Mention"  # the input keys are kept as they were


async def test_large_input_is_streamed_in_chunks():
    lines = [json.dumps({"i": i, "text": f"broken item {i}"}) for i in range(1300)]
    out, (done, _), model = await run(lines)
    assert done == 1300
    assert [o["i"] for o in out] == list(range(1300))
    assert len(model.calls) == 3


async def test_hostile_text_gets_an_answer_not_a_crash():
    lines = [
        '{"id": "cut", "text": "Produto quebrado \\ud83d", "note": "\\udc00"}',
        json.dumps({"id": "nul", "text": "a\u0000 péssimo atendimento"}),
        json.dumps({"id": "ok", "text": "Ótimo"}),
    ]
    out, (done, errors), model = await run(lines)
    assert (done, errors) == (3, 0)
    assert [o["id"] for o in out] == ["cut", "nul", "ok"]
    assert out[0]["text"] == "Produto quebrado \ufffd"
    assert out[0]["note"] == "\ufffd"
    assert all("\ud83d" not in t and "\x00" not in t for call in model.calls for t in call)


async def test_quoted_ratings_count_and_non_json_numbers_do_not_leak_out():
    lines = [
        json.dumps({"id": "q", "text": "ok", "rating": "1"}),
        '{"id": "nan", "text": "ok", "rating": NaN, "price": Infinity}',
        json.dumps({"id": "word", "text": "ok", "rating": "five"}),
        json.dumps({"id": "bool", "text": "ok", "rating": True}),
        json.dumps({"id": "title", "text": "ok", "title": {"a": 1}}),
    ]
    out, (done, errors), _ = await run(lines)
    assert (done, errors) == (2, 3)
    assert out[0]["sentiment"]["reasons"] == ["low_rating"]  # "1" is a one-star review
    assert out[0]["rating"] == "1"  # kept as given
    assert out[1]["rating"] is None
    assert out[1]["price"] is None
    assert "sentiment" in out[1]
    assert all("rating" in o["error"] for o in out[2:4])
    assert "title must be a string" in out[4]["error"]


async def test_ratings_written_out_of_five_ten_or_in_stars_count():
    lines = [
        json.dumps({"id": "frac", "text": "ok", "rating": "2/5"}),
        json.dumps({"id": "ten", "text": "ok", "rating": "9/10"}),
        json.dumps({"id": "stars", "text": "ok", "rating": "★☆☆☆☆"}),
        json.dumps({"id": "over", "text": "ok", "rating": "7/5"}),
    ]
    out, (done, errors), _ = await run(lines)
    assert (done, errors) == (3, 1)
    assert out[0]["sentiment"]["reasons"] == ["low_rating"]
    assert out[1]["sentiment"]["reasons"] == []
    assert out[2]["sentiment"]["reasons"] == ["low_rating"]
    assert out[2]["rating"] == "★☆☆☆☆"  # kept as given
    assert "rating must be 1 to 5 stars" in out[3]["error"]


async def test_hostile_lines_get_an_error_each_and_the_rest_are_classified():
    lines = [
        "[" * 100_000 + "]" * 100_000,
        '{"text": "x", "n": ' + "9" * 5_000 + "}",
        "\ufeff" + json.dumps({"id": "bom", "text": "Produto ótimo"}, ensure_ascii=False),
        json.dumps({"id": "after", "text": "Очень плохо"}, ensure_ascii=False),
    ]
    out, (done, errors), _ = await run(lines)
    assert (done, errors) == (2, 2)
    assert out[0]["error"] == "line 1: not JSON: nested too deeply"
    assert out[1]["error"].startswith("line 2: not JSON: Exceeds the limit")
    assert [o.get("id") for o in out] == [None, None, "bom", "after"]
    assert out[3]["sentiment"]["lang"] == "ru"


async def test_a_half_star_rounds_up_as_the_collectors_read_it():
    # Rounding a half to even made 2.5 stars a two-star (flagged) rating but 3.5 four stars.
    lines = [json.dumps({"text": "", "rating": r}) for r in (1.5, 2.5, 3.5, 4.5)]
    out, _, _ = await run(lines)
    assert [o["sentiment"]["label"] for o in out] == ["negative", "neutral", "positive", "positive"]
    assert [o["sentiment"]["flag"] for o in out] == [True, False, False, False]


async def test_a_text_of_invisible_characters_is_not_sent_to_the_model():
    lines = [
        json.dumps({"id": "z", "text": "\u200b", "rating": 1}),
        json.dumps({"id": "v", "text": "\u200b\ufe0f", "rating": 5}),
        json.dumps({"id": "w", "text": "\ufeff"}),
    ]
    out, (done, errors), model = await run(lines)
    assert (done, errors) == (3, 0)
    assert [text for call in model.calls for text in call] == []
    assert [o["sentiment"]["label"] for o in out] == ["negative", "positive", "neutral"]
    assert out[0]["sentiment"]["reasons"] == ["low_rating"]


async def test_a_review_with_only_a_title_is_read():
    lines = [
        json.dumps({"id": "t", "title": "Очень плохое качество, верните деньги", "text": ""}),
        json.dumps({"id": "u", "title": "Очень плохое качество, верните деньги"}),
    ]
    out, (done, errors), model = await run(lines)
    assert (done, errors) == (2, 0)
    assert model.calls == [["Очень плохое качество, верните деньги\n"] * 2]  # as review_text
    for row in out:
        assert row["sentiment"]["flag"]
        assert row["sentiment"]["lang"] == "ru"
        assert "refund" in row["sentiment"]["topics"]


async def test_eval_rows_pass_their_own_lang_and_kind_as_classify_lines_do(tmp_path):
    import io as _io

    from sentiment.batch import evaluate_examples, read_labelled

    path = tmp_path / "gold.jsonl"
    rows = [
        {"text": "Produto ótimo", "label": "positive", "lang": "pt-BR", "kind": "mention"},
        {"text": "Очень плохо", "label": "negative", "dataset": "d"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    model = FakeSentimentModel()
    figures = await evaluate_examples(model, read_labelled([path]), progress=_io.StringIO())
    assert model.langs == [["pt-BR", None]]  # no lang: the identifier decides
    assert model.kinds == [["mention", None]]  # no kind, no domain: the model reads it
    assert {name: f.n for name, f in figures.items()} == {"gold": 1, "d": 1}


async def test_eval_says_how_many_rows_it_could_not_read(tmp_path):
    import io as _io

    from sentiment.batch import evaluate_examples, read_labelled

    path = tmp_path / "gold.jsonl"
    rows = [
        {"text": " ", "label": "positive"},
        {"text": "", "title": "Péssimo", "label": "negative"},
        {"text": "Ótimo", "label": "positive"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    progress = _io.StringIO()
    figures = await evaluate_examples(
        FakeSentimentModel(), read_labelled([path]), progress=progress
    )
    assert figures["gold"].n == 2
    assert "skipping 1 labelled rows with no text" in progress.getvalue()


async def test_each_line_is_answered_without_waiting_for_the_next():
    # A tool using classify as a co-process writes a line and waits for its answer; with
    # fixed chunks of 512 lines it waited forever.
    import threading

    answered = threading.Event()
    waited: list[bool] = []

    def lines():
        yield json.dumps({"id": 1, "text": "Produto ótimo"})
        waited.append(answered.wait(timeout=5))
        yield json.dumps({"id": 2, "text": "Produto péssimo"})

    class Out(io.StringIO):
        def flush(self):
            if self.getvalue():
                answered.set()

    out = Out()
    await classify_lines(FakeSentimentModel(), lines(), out, settings=Settings())
    assert waited == [True]
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [1, 2]


async def test_a_failure_reading_the_input_reaches_the_caller():
    def lines():
        yield json.dumps({"text": "ok"})
        raise OSError("input went away")

    with pytest.raises(OSError, match="input went away"):
        await run(lines())


async def test_progress_is_reported_at_most_every_few_seconds(monkeypatch):
    # Answered line by line (a co-process), each line is a chunk of its own: one progress
    # line per input line once past the threshold, before.
    import sentiment.batch as batch

    monkeypatch.setattr(batch, "CHUNK", 1)
    progress = io.StringIO()
    lines = [json.dumps({"text": f"texto {i}"}) for i in range(40)]
    await classify_lines(
        FakeSentimentModel(), lines, io.StringIO(), settings=Settings(), progress=progress
    )
    reports = progress.getvalue().splitlines()
    assert len(reports) == 1
    assert reports[0].startswith("· 5 lines")


async def test_a_review_ending_on_a_complaint_after_but_is_flagged():
    from tests.fakes import ClauseModel

    out = io.StringIO()
    model = ClauseModel()
    line = json.dumps({"text": "Produto ótimo e bonito, mas a tampa veio sem a borracha"})
    await classify_lines(model, [line], out, settings=Settings())
    sentiment = json.loads(out.getvalue())["sentiment"]
    assert sentiment["reasons"] == ["mixed_complaint"]
    assert sentiment["label"] == "positive"
    assert model.calls[1] == ["mas a tampa veio sem a borracha"]
