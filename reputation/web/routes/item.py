"""The item page (``/reviews/{source}/{external_id}``) and its actions (``POST /items/…``):
approve, edit, discard, post, assign, resolve, relabel, note. Each action runs as the signed-in
person (``web:<name>``) through the approval service or storage, which write the events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from reputation.core.accounts import Role, User
from reputation.core.errors import ApprovalError, ReputationError
from reputation.core.models import Event, Label, utcnow
from reputation.web.context import ctx, current_session, current_user, service
from reputation.web.item_view import ItemView, load_item
from reputation.web.render import html, redirect
from reputation.web.security import requires

routes = web.RouteTableDef()
Form = MultiDictProxy[Any]  # request.post(): str fields (and files, unused here)
Action = Callable[[web.Request, ItemView, Form, User], Awaitable[None]]


def item_path(source: str, external_id: str) -> str:
    return f"/reviews/{quote(source)}/{quote(external_id, safe='')}"


def _text(form: Form, name: str, *, limit: int = 10_000) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    # Browsers submit a textarea's line breaks as CRLF; replies and notes keep plain LF.
    return value.replace("\r\n", "\n").replace("\r", "\n")[:limit]


async def _page(request: web.Request, view: ItemView, *, error: str | None = None) -> web.Response:
    session = current_session(request)
    text = ctx(request).templates.render(
        "item.html",
        user=current_user(request),
        csrf=session.csrf if session else "",
        view=view,
        error=error,
        labels=[label.value for label in Label],
        can_act=bool((u := current_user(request)) and u.role.allows(Role.RESPONDER)),
    )
    return html(text, status=409 if error else 200)


@routes.get("/reviews/{source}/{external_id:.+}")
@requires(Role.VIEWER)
async def item(request: web.Request) -> web.StreamResponse:
    view = await load_item(
        ctx(request).store,
        ctx(request).settings,
        request.match_info["source"],
        request.match_info["external_id"],
    )
    if view is None:
        raise web.HTTPNotFound(text="no such review")
    return await _page(request, view)


def _draft_id(view: ItemView, form: Form) -> str:
    wanted = _text(form, "draft", limit=200) or (view.draft.id if view.draft else "")
    if not wanted:
        raise ApprovalError("this item has no draft")
    return wanted


def _case_ref(view: ItemView) -> str:
    if view.case is None:
        raise ApprovalError("this item has no case")
    return view.case.ref


async def _approve(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    text = _text(form, "text")
    await service(request).approve(_draft_id(view, form), by=user.actor, text=text or None)


async def _edit(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    await service(request).edit(_draft_id(view, form), text=_text(form, "text"), by=user.actor)


async def _discard(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    reason = _text(form, "reason", limit=500) or None
    await service(request).discard(_draft_id(view, form), by=user.actor, reason=reason)


async def _post(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    await service(request).post(_draft_id(view, form), by=user.actor)


async def _assign(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    owner = _text(form, "owner", limit=80).strip() or user.actor
    await service(request).assign(_case_ref(view), to=owner, by=user.actor)


async def _resolve(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    await service(request).resolve(_case_ref(view), by=user.actor)


async def _label(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    try:
        label = Label(_text(form, "label", limit=20))
    except ValueError:
        raise ApprovalError("choose negative, neutral or positive") from None
    review = view.review
    await ctx(request).store.reviews.override_label(
        review.source, review.external_id, label, actor=user.actor
    )


async def _note(request: web.Request, view: ItemView, form: Form, user: User) -> None:
    """A note from the private channel (e-mail, WhatsApp…); optionally it records that the
    customer was contacted privately, which the private-contact SLA measures."""
    ref = _case_ref(view)
    note = _text(form, "note", limit=4000).strip()
    contacted = _text(form, "private_contact", limit=5) == "yes"
    if not note and not contacted:
        raise ApprovalError("write a note")
    store = ctx(request).store
    now = utcnow()
    if note:
        event = Event(
            entity="case", key=ref, type="note", at=now, actor=user.actor, data={"text": note}
        )
        await store.events.append([event])
    if contacted:
        await store.cases.mark_private_contact(ref, at=now, actor=user.actor)


ACTIONS: dict[str, Action] = {
    "approve": _approve,
    "edit": _edit,
    "discard": _discard,
    "post": _post,
    "assign": _assign,
    "resolve": _resolve,
    "label": _label,
    "note": _note,
}


@routes.post("/items/{action}")
@requires(Role.RESPONDER)
async def act(request: web.Request) -> web.StreamResponse:
    action = ACTIONS.get(request.match_info["action"])
    if action is None:
        raise web.HTTPNotFound(text="no such action")
    form = await request.post()
    source, external_id = _text(form, "source", limit=40), _text(form, "external_id", limit=512)
    store, settings = ctx(request).store, ctx(request).settings
    view = await load_item(store, settings, source, external_id)
    if view is None:
        raise web.HTTPNotFound(text="no such review")
    user = current_user(request)
    assert user is not None  # noqa: S101 - requires() let only signed-in users through
    try:
        await action(request, view, form, user)
    except ReputationError as exc:
        fresh = await load_item(store, settings, source, external_id) or view
        return await _page(request, fresh, error=str(exc))
    await store.inbox.refresh([(source, external_id)])
    return redirect(item_path(source, external_id))
