"""Check-in/out, my attendance, the month grid, attendance rates, and corrections."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.errors import apply_service_error
from common.params import int_param
from common.permissions import deny, require_perm
from contracts.decorators import contract_required
from contracts.workdays import CalendarNotLoaded

from .. import rules, selectors, services
from ..filters import RequestStatusFilter
from ..forms import (
    CorrectionForm,
    DecisionForm,
)
from ..models import (
    RequestStatus,
)
from ._base import PAGE_SIZE, _back, _error_text, _month_nav, _month_param


@require_POST
@require_perm("rosters.check_in")
def check_in(request):
    try:
        record = services.check_in(person=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("签到成功：%(time)s。") % {"time": f"{clock.local(record.check_in_at):%H:%M}"}
        )
    return _back(request, "home")


@require_POST
@require_perm("rosters.check_in")
def check_out(request):
    try:
        record = services.check_out(person=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        checked_out = cast(dt.datetime, record.check_out_at)  # services.check_out has set it
        messages.success(request, _("签退成功：%(time)s。") % {"time": f"{clock.local(checked_out):%H:%M}"})
    return _back(request, "home")


@require_GET
@require_perm("rosters.check_in")
@contract_required("rosters/no_contract.html")
def my_attendance(request, contract):
    year, month = _month_param(request, contract)
    context = {"contract": contract, **_month_nav(year, month)}
    try:
        grid = selectors.month_grid(contract, year, month)
        report = selectors.attendance_report(contract, person=request.user)
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    else:
        row = next((r for r in grid.rows if r.person.pk == request.user.pk), None)
        context.update(grid=grid, row=row, contract_rate=report.overall)
    context["leaves"] = selectors.leave_queryset(request.user, contract).filter(person=request.user)[:10]
    context["corrections"] = selectors.correction_queryset(request.user, contract).filter(
        person=request.user
    )[:10]
    return render(request, "rosters/my_attendance.html", context)


@require_GET
@require_perm("rosters.view_team_attendance")
@contract_required("rosters/no_contract.html")
def attendance_month(request, contract):
    year, month = _month_param(request, contract)
    context = {"contract": contract, **_month_nav(year, month)}
    try:
        context["grid"] = selectors.month_grid(contract, year, month)
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    return render(request, "rosters/attendance_month.html", context)


@require_GET
@require_perm("rosters.view_team_attendance")
@contract_required("rosters/no_contract.html")
def attendance_rates(request, contract):
    context: dict = {"contract": contract}
    # 出勤率 counts the engineers (selectors.RATE_POSITIONS); "scope=all" adds the project manager.
    only_engineers = request.GET.get("scope") != "all"
    try:
        report = selectors.attendance_report(
            contract, positions=selectors.RATE_POSITIONS if only_engineers else None
        )
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
        return render(request, "rosters/attendance_rates.html", context)
    drill: dict = {}
    month = request.GET.get("month") or ""
    status = request.GET.get("status") or ""
    if int_param(request.GET, "person"):
        drill["person_id"] = int_param(request.GET, "person")
    if month:
        try:
            y, m = (int(x) for x in month.split("-"))
            dt.date(y, m, 1)
        except ValueError:
            pass
        else:
            drill["month"] = (y, m)
    filters = dict(drill)
    if status in {s.value for s in rules.DayStatus}:
        filters["status"] = rules.DayStatus(status)
    elif status != "all":
        filters["attended"] = False
    days = report.days_for(**filters)
    context.update(
        report=report,
        only_engineers=only_engineers,
        drill=drill,
        status_param=status,
        drill_person=report.people.get(drill["person_id"]) if "person_id" in drill else None,
        drill_page=Paginator(days, 50).get_page(request.GET.get("page")),
        statuses=list(rules.DayStatus),
    )
    return render(request, "rosters/attendance_rates.html", context)


@require_GET
@require_perm("rosters.view_attendancecorrection")
@contract_required("rosters/no_contract.html")
def correction_list(request, contract):
    status = request.GET.get("status", "")
    corrections = selectors.correction_queryset(request.user, contract)
    corrections = RequestStatusFilter(request.GET, queryset=corrections).qs
    page = Paginator(corrections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rosters/correction_list.html",
        {
            "contract": contract,
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "approvals": selectors.pending_approvals(request.user, contract)["corrections"],
            "decision_form": DecisionForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_attendancecorrection")
def correction_create(request):
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.correction_request(person=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("更正申请已提交，经审批后生效。"))
                return redirect("rosters:correction_list")
    else:
        initial = {
            "date": request.GET.get("date") or clock.today(),
            "check_in": "08:30",
            "check_out": "17:30",
        }
        form = CorrectionForm(initial=initial)
    return render(request, "rosters/correction_form.html", {"form": form})


@require_POST
@require_perm("rosters.approve_correction")
def correction_decide(request, pk: int):
    correction = selectors.get_for(selectors.correction_queryset(request.user), pk)
    if not services.may_decide(request.user, correction.person):
        deny(request, "not the approver of this correction")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回。"))
        return redirect("rosters:correction_list")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.correction_decide(
            correction=correction, approver=request.user, approve=approve, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已批准更正，考勤记录已更新。") if approve else _("已驳回更正。"))
    return _back(request, reverse("rosters:correction_list"))


@require_POST
@require_perm("rosters.add_attendancecorrection")
def correction_cancel(request, pk: int):
    correction = selectors.get_for(selectors.correction_queryset(request.user), pk)
    if correction.person_id != request.user.pk:
        deny(request, "not the requester")
    try:
        services.correction_cancel(correction=correction, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("更正申请已撤回。"))
    return redirect("rosters:correction_list")
