"""Notifiers: Slack (``slack-sdk`` AsyncWebClient) and the console (same Block Kit payload)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from reputation.core.errors import NotifyError
from reputation.core.models import Alert


class ConsoleNotifier:
    """Prints each alert's Block Kit payload as JSON: what Slack would receive."""

    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._count = 0

    async def send(self, alert: Alert) -> str:
        stream = self._stream or sys.stdout
        self._count += 1
        stream.write(json.dumps(alert.payload, ensure_ascii=False) + "\n")
        stream.flush()
        return f"console:{alert.case_ref}"


class SlackNotifier:
    """Posts alerts with ``chat.postMessage``; returns the message ``ts`` as the receipt.

    Every failure becomes a :class:`NotifyError` naming Slack's error code and HTTP status
    (never the token); a 429 carries its ``Retry-After`` in seconds.
    """

    name = "slack"
    # Slack's documented pace for chat.postMessage: about one message per second per channel.
    min_interval_s = 1.0

    def __init__(self, *, token: str, base_url: str, timeout_s: float = 10.0) -> None:
        self._client = AsyncWebClient(
            token=token, base_url=base_url, timeout=max(1, round(timeout_s))
        )

    async def send(self, alert: Alert) -> str:
        payload: dict[str, Any] = dict(alert.payload)
        try:
            response = await self._client.chat_postMessage(**payload)
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            error = str(data.get("error") or "unknown_error")
            status = exc.response.status_code
            raise NotifyError(
                f"Slack refused the alert for {alert.case_ref}: {error} (HTTP {status})",
                retry_after=_retry_after(exc.response.headers) if status == 429 else None,
            ) from None
        except SlackClientError as exc:
            raise NotifyError(f"Slack client error: {type(exc).__name__}") from None
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
            raise NotifyError(f"Slack is unreachable: {type(exc).__name__}") from None
        return str(response.get("ts", ""))


def _retry_after(headers: Mapping[str, Any]) -> float:
    """Seconds Slack asks us to wait; 1 s when the header is missing or unreadable."""
    try:
        return max(0.0, float(headers.get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1.0
