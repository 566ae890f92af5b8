"""The list of requests, its export and filing a new request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.exports import Column, xlsx_response
from common.permissions import require_perm
from common.privacy import personal_data
from contracts.selectors import contract_in_use

from .. import policy, rows, selectors, services, support
from ..filters import TicketFilter
from ..forms import KIND_FIELDS, TicketForm, apply_service_error

PAGE_SIZE = 25


def _filtered(request):
    contract = contract_in_use(request)
    qs = selectors.ticket_list(request.user, contract)
    flt = TicketFilter(request.GET or None, queryset=qs, user=request.user, contract=contract)
    return contract, flt


@require_GET
@require_perm("tickets.view_ticket")
def ticket_list(request):
    contract, flt = _filtered(request)
    tickets = flt.qs if flt.is_bound and flt.is_valid() else flt.queryset
    page = Paginator(rows.for_rows(tickets), PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    page.object_list = list(page.object_list)  # the page's rows, marked once, rendered as marked
    support.mark_required_by(page.object_list, now)
    return render(
        request,
        "tickets/ticket_list.html",
        {
            "filter": flt,
            "page": page,
            "contract": contract,
            "now": now,
            "can_file": request.user.has_perm("tickets.add_ticket") and policy.can_file(request.user),
            "can_export": request.user.has_perm("tickets.export_ticket"),
            "can_batch": policy.can_issue_batch(request.user),
        },
    )


EXPORT_COLUMNS = [
    Column("编号", 14),
    Column("标题", 36),
    Column("类型", 16),
    Column("系统", 26),
    Column("优先级", 8),
    Column("科室", 16),
    Column("提出人", 10),
    Column("状态", 12),
    Column("提交时间", 17, "yyyy-mm-dd hh:mm"),
    Column("确认时间", 17, "yyyy-mm-dd hh:mm"),
    Column("处理人", 10),
    Column("响应期限", 17, "yyyy-mm-dd hh:mm"),
    Column("首次响应", 17, "yyyy-mm-dd hh:mm"),
    Column("解决期限", 17, "yyyy-mm-dd hh:mm"),
    Column("解决时间", 17, "yyyy-mm-dd hh:mm"),
    Column("超期", 8),
    Column("返工次数", 9),
    Column("工时（小时）", 11, "0.0"),
]


@require_GET
@require_perm("tickets.export_ticket")
def ticket_export(request):
    contract, flt = _filtered(request)
    tickets = flt.qs if flt.is_bound and flt.is_valid() else flt.queryset
    now = clock.now()

    def rows():
        for t in tickets.iterator(chunk_size=500):
            yield [
                t.number,
                t.title,
                t.get_kind_display(),
                str(t.scope),
                t.get_priority_display(),
                str(t.department),
                t.requester.display_name,
                t.get_status_display(),
                t.created_at,
                t.confirmed_at,
                t.assignee.display_name if t.assignee_id else "",
                t.respond_due_at if t.respond_due_at else ("待定" if t.due_pending_year else ""),
                t.first_response_at,
                t.resolve_due_at if t.resolve_due_at else ("待定" if t.due_pending_year else ""),
                t.resolved_at,
                "是" if t.is_overdue(now) else "",
                t.rework_count,
                round(t.time_spent_minutes / 60, 1),
            ]

    filters = flt.describe() if flt.is_bound else {}
    filters["contract"] = contract.number if contract else ""
    return xlsx_response(
        request,
        filename=f"服务请求-{clock.today():%Y%m%d}.xlsx",
        sheet="服务请求",
        what="tickets",
        columns=EXPORT_COLUMNS,
        rows=rows(),
        filters=filters,
    )


@require_http_methods(["GET", "POST"])
@require_perm("tickets.add_ticket")
@personal_data
def ticket_create(request):
    contract = contract_in_use(request)
    if not policy.can_file(request.user):
        messages.error(request, _("只有科室经办人员或科室负责人可以提交服务请求。"))
        return redirect("tickets:list")
    form = TicketForm(
        request.POST or None,
        request.FILES or None,
        contract=contract,
        initial={"contact_phone": request.user.phone},
    )
    # Without a contract the form has no scope to choose, so it is never valid.
    if request.method == "POST" and form.is_valid() and contract is not None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        try:
            with transaction.atomic():
                ticket = services.ticket_submit(actor=request.user, contract=contract, **data)
                for upload in form.cleaned_data.get("files") or []:
                    services.attachment_add(ticket=ticket, actor=request.user, upload=upload)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("请求 %(n)s 已提交，等待科室负责人确认。") % {"n": ticket.number})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(
        request,
        "tickets/ticket_form.html",
        {"form": form, "contract": contract, "kind_fields": KIND_FIELDS},
    )
