"""Customer data that must never be repeated in public: e-mails, phone numbers, order numbers.

A public reply is written from templates, so it cannot quote the review; these helpers are the
second line of defence (a name or a brand setting that happens to carry such data) and the
tool to mask a text before it is shown outside the team.
"""

from __future__ import annotations

import re

# Each pattern is tried only where its run of characters starts, and looks ahead a bounded
# way: tried from every position of a long run, a hostile review ("a" or "A-" 40,000 times)
# took 9-13 s to scan (bench/hostile_patterns.py).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# International or local phone numbers: 8+ digits, optionally grouped by spaces, dots, dashes
# or brackets (+55 11 99999-0000, (021) 555 0199, 8 800 555-35-35, ۰۹۱۲۳۴۵۶۷۸۹).
PHONE = re.compile(r"(?<![\w+-])\+?\(?\d(?:[\d\s().-]{6,18})\d(?!\w)")
CODE_MAX = 40  # characters before a code's first digit and first letter, at most
# Order / tracking / ticket numbers: a long digit run, or a code mixing letters and digits.
ORDER = re.compile(
    r"(?<!\w)(?:#\s?)?(?:\d{5,}"
    rf"|(?=[A-Z0-9-]{{0,{CODE_MAX}}}\d)(?=[A-Z0-9-]{{0,{CODE_MAX}}}[A-Z])[A-Z0-9]{{2,}}(?:-[A-Z0-9]+)+"
    rf"|(?=\w{{0,{CODE_MAX}}}\d)(?=\w{{0,{CODE_MAX}}}[A-Za-z])[A-Za-z0-9]{{8,}})(?!\w)"
)
MASKS = (("email", EMAIL), ("phone", PHONE), ("order", ORDER))


def _digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


def _plausible(kind: str, value: str) -> bool:
    # A phone has at least 8 digits and is not a date; COVID-19 is not an order number.
    if kind == "phone":
        return _digits(value) >= 8 and not _DATE.match(value.lstrip("+("))
    return kind == "email" or _digits(value) >= 4


def find_pii(text: str) -> list[str]:
    """The e-mails, phone numbers and order-like numbers found in ``text``, as written."""
    found: list[str] = []
    taken: list[range] = []
    for kind, pattern in MASKS:
        for match in pattern.finditer(text):
            span = range(*match.span())
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue  # part of an e-mail or phone found already
            value = match.group().strip(" .-()")
            if _plausible(kind, value) and value not in found:
                found.append(value)
                taken.append(span)
    return found


def scrub(text: str) -> str:
    """``text`` with every e-mail, phone and order number replaced by a bracketed label."""
    for kind, pattern in MASKS:

        def mask(match: re.Match[str], kind: str = kind) -> str:
            return f"[{kind}]" if _plausible(kind, match.group()) else match.group()

        text = pattern.sub(mask, text)
    return text


def leaks(reply: str, source_text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """The customer details of ``source_text`` that ``reply`` repeats (ignoring ``allowed``,
    e.g. the brand's own support address quoted by the customer)."""
    digits_only = re.sub(r"\D", "", reply)
    leaked = []
    for value in find_pii(source_text):
        if any(value in a or a in value for a in allowed if a):
            continue
        number = re.sub(r"\D", "", value)
        if value in reply or (len(number) >= 7 and number in digits_only):
            leaked.append(value)
    return leaked
