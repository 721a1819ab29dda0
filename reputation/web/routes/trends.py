"""Trends (``/trends``), their charts (``/trends/charts/{name}.svg``) and CSV (``/trends.csv``).
Everything reads the daily snapshots (storage/trends.py), never raw reviews."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from aiohttp import web

from reputation.core.accounts import Role
from reputation.core.trends import Comparison, Grain, TrendBucket, TrendReport
from reputation.web.charts import CHARTS, chart_svg
from reputation.web.context import ctx, current_session, current_user
from reputation.web.csv_export import cell, stream_csv
from reputation.web.params import TREND_KEYS, given, trend_query
from reputation.web.render import html
from reputation.web.security import requires

routes = web.RouteTableDef()
BUCKET_COLUMNS = (*(f for f in TrendBucket.model_fields if f != "top_topics"), "top_topics")


async def trend_data(request: web.Request) -> TrendReport | Comparison:
    query, other = trend_query(request.query)
    trends = ctx(request).store.trends
    if other is None:
        return await trends.report(query)
    return await trends.compare(query, *other)


def subject(params: Mapping[str, str]) -> str:
    parts = [params[k] for k in ("brand", "location", "source", "lang") if params.get(k)]
    return " · ".join(parts)


@routes.get("/trends")
@requires(Role.VIEWER)
async def trends(request: web.Request) -> web.StreamResponse:
    data = await trend_data(request)
    session = current_session(request)
    params = given(request.query, TREND_KEYS)
    current = data.current if isinstance(data, Comparison) else data
    text = ctx(request).templates.render(
        "trends.html",
        user=current_user(request),
        csrf=session.csrf if session else "",
        params=params,
        report=current,
        previous=data.previous if isinstance(data, Comparison) else None,
        charts=CHARTS,
        grains=[g.value for g in Grain],
    )
    return html(text)


@routes.get("/trends/charts/{name}.svg")
@requires(Role.VIEWER)
async def chart(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in CHARTS:
        raise web.HTTPNotFound(text="no such chart")
    data = await trend_data(request)
    body = await chart_svg(name, subject(given(request.query, TREND_KEYS)), data)
    return web.Response(body=body, content_type="image/svg+xml", charset="utf-8")


def bucket_row(period: str, bucket: TrendBucket) -> list[str]:
    row = [period]
    for name in BUCKET_COLUMNS:
        value = getattr(bucket, name)
        if name == "top_topics":
            value = [f"{topic} ({count})" for topic, count in value]
        row.append(cell(value))
    return row


@routes.get("/trends.csv")
@requires(Role.VIEWER)
async def trends_csv(request: web.Request) -> web.StreamResponse:
    data = await trend_data(request)
    reports = (
        [("current", data.current), ("previous", data.previous)]
        if isinstance(data, Comparison)
        else [("current", data)]
    )

    async def rows() -> AsyncIterator[list[str]]:
        for period, report in reports:
            for bucket in report.buckets:
                yield bucket_row(period, bucket)

    return await stream_csv(request, "trends.csv", ("period", *BUCKET_COLUMNS), rows())
