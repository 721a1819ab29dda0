"""What the server did for a query: the winning plan's stages and what it examined.

:func:`explain_find` runs the ``explain`` command (verbosity ``executionStats``) for a find
and boils the answer down to a :class:`Plan`: the stages of the winning plan from the top
(``LIMIT > FETCH > IXSCAN``), the indexes it scanned, keys and documents examined and rows
returned. The benchmarks print these to prove every dashboard query is answered by an index;
a ``COLLSCAN`` anywhere, or far more keys examined than rows returned, is the thing to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase


@dataclass
class Plan:
    collection: str
    stages: list[str]
    indexes: list[str] = field(default_factory=list)
    keys_examined: int = 0
    docs_examined: int = 0
    returned: int = 0
    millis: int = 0

    @property
    def uses_index(self) -> bool:
        return "COLLSCAN" not in self.stages and bool(self.indexes)

    def __add__(self, other: Plan) -> Plan:
        """Two finds of one query (windows, buckets) as one line."""
        return Plan(
            collection=self.collection,
            stages=self.stages if len(self.stages) >= len(other.stages) else other.stages,
            indexes=sorted({*self.indexes, *other.indexes}),
            keys_examined=self.keys_examined + other.keys_examined,
            docs_examined=self.docs_examined + other.docs_examined,
            returned=self.returned + other.returned,
            millis=self.millis + other.millis,
        )

    def line(self) -> str:
        scan = "IXSCAN" if self.uses_index else "COLLSCAN"
        return (
            f"{scan:<8} {' > '.join(self.stages)} [{', '.join(self.indexes) or '-'}] "
            f"keys {self.keys_examined} docs {self.docs_examined} returned {self.returned}"
        )


def _walk(stage: Mapping[str, Any], stages: list[str], indexes: list[str]) -> None:
    stages.append(str(stage.get("stage", "?")))
    if stage.get("indexName"):
        indexes.append(str(stage["indexName"]))
    for child in [stage.get("inputStage"), *(stage.get("inputStages") or [])]:
        if isinstance(child, Mapping):
            _walk(child, stages, indexes)


def summarise_explain(collection: str, answer: Mapping[str, Any]) -> Plan:
    """A :class:`Plan` from an ``explain`` answer (find or the ``$cursor`` of an aggregate)."""
    planner = answer.get("queryPlanner")
    stats = answer.get("executionStats") or {}
    if planner is None:  # aggregate: the first stage holds the cursor's plan
        for step in answer.get("stages") or []:
            cursor = step.get("$cursor") if isinstance(step, Mapping) else None
            if cursor:
                planner = cursor.get("queryPlanner")
                stats = cursor.get("executionStats") or {}
                break
    stages: list[str] = []
    indexes: list[str] = []
    _walk((planner or {}).get("winningPlan") or {}, stages, indexes)
    return Plan(
        collection=collection,
        stages=stages,
        indexes=indexes,
        keys_examined=int(stats.get("totalKeysExamined") or 0),
        docs_examined=int(stats.get("totalDocsExamined") or 0),
        returned=int(stats.get("nReturned") or 0),
        millis=int(stats.get("executionTimeMillis") or 0),
    )


async def explain_find(
    db: AsyncIOMotorDatabase[Any],
    collection: str,
    where: Mapping[str, Any],
    *,
    sort: Sequence[tuple[str, int]] | None = None,
    skip: int = 0,
    limit: int = 0,
    projection: Mapping[str, Any] | None = None,
) -> Plan:
    command: dict[str, Any] = {"find": collection, "filter": dict(where)}
    if sort:
        command["sort"] = dict(sort)
    if skip:
        command["skip"] = skip
    if limit:
        command["limit"] = limit
    if projection:
        command["projection"] = dict(projection)
    answer = await db.command("explain", command, verbosity="executionStats")
    return summarise_explain(collection, answer)


async def explain_aggregate(
    db: AsyncIOMotorDatabase[Any], collection: str, pipeline: Sequence[Mapping[str, Any]]
) -> Plan:
    command = {"aggregate": collection, "pipeline": list(pipeline), "cursor": {}}
    answer = await db.command("explain", command, verbosity="executionStats")
    return summarise_explain(collection, answer)
