"""File import: ``ids`` are paths of CSV / JSONL files; each file is read whole, one page.

Options: ``format`` (csv | jsonl; default by extension, else sniffed), ``columns`` (our field →
the file's column), ``rating_scale`` (5 or 10...), ``source_name`` (the exporting tool),
``encoding`` (default utf-8, a BOM is skipped).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from collectors import register
from collectors.base import Collector, Page, Parsed
from collectors.file_import import parse as rows
from reputation.core.errors import ConfigError, FatalSourceError

EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@register
class FileImportCollector(Collector):
    name = "file_import"
    base_url = ""  # local files, no HTTP
    payload_format: ClassVar[str] = "text"
    # An export is a snapshot chosen by whoever made it: absence from it proves nothing.
    full_scan: ClassVar[bool] = False

    @staticmethod
    def parse(payload: Any, location: str = "") -> Parsed:
        return rows.parse(payload, location)

    async def pages(
        self, location: str, *, resume: str | None, since: datetime | None
    ) -> AsyncIterator[Page]:
        path = Path(location)
        encoding = str(self.option("encoding", "utf-8-sig"))
        try:
            text = await asyncio.to_thread(path.read_text, encoding=encoding)
        except (OSError, UnicodeError, LookupError) as exc:
            raise FatalSourceError(f"file_import: cannot read {path}: {exc}") from None
        try:
            parsed = rows.parse(
                text,
                location,
                fmt=self.option("format") or EXTENSIONS.get(path.suffix.lower()),
                columns=self._columns(),
                rating_scale=int(self.option("rating_scale", 5)),
                source_name=self.option("source_name"),
            )
        except ValueError as exc:
            raise FatalSourceError(f"file_import: {path}: {exc}") from None
        yield Page(parsed.items, parsed.rejects, resume=None)

    def _columns(self) -> dict[str, str]:
        columns = self.option("columns", {})
        if not isinstance(columns, dict):
            raise ConfigError("collectors.file_import.options.columns: a table field = column")
        return {str(k): str(v) for k, v in columns.items()}
