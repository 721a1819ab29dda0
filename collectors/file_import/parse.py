"""CSV or JSON-lines exports from other tools → reviews.

``columns`` maps our fields (external_id, text, title, rating, author, created_at, lang, url,
kind) to the file's column names (JSONL keys may be dotted paths: ``user.name``); unmapped
fields default to a column of the same name. A row without an id, text or date is rejected.
With ``source_name`` (the tool the file came from) ids become ``<source_name>:<id>`` so two
tools' exports cannot collide, and the tool name becomes the location.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from collectors.base import Parsed, Reject, lang_code, parse_items, parse_time
from collectors.web.rating import scale_rating
from reputation.core.models import Kind, Review
from reputation.core.text import read_json

SOURCE = "file_import"
FIELDS = ("external_id", "text", "title", "rating", "author", "created_at", "lang", "url", "kind")
REQUIRED = ("external_id", "text", "created_at")


def parse(
    payload: Any,
    location: str = "",
    *,
    fmt: str | None = None,
    columns: Mapping[str, str] | None = None,
    rating_scale: int = 5,
    source_name: str | None = None,
) -> Parsed:
    """``payload`` is the file's text; ``fmt`` csv or jsonl (None: JSONL when lines are objects)."""
    if not isinstance(payload, str):
        raise ValueError("an import file is text (CSV or JSON lines)")  # noqa: TRY004
    mapping = {field: str((columns or {}).get(field) or field) for field in FIELDS}
    unknown = set(columns or {}) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields in columns: {', '.join(sorted(unknown))}")
    text = payload.lstrip("\ufeff")
    kind = fmt or ("jsonl" if looks_like_jsonl(text) else "csv")
    rejects: list[Reject] = []
    if kind == "csv":
        rows = _csv_rows(text, mapping)
    elif kind == "jsonl":
        rows, rejects = _jsonl_rows(text)
        if not any(isinstance(r, dict) and _lookup(r, mapping["external_id"]) for r in rows):
            raise ValueError(f"no line has the id key {mapping['external_id']!r}")
    else:
        raise ValueError(f"format {kind!r}: use csv or jsonl")
    parsed = parse_items(
        rows,
        lambda row: review(row, mapping, rating_scale=rating_scale, source_name=source_name),
        source=SOURCE,
    )
    parsed.rejects[0:0] = rejects
    return parsed


def review(
    row: Mapping[str, Any],
    mapping: Mapping[str, str],
    *,
    rating_scale: int = 5,
    source_name: str | None = None,
) -> Review:
    def get(field: str) -> Any:
        value = _lookup(row, mapping[field])
        return value.strip() if isinstance(value, str) else value

    missing = [mapping[f] for f in REQUIRED if get(f) in (None, "")]
    if missing:
        raise ValueError(f"row without {', '.join(missing)}")
    ident = str(get("external_id"))
    rating = get("rating")
    return Review(
        source=SOURCE,
        external_id=f"{source_name}:{ident}" if source_name else ident,
        kind=Kind(get("kind") or Kind.REVIEW),
        author=_str(get("author")),
        # 0 or empty means "no rating" in every export we know of.
        rating=None if rating in (0, "0") else scale_rating(rating, best=rating_scale),
        title=_str(get("title")),
        text=str(get("text")),
        lang=lang_code(get("lang")),
        url=_str(get("url")),
        created_at=parse_time(get("created_at")),
        location=source_name or None,
    )


def looks_like_jsonl(text: str) -> bool:
    """True when the first non-blank line is a JSON object."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(read_json(first), dict)
    except ValueError:
        return False


def _csv_rows(text: str, mapping: Mapping[str, str]) -> list[dict[str, Any]]:
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t|", key=header.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    names = [n.strip() for n in reader.fieldnames or []]
    absent = [mapping[f] for f in REQUIRED if mapping[f] not in names]
    if absent:
        raise ValueError(f"no header row with the columns {', '.join(absent)}")
    reader.fieldnames = names
    return [row for row in reader if any((v or "").strip() for v in row.values() if v)]


def _jsonl_rows(text: str) -> tuple[list[Any], list[Reject]]:
    rows: list[Any] = []
    rejects: list[Reject] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(read_json(line))
        except ValueError as exc:
            rejects.append(Reject(line, f"{SOURCE}: line {number} is not JSON: {exc}"))
    if not rows:
        raise ValueError("no JSON object on any line")
    return rows, rejects


def _lookup(row: Mapping[str, Any], key: str) -> Any:
    if key in row:
        return row[key]
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
