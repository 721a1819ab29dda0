import json

import pytest

from reputation.core.errors import ConfigError
from sentiment.data import Example, cap, carve, read_jsonl, split
from sentiment.metrics import by_dataset, figures


def examples(dataset, counts):
    return [
        Example(f"{dataset} {label} {i}", label, dataset, "pt")
        for label, n in counts.items()
        for i in range(n)
    ]


def test_split_is_stratified_deterministic_and_disjoint():
    rows = examples("big", {"negative": 3000, "neutral": 1000, "positive": 6000})
    rows += examples("small", {"negative": 50, "positive": 350})
    train, val = split(rows, seed=13)
    _, again_val = split(list(reversed(rows)), seed=13)
    assert {e.text for e in val} == {e.text for e in again_val}
    assert not {e.text for e in train} & {e.text for e in val}
    assert len(train) + len(val) == len(rows)
    big = [e for e in val if e.dataset == "big"]
    assert len(big) == 1000
    assert sum(e.label == "negative" for e in big) == 300  # proportions kept
    small = [e for e in val if e.dataset == "small"]
    assert len(small) == 160  # the floor (300) is capped at 40% of a small set
    assert split(rows, seed=14)[1] != val


def test_a_larger_calibration_carve_leaves_the_validation_split_alone():
    rows = examples("tweets", {"negative": 700, "neutral": 700, "positive": 700})
    rows += examples("big", {"negative": 3000, "positive": 9000})
    small = carve(rows, seed=13)
    large = carve(rows, seed=13, calibration_min=300)
    assert {e.text for e in large.validation} == {e.text for e in small.validation}
    tweets = [e for e in large.calibration if e.dataset == "tweets"]
    assert len(tweets) == 300
    assert len([e for e in small.calibration if e.dataset == "tweets"]) == 150
    assert {e.text for e in small.calibration} < {e.text for e in large.calibration}
    assert not {e.text for e in large.train} & {e.text for e in large.calibration}
    assert len(large.train) + len(large.calibration) + len(large.validation) == len(rows)


def test_cap_limits_each_dataset_label():
    rows = examples("big", {"negative": 50, "positive": 500})
    kept = cap(rows, 100)
    assert sum(e.label == "positive" for e in kept) == 100
    assert sum(e.label == "negative" for e in kept) == 50


def test_read_jsonl_uses_title_and_rejects_bad_labels(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "veio quebrado",
                "title": "Ruim",
                "label": "negative",
                "dataset": "b2w",
                "rating": 1,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    (row,) = read_jsonl(path, lang="pt")
    assert (row.text, row.dataset, row.lang, row.rating) == (
        "Ruim\nveio quebrado",
        "b2w",
        "pt",
        1.0,
    )
    path.write_text('{"text": "x", "label": "angry"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x\.jsonl:1"):
        list(read_jsonl(path))
    path.write_text('{"text": "x", "label": " Negative"}\n', encoding="utf-8")
    assert [row.label for row in read_jsonl(path)] == ["negative"]
    path.write_text('{"text": "ok", "label": "positive"}\n{"text": null, "label": "negative"}\n')
    with pytest.raises(ConfigError, match=r"x\.jsonl:2: .*text must be a string"):
        list(read_jsonl(path))


def test_figures_three_class():
    gold = ["negative", "negative", "neutral", "positive"]
    pred = ["negative", "positive", "neutral", "positive"]
    f = figures(gold, pred)
    assert f.accuracy == 0.75
    assert f.negative_precision == 1.0
    assert f.negative_recall == 0.5
    assert f.negative_f1 == pytest.approx(2 / 3)
    assert f.macro_f1 == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert not f.binary


def test_binary_datasets_count_neutral_as_positive():
    f = figures(["negative", "positive"], ["negative", "neutral"])
    assert f.binary
    assert f.accuracy == 1.0
    assert f.macro_f1 == 1.0


def test_macro_f1_averages_only_classes_present_or_predicted():
    # scikit-learn's convention: a class absent from gold and predictions has no F1.
    assert figures(["neutral", "neutral"], ["neutral", "neutral"]).macro_f1 == 1.0
    f = figures(["neutral", "positive"], ["neutral", "negative"])
    assert f.macro_f1 == pytest.approx((0 + 1 + 0) / 3)  # a wrong "negative" still counts
    assert figures(["positive"] * 3, ["positive"] * 3).macro_f1 == 1.0


def test_by_dataset_groups():
    results = by_dataset(
        ["a", "b", "a"], ["negative", "positive", "positive"], ["negative", "positive", "negative"]
    )
    assert results["a"].n == 2
    assert results["b"].accuracy == 1.0


def test_read_jsonl_tells_social_posts_from_reviews(tmp_path):
    path = tmp_path / "train.jsonl"
    rows = [
        {"text": "a", "label": "negative", "domain": "tweets"},
        {"text": "b", "label": "neutral", "domain": "VKontakte social-media posts"},
        {"text": "c", "label": "positive", "domain": "product reviews (Americanas.com)"},
        {"text": "d", "label": "positive", "kind": "question", "domain": "tweets"},
        {"text": "e", "label": "positive", "kind": "nonsense"},
        {"text": "f", "label": "neutral", "domain": "VKontakte posts"},
        {"text": "g", "label": "negative", "domain": "food-delivery service comments"},
        {"text": "h", "label": "negative", "domain": "Digikala product-review sentences"},
        {"text": "i", "label": "negative", "domain": "postal service reviews"},
        {"text": "j", "label": "negative", "domain": "misc"},
        {"text": "k", "label": "negative", "kind": "Tweet", "domain": "product reviews"},
        {"text": "l", "label": "negative", "kind": "instagram post"},
        {"text": "m", "label": "negative", "kind": "comment", "domain": "tweets"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    kinds = [ex.kind for ex in read_jsonl(path)]
    # None: nobody said, or the domain names neither (the kind probe reads the text). A kind
    # in a source's words ("Tweet", "comment") is read as the kind it names, before domain.
    assert kinds == [
        "mention", "mention", "review", "question", None, "mention", "review", "review", "review",
        None, "mention", "mention", "review",
    ]  # fmt: skip


def test_read_jsonl_skips_a_leading_byte_order_mark(tmp_path):
    path = tmp_path / "saved_by_a_spreadsheet.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "Chegou quebrado", "label": "negative"}\n')
    [example] = read_jsonl(path)
    assert example.text == "Chegou quebrado"
    assert example.label == "negative"
