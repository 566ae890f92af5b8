"""Linked and merged requests (issue 17 item 7), and watchers (CC) of a request.

- ``link_related``: two requests concern the same matter; both pages show the other.
- ``mark_duplicate``: the duplicate is closed (cancelled, with the original named as the reason, claimed
  atomically from any not-yet-solved state) and its requester follows the original as a watcher.
- Watchers receive the request's notifications (``services._notify`` adds ``watchers_of``), but only
  while they may open the request (a watcher of another department is never told about it).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.roles import Role
from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.notifications import notify

from . import policy
from .models import ACTIVE_STATUSES, LinkKind, Status, Ticket, TicketLink, Watcher

MERGERS = frozenset({Role.PM, Role.BUREAU_ADMIN})


def can_link(user, ticket: Ticket) -> bool:
    return user.role in policy.TICKET_ROLES and policy.can_view(user, ticket)


def can_merge(user, ticket: Ticket) -> bool:
    return user.role in MERGERS and ticket.status in ACTIVE_STATUSES


def watchers_of(ticket: Ticket) -> list:
    users = [w.user for w in Watcher.objects.filter(ticket=ticket).select_related("user")]
    return [u for u in users if u.is_active and policy.can_view(u, ticket)]


def links_for(user, ticket: Ticket) -> list[dict]:
    """The requests linked to ``ticket`` that ``user`` may open, both directions.

    One narrow read of the links; the linked requests are read only when there are some (issue 14:
    two reads joined to the request table cost ~5 ms on every request page, most having no link)."""
    links = list(
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
        .order_by("created_at", "id")
        .values_list("source_id", "target_id", "kind")
    )
    if not links:
        return []
    others = Ticket.objects.in_bulk([s if t == ticket.pk else t for s, t, _ in links])
    outgoing: list[dict] = []
    incoming: list[dict] = []
    for source, target, kind in links:
        duplicate = kind == LinkKind.DUPLICATE
        if source == ticket.pk:
            other, label, rows = others.get(target), "重复于" if duplicate else "相关", outgoing
        else:
            other, label, rows = others.get(source), "重复请求" if duplicate else "相关", incoming
        if other is not None and policy.can_view(user, other):
            rows.append({"ticket": other, "label": label})
    return outgoing + incoming


def _check_pair(actor, source: Ticket, target: Ticket) -> None:
    if source.pk == target.pk:
        raise ServiceError({"target": ["不能关联到请求本身。"]})
    if not (can_link(actor, source) and policy.can_view(actor, target)):
        raise TransitionNotAllowed("您只能关联自己可以查看的请求。")


@transaction.atomic
def link_related(*, actor, source: Ticket, target: Ticket) -> TicketLink:
    _check_pair(actor, source, target)
    if TicketLink.objects.filter(source=target, target=source).exists():
        raise ServiceError({"target": [f"{source.number} 与 {target.number} 已经关联。"]})
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(
                source=source, target=target, kind=LinkKind.RELATED, created_by=actor
            )
    except IntegrityError:
        raise ServiceError({"target": [f"{source.number} 与 {target.number} 已经关联。"]}) from None
    log_action("ticket.link", actor=actor, obj=source, changes={"target": target.pk, "kind": "related"})
    log_action("ticket.link", actor=actor, obj=target, changes={"source": source.pk, "kind": "related"})
    return link


@transaction.atomic
def mark_duplicate(*, actor, duplicate: Ticket, original: Ticket) -> TicketLink:
    _check_pair(actor, duplicate, original)
    if not can_merge(actor, duplicate):
        raise TransitionNotAllowed("只有项目经理或局信息化管理员可以把尚未解决的请求合并为重复请求。")
    if original.status in {Status.REJECTED, Status.CANCELLED}:
        raise ServiceError({"target": [f"{original.number} 已退回或撤销，不能作为原请求。"]})
    if TicketLink.objects.filter(source=original, target=duplicate, kind=LinkKind.DUPLICATE).exists():
        raise ServiceError({"target": [f"{original.number} 已被合并到 {duplicate.number}。"]})
    before = duplicate.status
    reason = f"与 {original.number} 重复，已合并到该请求处理。"
    now = clock.now()
    count = Ticket.objects.filter(pk=duplicate.pk, status=before).update(
        status=Status.CANCELLED, end_reason=reason, updated_at=now
    )
    if count != 1:
        duplicate.refresh_from_db()
        raise ConcurrentChange("该请求刚刚已被他人处理，请刷新页面后再操作。")
    duplicate.status, duplicate.end_reason = Status.CANCELLED, reason
    link, _created = TicketLink.objects.update_or_create(
        source=duplicate, target=original, defaults={"kind": LinkKind.DUPLICATE, "created_by": actor}
    )
    Watcher.objects.get_or_create(ticket=original, user=duplicate.requester)
    log_action(
        "ticket.merge",
        actor=actor,
        obj=duplicate,
        changes={"status": [before, Status.CANCELLED], "original": original.pk, "reason": reason},
    )
    log_action(
        "ticket.link",
        actor=actor,
        obj=original,
        changes={"source": duplicate.pk, "kind": "duplicate", "watcher": duplicate.requester_id},
    )
    notify(
        [duplicate.requester],
        title=f"请求 {duplicate.number} 与 {original.number} 重复，已合并",
        body="您将收到原请求的处理通知。" if policy.can_view(duplicate.requester, original) else reason,
        url=reverse("tickets:detail", args=[duplicate.pk]),
        kind="ticket.merged",
    )
    return link
