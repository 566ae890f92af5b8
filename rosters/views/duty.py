"""Holiday duty lists: overview, editing, submission and the printable list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.permissions import require_perm
from contracts.decorators import contract_required

from .. import selectors, services
from ..forms import (
    DutyFormSet,
)
from ..models import (
    DutyStatus,
)
from ._base import _error_text


@require_GET
@require_perm("rosters.view_dutylist")
@contract_required("rosters/no_contract.html")
def duty_list(request, contract):
    rows, pending = selectors.duty_overview(contract)
    return render(
        request,
        "rosters/duty_list.html",
        {
            "contract": contract,
            "rows": rows,
            "pending": pending,
            "can_manage": request.user.has_perm("rosters.manage_dutylist"),
            "now": clock.now(),
        },
    )


@require_POST
@require_perm("rosters.manage_dutylist")
@contract_required("rosters/no_contract.html")
def duty_start(request, contract):
    try:
        start = dt.date.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        messages.error(request, _("请选择节假日。"))
        return redirect("rosters:duty_list")
    holiday = selectors.holiday_of_contract(contract, start)
    if holiday is None:
        messages.error(request, _("该日期不是本合同期内法定节假日的第一天。"))
        return redirect("rosters:duty_list")
    duty = services.duty_list_start(contract=contract, holiday=holiday, actor=request.user)
    return redirect("rosters:duty_edit", pk=duty.pk)


def _duty_days(duty) -> list[dt.date]:
    return [duty.start_on + dt.timedelta(days=i) for i in range((duty.end_on - duty.start_on).days + 1)]


@require_GET
@require_perm("rosters.view_dutylist")
def duty_detail(request, pk: int):
    duty = selectors.get_for(selectors.duty_queryset(request.user), pk)
    assignments = list(duty.assignments.select_related("person"))
    by_day = {d: [a for a in assignments if a.day == d] for d in _duty_days(duty)}
    return render(
        request,
        "rosters/duty_detail.html",
        {
            "duty": duty,
            "by_day": by_day,
            "can_manage": request.user.has_perm("rosters.manage_dutylist"),
            "now": clock.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.manage_dutylist")
def duty_edit(request, pk: int):
    duty = selectors.get_for(selectors.duty_queryset(request.user), pk)
    days = _duty_days(duty)
    if request.method == "POST":
        formset = DutyFormSet(request.POST, prefix="duty", form_kwargs={"days": days})
        note = request.POST.get("note", "")
        if formset.is_valid():
            rows = _duty_rows(formset)
            try:
                services.duty_list_save(duty_list=duty, rows=rows, actor=request.user, note=note)
            except ValidationError as exc:
                # A formset has no public way to add a non-form error after validation.
                formset._non_form_errors = formset.error_class(exc.messages)  # type: ignore[attr-defined]
            else:
                if request.POST.get("submit") == "1" and duty.status == DutyStatus.DRAFT:
                    try:
                        duty = services.duty_list_submit(duty_list=duty, actor=request.user)
                    except ValidationError as exc:
                        messages.error(request, _error_text(exc))
                        return redirect("rosters:duty_edit", pk=duty.pk)
                    messages.success(
                        request,
                        _("值班表已提交甲方（逾期提交）。") if duty.is_late else _("值班表已提交甲方。"),
                    )
                else:
                    messages.success(request, _("值班表已保存。"))
                return redirect("rosters:duty_detail", pk=duty.pk)
    else:
        formset = DutyFormSet(prefix="duty", form_kwargs={"days": days}, initial=_duty_initial(duty, days))
        note = duty.note
    return render(
        request, "rosters/duty_form.html", {"duty": duty, "formset": formset, "note": note, "days": days}
    )


def _duty_rows(formset) -> list[services.DutyRow]:
    """The filled-in rows of a valid duty formset (deleted and empty rows left out)."""
    return [
        services.DutyRow(
            f.cleaned_data["day"],
            f.cleaned_data["person"],
            f.cleaned_data.get("phone", ""),
            f.cleaned_data.get("note", ""),
        )
        for f in formset.forms
        if f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and f.cleaned_data.get("person")
        and f.cleaned_data.get("day")
    ]


def _duty_initial(duty, days: list[dt.date]) -> list[dict]:
    """The duty form's rows: the saved assignments, or for a new list the people on the roster on the
    holiday's first day taking the days in turn."""
    assignments = list(duty.assignments.select_related("person"))
    initial = [
        {"day": a.day.isoformat(), "person": a.person_id, "phone": a.phone, "note": a.note}
        for a in assignments
    ]
    if not initial:
        on_roster = {e.person_id: e for e in selectors.roster_on(duty.contract, duty.start_on)}
        people = list(on_roster.values()) or []
        initial = (
            [
                {
                    "day": d.isoformat(),
                    "person": people[i % len(people)].person_id,
                    "phone": people[i % len(people)].phone,
                }
                for i, d in enumerate(days)
            ]
            if people
            else []
        )
    return initial


@require_POST
@require_perm("rosters.manage_dutylist")
def duty_submit(request, pk: int):
    duty = selectors.get_for(selectors.duty_queryset(request.user), pk)
    try:
        duty = services.duty_list_submit(duty_list=duty, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("值班表已提交甲方（逾期提交）。") if duty.is_late else _("值班表已提交甲方。")
        )
    return redirect("rosters:duty_detail", pk=duty.pk)
