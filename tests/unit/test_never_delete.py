"""Nothing is ever deleted: no project code may call a driver's delete or drop methods."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("reputation", "collectors", "sentiment", "responders", "config")
FORBIDDEN = {
    "delete_one",
    "delete_many",
    "drop",
    "drop_collection",
    "drop_database",
    "find_one_and_delete",
    "remove",
    "drop_index",
    "drop_indexes",
    "DeleteOne",
    "DeleteMany",
}


def forbidden_calls(source: str) -> list[str]:
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FORBIDDEN:
                hits.append((node.lineno, f"{name} (line {node.lineno})"))
    return [hit for _, hit in sorted(hits)]


def project_files() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]


def test_the_scan_sees_the_storage_code():
    names = {p.name for p in project_files()}
    assert {"reviews.py", "cases.py", "events.py", "quarantine.py", "mongo.py"} <= names


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_delete_path(path):
    assert forbidden_calls(path.read_text(encoding="utf-8")) == []


def test_the_detector_catches_deletes():
    code = "async def f(c):\n    await c.delete_many({})\n    c.reviews.drop()\n"
    assert forbidden_calls(code) == ["delete_many (line 2)", "drop (line 3)"]
