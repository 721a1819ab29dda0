"""``reputation drafts …``: list, approve, edit, discard and post reply drafts; and
``reputation slack serve``, the endpoint for the alert's buttons."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from config.settings import Settings
from reputation.app import open_store
from reputation.core.errors import ConfigError
from reputation.core.models import Draft, DraftStatus
from reputation.storage import Store
from responders.approval import ApprovalService
from responders.posting import CollectorRepliers


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def add_parsers(commands: Any) -> None:
    """The ``drafts`` and ``slack`` commands (``commands`` is the CLI's subparsers)."""
    drafts = commands.add_parser(
        "drafts",
        help="approve, edit, discard and post stored reply drafts",
        description="Drafts move drafted → approved → posted → confirmed (seen at the source "
        "by the next collection), or are discarded; each change is an event in the case's "
        "history. REF is a case reference (its newest draft), a thank-you reference (TY-…) "
        "or a draft id (RP-7K2Q:<hash>). High and critical severity need a named person.",
    )
    actions = drafts.add_subparsers(dest="drafts_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="drafts, newest first")
    listing.add_argument("--status", choices=[s.value for s in DraftStatus])
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    approve = actions.add_parser("approve", help="approve a draft (optionally with new text)")
    approve.add_argument("ref", metavar="REF")
    approve.add_argument("--text", help="edit the reply and approve the edit in one step")
    approve.add_argument("--by", required=True, metavar="NAME", help="who approves")
    edit = actions.add_parser("edit", help="give a draft new text (it then needs approval)")
    edit.add_argument("ref", metavar="REF")
    edit.add_argument("--text", required=True)
    edit.add_argument("--by", required=True, metavar="NAME")
    discard = actions.add_parser("discard", help="set a draft aside (it stays in history)")
    discard.add_argument("ref", metavar="REF")
    discard.add_argument("--by", required=True, metavar="NAME")
    discard.add_argument("--reason")
    post = actions.add_parser(
        "post",
        help="post approved drafts through the source's reply API",
        description="Post the draft at the source. A failure leaves it approved with the "
        "error; posting again retries. With --approved, post every approved draft.",
    )
    post.add_argument("refs", nargs="*", metavar="REF")
    post.add_argument("--approved", action="store_true", help="every approved draft")
    post.add_argument("--by", default="cli", metavar="NAME", help="recorded as the poster")

    slack = commands.add_parser("slack", help="the Slack interactivity endpoint")
    slack_actions = slack.add_subparsers(dest="slack_command", metavar="ACTION", required=True)
    serve = slack_actions.add_parser(
        "serve",
        help="answer the alert's buttons (Approve, Edit, Assign, Resolve)",
        description="Serve POST /slack/actions for Slack's interactivity requests, verified "
        "with SLACK_SIGNING_SECRET. Point the Slack app's Request URL at it.",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)


def _line(draft: Draft) -> str:
    who = draft.approved_by or draft.posted_by or draft.discarded_by or ""
    error = f"  last error: {draft.last_error}" if draft.last_error else ""
    text = " ".join(draft.current_text.split())
    text = text if len(text) <= 70 else text[:69] + "…"
    return f"{draft.id}  {draft.status.value:<9} {draft.source:<16} {who:<14} {text}{error}"


def _as_json(draft: Draft) -> str:
    data = draft.model_dump(mode="json", exclude={"posting_until"})
    data.update(id=draft.id, current_text=draft.current_text)
    return json.dumps(data, ensure_ascii=False)


Job = Callable[[ApprovalService, Store], Awaitable[int]]


def _run(settings: Settings, job: Job) -> int:
    async def run() -> int:
        async with open_store(settings, _say) as store, aiohttp.ClientSession() as session:
            service = ApprovalService(
                store=store, settings=settings, repliers=CollectorRepliers(settings, session)
            )
            return await job(service, store)

    return asyncio.run(run())


def drafts(settings: Settings, args: argparse.Namespace) -> int:
    """The ``reputation drafts`` commands; exit 1 when a post failed (it stays approved)."""
    command = args.drafts_command

    async def job(service: ApprovalService, store: Store) -> int:
        del store
        if command == "list":
            status = DraftStatus(args.status) if args.status else None
            for draft in await service.recent(status=status, limit=args.limit):
                print(_as_json(draft) if args.json else _line(draft))
            return 0
        if command == "approve":
            print(_line(await service.approve(args.ref, by=args.by, text=args.text)))
        elif command == "edit":
            print(_line(await service.edit(args.ref, text=args.text, by=args.by)))
        elif command == "discard":
            print(_line(await service.discard(args.ref, by=args.by, reason=args.reason)))
        else:
            return await _post(service, args)
        return 0

    return _run(settings, job)


async def _post(service: ApprovalService, args: argparse.Namespace) -> int:
    if not args.refs and not args.approved:
        raise ConfigError("name the drafts to post (REF ...) or pass --approved")
    failed = 0
    for ref in args.refs:
        print(_line(await service.post(ref, by=args.by)))
    if args.approved:
        posted, errors = await service.post_approved(by=args.by)
        for error in errors:
            _say(f"not posted: {error}")
        failed = len(errors)
        print(f"posted {posted}, failed {failed}")
    return 1 if failed else 0


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """``reputation slack serve``: run the interactivity endpoint until interrupted."""
    from aiohttp import web

    from responders.slack_actions import slack_actions_app

    secret = settings.slack.signing_secret
    if secret is None or not secret.get_secret_value():
        raise ConfigError("SLACK_SIGNING_SECRET is not set: Slack's requests cannot be verified")

    async def run() -> int:
        async with open_store(settings, _say) as store, aiohttp.ClientSession() as session:
            service = ApprovalService(
                store=store, settings=settings, repliers=CollectorRepliers(settings, session)
            )
            app = slack_actions_app(
                service=service,
                signing_secret=secret.get_secret_value(),
                web_base_url=settings.web.base_url,
                approvers=settings.slack.approvers,
            )
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, args.host, args.port).start()
            _say(f"answering Slack's buttons at http://{args.host}:{args.port}/slack/actions")
            try:
                await asyncio.Event().wait()
            finally:
                await runner.cleanup()
        return 0

    return asyncio.run(run())
