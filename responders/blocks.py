"""The Slack Block Kit message for an alert. Review text can never ping or inject: it goes in
``plain_text`` objects, and anything placed in ``mrkdwn`` is escaped (&, <, >)."""

from __future__ import annotations

from typing import Any

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


def alert_payload(
    review: Review, sentiment: Sentiment, case: Case, draft: Draft | None, *, channel: str
) -> dict[str, Any]:
    """The ``chat.postMessage`` arguments for a new-case alert."""
    where = " · ".join(p for p in (review.source, review.location, review.brand) if p)
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
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": head}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
        {
            "type": "section",
            "text": _plain(
                (f"{review.author or 'Anonymous'}: " if review.author else "")
                + (f"{review.title}\n" if review.title else "")
                + (review.text or "(rating only)")
            ),
        },
    ]
    if review.url:
        link = escape_mrkdwn(review.url).replace("|", "%7C")
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<{link}|Open the review>"}],
            }
        )
    if draft is not None:
        blocks += [
            {"type": "divider"},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Draft reply* " + ("(needs approval)" if draft.needs_approval else ""),
                },
            },
            {"type": "section", "text": _plain(draft.text)},
        ]
    summary = (
        f"{sentiment.severity.value.upper()} {review.kind.value} "
        f"({_stars(review.rating)}) on {review.source} — case {case.ref}"
    )
    return {
        "channel": channel,
        "text": escape_mrkdwn(summary),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }
