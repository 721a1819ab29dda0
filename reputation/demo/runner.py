"""``reputation demo``: the bundled sample, end to end, on the real parts."""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from typing import Any, TextIO

from config.settings import Settings
from reputation.app import build_drafter, build_model, build_notifier, open_store
from reputation.core.pipeline import Pipeline, RunReport
from reputation.core.protocols import SentimentModel
from reputation.storage import Store

SAMPLE = "sample.jsonl"


def sample_lines() -> list[str]:
    """The bundled sample: reviews, questions and mentions in six languages, with edits."""
    return resources.files("reputation.demo").joinpath(SAMPLE).read_text("utf-8").splitlines()


async def run_demo(
    settings: Settings,
    *,
    out: TextIO,
    err: TextIO,
    as_json: bool,
    model: SentimentModel | None = None,
) -> dict[str, Any]:
    """Run the sample through the pipeline and print the summary; return it.

    ``model`` defaults to the configured one (loaded here, closed at the end). Storage is
    opened first so a wrong MongoDB URI fails before the model is loaded.
    """

    def progress(message: str) -> None:
        err.write(f"· {message}\n")
        err.flush()

    async with open_store(settings, progress) as store:
        owned = model is None
        if model is None:
            model = await asyncio.to_thread(build_model, settings, progress)
        try:
            pipeline = Pipeline(
                store=store,
                model=model,
                drafter=build_drafter(settings),
                notifier=build_notifier(settings, console=err if as_json else out),
                settings=settings,
                progress=progress,
            )
            report = await pipeline.run(sample_lines(), source="demo")
            summary = await _summary(store, report)
            rows = await _flagged_rows(store)
        finally:
            if owned:
                await model.aclose()
    if as_json:
        out.write(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        out.write(_table(summary, report, rows))
    out.flush()
    return summary


async def _summary(store: Store, report: RunReport) -> dict[str, Any]:
    return {
        "reviews": await store.reviews.count(),
        "by_language": await store.reviews.count_by_language(),
        "flagged": await store.reviews.count_flagged(),
        "drafts": await store.drafts.count(),
        "alerts": await store.alerts.count(),
        "cases": await store.cases.count(),
        "quarantined": await store.quarantine.count(),
        "this_run": {
            "new": report.new,
            "edited": report.updated,
            "unchanged": report.unchanged,
            "quarantined": report.quarantined,
            "classified": report.classified,
            "drafts": report.drafts_created,
            "alerts_sent": report.alerts_sent,
            "alerts_failed": report.alerts_failed,
        },
        "mongo_uri": store.uri,
    }


async def _flagged_rows(store: Store) -> list[dict[str, Any]]:
    ids = await store.timeline.flagged_ids()
    cursor = store.db["reviews"].find(
        {"_id": {"$in": ids}},
        {"source": 1, "rating": 1, "text": 1, "title": 1, "sentiment": 1, "case_ref": 1},
    )
    rows = [doc async for doc in cursor]
    return sorted(rows, key=lambda r: (r["sentiment"]["lang"], r["source"], r["_id"]))


def _table(summary: dict[str, Any], report: RunReport, rows: list[dict[str, Any]]) -> str:
    lines = ["", "Flagged items"]
    header = f"  {'lang':4} {'source':16} {'stars':5} {'severity':8} {'case':8} {'topics':22} text"
    lines += [header, "  " + "-" * (len(header) + 20)]
    for row in rows:
        s = row["sentiment"]
        text = " ".join((row.get("text") or "(rating only)").split())
        stars = str(row["rating"]) if row.get("rating") else "-"
        lines.append(
            f"  {s['lang']:4} {row['source'][:16]:16} {stars:5} {s['severity']:8} "
            f"{row.get('case_ref') or '-':8} {','.join(s['topics'])[:22]:22} {text[:48]}"
        )
    langs = " · ".join(f"{k} {v}" for k, v in summary["by_language"].items())
    this = summary["this_run"]
    lines += [
        "",
        "Summary                       this run   in storage",
        f"  reviews and mentions        {this['new']:>4} new   {summary['reviews']:>8}",
        f"  edited (revision kept)      {this['edited']:>8}",
        f"  flagged as negative         {report.flagged:>8}   {summary['flagged']:>8}",
        f"  reply drafts                {this['drafts']:>8}   {summary['drafts']:>8}",
        f"  alerts sent                 {this['alerts_sent']:>8}   {summary['alerts']:>8}",
        f"  quarantined records         {this['quarantined']:>8}   {summary['quarantined']:>8}",
        f"  by language: {langs}",
        f"  MongoDB: {summary['mongo_uri']}",
        "",
    ]
    return "\n".join(lines)
