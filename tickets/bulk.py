"""Bulk actions on the request list (issue 17). Each request goes through its own service call, so
the rules, the atomic state claims and the audit entries are exactly those of acting on it alone;
what a service refuses is collected with its reason, never hidden."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from common.audit import log_action
from common.errors import ServiceError, error_messages
from contracts.models import Priority

from . import policy, services
from .models import Ticket

MAX_ITEMS = 500  # one run; the page says so when a filter matches more


@dataclass
class BulkResult:
    done: list[Ticket] = field(default_factory=list)
    refused: list[tuple[Ticket, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BulkAction:
    label: str | Promise
    roles: frozenset[str]
    needs_assignee: bool = False
    needs_priority: bool = False
    export: bool = False  # changes nothing: the selection goes to the Excel export (audited there)


ACTIONS: dict[str, BulkAction] = {
    "confirm": BulkAction(_("确认"), frozenset({Role.DEPT_HEAD, Role.BUREAU_ADMIN})),
    "assign": BulkAction(_("分派给"), frozenset({Role.PM}), needs_assignee=True),
    "claim": BulkAction(_("领取"), frozenset({Role.ENGINEER, Role.PM})),
    "close": BulkAction(_("关闭"), frozenset({Role.PM, Role.BUREAU_ADMIN})),
    "priority": BulkAction(_("调整优先级为"), frozenset({Role.BUREAU_ADMIN}), needs_priority=True),
    "signoff_batch": BulkAction(_("并入批量确认表（按科室）"), frozenset({Role.ENGINEER, Role.PM})),
    "export": BulkAction(_("导出 Excel"), frozenset(policy.TICKET_ROLES), export=True),
}


def actions_for(user) -> list[tuple[str, BulkAction]]:
    return [
        (key, a)
        for key, a in ACTIONS.items()
        if user.role in a.roles and (not a.export or user.has_perm("tickets.export_ticket"))
    ]


def _each(result: BulkResult, tickets: list[Ticket], call: Callable[[Ticket], object]) -> None:
    for ticket in tickets:
        try:
            call(ticket)
        except ValidationError as exc:
            result.refused.append((ticket, "；".join(error_messages(exc))))
        else:
            result.done.append(ticket)


def run(*, actor, action: str, tickets: list[Ticket], assignee=None, priority: str = "") -> BulkResult:
    if action not in dict(actions_for(actor)) or ACTIONS[action].export:
        raise ServiceError("您不能执行这个批量操作。")
    result = BulkResult()
    if action == "confirm":
        _each(result, tickets, lambda t: services.ticket_confirm(ticket=t, actor=actor))
    elif action == "assign":
        if assignee is None:
            raise ServiceError({"assignee": ["请选择处理人。"]})
        _each(result, tickets, lambda t: services.ticket_assign(ticket=t, actor=actor, assignee=assignee))
    elif action == "priority":
        if priority not in Priority.values:
            raise ServiceError({"priority": ["请选择优先级。"]})
        _each(
            result,
            tickets,
            lambda t: services.ticket_priority_change(ticket=t, actor=actor, priority=priority),
        )
    elif action == "claim":
        _each(result, tickets, lambda t: services.ticket_claim(ticket=t, actor=actor))
    elif action == "close":
        _each(result, tickets, lambda t: services.ticket_close(ticket=t, actor=actor))
    elif action == "signoff_batch":
        groups: dict[int, list[Ticket]] = defaultdict(list)
        for t in tickets:
            groups[t.department_id].append(t)
        for group in groups.values():
            try:
                signoff = services.signoff_issue_batch(tickets=group, actor=actor)
            except ValidationError as exc:
                reason = "；".join(error_messages(exc))
                result.refused.extend((t, reason) for t in group)
            else:
                result.done.extend(group)
                result.notes.append(f"{group[0].department}：{signoff.number}（{len(group)} 个请求）")
    log_action(
        "ticket.bulk",
        actor=actor,
        object_type="tickets.ticket",
        object_repr=str(ACTIONS[action].label),
        changes={
            "action": action,
            "done": [t.pk for t in result.done],
            "refused": {str(t.pk): reason for t, reason in result.refused},
            "assignee": assignee.pk if assignee is not None else None,
            "priority": priority or None,
        },
    )
    return result


def can_bulk(user) -> bool:
    return bool(actions_for(user)) and user.role in policy.TICKET_ROLES
