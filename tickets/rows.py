"""The request list's rows, drawn in Python (issue 14).

Through the template language a page of 25 rows cost about 11 ms: each row translated its six column
labels again, reversed its link twice and resolved some 90 variables. Here the labels are translated
once per page and each row is one ``format_html``; the markup is the template's, and
``tests/tickets/test_list_rows.py`` pins it (link, overdue mark, badges, deadline, required-by date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common import clock, markup

from .models import OPEN_STATUSES, Status, Ticket

STATUS_CSS = {
    Status.SUBMITTED: "text-bg-secondary",
    Status.CONFIRMED: "text-bg-info",
    Status.ASSIGNED: "text-bg-primary",
    Status.IN_PROGRESS: "text-bg-primary",
    Status.WAITING: "text-bg-warning",
    Status.RESOLVED: "text-bg-success",
    Status.SIGNED_OFF: "text-bg-success",
    Status.CLOSED: "text-bg-light border",
    Status.REJECTED: "text-bg-dark",
    Status.CANCELLED: "text-bg-dark",
}

PRIORITY_CSS = {
    "urgent": "text-bg-danger",
    "high": "text-bg-warning",
    "normal": "text-bg-light border",
    "low": "text-bg-light border",
}


def status_badge(ticket):
    css = STATUS_CSS.get(ticket.status, "text-bg-light")
    return markup.html(
        '<span class="badge {}" data-testid="ticket-status">{}</span>', css, ticket.get_status_display()
    )


def priority_css(priority):
    return PRIORITY_CSS.get(priority, "text-bg-light border")


def due_state(ticket, now=None, which="resolve"):
    """The deadline with its state: late, due soon, on time, pending (calendar not loaded)."""
    now = now or clock.now()
    if which == "respond":
        due = ticket.respond_due_at
        late = ticket.response_late(now)
        soon = False
    else:
        due = ticket.resolve_due_at
        late = ticket.is_overdue(now)
        soon = not late and ticket.is_due_soon(now)
    if ticket.confirmed_at is None:
        return markup.html('<span class="text-muted small">{}</span>', _("确认后计时"))
    if ticket.due_pending_year:
        return markup.html(
            '<span class="badge text-bg-warning" title="{}" data-testid="due-pending">{}</span>',
            _("%(y)s 年工作日历尚未加载，期限待定") % {"y": ticket.due_pending_year},
            _("待定"),
        )
    if not due:
        return "—"
    css = " text-danger fw-semibold" if late else " text-warning-emphasis fw-semibold" if soon else ""
    html = markup.html(
        '<span class="text-nowrap{}" data-testid="due">{}</span>',
        css,
        clock.local(due).strftime("%Y-%m-%d %H:%M"),
    )
    if late:
        html += markup.html(' <span class="badge text-bg-danger" data-testid="overdue">{}</span>', _("超期"))
    elif soon:
        html += markup.html(
            ' <span class="badge text-bg-warning" data-testid="due-soon">{}</span>', _("即将超期")
        )
    if ticket.status == Status.WAITING:
        html += markup.html(' <span class="badge text-bg-secondary">{}</span>', _("暂停计时"))
    return html


# What a row reads (``list_rows``): the list loads these alone — not the contract, the requester and
# every text column (the page's query took 6 ms with them, issue 14).
ROW_RELATED = ("department", "scope", "assignee")
ROW_FIELDS = (
    *ROW_RELATED,
    *("kind", "priority", "title", "status", "rework_count", "due_pending_year"),
    *("created_at", "confirmed_at", "first_response_at", "resolved_at"),
    *("respond_due_at", "resolve_due_at", "resolve_warn_at"),
    "department__name",
    "scope__name",
    *("assignee__full_name", "assignee__first_name", "assignee__last_name", "assignee__username"),
)


def for_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` loading what the rows show, and nothing else."""
    return tickets.select_related(None).select_related(*ROW_RELATED).only(*ROW_FIELDS)


ROW = (
    '<tr data-href="{url}" class="{overdue}">{select}'
    '<td class="text-nowrap ticket-number"><a href="{url}">{number}</a></td>'
    '<td class="ticket-title">{title}<div class="small text-muted text-truncate">{scope}</div></td>'
    '<td class="small" data-label="{l_kind}">{kind}</td>'
    '<td class="small" data-label="{l_department}">{department}</td>'
    '<td class="ticket-badges" data-label="{l_priority}">'
    '<span class="badge {priority_css}">{priority}</span></td>'
    '<td class="ticket-badges" data-label="{l_status}">{status}{rework}</td>'
    '<td class="small" data-label="{l_assignee}">{assignee}</td>'
    '<td class="small text-nowrap" data-label="{l_created}">{created}</td>'
    '<td class="small" data-label="{l_due}">{due}{required_by}</td>'
    "</tr>"
)
SELECT = (
    '<td class="d-print-none ticket-select"><input class="form-check-input" type="checkbox" name="ids" '
    'value="{}" form="bulk-form" aria-label="{} {}" data-testid="select-row"></td>'
)


def _labels() -> dict[str, str]:
    return {
        "l_kind": _("类型"),
        "l_department": _("科室"),
        "l_priority": _("优先级"),
        "l_status": _("状态"),
        "l_assignee": _("处理人"),
        "l_created": _("提交时间"),
        "l_due": _("解决期限"),
    }


def _required_by(mark: dict | None, late_label: str) -> SafeString | str:
    if not mark:
        return ""
    return markup.html(
        '<div class="text-nowrap" data-testid="required-by-list">{}{}</div>',
        _("甲方要求 %(d)s") % {"d": mark["due_on"].strftime("%Y-%m-%d")},
        markup.html(' <span class="badge text-bg-danger">{}</span>', late_label) if mark["late"] else "",
    )


def list_rows(tickets: Iterable[Ticket], *, now: dt.datetime, selectable: bool) -> SafeString:
    """The ``<tr>`` of each request (``mark_required_by`` has run on them)."""
    labels = _labels()
    select_label, rework_label, late_label = _("选择"), _("返工次数"), _("已逾期")
    rework_word = _("返工")
    rows = []
    for t in tickets:
        number = t.number
        overdue = t.status in OPEN_STATUSES and t.resolve_due_at is not None and t.resolve_due_at < now
        rework = ""
        if t.rework_count:
            rework = markup.html(
                ' <span class="badge text-bg-light border" title="{}">{}×{}</span>',
                rework_label,
                rework_word,
                t.rework_count,
            )
        rows.append(
            markup.html(
                ROW,
                url=reverse("tickets:detail", args=[t.pk]),
                overdue="row-overdue" if overdue else "",
                select=markup.html(SELECT, t.pk, select_label, number) if selectable else "",
                number=number,
                title=t.title,
                scope=t.scope,
                kind=t.get_kind_display(),
                department=t.department,
                priority_css=PRIORITY_CSS.get(t.priority, "text-bg-light border"),
                priority=t.get_priority_display(),
                status=status_badge(t),
                rework=rework,
                assignee=(t.assignee.display_name if t.assignee else "") or "—",
                created=clock.local(t.created_at).strftime("%Y-%m-%d %H:%M"),
                due=due_state(t, now),
                required_by=_required_by(getattr(t, "required_by_mark", None), late_label),
                **labels,
            )
        )
    return mark_safe("".join(rows))
