"""The one HTTP layer every collector uses: session reuse, timeouts, retries with exponential
backoff and jitter on 429/5xx/timeouts (honouring ``Retry-After``), a per-source rate limit,
and errors translated into the :mod:`reputation.core.errors` tree.

Collectors never open sessions or sleep themselves; they call :class:`SourceHttp`.
Nothing secret reaches a message: URLs lose their query string and known secrets are masked.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from reputation.core.errors import (
    FatalSourceError,
    RetriableSourceError,
    SourceAuthError,
    SourceError,
)
from reputation.core.text import read_json

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
# 420: Yandex Market's "rate limited"; the rest are the usual throttling and outage answers.
RETRY_STATUSES = frozenset({420, 429, 500, 502, 503, 504})
AUTH_STATUSES = frozenset({401, 403})


class MalformedPayloadError(SourceError):
    """The source answered 2xx with a body that is not what it documents (kept for quarantine)."""

    def __init__(self, message: str, *, raw: str) -> None:
        super().__init__(message)
        self.raw = raw


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 60.0
    # A Retry-After longer than this is not slept through: the run ends and reports it.
    max_retry_after: float = 300.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter (attempt counts from 1)."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class RateLimiter:
    """At most ``rate`` requests per second (None: unlimited), spaced evenly."""

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = self._clock()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
            if delay > 0:
                await self._sleep(delay)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def wait_hint(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """How long the source asks us to wait: ``Retry-After``, else the vendors' own headers —
    Wildberries ``X-Ratelimit-Retry`` (seconds), X ``x-rate-limit-reset`` (epoch seconds)
    when the remaining quota is 0, Reddit ``X-Ratelimit-Reset`` (seconds)."""
    standard = retry_after_seconds(headers.get("Retry-After"))
    if standard is not None:
        return standard
    for name in ("X-Ratelimit-Retry", "X-Ratelimit-Reset", "x-rate-limit-reset"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        if seconds > 1_000_000_000:  # an epoch timestamp (X), not a delay
            seconds -= now if now is not None else time.time()
        return max(0.0, seconds)
    return None


def safe_url(url: str) -> str:
    """The URL without query string or credentials, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class SourceHttp:
    """HTTP for one source: shared session, rate limit, retries, error translation."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        source: str,
        rate: float | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        sleep: Sleep = asyncio.sleep,
        seed: int | None = None,
    ) -> None:
        self.session = session
        self.source = source
        self.policy = policy or RetryPolicy()
        self.limiter = RateLimiter(rate, sleep=sleep)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._headers = dict(headers or {})
        self._secrets = [s for s in secrets if s and len(s) >= 4]
        self._sleep = sleep
        self._rng = random.Random(seed)  # noqa: S311 - jitter, not secrets
        self.requests = 0

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    async def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return _json(await self.request("GET", url, params=params, headers=headers), url, self)

    async def get_text(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        return await self.request("GET", url, params=params, headers=headers)

    async def send_json(
        self,
        method: str,
        url: str,
        body: Any,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        text = await self.request(method, url, params=params, headers=headers, json_body=body)
        return _json(text, url, self) if text.strip() else None

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> str:
        """The response body of a 2xx answer, after retries; raises a SourceError otherwise."""
        where = f"{self.source}: {method} {safe_url(url)}"
        clean = {k: str(v) for k, v in (params or {}).items() if v is not None}
        for attempt in range(1, self.policy.attempts + 1):
            await self.limiter.wait()
            self.requests += 1
            try:
                async with self.session.request(
                    method,
                    url,
                    params=clean or None,
                    headers={**self._headers, **(headers or {})},
                    json=json_body,
                    timeout=self._timeout,
                ) as response:
                    body = await response.text(errors="replace")
                    status = response.status
                    retry_after = wait_hint(response.headers)
            except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
                reason = self.mask(
                    f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                )
                if attempt == self.policy.attempts:
                    raise RetriableSourceError(f"{where}: {reason}") from None
                delay = self.policy.backoff(attempt, self._rng)
                log.info("%s: %s; retry %d in %.1fs", where, reason, attempt, delay)
                await self._sleep(delay)
                continue
            if 200 <= status < 300:
                return body
            excerpt = self.mask(" ".join(body.split())[:160])
            if status in AUTH_STATUSES:
                raise SourceAuthError(f"{where}: HTTP {status} (check the credentials): {excerpt}")
            if status not in RETRY_STATUSES:
                raise FatalSourceError(f"{where}: HTTP {status}: {excerpt}")
            if retry_after is not None and retry_after > self.policy.max_retry_after:
                raise RetriableSourceError(
                    f"{where}: HTTP {status}, retry after {retry_after:.0f}s",
                    retry_after=retry_after,
                )
            if attempt == self.policy.attempts:
                raise RetriableSourceError(
                    f"{where}: HTTP {status} after {attempt} attempts", retry_after=retry_after
                )
            delay = (
                retry_after if retry_after is not None else self.policy.backoff(attempt, self._rng)
            )
            log.info("%s: HTTP %d; retry %d in %.1fs", where, status, attempt, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


def _json(text: str, url: str, http: SourceHttp) -> Any:
    try:
        return read_json(text)
    except ValueError as exc:
        raise MalformedPayloadError(
            f"{http.source}: {safe_url(url)} answered with a body that is not JSON ({exc})",
            raw=text,
        ) from None
