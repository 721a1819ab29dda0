"""Block Kit payloads for the notices that are about a deadline or a trend, not one new review:
overdue cases, follow-up reminders, the low-severity digest and negative spikes.

Everything that comes from data (brand, source, topics) is escaped before it goes into
``mrkdwn``; mentions are added by :func:`responders.routing.addressed` from settings only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from reputation.core.models import Case
from responders.blocks import PLAIN_TEXT_LIMIT, SEVERITY_EMOJI, escape_mrkdwn

DIGEST_MAX_LINES = 50  # Slack allows 50 blocks a message; ten lines go in one section
_LINES_PER_SECTION = 10
SLA_NAMES = {"reply": "public reply", "private_contact": "private contact"}


def _section(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn words like #name or bare URLs into links or pings.
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": text[:PLAIN_TEXT_LIMIT], "verbatim": True},
    }


def _clean(value: str | None, limit: int = 60) -> str:
    """Data for a mrkdwn line: one line, bounded, escaped."""
    value = " ".join((value or "").split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return escape_mrkdwn(value)


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{max(delta.total_seconds() / 60, 0):.0f} min"


def _payload(channel: str, text: str, sections: Sequence[str]) -> dict[str, Any]:
    return {
        "channel": channel,
        "text": text,
        "blocks": [_section(s) for s in sections],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _where(case: Case) -> str:
    return " · ".join(_clean(p) for p in (case.source, case.brand) if p)


def overdue_payload(case: Case, sla: str, *, now: datetime, channel: str) -> dict[str, Any]:
    """``sla`` is ``reply`` or ``private_contact``."""
    due = case.reply_due_at if sla == "reply" else case.private_contact_due_at
    what = SLA_NAMES[sla]
    severity = case.severity.value
    head = (
        f":alarm_clock: *Overdue* · {SEVERITY_EMOJI[severity]} *{severity.upper()}* · "
        f"case {case.ref} · {_where(case)}"
    )
    body = (
        f"The {what} was due {_when(due)} ({_hours(now - due)} ago) and is not recorded yet."
        if sla == "reply"
        else f"Private contact with the customer was due {_when(due)} "
        f"({_hours(now - due)} ago) and is not recorded yet."
    )
    text = f"Overdue: {what} for case {case.ref} was due {_when(due)}"
    return _payload(channel, text, [head, body])


def follow_up_payload(case: Case, *, channel: str) -> dict[str, Any]:
    resolved = case.resolved_at or case.created_at
    head = f":speech_balloon: *Follow-up* · case {case.ref} · {_where(case)}"
    body = (
        f"Resolved {_when(resolved)}. Was the problem solved? Check with the customer "
        "through the private channel, and reopen the case if it was not."
    )
    return _payload(
        channel, f"Follow-up for case {case.ref}: was the problem solved?", [head, body]
    )


def digest_line(case: Case) -> str:
    topics = _clean(", ".join(case.topics) or "no topic", 80)
    return f"• {case.ref} · {_where(case)} · {topics} · reply due {_when(case.reply_due_at)}"


def digest_payload(
    cases: Sequence[Case], *, channel: str, since: datetime, now: datetime
) -> dict[str, Any]:
    count = len(cases)
    noun = "case" if count == 1 else "cases"
    head = (
        f"{SEVERITY_EMOJI['low']} *Low-severity digest* · {count} new {noun} "
        f"from {_when(since)} to {_when(now)}"
    )
    lines = [digest_line(c) for c in cases[:DIGEST_MAX_LINES]]
    sections = [
        "\n".join(lines[i : i + _LINES_PER_SECTION])
        for i in range(0, len(lines), _LINES_PER_SECTION)
    ]
    if count > DIGEST_MAX_LINES:
        sections.append(f"…and {count - DIGEST_MAX_LINES} more low-severity {noun}.")
    text = f"Low-severity digest: {count} new {noun}"
    return _payload(channel, text, [head, *sections])


def spike_payload(
    *,
    brand: str | None,
    source: str,
    count: int,
    mean: float,
    stdev: float,
    window: timedelta,
    baseline: timedelta,
    channel: str,
) -> dict[str, Any]:
    where = " · ".join(_clean(p) for p in (brand, source) if p)
    span = _hours(window)
    head = f":rotating_light: *Negative spike* · {where}"
    days = baseline.total_seconds() / 86400
    body = (
        f"{count} negative items in the last {span}; over the previous {days:g} days the "
        f"usual is {mean:.1f} ± {stdev:.1f} per {span}. Check for a common cause (an outage, "
        "a delivery problem, a post going viral, a coordinated campaign)."
    )
    # Slack parses the fallback text as mrkdwn too: ``where`` is escaped already.
    text = f"Negative spike: {count} negative items in the last {span} ({where})"
    return _payload(channel, text, [head, body])
