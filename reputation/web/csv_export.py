"""CSV of inbox items, streamed. Cells that a spreadsheet would read as a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return first) get a leading ``'``."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from aiohttp import web

from reputation.core.inbox import InboxItem

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
ITEM_COLUMNS = (
    "case_ref",
    "source",
    "external_id",
    "brand",
    "location",
    "lang",
    "severity",
    "status",
    "label",
    "rating",
    "topics",
    "suspicious",
    "owner",
    "author",
    "created_at",
    "reply_due_at",
    "replied_at",
    "resolved_at",
    "title",
    "snippet",
)


def cell(value: Any) -> str:
    """One CSV cell; text that could run as a formula is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, Enum):
        text = str(value.value)
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def item_row(item: InboxItem) -> list[str]:
    return [cell(getattr(item, name)) for name in ITEM_COLUMNS]


def _line(row: Iterable[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(list(row))
    return buffer.getvalue().encode("utf-8")


async def stream_csv(
    request: web.Request,
    filename: str,
    header: Sequence[str],
    rows: AsyncIterable[list[str]],
) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        }
    )
    await response.prepare(request)
    await response.write(b"\xef\xbb\xbf" + _line(header))  # BOM: spreadsheets read UTF-8
    batch: list[bytes] = []
    async for row in rows:
        batch.append(_line(row))
        if len(batch) >= 200:
            await response.write(b"".join(batch))
            batch.clear()
    if batch:
        await response.write(b"".join(batch))
    await response.write_eof()
    return response
