"""Notifiers: Slack (``slack-sdk`` AsyncWebClient) and the console (same Block Kit payload)."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import aiohttp
from slack_sdk.errors import SlackApiError
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
    """Posts alerts with ``chat.postMessage``; returns the message ``ts`` as the receipt."""

    name = "slack"

    def __init__(self, *, token: str, base_url: str, timeout_s: float = 10.0) -> None:
        self._client = AsyncWebClient(token=token, base_url=base_url, timeout=int(timeout_s))

    async def send(self, alert: Alert) -> str:
        payload: dict[str, Any] = dict(alert.payload)
        try:
            response = await self._client.chat_postMessage(**payload)
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error")
            retry_after = exc.response.headers.get("Retry-After")
            raise NotifyError(
                f"Slack refused the alert for {alert.case_ref}: {error}",
                retry_after=float(retry_after) if retry_after else None,
            ) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise NotifyError(f"Slack is unreachable: {type(exc).__name__}") from None
        return str(response.get("ts", ""))
