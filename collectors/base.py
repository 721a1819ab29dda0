"""What a source declares, and the small helpers every parser shares.

A source package holds a pure ``parse.py`` (raw payload → :class:`Parsed`) and a
``collector.py`` whose :class:`Collector` subclass says where pages come from and how to get
the next one. Retries, rate limits, cursors, storage and quarantine live elsewhere, once.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import ValidationError

from collectors._http import MalformedPayloadError, SourceHttp
from config.settings import CollectorSettings
from reputation.core.errors import ConfigError
from reputation.core.models import Review
from reputation.core.text import lang_code as lang_code  # re-exported for the parsers


@dataclass(frozen=True)
class Reject:
    """One item that could not be normalised: the raw item and why."""

    raw: str
    reason: str


@dataclass
class Parsed:
    items: list[Review] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass
class Page(Parsed):
    """One page as fetched; ``resume`` continues after it (None: this was the last page)."""

    resume: str | None = None


# What reading a record or response of the wrong shape raises (OverflowError: a number no
# int/float/datetime can hold, ``1e999``, ``Infinity``).
SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)


def parse_items(
    raw_items: Iterable[Any], build: Callable[[Any], Review | None], *, source: str
) -> Parsed:
    """Apply ``build`` to each raw item; a bad item becomes a :class:`Reject`, the rest stay.

    ``build`` may return None for items that are legitimately not reviews (deleted stubs...).
    """
    parsed = Parsed()
    for raw in raw_items:
        try:
            review = build(raw)
        except SHAPE_ERRORS as exc:
            parsed.rejects.append(Reject(dump(raw), _reason(exc, source)))
            continue
        if review is not None:
            parsed.items.append(review)
    return parsed


def _reason(exc: Exception, source: str) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{source}: invalid {where}: {first['msg']}"
    if isinstance(exc, KeyError):
        return f"{source}: missing field {exc}"
    return f"{source}: {type(exc).__name__}: {exc}"


def dump(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(raw)


def parse_time(value: Any) -> datetime:
    """ISO 8601 (``Z`` or offset; naive means UTC) or epoch seconds/milliseconds → aware UTC."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(f"not a timestamp: {value!r}")
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if value > 10**11 else value
            return datetime.fromtimestamp(seconds, UTC)
        if isinstance(value, dict) and "seconds" in value:  # protobuf Timestamp (Google Play)
            seconds = int(value["seconds"]) + int(value.get("nanos", 0)) / 1e9
            return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError):
        # Past year 9999 (or the platform's time_t): no datetime holds it.
        raise ValueError(f"timestamp out of range: {value!r}") from None
    text = str(value).strip()
    if text.isdigit():
        return parse_time(int(text))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def optional_time(value: Any) -> datetime | None:
    return None if value in (None, "") else parse_time(value)


def stable_id(*parts: Any) -> str:
    """A stable id for sources that give none (same inputs → same id, across runs)."""
    joined = "\0".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:24]


def join_text(*parts: str | None) -> str:
    """Non-empty parts, one per line (pros / cons / comment become one text)."""
    return "\n".join(p.strip() for p in parts if p and p.strip())


def older_than(items: Iterable[Review], since: datetime | None) -> bool:
    """True when a newest-first page has reached ``since``: nothing newer can follow."""
    if since is None:
        return False
    return any(item.last_changed_at < since for item in items)


class Collector(ABC):
    """A source: where pages come from. Subclasses set ``name`` and ``base_url``."""

    name: ClassVar[str]
    base_url: ClassVar[str]
    rate_per_s: ClassVar[float | None] = None  # the source's documented limit
    # Whether one run without ``since`` sees everything the source shows (needed to mark
    # reviews removed at the source); feeds and searches that only show recent items do not.
    full_scan: ClassVar[bool] = True
    needs_ids: ClassVar[bool] = True
    # Sources with a reply API define ``async def reply(location, external_id, text)``
    # (see reputation.core.protocols.Replier). Whether posting again replaces the reply at
    # the source; where it would add a second one or fail (Ozon comments, X posts,
    # answers), a second post is refused.
    reply_editable: ClassVar[bool] = True

    def __init__(self, *, config: CollectorSettings, http: SourceHttp) -> None:
        self.config = config
        self.http = http
        if self.needs_ids and not config.ids:
            raise ConfigError(f"collectors.{self.name}.ids: list what to collect")

    @property
    def url(self) -> str:
        return (self.config.base_url or self.base_url).rstrip("/")

    def locations(self) -> list[str]:
        return list(self.config.ids) or [""]

    def secret(self) -> str:
        token = self.config.token
        if token is None or not token.get_secret_value():
            raise ConfigError(
                f"collectors.{self.name}: no token; set REPUTATION_COLLECTORS__"
                f"{self.name.upper()}__TOKEN"
            )
        return token.get_secret_value()

    def reply_secret(self) -> str:
        """The credential for posting replies: ``reply_token`` when set, else ``token``."""
        token = self.config.reply_token
        if token is not None and token.get_secret_value():
            return token.get_secret_value()
        return self.secret()

    def option(self, key: str, default: Any = None) -> Any:
        return self.config.options.get(key, default)

    payload_format: ClassVar[str] = "json"  # what ``reputation parse`` reads: json or html

    @staticmethod
    @abstractmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        """Normalise one raw response (decoded JSON, or HTML text); pure, no I/O."""

    def parse_page(self, payload: Any, location: str = "") -> Parsed:
        """``parse`` for a fetched page: a response of the wrong shape becomes a
        :class:`MalformedPayloadError` carrying the raw body, which the runner quarantines."""
        with self.shape_checked(payload):
            return self.parse(payload, location)

    @contextmanager
    def shape_checked(self, payload: Any) -> Iterator[None]:
        """Reading ``payload`` inside this block (parsing it, finding the next page): a shape
        error becomes a :class:`MalformedPayloadError` with the raw body for quarantine."""
        try:
            yield
        except SHAPE_ERRORS as exc:
            raise MalformedPayloadError(
                f"{self.name}: unexpected response shape: {exc}", raw=dump(payload)
            ) from None

    @abstractmethod
    def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        """Pages newest first, from ``resume`` (a cursor this method returned) or the start,
        stopping once items are older than ``since``."""
