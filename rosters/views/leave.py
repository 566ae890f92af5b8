"""Leave requests and their approval."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.errors import apply_service_error
from common.permissions import deny, require_perm
from contracts.calendar import get_calendar
from contracts.decorators import contract_required
from contracts.workdays import CalendarNotLoaded

from .. import rules, selectors, services
from ..filters import RequestStatusFilter
from ..forms import (
    LeaveDecisionForm,
    LeaveForm,
    PersonChoiceField,
    vendor_users,
)
from ..models import (
    RequestStatus,
)
from ._base import PAGE_SIZE, _error_text


@require_GET
@require_perm("rosters.view_leaverequest")
@contract_required("rosters/no_contract.html")
def leave_list(request, contract):
    status = request.GET.get("status", "")
    leaves = RequestStatusFilter(request.GET, queryset=selectors.leave_queryset(request.user, contract)).qs
    page = Paginator(leaves, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rosters/leave_list.html",
        {
            "contract": contract,
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "approvals": selectors.pending_approvals(request.user, contract)["leaves"],
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_leaverequest")
def leave_create(request):
    if request.method == "POST":
        form = LeaveForm(request.POST, person=request.user)
        if form.is_valid():
            try:
                leave = services.leave_request(person=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("请假申请已提交，等待审批。"))
                return redirect("rosters:leave_detail", pk=leave.pk)
    else:
        tomorrow = clock.today() + dt.timedelta(days=1)
        form = LeaveForm(person=request.user, initial={"start_on": tomorrow, "end_on": tomorrow})
    return render(request, "rosters/leave_form.html", {"form": form})


def _leave_key_days(leave) -> list[rules.KeyDayReason]:
    calendar = get_calendar(leave.contract)
    try:
        found = selectors.key_days(leave.contract, calendar, leave.start_on, leave.end_on)
    except CalendarNotLoaded:
        return []
    return [r for day in sorted(found) for r in found[day]]


@require_GET
@require_perm("rosters.view_leaverequest")
def leave_detail(request, pk: int):
    leave = selectors.get_for(selectors.leave_queryset(request.user), pk)
    can_decide = (
        leave.status == RequestStatus.PENDING
        and request.user.has_perm("rosters.approve_leave")
        and services.may_decide(request.user, leave.person)
    )
    form = LeaveDecisionForm(initial={"substitute": leave.substitute_id}) if can_decide else None
    if form is not None:
        substitute = cast(PersonChoiceField, form.fields["substitute"])
        substitute.queryset = vendor_users().exclude(pk=leave.person_id)
    return render(
        request,
        "rosters/leave_detail.html",
        {
            "leave": leave,
            "can_decide": can_decide,
            "form": form,
            "key_days": _leave_key_days(leave),
            "can_cancel": leave.status == RequestStatus.PENDING and leave.person_id == request.user.pk,
        },
    )


@require_POST
@require_perm("rosters.approve_leave")
def leave_decide(request, pk: int):
    leave = selectors.get_for(selectors.leave_queryset(request.user), pk)
    if not services.may_decide(request.user, leave.person):
        deny(request, "not the approver of this leave")
    form = LeaveDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回。"))
        return redirect("rosters:leave_detail", pk=leave.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.leave_decide(
            leave=leave,
            approver=request.user,
            approve=approve,
            note=form.cleaned_data["note"],
            substitute=form.cleaned_data["substitute"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已批准该请假。") if approve else _("已驳回该请假。"))
    return redirect("rosters:leave_detail", pk=leave.pk)


@require_POST
@require_perm("rosters.add_leaverequest")
def leave_cancel(request, pk: int):
    leave = selectors.get_for(selectors.leave_queryset(request.user), pk)
    if leave.person_id != request.user.pk:
        deny(request, "not the requester")
    try:
        services.leave_cancel(leave=leave, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("请假申请已撤回。"))
    return redirect("rosters:leave_detail", pk=leave.pk)
