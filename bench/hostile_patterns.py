"""Speed of the text rules on hostile input, against the patterns they used before, in the
same process.

A pattern tried from every position of a long run, reading the run to its end each time,
costs time quadratic in the run's length: a review of 40,000 repeated characters took
seconds, and 1 MB would take about an hour. Each rule below runs on every text of its path:

- ``html_as_text`` (model, language ID, topics, search, the web collector): a run of blanks
  with no line break after it;
- ``unhidden`` (model, language ID): scripts and comments opened and never closed;
- ``find_pii`` (every drafted reply is checked against its review): runs of the characters
  of an e-mail's name or an order code;
- ``unleet`` (the model and topics): a run of "$";
- ``looks_new`` (burst detection): an author name of digits that does not end in them.

The naive baseline is the old pattern, run on 10,000 and 40,000 characters only; results
are compared there.

    .venv/bin/python bench/hostile_patterns.py
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reputation.core import text as text_module  # noqa: E402
from responders import pii, suspicion  # noqa: E402
from sentiment import leet  # noqa: E402

NAIVE_BLANKS = re.compile(r"[ \t]*\n[ \t\n]*\n[ \t]*|[ \t]+\n")
NAIVE_HIDDEN = re.compile(
    r"<(script|style|noscript|template)\b[^<>]{0,200}>.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
NAIVE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
NAIVE_ORDER = re.compile(
    r"(?<!\w)(?:#\s?)?(?:\d{5,}|(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{2,}(?:-[A-Z0-9]+)+"
    r"|(?=\w*\d)(?=\w*[A-Za-z])[A-Za-z0-9]{8,})(?!\w)"
)
NAIVE_CANDIDATE = re.compile(leet._CANDIDATE.pattern.replace(r"(?<![\w$])", r"(?<!\w)"))
NAIVE_HANDLE = re.compile(r"\d{3,}$|^[a-z]{1,3}\d+$", re.IGNORECASE)


def _html_naive(text: str) -> str:
    with mock.patch.object(text_module, "_BLANKS", NAIVE_BLANKS):
        return text_module.html_as_text(text)


def _unhidden_naive(text: str) -> str:
    read = NAIVE_HIDDEN.sub(" ", text)
    return text_module._at_ends_as_written(read, text) if read != text else text


def _pii_naive(text: str) -> list[str]:
    masks = (("email", NAIVE_EMAIL), ("phone", pii.PHONE), ("order", NAIVE_ORDER))
    with mock.patch.object(pii, "MASKS", masks):
        return pii.find_pii(text)


def _unleet_naive(text: str) -> str:
    with mock.patch.object(leet, "_CANDIDATE", NAIVE_CANDIDATE):
        return leet.unleet(text)


def _looks_new_naive(author: str) -> bool:
    with mock.patch.object(suspicion, "_HANDLE", NAIVE_HANDLE):
        return suspicion.looks_new(author)


Shape = Callable[[int], str]
CASES: list[tuple[str, Callable[[str], Any], Callable[[str], Any], dict[str, Shape]]] = [
    (
        "html_as_text",
        text_module.html_as_text,
        _html_naive,
        {
            "a tag, then blanks": lambda n: "<b>" + " " * (n - 3),
            "a review in a page": lambda n: (
                "<p>Produto chegou <b>quebrado</b>, p&eacute;ssimo atendimento.</p>\n\n" * (n // 64)
            ),
        },
    ),
    (
        "unhidden",
        text_module.unhidden,
        _unhidden_naive,
        {
            "scripts never closed": lambda n: "<script>" * (n // 8),
            "comments never closed": lambda n: "<!--" * (n // 4),
            "a review after a style sheet": lambda n: (
                "<style>.r{color:red}</style>Ужасный сервис, деньги не вернули. " * (n // 62)
            ),
        },
    ),
    (
        "find_pii",
        pii.find_pii,
        _pii_naive,
        {
            "one letter repeated": lambda n: "a" * n,
            "one digit repeated": lambda n: "1" * n,
            "letter, dash, repeated": lambda n: "A-" * (n // 2),
            "a review with details, repeated": lambda n: (
                "Pedido 123456 atrasado, liguei para +55 11 99999-0000 e escrevi a "
                "ana@example.com. " * (n // 84)
            ),
        },
    ),
    (
        "unleet",
        leet.unleet,
        _unleet_naive,
        {
            "a leet word, then dollar signs": lambda n: "p3ss1mo " + "$" * (n - 8),
            "a leet review, repeated": lambda n: (
                "P3ss1mo atendimento, nunca mai$ R$50. " * (n // 38)
            ),
        },
    ),
    (
        "looks_new",
        suspicion.looks_new,
        _looks_new_naive,
        {"digits, then a letter": lambda n: "1" * (n - 1) + "x"},
    ),
]


def seconds(run: Callable[[str], Any], text: str) -> float:
    started = time.perf_counter()
    run(text)
    return time.perf_counter() - started


def main() -> None:
    for rule, shipped, naive, shapes in CASES:
        for name, make in shapes.items():
            for size in (10_000, 40_000, 1_000_000):
                text = make(size)
                fast = seconds(shipped, text)
                line = f"{rule}, {name}, {len(text):,} characters: {fast:.3f} s"
                if size <= 40_000:
                    slow = seconds(naive, text)
                    ratio = slow / max(fast, 1e-6)
                    line += f", naive {slow:.3f} s ({ratio:.0f}×)" if ratio >= 10 else ""
                    line += f", naive {slow:.3f} s ({ratio:.1f}×)" if ratio < 10 else ""
                    line += "" if naive(text) == shipped(text) else ", RESULTS DIFFER"
                print(line, flush=True)


if __name__ == "__main__":
    main()
