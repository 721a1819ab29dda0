"""`reputation classify` and `reputation eval` with the real default model (the contracts)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]
EXE = str(Path(sys.executable).parent / "reputation")
FIXTURE = ROOT / "tests" / "fixtures" / "sentiment" / "labelled.jsonl"


def run(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPUTATION_", "SLACK_"))}
    return subprocess.run(
        [EXE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def test_classify_contract_from_stdin_to_stdout():
    rows = [
        {"text": "Entrega rápida, produto excelente!", "id": "a", "rating": 5},
        {"text": "Очень плохое качество, верните деньги", "id": "b"},
        {"text": "", "id": "c"},
        {
            "text": "5 stars for the kettle, but the courier was two weeks late and rude",
            "id": "d",
            "rating": 5,
        },
    ]
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "not json\n"
    done = run("classify", stdin=stdin)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", "b", "c", "d", None]
    a, b, c, d, bad = out
    assert a["sentiment"]["label"] == "positive"
    assert not a["sentiment"]["flag"]
    assert a["sentiment"]["lang"] == "pt"
    assert b["sentiment"]["label"] == "negative"
    assert b["sentiment"]["flag"]
    assert b["sentiment"]["lang"] == "ru"
    assert c["sentiment"]["lang"] == "und"
    assert "rating_text_mismatch" in d["sentiment"]["reasons"]
    assert {"delivery", "staff"} <= set(d["sentiment"]["topics"])
    assert "error" in bad
    assert "Traceback" not in done.stderr


def test_classify_files_and_eval_json(tmp_path):
    out = tmp_path / "out.jsonl"
    done = run("classify", "--input", str(FIXTURE), "--output", str(out))
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 24
    labels = [json.loads(line)["sentiment"]["label"] for line in lines]
    gold = [json.loads(line)["label"] for line in FIXTURE.read_text("utf-8").splitlines()]
    assert sum(p == g for p, g in zip(labels, gold, strict=True)) >= 21

    done = run("eval", str(FIXTURE), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(report["datasets"]) == {
        f"handwritten-{x}" for x in ("pt", "es", "it", "ru", "fa", "en")
    }
    for figures in report["datasets"].values():
        assert figures["n"] == 4
        assert {
            "accuracy",
            "macro_f1",
            "negative_precision",
            "negative_recall",
            "negative_f1",
        } <= set(figures)


def test_eval_missing_file_is_a_clear_error():
    done = run("eval", "/no/such/file.jsonl")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_classify_reads_input_that_starts_with_a_byte_order_mark(tmp_path):
    line = json.dumps({"text": "Produto veio quebrado", "id": "bom"}) + "\n"
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + line.encode())
    from_file = run("classify", "--input", str(src))
    from_stdin = subprocess.run(
        [EXE, "classify"], input=src.read_bytes(), capture_output=True, cwd=ROOT, check=False
    )
    for out in (from_file.stdout, from_stdin.stdout.decode()):
        [row] = [json.loads(text) for text in out.splitlines()]
        assert row["id"] == "bom"
        assert "error" not in row
        assert row["sentiment"]["label"] == "negative"
