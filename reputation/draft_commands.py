"""``reputation draft``: normalised reviews (JSON lines) in, the same lines plus a reply draft out.

No MongoDB: case references are drawn locally (unique within the run), a brand's wording is
kept from repeating within the run, and suspicious patterns are judged within the input.
Lines without ``sentiment`` are classified first with the configured model (loaded only
then). A line that cannot be read gets an ``error`` object at its position.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from config.settings import Settings
from reputation.core.errors import ConfigError, ReputationError
from reputation.core.models import Case, Review, Sentiment, utcnow
from reputation.core.text import (
    INPUT_ERRORS,
    blank,
    half_up,
    lang_code,
    read_json,
    unreadable,
)
from reputation.storage.cases import new_case_ref
from responders.drafts import TemplateDrafter, first_name, needs_approval, wants_reply, wording
from responders.suspicion import Observed, detect_batch
from sentiment.mixed import score_reviews
from sentiment.rules import assess
from sentiment.stars import given_rating

SENTIMENT_KEYS = {"label", "scores", "lang", "flag", "reasons", "topics", "severity"}
RECENT = 50


@dataclass
class Row:
    """One input line on its way through: the object as read, and what became of it."""

    raw: dict[str, Any] | None
    error: str | None = None
    review: Review | None = None
    sentiment: Sentiment | None = None
    classified: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def _reason(exc: ValidationError) -> str:
    error = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in error["loc"]) or "record"
    return f"{where}: {error['msg']}"


def _lenient(fields: dict[str, Any]) -> dict[str, Any]:
    """What exports commonly send, read as a parsed review would have it: a regional tag
    (``pt-BR`` → ``pt``), a fractional, quoted, "8/10" or "★★☆☆☆" rating
    (:func:`~sentiment.stars.given_rating`, a half rounded up, as ``classify`` and the
    collectors do), a numeric id. Anything else still meets the review model's own checks."""
    fields.setdefault("created_at", utcnow())  # a draft does not depend on it
    if fields.get("text") is None:
        fields["text"] = ""
    if isinstance(fields.get("lang"), str):
        fields["lang"] = lang_code(fields["lang"])
    rating = given_rating(fields.get("rating"))
    if rating is not None:
        fields["rating"] = half_up(rating)
    ident = fields.get("external_id")
    if isinstance(ident, int) and not isinstance(ident, bool):
        fields["external_id"] = str(ident)
    return fields


def read_row(line: str, number: int) -> Row:
    """Parse one line into a review and, when present, its sentiment."""
    if why := unreadable(line):
        return Row(None, f"line {number}: {why}")
    try:
        raw = read_json(line)
    except json.JSONDecodeError as exc:
        return Row(None, f"line {number}: not JSON: {exc.msg}")
    if not isinstance(raw, dict):
        return Row(None, f"line {number}: expected a JSON object")
    fields = _lenient({k: v for k, v in raw.items() if k in Review.model_fields})
    try:
        review = Review.model_validate(fields)
    except ValidationError as exc:
        return Row(raw, f"line {number}: {_reason(exc)}")
    if blank(review.full_text) and review.rating is None:
        return Row(raw, f"line {number}: no text and no rating")
    row = Row(raw, review=review)
    given = raw.get("sentiment")
    if given is not None:
        if not isinstance(given, dict):
            return Row(raw, f"line {number}: sentiment must be an object")
        try:
            row.sentiment = Sentiment.model_validate(
                {"model": "input", **{k: v for k, v in given.items() if k in SENTIMENT_KEYS}}
            )
        except ValidationError as exc:
            return Row(raw, f"line {number}: sentiment.{_reason(exc)}")
    return row


async def classify_missing(rows: list[Row], settings: Settings) -> None:
    """Give every readable row without a sentiment one, loading the model only if needed."""
    todo = [r for r in rows if r.review is not None and r.sentiment is None]
    if not todo:
        return
    from reputation.app import build_model

    texted = [r for r in todo if r.review is not None and not blank(r.review.full_text)]
    scores = []
    if texted:
        model = await asyncio.to_thread(build_model, settings, _say)
        try:
            reviews = [r.review for r in texted if r.review]
            scores = await score_reviews(
                model,
                [r.full_text for r in reviews],
                [r.kind for r in reviews],
                [r.lang for r in reviews],
            )
        finally:
            await model.aclose()
        name = model.name
    else:
        name = "rating"
    by_row = {id(r): s for r, s in zip(texted, scores, strict=True)}
    for row in todo:
        assert row.review is not None  # noqa: S101 - filtered above
        row.sentiment = assess(
            text=row.review.full_text,
            rating=row.review.rating,
            lang=row.review.lang,
            score=by_row.get(id(row)),
            model=name,
            negative_threshold=settings.sentiment.negative_threshold,
        )
        row.classified = True


def draft_rows(rows: list[Row], settings: Settings, *, brand_name: str | None) -> None:
    """Write the drafts in order: unique references, no repeated wording per brand."""
    drafter = TemplateDrafter()
    suspicious = detect_batch(
        [Observed(r.review, r.sentiment) for r in rows if r.review is not None]
    )
    used_refs: set[str] = set()
    recent: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=RECENT))
    for row in rows:
        if row.review is None or row.sentiment is None:
            continue
        review, sentiment = row.review, row.sentiment
        brand = settings.brand_for(brand_name or review.brand)
        suspicion = suspicious.get(review.key)
        if suspicion is not None:
            row.extra["suspicious"] = suspicion.model_dump(mode="json", exclude={"detected_at"})
        if not wants_reply(sentiment, brand):
            row.extra["draft"] = None
            continue
        ref = new_case_ref()
        while ref in used_refs:
            ref = new_case_ref(5)
        used_refs.add(ref)
        now = utcnow()
        case = Case(
            ref=ref,
            source=review.source,
            external_id=review.external_id,
            brand=brand.name,
            lang=sentiment.lang,
            severity=sentiment.severity,
            topics=sentiment.topics,
            created_at=now,
            reply_due_at=now,
            private_contact_due_at=now,
        )
        try:
            text = drafter.draft(review, sentiment, case, brand, avoid=set(recent[brand.name]))
        except ReputationError as exc:
            row.error = str(exc)
            continue
        recent[brand.name].append(wording(text.text, case_ref=ref, name=first_name(review.author)))
        row.extra["draft"] = {
            "text": text.text,
            "lang": text.lang,
            "case_ref": ref,
            "private_channel": text.private_channel,
            "needs_approval": needs_approval(
                sentiment.severity, brand, suspicious=suspicion is not None
            ),
        }


def output(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = dict(row.raw or {})
    if row.error is not None:
        out["error"] = row.error
        return out
    if row.classified and row.sentiment is not None:
        out["sentiment"] = row.sentiment.model_dump(mode="json", include=SENTIMENT_KEYS)
    out.update(row.extra)
    return out


async def draft_lines(
    lines: list[str], out: TextIO, *, settings: Settings, brand: str | None = None
) -> tuple[int, int]:
    """Write one output line per input line, in order; return (drafted, errors)."""
    rows = [read_row(line, n) for n, line in enumerate(lines, 1)]
    await classify_missing(rows, settings)
    draft_rows(rows, settings, brand_name=brand)
    for row in rows:
        out.write(json.dumps(output(row), ensure_ascii=False, default=str) + "\n")
    out.flush()
    drafted = sum(1 for r in rows if r.error is None and r.extra.get("draft"))
    return drafted, sum(1 for r in rows if r.error is not None)


def draft(settings: Settings, args: argparse.Namespace) -> int:
    """The ``reputation draft`` command."""
    if args.brand and args.brand not in settings.brands and args.brand != settings.brand.name:
        known = ", ".join(sorted({settings.brand.name, *settings.brands})) or "none"
        raise ConfigError(f"--brand {args.brand!r} is not configured (brands: {known})")
    if args.input and args.output and Path(args.input).resolve() == Path(args.output).resolve():
        raise ConfigError("--input and --output are the same file; it would be overwritten")
    try:
        if args.input is None:
            sys.stdin.reconfigure(encoding="utf-8-sig", errors=INPUT_ERRORS)  # type: ignore[union-attr]
            lines = sys.stdin.read().splitlines()
        else:
            text = Path(args.input).read_text(encoding="utf-8-sig", errors=INPUT_ERRORS)
            lines = text.splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read {args.input}: {exc.strerror}") from exc

    async def run(dst: TextIO) -> tuple[int, int]:
        return await draft_lines(lines, dst, settings=settings, brand=args.brand)

    if args.output is None:
        drafted, errors = asyncio.run(run(sys.stdout))
    else:
        try:
            handle = open(args.output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ConfigError(f"cannot open {args.output}: {exc.strerror}") from exc
        with handle:
            drafted, errors = asyncio.run(run(handle))
    _say(f"drafted {drafted} replies, {errors} errors")
    return 0
