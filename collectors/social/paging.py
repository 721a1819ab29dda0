"""What the social collectors do with each fetched page: parse it (a payload that is not
the source's response goes to quarantine, whole) and keep only the brand mentions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from collectors._http import MalformedPayloadError
from collectors.base import Page, Parsed, dump, older_than
from collectors.social.match import KeywordMatcher

T = TypeVar("T")


def parse_page(parse: Callable[[Any, str], T], payload: Any, location: str, source: str) -> T:
    """``parse`` applied to one response; ValueError becomes MalformedPayloadError."""
    try:
        return parse(payload, location)
    except ValueError as exc:
        raise MalformedPayloadError(
            f"{source}: unexpected response: {exc}", raw=dump(payload)
        ) from None


def mentions(
    parsed: Parsed, matcher: KeywordMatcher, resume: str | None, since: datetime | None
) -> Page:
    """The page of matching items; its ``resume`` is None once paging should stop.

    Reaching ``since`` ends the run (resume None, so the next run starts from the newest
    again rather than digging further back). The check looks at every parsed item, matching
    or not: a page without a mention still tells how far back the listing has gone.
    """
    if older_than(parsed.items, since):
        resume = None
    return Page(matcher.keep(parsed.items), parsed.rejects, resume=resume)
