"""The collector commands: ``parse`` (one raw response → normalised JSON lines) and
``collect`` (run the configured collectors once into storage)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

import collectors
from collectors.base import SHAPE_ERRORS, Parsed
from collectors.runner import SourceReport, collect_all
from config.settings import Settings
from reputation.app import open_store
from reputation.core.errors import ConfigError, SourceError
from reputation.core.models import Review
from reputation.core.text import read_json


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def normalized(review: Review) -> dict[str, Any]:
    """The ``reputation parse`` line for one review."""
    reply = None
    if review.reply is not None:
        reply = {
            "text": review.reply.text,
            "created_at": _iso(review.reply.created_at),
        }
    return {
        "source": review.source,
        "external_id": review.external_id,
        "kind": review.kind.value,
        "rating": review.rating,
        "title": review.title,
        "text": review.text,
        "lang": review.lang,
        "author": review.author,
        "created_at": _iso(review.created_at),
        "updated_at": _iso(review.updated_at),
        "url": review.url,
        "reply": reply,
        "location": review.location,
    }


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_file(name: str, path: Path, location: str = "") -> Parsed:
    """Read one raw response for ``name`` and normalise it; raises SourceError when the file
    is not a response of that source."""
    cls = collectors.source(name)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    payload: Any = raw
    if cls.payload_format == "json":
        try:
            payload = read_json(raw)
        except ValueError as exc:
            raise SourceError(f"{path} is not JSON: {exc}") from None
    try:
        return cls.parse(payload, location)
    except SHAPE_ERRORS as exc:
        raise SourceError(f"{path} is not a {name} response: {exc}") from None


def parse(settings: Settings, args: argparse.Namespace) -> int:
    del settings
    if args.list:
        print("\n".join(collectors.names()))
        return 0
    if not args.source or not args.file:
        raise ConfigError("usage: reputation parse SOURCE FILE (or --list)")
    parsed = parse_file(args.source, Path(args.file), args.location or "")
    for review in parsed.items:
        print(json.dumps(normalized(review), ensure_ascii=False))
    for reject in parsed.rejects:
        _say(f"skipped a malformed item: {reject.reason}")
    return 0


def collect(settings: Settings, args: argparse.Namespace) -> int:
    since = _since(args.since)
    chosen = collectors.enabled(settings, args.source)
    if not chosen:
        _say("no collectors enabled: set [collectors.<source>] enabled = true (see README)")
        return 0

    async def run() -> int:
        async with (
            open_store(settings, progress=_say) as store,
            aiohttp.ClientSession() as session,
        ):
            built, unusable = [], []
            for name, config in chosen.items():
                try:
                    built.append(collectors.build(name, config, session))
                except ConfigError as exc:  # one misconfigured source does not stop the rest
                    unusable.append(SourceReport(name, error=f"configuration: {exc}"))
            reports = unusable + await collect_all(
                built, store, since=since, explicit=bool(args.source), progress=_say
            )
        for report in reports:
            print(report.line())
        return 1 if any(r.error for r in reports) else 0

    return asyncio.run(run())


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since {value!r}: use a date like 2026-11-01") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
