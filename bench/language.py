"""What language ID costs a text, untagged and tagged by its source.

An untagged text is identified (``sentiment.language.detect_language``). A tagged one
used to keep its tag at no cost; since the text may overrule its tag
(``sentiment.language.language_of``: another script than the tag's, or an identifier
sure of another language) it is read too. Times both on N labelled texts (a fixed
sample of every language's ``train.jsonl``, the tag being the dataset's language), with
the language memory cleared before each pass, and counts the tags the texts overruled.

    .venv/bin/python bench/language.py [--datasets ../shared/datasets] [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sentiment.language import detect_language, forget_languages, language_of  # noqa: E402


def sample(datasets: Path, n: int) -> list[tuple[str, str]]:
    rows = [
        (json.loads(line)["text"], path.parent.name)
        for path in sorted(datasets.glob("*/train.jsonl"))
        for line in path.open()
    ]
    return random.Random(1).sample(rows, min(n, len(rows)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    rows = sample(Path(args.datasets), args.n)
    detect_language("warm-up: load fastText")
    forget_languages()
    started = time.perf_counter()
    for text, _ in rows:
        detect_language(text)
    untagged = time.perf_counter() - started
    forget_languages()
    started = time.perf_counter()
    found = [language_of(text, tag) for text, tag in rows]
    tagged = time.perf_counter() - started
    pairs = zip((tag for _, tag in rows), found, strict=True)
    overruled = Counter((tag, lang) for tag, lang in pairs if lang != tag)
    per = 1e6 / len(rows)
    print(f"{len(rows)} labelled texts, language memory cleared before each pass")
    print(f"untagged, detect_language: {untagged:.2f} s, {untagged * per:.0f} µs a text")
    print(f"tagged, language_of:       {tagged:.2f} s, {tagged * per:.0f} µs a text")
    print(f"tags the texts overruled: {sum(overruled.values())}", dict(overruled.most_common()))


if __name__ == "__main__":
    main()
