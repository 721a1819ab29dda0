"""Trend charts as SVG, drawn by matplotlib (its SVG backend: no display, no JavaScript).

Text stays text (``svg.fonttype = none``) and matplotlib XML-escapes it, so a brand named
``<script>`` is shown, never run; math parsing is off for every label, so a ``$`` in a
name is a dollar sign. Charts are served as images, not inlined in the page."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reputation.core.trends import Comparison, TrendBucket, TrendReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CHARTS = {
    "volume": "Volume",
    "rating": "Average rating",
    "negatives": "Share of negatives (%)",
    "response": "Response time (hours)",
    "sla": "SLA compliance (%)",
    "topics": "Top topics among negatives",
}
_LOCK = threading.Lock()  # matplotlib's font and text caches are not thread-safe
_BLUE, _GREY, _RED = "#2458a6", "#9aa3ad", "#b3261e"


def _series(
    buckets: Sequence[TrendBucket], value: Callable[[TrendBucket], float | None]
) -> list[float]:
    return [float("nan") if (v := value(b)) is None else v for b in buckets]


def _percent(part: float | None) -> float | None:
    return None if part is None else round(part * 100, 1)


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def _lines(ax: Axes, report: TrendReport, previous: TrendReport | None, name: str) -> None:
    values: dict[str, list[tuple[str, Callable[[TrendBucket], float | None]]]] = {
        "rating": [("average", lambda b: b.average_rating)],
        "negatives": [("negative share", lambda b: _percent(b.negative_share))],
        "response": [
            ("median", lambda b: _hours(b.response_median_min)),
            ("p90", lambda b: _hours(b.response_p90_min)),
        ],
        "sla": [
            ("public reply", lambda b: _percent(b.sla_compliance)),
            ("private contact", lambda b: _percent(b.private_contact_compliance)),
        ],
    }
    x = list(range(len(report.buckets)))
    for index, (label, get) in enumerate(values[name]):
        style = "-" if index == 0 else "--"
        ax.plot(x, _series(report.buckets, get), style, color=_BLUE, marker=".", label=label)
        if previous is not None:
            ax.plot(
                list(range(len(previous.buckets))),
                _series(previous.buckets, get),
                style,
                color=_GREY,
                label=f"{label} (previous)",
            )
    if name == "rating":
        ax.set_ylim(1, 5)
    if name in {"negatives", "sla"}:
        ax.set_ylim(0, 100)


def _draw(name: str, title: str, report: TrendReport, previous: TrendReport | None) -> bytes:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.0), dpi=100, layout="constrained")
    FigureCanvasSVG(figure)
    ax = figure.add_subplot()
    ax.set_title(title, loc="left", fontsize=11, parse_math=False)
    if name == "topics":
        _topics(ax, report, previous)
    else:
        labels = [b.start.isoformat() for b in report.buckets]
        if name == "volume":
            x = list(range(len(labels)))
            ax.bar(x, [b.volume for b in report.buckets], color=_BLUE, label="current")
            if previous is not None:
                ax.plot(
                    list(range(len(previous.buckets))),
                    [b.volume for b in previous.buckets],
                    color=_GREY,
                    marker=".",
                    label="previous",
                )
        else:
            _lines(ax, report, previous, name)
        step = max(1, len(labels) // 10)
        ticks = list(range(0, len(labels), step))
        ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=30, ha="right", fontsize=8)
        ax.grid(axis="y", color="#e3e6ea")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, frameon=False)
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue().encode("utf-8")


def _topics(ax: Axes, report: TrendReport, previous: TrendReport | None) -> None:
    top = report.total.top_topics
    if not top:
        ax.text(0.5, 0.5, "no negatives in this period", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    names = [t for t, _ in top][::-1]
    y = list(range(len(names)))
    ax.barh(y, [n for _, n in top][::-1], color=_RED, height=0.4, label="current")
    if previous is not None:
        before = dict(previous.total.top_topics)
        ax.barh(
            [i - 0.4 for i in y],
            [before.get(t, 0) for t in names],
            color=_GREY,
            height=0.4,
            label="previous",
        )
        ax.legend(fontsize=8, frameon=False)
    ax.set_yticks(y, names, parse_math=False)


def _render(name: str, title: str, report: TrendReport, previous: TrendReport | None) -> bytes:
    import matplotlib

    with _LOCK, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "reputation"}):
        return _draw(name, title, report, previous)


async def chart_svg(name: str, subject: str, data: TrendReport | Comparison) -> bytes:
    """The SVG of chart ``name`` (a key of :data:`CHARTS`) for a report or a comparison."""
    report, previous = (
        (data.current, data.previous) if isinstance(data, Comparison) else (data, None)
    )
    title = f"{CHARTS[name]} · {subject}" if subject else CHARTS[name]
    return await asyncio.to_thread(_render, name, title, report, previous)
