"""The ``reputation`` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from reputation import __version__
from reputation.core.errors import ConfigError, ReputationError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reputation",
        description="Watch reviews and mentions, flag negatives, draft warm replies, alert "
        "the owning team. Settings: REPUTATION_CONFIG (TOML) and REPUTATION_* variables.",
    )
    parser.add_argument("--version", action="version", version=f"reputation {__version__}")
    parser.add_argument(
        "--config", metavar="FILE", help="TOML settings file (default: $REPUTATION_CONFIG)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="run the bundled sample end to end (embedded MongoDB, default model)",
        description="Load the bundled sample of reviews and mentions in six languages, store "
        "them, classify them, flag negatives, draft replies and emit alerts (to Slack when "
        "SLACK_BOT_TOKEN is set, else to the console). Safe to run again: nothing duplicates.",
    )
    demo.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object on the last line"
    )

    commands.add_parser(
        "setup",
        help="prepare local files: the default sentiment model, the embedded server",
        description="Convert the bundled multilingual encoder into the model cache and check "
        "that the embedded MongoDB server starts. Idempotent.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from config.settings import load_settings
    from reputation.core.logging import configure_logging

    try:
        settings = load_settings(args.config)
        configure_logging(settings.log_level)
        if args.command == "demo":
            from reputation.demo.runner import run_demo

            asyncio.run(run_demo(settings, out=sys.stdout, err=sys.stderr, as_json=args.json))
        elif args.command == "setup":
            from reputation.setup import run_setup

            run_setup(settings)
    except ConfigError as exc:
        print(f"reputation: configuration error: {exc}", file=sys.stderr)
        return 2
    except ReputationError as exc:
        print(f"reputation: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reputation: interrupted", file=sys.stderr)
        return 130
    return 0
