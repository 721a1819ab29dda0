"""HTML microdata items (``itemscope``/``itemtype``/``itemprop``) as JSON-LD-shaped dicts."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

# Elements whose value is an attribute, per the HTML microdata spec.
_URL_ATTRS = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "embed": "src",
    "object": "data",
}
_VALUE_ATTRS = {"meta": "content", "time": "datetime", "data": "value", "meter": "value"}


def item_type(tag: Tag) -> str:
    """The last path segment of ``itemtype`` (``https://schema.org/Review`` → ``Review``)."""
    types = str(tag.get("itemtype") or "").split()
    return types[0].rstrip("/").rsplit("/", 1)[-1] if types else ""


def items_of_type(soup: BeautifulSoup, *types: str) -> list[dict[str, Any]]:
    """Every item on the page whose type is one of ``types``, nested ones included."""
    return [
        item(tag)
        for tag in soup.find_all(True, attrs={"itemscope": True})
        if isinstance(tag, Tag) and item_type(tag) in types
    ]


def item(scope: Tag) -> dict[str, Any]:
    """One item: ``@type`` plus each property (a list when it occurs more than once)."""
    result: dict[str, Any] = {"@type": item_type(scope)}
    if scope.get("itemid"):
        result["@id"] = str(scope["itemid"])
    for tag in _properties(scope):
        value = item(tag) if tag.has_attr("itemscope") else _value(tag)
        for name in str(tag["itemprop"]).split():
            if name in result:
                previous = result[name]
                result[name] = (
                    [*previous, value] if isinstance(previous, list) else [previous, value]
                )
            else:
                result[name] = value
    return result


def _properties(scope: Tag) -> list[Tag]:
    # A property belongs to the nearest enclosing itemscope: stop descending at nested items.
    found: list[Tag] = []
    pending = [c for c in scope.children if isinstance(c, Tag)]
    while pending:
        tag = pending.pop(0)
        if tag.has_attr("itemprop"):
            found.append(tag)
        if not tag.has_attr("itemscope"):
            pending[0:0] = [c for c in tag.children if isinstance(c, Tag)]
    return found


def _value(tag: Tag) -> str:
    if tag.has_attr("content"):
        return str(tag["content"])
    attr = _URL_ATTRS.get(tag.name) or _VALUE_ATTRS.get(tag.name)
    if attr and tag.has_attr(attr):
        return str(tag[attr])
    return " ".join(tag.get_text(" ").split())
