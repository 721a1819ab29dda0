"""JSON-lines tools behind ``reputation classify`` and ``reputation eval``."""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TextIO, cast

from config.settings import Settings
from reputation.core.models import review_text
from reputation.core.protocols import SentimentModel
from reputation.core.text import blank, half_up, read_json, unreadable
from sentiment.data import Example, given_kind, read_jsonl
from sentiment.metrics import Figures, by_dataset
from sentiment.mixed import score_reviews
from sentiment.rules import assess
from sentiment.stars import given_rating

CHUNK = 512
PROGRESS_EVERY_S = 5.0


_END = object()


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """Lines in chunks of up to ``size``: as many as have arrived, never waiting for more
    once one is in hand. A file gives full chunks; a tool that writes one line and waits
    for its answer (classify as a co-process) gets it at once instead of hanging until
    ``size`` lines have come."""
    arrived: queue.Queue[object] = queue.Queue(maxsize=4 * size)

    def read() -> None:
        try:
            for line in lines:
                arrived.put(line)
        except Exception as exc:  # handed to the reading side, raised there
            arrived.put(exc)
        arrived.put(_END)

    threading.Thread(target=read, name="classify-input", daemon=True).start()
    while True:
        chunk: list[str] = []
        item = arrived.get()
        while True:
            if isinstance(item, Exception):
                raise item
            if item is _END:
                if chunk:
                    yield chunk
                return
            chunk.append(cast(str, item))
            if len(chunk) == size:
                break
            try:
                item = arrived.get_nowait()
            except queue.Empty:
                break
        yield chunk


class _Line(NamedTuple):
    row: dict[str, Any] | None  # the input object, when the line is one
    error: str | None  # why the line cannot be classified
    rating: float | None = None  # the row's rating as stars out of five, read once


def _parse(line: str, number: int) -> _Line:
    """The input object and its rating, or an error saying why the line cannot be
    classified."""
    if why := unreadable(line):
        return _Line(None, f"line {number}: {why}")
    try:
        row = read_json(line)
    except json.JSONDecodeError as exc:
        return _Line(None, f"line {number}: not JSON: {exc.msg}")
    if not isinstance(row, dict):
        return _Line(None, f"line {number}: expected a JSON object")
    text = row.get("text")
    if text is not None and not isinstance(text, str):
        return _Line(row, f"line {number}: text must be a string")
    if text is None and row.get("rating") is None and not row.get("title"):
        return _Line(row, f"line {number}: no text and no rating")
    rating = row.get("rating")
    value = given_rating(rating)
    if rating is not None and not (value is not None and 1 <= value <= 5):
        return _Line(
            row,
            f"line {number}: rating must be 1 to 5 stars: a number, or text such as "
            "4,5 or 8/10 or ★★☆☆☆",
        )
    for key in ("lang", "title"):
        if row.get(key) is not None and not isinstance(row[key], str):
            return _Line(row, f"line {number}: {key} must be a string")
    return _Line(row, None, value)


async def classify_lines(
    model: SentimentModel,
    lines: Iterable[str],
    out: TextIO,
    *,
    settings: Settings,
    progress: TextIO | None = None,
) -> tuple[int, int]:
    """Write one output line per input line, in order; return (classified, errors)."""
    done = errors = 0
    number = 0
    started = time.monotonic()
    reported = float("-inf")
    threshold = settings.sentiment.negative_threshold
    for chunk in _chunks(lines, CHUNK):
        parsed: list[_Line] = []
        for line in chunk:
            number += 1
            parsed.append(_parse(line, number))
        valid = {i: p.row for i, p in enumerate(parsed) if p.error is None and p.row is not None}
        # A review is its title and text; a title alone is a review too ("Never again").
        whole = {
            i: review_text(r.get("title") or None, r.get("text") or "") for i, r in valid.items()
        }
        read = [i for i, text in whole.items() if not blank(text)]
        scored = await score_reviews(
            model,
            [whole[i] for i in read],
            [given_kind(valid[i]) for i in read],
            [valid[i].get("lang") or None for i in read],
        )
        scores = dict(zip(read, scored, strict=True))
        for i, (row, err, rating) in enumerate(parsed):
            if err is not None:
                errors += 1
                out.write(json.dumps({**(row or {}), "error": err}, ensure_ascii=False) + "\n")
                continue
            assert row is not None  # noqa: S101 - no error means a parsed object
            result = assess(
                text=whole[i],
                rating=half_up(rating) if rating is not None else None,
                lang=row.get("lang") or None,
                score=scores.get(i),
                model=model.name,
                negative_threshold=threshold,
            )
            row["sentiment"] = result.model_dump(
                mode="json",
                include={"label", "scores", "lang", "flag", "reasons", "topics", "severity"},
            )
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            done += 1
        out.flush()
        now = time.monotonic()
        # Long runs only, and at most every few seconds: a co-process answered line by line
        # would otherwise get a progress line per input line.
        if progress is not None and number >= 5 * CHUNK and now - reported >= PROGRESS_EVERY_S:
            reported = now
            progress.write(f"· {number} lines ({number / max(1e-6, now - started):.0f}/s)\n")
    return done, errors


async def evaluate_examples(
    model: SentimentModel, examples: Sequence[Example], *, progress: TextIO = sys.stderr
) -> dict[str, Figures]:
    """Per-dataset figures for labelled examples (read them first with :func:`read_labelled`:
    a bad file then fails before the model loads). An example's ``lang`` and ``kind`` reach
    the model as ``classify``'s keys do."""
    given = len(examples)
    examples = [ex for ex in examples if not blank(ex.text)]
    if skipped := given - len(examples):
        progress.write(f"· skipping {skipped} labelled rows with no text or title to read\n")
    progress.write(f"· scoring {len(examples)} labelled texts\n")
    predictions: list[str] = []
    started = time.monotonic()
    for start in range(0, len(examples), 1024):
        batch = examples[start : start + 1024]
        # A row's own ``lang`` selects the calibration, as in ``classify``; "und" (none
        # given) leaves it to the language identifier.
        langs = [None if e.lang == "und" else e.lang for e in batch]
        scored = await model.score([e.text for e in batch], [e.kind for e in batch], langs)
        predictions += [s.label.value for s in scored]
        rate = len(predictions) / max(1e-6, time.monotonic() - started)
        progress.write(f"· {len(predictions)}/{len(examples)} ({rate:.0f}/s)\n")
    return by_dataset([e.dataset for e in examples], [e.label for e in examples], predictions)


def read_labelled(files: Iterable[Path]) -> list[Example]:
    """Every example of labelled JSON-lines files (``text``, ``label``, ``dataset``); the
    first bad line fails with its file and line number."""
    return [ex for path in files for ex in read_jsonl(path, lang="und")]
