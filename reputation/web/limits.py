"""Login rate limiting: failed sign-ins per user name and per client address.

In memory, per process: it slows guessing at one instance; argon2's cost slows it anyway.
Several instances behind a balancer each keep their own counts (documented limitation)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginLimiter:
    def __init__(
        self,
        *,
        per_user: int = 5,
        per_address: int = 20,
        window_s: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = {"user": per_user, "address": per_address}
        self._window_s = window_s
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, kind: str, key: str) -> deque[float]:
        failures = self._failures[(kind, key)]
        cutoff = self._clock() - self._window_s
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def blocked(self, user: str, address: str) -> bool:
        """Whether another attempt for this user or from this address must wait."""
        return (
            len(self._recent("user", user)) >= self._limits["user"]
            or len(self._recent("address", address)) >= self._limits["address"]
        )

    def failed(self, user: str, address: str) -> None:
        now = self._clock()
        self._recent("user", user).append(now)
        self._recent("address", address).append(now)

    def succeeded(self, user: str) -> None:
        self._failures.pop(("user", user), None)
