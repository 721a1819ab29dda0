"""Speed of ``reputation.core.text.html_as_text`` on hostile markup, against the patterns it
used before in the same process.

Every text the model, language ID, topics and the web collector read goes through it. Two
shapes cost time quadratic in their length with a pattern the regex engine retries from every
position: a run of blanks with no line break after it (the blank-line pattern read the run to
its end from each of its spaces), and scripts or comments that are opened and never closed
(``<script>.*?</script>`` looked for the end from each opening). The naive baseline is those
patterns, run on 10,000 and 40,000 characters only: on 1 MB it would take about an hour.

    .venv/bin/python bench/markup.py
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reputation.core import text as text_module  # noqa: E402

NAIVE_BLANKS = re.compile(r"[ \t]*\n[ \t\n]*\n[ \t]*|[ \t]+\n")
NAIVE_HIDDEN = re.compile(
    r"<(script|style|noscript|template)\b[^<>]{0,200}>.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)

SHAPES: dict[str, Callable[[int], str]] = {
    "a tag, then blanks": lambda n: "<b>" + " " * (n - 3),
    "scripts never closed": lambda n: "<script>" * (n // 8),
    "comments never closed": lambda n: "<!--" * (n // 4),
    "a review in a page": lambda n: (
        "<p>Produto chegou <b>quebrado</b>, p&eacute;ssimo atendimento.</p>\n\n" * (n // 64)
    ),
}


def seconds(run: Callable[[str], str], text: str) -> float:
    started = time.perf_counter()
    run(text)
    return time.perf_counter() - started


def naive(text: str) -> str:
    with (
        mock.patch.object(text_module, "_BLANKS", NAIVE_BLANKS),
        mock.patch.object(text_module, "_unhidden", lambda t: NAIVE_HIDDEN.sub(" ", t)),
    ):
        return text_module.html_as_text(text)


def main() -> None:
    for name, make in SHAPES.items():
        for size in (10_000, 40_000, 1_000_000):
            text = make(size)
            fast = seconds(text_module.html_as_text, text)
            line = f"{name}, {len(text):,} characters: {fast:.3f} s"
            if size <= 40_000:
                slow = seconds(naive, text)
                line += f", naive {slow:.3f} s ({slow / max(fast, 1e-6):.0f}×)"
            print(line, flush=True)


if __name__ == "__main__":
    main()
