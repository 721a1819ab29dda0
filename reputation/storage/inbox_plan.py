"""How an inbox page is read: as a few small index ranges, sorted here.

Measured on the embedded server (BENCHMARKS.md "Dashboard"): a find costs about 25 µs per
index key in its range whatever its ``limit`` (the scan is never cut short), any sort is done
in memory after the scan, and a filter is answered by an index only when that index holds
every field of the filter (one more field, a ``$regex``, an ``$or``, or a range on the first
field and another on the second, and it scans the whole collection). So a plain
``find(filter).sort(...).skip().limit()`` reads every matching entry — 200,000 at a million
reviews — to show 50.

Instead, a page is read as an ordered list of **segments**, disjoint slices of the order
whose concatenation is the order itself, each one an equality prefix (and at most one range)
of an existing index:

* newest first: ``created_at`` windows going back from now (a day, two, four... days);
* most urgent first: the items awaiting a reply, one segment per severity (high first), then
  the others per severity, in ``reply_due_at`` windows of a quarter;

each with the page's most selective equality filter (``(filter, *URGENT)`` and ``(filter,
*NEWEST)`` indexes exist for every filter). Segments are read in order, each sorted here,
until the page is full; the other filters are checked here. The total goes on only up to
:data:`TOTAL_CAP`. A search reads the newest :data:`SEARCH_CAP` matches of its most
selective term (or of the author or case reference prefix) and sorts those.

A real MongoDB answers the same finds from the same indexes, only faster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from reputation.core.inbox import InboxQuery, InboxSort, SlaState
from reputation.core.models import Severity
from reputation.core.text import fold
from reputation.storage.search import REF_PATTERN, terms

TOTAL_CAP = 500  # "500+": enough to work an inbox by; each key counted costs ~30 µs
SEARCH_CAP = 500
# Equality filters in the order they are tried as the server-side one (most selective first).
_SERVER_FIRST = ("status", "suspicious", "topics", "severity", "location", "source", "lang")
_RANKS = sorted((s.rank for s in Severity), reverse=True)
_QUARTER = timedelta(days=91)
_HISTORY = timedelta(days=730)  # done items' deadlines are windowed this far back, then lumped
_NEWEST_DOUBLINGS = 12  # a day, then 2, 4, ... 2,048 days back, then everything older

Check = Callable[[dict[str, Any]], bool]
SortKey = Callable[[dict[str, Any]], Any]


@dataclass
class Plan:
    """Server-side filters to read in order (each a list of alternatives), checks made here,
    and the order within a segment."""

    segments: list[list[dict[str, Any]]]
    checks: list[Check] = field(default_factory=list)
    key: SortKey = lambda doc: doc["_id"]
    search: bool = False
    # Every entry the server returns satisfies the checks (a search for one word, expanded
    # into whole terms): read with the small projection, stop at the cap.
    implied: bool = False

    def matches(self, doc: dict[str, Any]) -> bool:
        return all(check(doc) for check in self.checks)


def newest_key(doc: dict[str, Any]) -> Any:
    return (-doc["created_at"].timestamp(), doc["_id"])


def urgent_key(doc: dict[str, Any]) -> Any:
    due = doc.get("reply_due_at")
    # As MongoDB sorts: awaiting first, severity high first, no deadline before any deadline.
    return (
        not doc.get("awaiting_reply"),
        -int(doc.get("severity_rank") or 0),
        due is not None,
        due.timestamp() if due is not None else 0.0,
        doc["_id"],
    )


def _next_prefix(value: str) -> str:
    return value[:-1] + chr(ord(value[-1]) + 1)


def prefix_range(value: str) -> dict[str, str]:
    """Strings starting with ``value`` as a range (an index answers it; a regex it may not)."""
    return {"$gte": value, "$lt": _next_prefix(value)} if value else {"$gte": ""}


def equality_filter(query: InboxQuery) -> dict[str, Any]:
    """The equality conditions of an inbox query (brand, source, severity, status…)."""
    where: dict[str, Any] = {}
    for name in ("brand", "location", "source", "lang"):
        value = getattr(query, name)
        if value:
            where[name] = value
    if query.severity is not None:
        where["severity"] = query.severity.value
    if query.topic:
        where["topics"] = query.topic
    if query.status is not None:
        where["status"] = query.status.value
    if query.suspicious is not None:
        where["suspicious"] = query.suspicious
    return where


def _check_equal(name: str, value: Any) -> Check:
    if name == "topics":
        return lambda doc: value in (doc.get("topics") or [])
    return lambda doc: doc.get(name) == value


def _sla(query: InboxQuery, now: datetime) -> dict[str, Any] | None:
    if query.sla is SlaState.OVERDUE:
        return {"$lt": now}
    if query.sla is SlaState.DUE_SOON:
        return {"$gte": now, "$lt": now + timedelta(hours=query.due_soon_hours)}
    return None


def _check_due(due: dict[str, Any]) -> Check:
    def check(doc: dict[str, Any]) -> bool:
        value = doc.get("reply_due_at")
        if not doc.get("awaiting_reply") or value is None:
            return False
        low, high = due.get("$gte"), due.get("$lt")
        return (low is None or value >= low) and (high is None or value < high)

    return check


def newest_windows(now: datetime) -> Iterator[dict[str, Any]]:
    """``created_at`` ranges, newest first, that together cover all time."""
    upper: datetime | None = None
    width = timedelta(days=1)
    for _ in range(_NEWEST_DOUBLINGS):
        lower = now - width
        yield {"$gte": lower} if upper is None else {"$gte": lower, "$lt": upper}
        upper, width = lower, width * 2
    yield {"$lt": upper}


def _due_windows(now: datetime) -> Iterator[dict[str, Any] | None]:
    """``reply_due_at`` values, oldest first: none, long ago, then quarter by quarter."""
    yield None
    start = now - _HISTORY
    yield {"$lt": start}
    while start < now + _QUARTER:
        yield {"$gte": start, "$lt": start + _QUARTER}
        start += _QUARTER
    yield {"$gte": start}


def _search(
    text: str, expansions: Sequence[str] | None
) -> tuple[list[dict[str, Any]], Check, bool] | None:
    """Server-side alternatives of a search, the whole condition (checked here) and whether
    the alternatives imply it."""
    text = text.strip()
    if not text:
        return None
    if REF_PATTERN.match(text):
        ref = text.upper()
        alternatives: list[dict[str, Any]] = [{"case_ref": prefix_range(ref)}]
        return alternatives, lambda d: (d.get("case_ref") or "").startswith(ref), True
    author = fold(text).strip()
    words = terms(text, cap=8)
    whole, last = (words[:-1], words[-1]) if words else ([], "")
    if not whole and last and expansions is not None:
        # One word: the whole terms it is a prefix of (storage/vocabulary.py; author names
        # are terms too), each windowed newest first by (terms, created_at).
        alternatives = [{"terms": term, "windowed": True} for term in expansions]
        return alternatives, lambda d: True, True
    alternatives = [{"author_lc": prefix_range(author)}]  # a name typed in full, as a prefix
    if whole:
        # The longest whole word is likely the rarest; (terms, created_at) windows it.
        alternatives.append({"terms": max(whole, key=len), "windowed": True})
    elif last:
        alternatives.append({"terms": prefix_range(last)})

    def check(doc: dict[str, Any]) -> bool:
        if (doc.get("author_lc") or "").startswith(author):
            return True
        have = doc.get("terms") or []
        if not words:
            return False
        return all(w in have for w in whole) and any(t.startswith(last) for t in have)

    return alternatives, check, False


def plan(query: InboxQuery, *, now: datetime, expansions: Sequence[str] | None = None) -> Plan:
    """How to read ``query``'s page. ``expansions``: the terms a one-word search stands for
    (:meth:`Vocabulary.expand`); without them a one-word search is a prefix range."""
    equal = equality_filter(query)
    due = _sla(query, now)
    searching = _search(query.q or "", expansions)
    if searching is not None:
        alternatives, check, implied = searching
        checks = [] if implied else [check]
        checks += [_check_equal(k, v) for k, v in equal.items()]
        if due is not None:
            checks.append(_check_due(due))
        segments: list[list[dict[str, Any]]] = []
        windows = list(newest_windows(now))
        plain = [a for a in alternatives if not a.get("windowed")]
        windowed = [{k: v for k, v in a.items() if k != "windowed"} for a in alternatives]
        windowed = [w for w, a in zip(windowed, alternatives, strict=True) if a.get("windowed")]
        if plain:
            segments.append(plain)  # a prefix range has no second field to window on
        for window in windows if windowed else []:
            segments.append([{**w, "created_at": window} for w in windowed])
        implied = implied and not checks
        return Plan(segments=segments, checks=checks, key=newest_key, search=True, implied=implied)
    # One equality filter goes to the server with the segment; the others are checked here.
    server: dict[str, Any] = {}
    for name in (*_SERVER_FIRST, "brand"):
        if name in equal and not (name == "suspicious" and equal[name] is False):
            server = {name: equal[name]}
            break
    checks = [_check_equal(k, v) for k, v in equal.items() if k not in server]
    if query.sort is InboxSort.NEWEST:
        if due is not None:
            # The (awaiting_reply, reply_due_at) range is the SLA backlog: small; read it whole.
            checks += [_check_equal(k, v) for k, v in server.items()]
            return Plan(
                segments=[[{"awaiting_reply": True, "reply_due_at": due}]],
                checks=checks,
                key=newest_key,
            )
        segments = [[{**server, "created_at": window}] for window in newest_windows(now)]
        return Plan(segments=segments, checks=checks, key=newest_key)
    segments = []
    # A severity filter leaves one rank: the others' segments would only cost round trips.
    ranks = [query.severity.rank] if query.severity is not None else _RANKS
    for rank in ranks:
        where = {**server, "awaiting_reply": True, "severity_rank": rank}
        segments.append([{**where, "reply_due_at": due} if due is not None else where])
    if due is None:
        for rank in ranks:
            for due_window in _due_windows(now):
                where = {**server, "awaiting_reply": False, "severity_rank": rank}
                segments.append([{**where, "reply_due_at": due_window}])
    return Plan(segments=segments, checks=checks, key=urgent_key)
