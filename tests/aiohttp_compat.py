"""aioresponses 0.7.9 builds ``ClientResponse`` without the ``stream_writer`` argument that
aiohttp 3.14 (a security release) made required (pnuckowski/aioresponses#289). Until a fixed
release exists, give its responses a writer that reports nothing written. Applied only when
the installed aiohttp needs it."""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

from aiohttp import ClientResponse
from aioresponses.core import RequestMatch


class _CompatResponse(ClientResponse):
    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


def apply() -> None:
    if "stream_writer" not in inspect.signature(ClientResponse.__init__).parameters:
        return
    original = RequestMatch._build_response

    def build(self: RequestMatch, *args: Any, **kwargs: Any) -> ClientResponse:
        if kwargs.get("response_class") is None:
            kwargs["response_class"] = _CompatResponse
        return original(self, *args, **kwargs)

    RequestMatch._build_response = build  # type: ignore[method-assign]
