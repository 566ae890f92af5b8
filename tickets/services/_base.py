"""Shared by the ticket services: the field list, claiming a state, the audit entry, notifications."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import active_users
from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, need_reason
from common.notifications import notify

from .. import links, score_facts, search
from ..models import (
    Status,
    Ticket,
)

# Notifications can be held back while the demo replays a year of history.
_quiet: ContextVar[bool] = ContextVar("tickets_quiet_notifications", default=False)


@contextlib.contextmanager
def quiet_notifications() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def _notify(users: Iterable, *, title: str, ticket: Ticket, body: str = "", kind: str = "") -> None:
    if _quiet.get():
        return
    users = [*users, *links.watchers_of(ticket)]  # watchers (CC) are told too (issue 17)
    notify(users, title=title, body=body or ticket.title, url=_url(ticket), kind=kind or "ticket")


def _heads(department_id) -> list[User]:
    if _quiet.get():
        return []
    return list(active_users(Role.DEPT_HEAD, department=department_id))


def _role(role: str) -> list[User]:
    if _quiet.get():
        return []
    return list(active_users(role))


def _need_reason(reason: str, what: str) -> str:
    return need_reason(reason, f"{what}必须填写原因。")


def _claim(ticket: Ticket, from_statuses: Iterable[str], **updates) -> None:
    """Move the request out of one of ``from_statuses`` atomically; the loser is told."""
    updates.setdefault("updated_at", clock.now())
    count = Ticket.objects.filter(pk=ticket.pk, status__in=list(from_statuses)).update(**updates)
    if count != 1:
        current = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).first()
        label = str(Status(current).label) if current else "已删除"
        ticket.refresh_from_db()
        raise ConcurrentChange(f"该请求刚刚已被他人处理（当前状态：{label}），请刷新页面后再操作。")
    # Keep the instance (and its cached relations) in step without reloading it.
    expressions = [name for name, value in updates.items() if hasattr(value, "resolve_expression")]
    for name, value in updates.items():
        if name not in expressions:
            setattr(ticket, name, value)
    if expressions:
        ticket.refresh_from_db(fields=expressions)


def _log(action: str, *, actor, ticket: Ticket, changes: dict | None = None) -> None:
    log_action(f"ticket.{action}", actor=actor, obj=ticket, changes=changes or {})
    score_facts.changed(action, ticket.pk)  # the score's facts follow the change (issue 14)
    if action in search.TEXT_ACTIONS:  # keep the search index current (issue 17)
        search.index_ticket(ticket)


def _mark_first_response(ticket: Ticket, actor) -> None:
    if ticket.first_response_at is not None:
        return
    now = clock.now()
    if Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(
        first_response_at=now, updated_at=now
    ):
        ticket.first_response_at = ticket.updated_at = now
        _log(
            "respond",
            actor=actor,
            ticket=ticket,
            changes={"first_response_at": now, "late": ticket.response_late(now)},
        )
