"""Who owns a case, and which alert (if any) a change to it deserves.

Routing rules (``[routing]`` in the settings) pick the owning team, its Slack channel and the
user group to mention, by severity, topic, brand/location, language and source. The first
rule that matches wins. The owner is picked once, when the case opens, and stored on the
case: later alerts (edits, escalations, overdue reminders) follow the case to its channel and
thread instead of bouncing between teams as the classification changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.settings import RouteRule, RoutingSettings, Settings
from reputation.core.models import (
    Alert,
    AlertKind,
    AlertStatus,
    Case,
    Draft,
    Review,
    Sentiment,
    Severity,
)
from responders.blocks import alert_payload, escape_mrkdwn


@dataclass(frozen=True)
class Route:
    """Where a case goes: its owning team, their channel, and whom to mention."""

    team: str
    channel: str
    mention: tuple[str, ...] = ()
    rule: str = "default"


class Router:
    """Applies the routing rules in order; the first match wins."""

    def __init__(
        self, routing: RoutingSettings, *, default_channel: str, digest_low: bool = False
    ) -> None:
        self._routing = routing
        # Low-severity news waits for the channel's digest (responders/digest.py).
        self.digest_low = digest_low
        self._default = Route(
            team=routing.default_team,
            channel=routing.default_channel or default_channel,
            mention=tuple(routing.default_mention),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Router:
        return cls(
            settings.routing,
            default_channel=settings.slack.channel,
            digest_low=settings.slack.digest_low,
        )

    @property
    def default(self) -> Route:
        """The route of cases no rule matches (and of alerts about no single case)."""
        return self._default

    def route(self, review: Review, sentiment: Sentiment) -> Route:
        for number, rule in enumerate(self._routing.rules, 1):
            if _matches(rule, review, sentiment):
                return Route(
                    team=rule.team,
                    channel=rule.channel,
                    mention=tuple(rule.mention),
                    rule=rule.name or f"rule {number}",
                )
        return self._default

    def mention_for(self, team: str | None) -> tuple[str, ...]:
        """Whom to mention for a case owned by ``team`` (its first rule that names any)."""
        for rule in self._routing.rules:
            if rule.team == team and rule.mention:
                return tuple(rule.mention)
        return self._default.mention


def _any(wanted: Sequence[str], values: Sequence[str | None]) -> bool:
    if not wanted:
        return True
    folded = {v.casefold() for v in values if v}
    return any(w.casefold() in folded for w in wanted)


def _matches(rule: RouteRule, review: Review, sentiment: Sentiment) -> bool:
    severity = sentiment.severity
    if rule.min_severity is not None and severity.rank < Severity(rule.min_severity).rank:
        return False
    return (
        _any(rule.severities, [severity.value])
        and _any(rule.topics, sentiment.topics)
        and _any(rule.brands, [review.brand])
        and _any(rule.locations, [review.location])
        and _any(rule.languages, [sentiment.lang, review.lang])
        and _any(rule.sources, [review.source])
    )


def addressed(
    payload: dict[str, Any], *, mention: Sequence[str] = (), note: str | None = None
) -> dict[str, Any]:
    """The payload with a first line that mentions the owners and/or says what changed.

    Mentions come only from the validated routing settings; the note is escaped, so nothing
    from a review can ever ping anyone.
    """
    parts = [*mention]
    if note:
        parts.append(escape_mrkdwn(note))
    if not parts:
        return payload
    line = " ".join(parts)
    lead = {"type": "section", "text": {"type": "mrkdwn", "text": line, "verbatim": True}}
    return payload | {
        "text": f"{line} {payload.get('text', '')}".strip(),
        "blocks": [
            lead,
            *payload.get("blocks", []),
        ],
    }


def case_alert(
    *,
    review: Review,
    sentiment: Sentiment,
    case: Case,
    draft: Draft | None,
    router: Router,
    route: Route,
    created: bool,
    escalated: bool,
    drafted: bool,
    now: datetime,
) -> Alert | None:
    """The alert a response to ``review`` deserves, or None when nothing new happened.

    A new case gets a top-level message mentioning its owners; a severity escalation gets a
    thread reply mentioning them again (once per severity); an edit that produced a new draft
    gets a quiet thread reply (once per content version). With ``slack.digest_low``, a low
    case's new-case and update alerts are held for the channel's digest instead.
    """
    channel = case.slack_channel or route.channel
    if created:
        kind, dedupe, mention, note = AlertKind.NEW_CASE, "", route.mention, None
    elif escalated:
        kind, dedupe = AlertKind.ESCALATION, sentiment.severity.value
        mention = router.mention_for(case.team)
        note = f"Escalated to {sentiment.severity.value.upper()}"
    elif drafted:
        kind, dedupe, mention = AlertKind.UPDATE, review.content_hash, ()
        note = "Update: the review was edited; a new draft is below"
    else:
        return None
    payload = alert_payload(review, sentiment, case, draft, channel=channel)
    quiet = kind in (AlertKind.NEW_CASE, AlertKind.UPDATE)
    held = router.digest_low and quiet and sentiment.severity is Severity.LOW
    return Alert(
        case_ref=case.ref,
        kind=kind.value,
        dedupe=dedupe,
        channel=channel,
        severity=sentiment.severity,
        payload=addressed(payload, mention=mention, note=note),
        status=AlertStatus.HELD if held else AlertStatus.PENDING,
        created_at=now,
    )
