"""The ``reputation`` command line."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from collections.abc import Sequence

from reputation import __version__
from reputation.core.errors import ConfigError, ReputationError


def _parser() -> argparse.ArgumentParser:
    from sentiment.training import Recipe  # light: torch is imported only when training

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

    classify = commands.add_parser(
        "classify",
        help="classify JSON lines (text, optional lang and rating)",
        description="Read JSON lines (each with `text`, optional `lang` and `rating`; other keys "
        "are kept) and write each back with a `sentiment` object: label, scores, lang, flag, "
        "reasons, topics, severity. A bad line gets an `error` object at the same position.",
    )
    classify.add_argument("--input", metavar="FILE", help="default: standard input")
    classify.add_argument("--output", metavar="FILE", help="default: standard output")

    evaluate = commands.add_parser(
        "eval",
        help="accuracy, macro-F1 and negative-class P/R/F1 per dataset",
        description="Score labelled JSON lines (`text`, `label`, optional `dataset`, `rating`) "
        "with the configured model and print figures per dataset.",
    )
    evaluate.add_argument("files", nargs="*", metavar="FILE")
    evaluate.add_argument(
        "--validation",
        action="store_true",
        help="also score the validation split carved from sentiment.datasets_dir "
        "(the rows `reputation train` never trains on)",
    )
    evaluate.add_argument("--json", action="store_true", help="print one JSON object instead")

    train = commands.add_parser(
        "train",
        help="fine-tune the default model on the labelled datasets (+ overrides)",
        description="Fine-tune the top encoder layers and the head on sentiment.datasets_dir "
        "(one <lang>/train.jsonl per language) plus the label overrides stored by community "
        "managers, print progress and validation figures, and write a delta weights file.",
    )
    train.add_argument("--datasets", metavar="DIR", help="default: sentiment.datasets_dir")
    train.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="where to write the weights (set sentiment.weights to use them)",
    )
    train.add_argument(
        "--refit-offsets",
        metavar="FILE",
        help="do not train: refit the calibration offsets of this weights file on the splits "
        "its recipe seed carves, through shipped inference, and write it to --out (the same "
        "path to rewrite it in place); the training options are ignored",
    )
    recipe = Recipe()
    train.add_argument("--epochs", type=float, default=recipe.epochs)
    train.add_argument(
        "--layers", type=int, default=recipe.unfrozen_layers, help="top encoder layers to train"
    )
    train.add_argument(
        "--cap",
        type=int,
        default=recipe.cap_per_class,
        help="at most this many training rows per (dataset, label)",
    )
    train.add_argument("--seed", type=int, default=recipe.seed)
    train.add_argument(
        "--lr-decay",
        type=float,
        default=recipe.layer_lr_decay,
        help="layer-wise learning-rate decay: each layer learns at this factor times the one "
        "above (default %(default)s: one rate)",
    )
    train.add_argument("--lr", type=float, default=recipe.lr_encoder, help="top layer's rate")
    train.add_argument("--lr-head", type=float, default=recipe.lr_head)
    train.add_argument(
        "--weight-min",
        type=int,
        default=recipe.dataset_weight_min,
        help="every dataset weighs at least as much as one of this many rows",
    )
    train.add_argument(
        "--max-length", type=int, default=recipe.max_length, help="tokens per training text"
    )
    train.add_argument(
        "--head-tail",
        action="store_true",
        help="a longer text keeps its first and last tokens, as inference does (default: its "
        "first only)",
    )
    train.add_argument(
        "--normalize",
        action="store_true",
        help="read texts as inference does: invisible characters dropped, shouting in lower "
        "case (default: as written)",
    )
    train.add_argument(
        "--calibration-min",
        type=int,
        default=recipe.calibration_min,
        help="calibration rows per dataset at least (never more than 40%% of a small one)",
    )
    train.add_argument(
        "--init",
        metavar="FILE",
        help="continue from this weights file (same base) instead of the base encoder",
    )
    train.add_argument("--limit", type=int, default=0, help="train on N rows only (a dry run)")
    train.add_argument(
        "--no-overrides", action="store_true", help="do not read label overrides from MongoDB"
    )

    parse = commands.add_parser(
        "parse",
        help="normalise one raw source response into JSON lines",
        description="Read one raw API response (JSON, or HTML for the web collector) of "
        "SOURCE and print the normalised items as JSON lines: source, external_id, kind, "
        "rating, text, lang, author, created_at, updated_at, url, reply. Exits non-zero with "
        "a one-line reason when the file is not such a response.",
    )
    parse.add_argument("source", nargs="?", metavar="SOURCE")
    parse.add_argument("file", nargs="?", metavar="FILE")
    parse.add_argument("--list", action="store_true", help="name the sources and exit")
    parse.add_argument("--location", metavar="ID", help="the location/app/item the response is for")

    collect = commands.add_parser(
        "collect",
        help="run the configured collectors once",
        description="Run every enabled collector (or the named ones) once, with progress, and "
        "print what was new, updated and quarantined per source.",
    )
    collect.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeatable)"
    )
    collect.add_argument(
        "--since", metavar="DATE", help="re-read from this date (ISO 8601), not the cursor"
    )

    alerts = commands.add_parser(
        "alerts",
        help="the Slack alert outbox",
        description="Alerts are written to MongoDB (the outbox) before anything sends them.",
    )
    alert_actions = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    flush = alert_actions.add_parser(
        "flush",
        help="send pending alerts now and print counts",
        description="Send the alerts waiting in the outbox now and print `sent N, failed N, "
        "still pending N`. Slack's Retry-After and one message per second per channel are "
        "honoured; failed alerts stay pending. Exits 1 when some failed.",
    )
    flush.add_argument("--limit", type=int, default=500, help="at most this many send attempts")
    flush.add_argument(
        "--due-only", action="store_true", help="skip alerts still backing off after a failure"
    )
    flush.add_argument(
        "--console",
        action="store_true",
        help="print the alerts instead of sending them to Slack (marks them delivered)",
    )
    flush.add_argument("--json", action="store_true", help="print the counts as one JSON object")

    sla = commands.add_parser(
        "sla",
        help="deadlines, follow-ups, the low-severity digest and negative spikes",
        description="Checks that queue alerts into the outbox; `reputation alerts flush` "
        "sends them.",
    )
    sla_actions = sla.add_subparsers(dest="sla_command", metavar="ACTION", required=True)
    sla_check = sla_actions.add_parser(
        "check",
        help="run the SLA, digest and spike checks once and print counts",
        description="Escalate cases past their public-reply or private-contact deadline "
        "(once each, in the case's thread, mentioning the owners) and store the breach on "
        "the case; queue follow-up reminders for cases resolved sla.follow_up_hours ago; "
        "queue each channel's low-severity digest when due (slack.digest_low); alert once "
        "per negative spike ([spike]). Running it again queues nothing new.",
    )
    sla_check.add_argument("--json", action="store_true", help="print the counts as JSON")

    drafting = commands.add_parser(
        "draft",
        help="draft public replies for normalised reviews (JSON lines)",
        description="Read normalised reviews as JSON lines (as `reputation parse` prints them, "
        "optionally with `sentiment`; lines without it are classified first) and write each "
        "back with a `draft` object: text, lang, case_ref, private_channel, needs_approval "
        "(null when no reply is wanted). A bad line gets an `error` object at its position. "
        "No MongoDB needed.",
    )
    drafting.add_argument("--input", metavar="FILE", help="default: standard input")
    drafting.add_argument("--output", metavar="FILE", help="default: standard output")
    drafting.add_argument(
        "--brand", metavar="NAME", help="reply as this configured brand (default: each line's)"
    )

    from reputation import approval_commands

    approval_commands.add_parsers(commands)

    from reputation import user_commands

    user_commands.add_parsers(commands)

    from reputation import serve_commands

    serve_commands.add_parser(commands)

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
        elif args.command == "draft":
            from reputation import draft_commands

            return draft_commands.draft(settings, args)
        elif args.command == "sla":
            from reputation import sla_commands

            return sla_commands.check(settings, args)
        elif args.command in {"drafts", "slack"}:
            from reputation import approval_commands

            if args.command == "slack":
                return approval_commands.serve(settings, args)
            return approval_commands.drafts(settings, args)
        elif args.command == "serve":
            from reputation import serve_commands

            return serve_commands.serve(settings, args)
        elif args.command == "users":
            from reputation import user_commands

            return user_commands.users(settings, args)
        elif args.command == "alerts":
            from reputation import alert_commands

            return alert_commands.flush(settings, args)
        elif args.command in {"parse", "collect"}:
            from reputation import collect_commands

            return int(getattr(collect_commands, args.command)(settings, args))
        else:
            from reputation import commands

            handler = {
                "classify": commands.classify,
                "eval": commands.evaluate,
                "train": commands.train,
            }[args.command]
            return handler(settings, args)
    except ConfigError as exc:
        print(f"reputation: configuration error: {exc}", file=sys.stderr)
        return 2
    except ReputationError as exc:
        print(f"reputation: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reputation: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whoever read the output stopped (`reputation classify ... | head`): stop quietly,
        # as other filters do, with the shell's status for SIGPIPE.
        _drop_stdout()
        return 141
    return 0


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
