"""``reputation users add NAME --role ROLE`` and ``reputation users token NAME``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from config.settings import Settings
from reputation.app import open_store
from reputation.core.accounts import Role
from reputation.core.errors import ConfigError


def _say(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def add_parsers(commands: Any) -> None:
    """The ``users`` command (``commands`` is the CLI's subparsers)."""
    users = commands.add_parser(
        "users",
        help="web users: add one, issue an API token",
        description="People who sign in to the web app, with a role: viewer (reads), "
        "responder (also edits, approves, posts, assigns, resolves) or admin (also manages "
        "users). Passwords are stored as argon2id hashes; API tokens only as digests.",
    )
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user (the password is asked for)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.VIEWER.value)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    token = actions.add_parser(
        "token", help="print a new API token for /api/v1 (shown once, never stored)"
    )
    token.add_argument("name", metavar="NAME")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ConfigError("the passwords differ")
    return first


def users(settings: Settings, args: argparse.Namespace) -> int:
    if args.users_command == "add":
        password = _password(args.password_stdin)

        async def add() -> None:
            async with open_store(settings, _say) as store:
                user = await store.users.add(args.name, role=Role(args.role), password=password)
            print(f"added {user.name} ({user.role.value})")

        asyncio.run(add())
        return 0

    async def token() -> None:
        async with open_store(settings, _say) as store:
            print(await store.users.issue_token(args.name))

    asyncio.run(token())
    return 0
