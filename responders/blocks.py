"""The Slack Block Kit message for an alert. Review text can never ping or inject: it goes in
``plain_text`` objects, and anything placed in ``mrkdwn`` is escaped (&, <, >)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from reputation.core.models import Case, Draft, Review, Sentiment

PLAIN_TEXT_LIMIT = 3000
SEVERITY_EMOJI = {
    "low": ":large_blue_circle:",
    "medium": ":large_yellow_circle:",
    "high": ":large_orange_circle:",
    "critical": ":red_circle:",
}


def escape_mrkdwn(text: str) -> str:
    """Slack's escaping: only &, < and > (so ``<!channel>`` shows as text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str) -> dict[str, Any]:
    if len(text) > PLAIN_TEXT_LIMIT:
        text = text[: PLAIN_TEXT_LIMIT - 1] + "…"
    return {"type": "plain_text", "text": text or " ", "emoji": False}


def _stars(rating: int | None) -> str:
    return "no rating" if rating is None else "★" * rating + "☆" * (5 - rating)


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn bare URLs or #channel / @name words into links or pings.
    return {"type": "mrkdwn", "text": text[:PLAIN_TEXT_LIMIT], "verbatim": True}


def _short(value: str, limit: int = 120) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def safe_link(url: str | None) -> str | None:
    """A link Slack can show, or None: only http(s) URLs without spaces, escaped, bounded."""
    if not url or len(url) > 1000 or any(c.isspace() for c in url):
        return None
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return escape_mrkdwn(url).replace("|", "%7C")


# The buttons' action ids, handled by responders/slack_actions.py.
APPROVE, EDIT, ASSIGN, RESOLVE = "approve_draft", "edit_draft", "assign_case", "resolve_case"


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": False},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def action_buttons(case: Case, draft: Draft | None) -> dict[str, Any]:
    """Approve / Edit (the draft shown, by its id: ``RP-7K2Q:<hash>``), Assign / Resolve (the
    case, by its reference)."""
    elements = []
    if draft is not None:
        elements += [
            _button("Approve", APPROVE, draft.id, "primary"),
            _button("Edit", EDIT, draft.id),
        ]
    elements += [_button("Assign to me", ASSIGN, case.ref), _button("Resolve", RESOLVE, case.ref)]
    return {"type": "actions", "block_id": f"case:{case.ref}", "elements": elements}


def alert_payload(
    review: Review, sentiment: Sentiment, case: Case, draft: Draft | None, *, channel: str
) -> dict[str, Any]:
    """The ``chat.postMessage`` arguments for a new-case alert."""
    where = " · ".join(_short(p) for p in (review.source, review.location, review.brand) if p)
    head = (
        f"{SEVERITY_EMOJI[sentiment.severity.value]} *{sentiment.severity.value.upper()}* "
        f"{escape_mrkdwn(review.kind.value)} · {escape_mrkdwn(where)}"
    )
    fields = [
        f"*Rating:* {_stars(review.rating)}",
        f"*Language:* {escape_mrkdwn(sentiment.lang)}",
        f"*Topics:* {escape_mrkdwn(', '.join(sentiment.topics) or 'none detected')}",
        f"*Case:* {case.ref} · reply due {case.reply_due_at:%Y-%m-%d %H:%M} UTC",
    ]
    author = f"{_short(review.author, 80)}: " if review.author else ""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": _mrkdwn(head)},
        {"type": "section", "fields": [_mrkdwn(f) for f in fields]},
        {"type": "section", "text": _plain(author + (review.full_text or "(rating only)"))},
    ]
    link = safe_link(review.url)
    if link is not None:
        blocks.append({"type": "context", "elements": [_mrkdwn(f"<{link}|Open the review>")]})
    if draft is not None:
        approval = "(needs approval)" if draft.needs_approval else ""
        blocks += [
            {"type": "divider"},
            {"type": "section", "text": _mrkdwn(f"*Draft reply* {approval}")},
            {"type": "section", "text": _plain(draft.text)},
        ]
    blocks.append(action_buttons(case, draft))
    summary = (
        f"{sentiment.severity.value.upper()} {review.kind.value} "
        f"({_stars(review.rating)}) on {_short(review.source, 40)} — case {case.ref}"
    )
    return {
        "channel": channel,
        "text": escape_mrkdwn(summary),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }
