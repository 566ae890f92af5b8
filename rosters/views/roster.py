"""The roster and the staffing rule."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.errors import apply_service_error
from common.permissions import require_perm
from contracts.calendar import get_calendar
from contracts.decorators import contract_required
from contracts.workdays import CalendarNotLoaded

from .. import selectors, services
from ..forms import (
    RosterEntryForm,
)
from ..models import (
    Position,
    RosterEntry,
)


@require_GET
@require_perm("rosters.view_rosterentry")
@contract_required("rosters/no_contract.html")
def roster(request, contract):
    entries = list(selectors.roster_entries(contract))
    today = clock.today()
    context = {
        "contract": contract,
        "entries": entries,
        "today": today,
        "can_edit": request.user.has_perm("rosters.change_rosterentry"),
        "can_add": request.user.has_perm("rosters.add_rosterentry"),
        "open_changes": {c.leaving_entry_id: c for c in selectors.open_changes(contract)},
    }
    if contract.is_current(today):
        context["team"] = selectors.team_today(contract)
    return render(request, "rosters/roster.html", context)


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_rosterentry")
@contract_required("rosters/no_contract.html")
def roster_add(request, contract):
    if request.method == "POST":
        form = RosterEntryForm(request.POST)
        if form.is_valid():
            try:
                entry = services.roster_add(contract=contract, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request, _("已将 %(name)s 登记到驻场名单。") % {"name": entry.person.display_name}
                )
                return redirect("rosters:roster")
    else:
        today = clock.today()
        form = RosterEntryForm(
            initial={
                "start_on": max(today, contract.start_on),
                "end_on": contract.end_on,
                "position": Position.ENGINEER,
            }
        )
    return render(request, "rosters/roster_form.html", {"form": form, "contract": contract})


@require_http_methods(["GET", "POST"])
@require_perm("rosters.change_rosterentry")
def roster_edit(request, pk: int):
    entry = get_object_or_404(RosterEntry.objects.select_related("person", "contract"), pk=pk)
    if request.method == "POST":
        form = RosterEntryForm(request.POST, editing=entry)
        if form.is_valid():
            try:
                services.roster_update(entry=entry, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("驻场安排已保存。"))
                return redirect("rosters:roster")
    else:
        form = RosterEntryForm(
            editing=entry,
            initial={
                "phone": entry.phone,
                "start_on": entry.start_on,
                "end_on": entry.end_on,
                "note": entry.note,
            },
        )
    return render(
        request, "rosters/roster_form.html", {"form": form, "entry": entry, "contract": entry.contract}
    )


@require_GET
@require_perm("rosters.view_team_attendance")
@contract_required("rosters/no_contract.html")
def staffing(request, contract):
    calendar = get_calendar(contract)
    context = {"contract": contract}
    try:
        report = selectors.staffing_report(contract, calendar=calendar)
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
    else:
        show = request.GET.get("show", "breaches")
        days = report.breaches if show == "breaches" else report.days
        page = Paginator(days, 50).get_page(request.GET.get("page"))
        context.update(
            report=report,
            show=show,
            page=page,
            rows=[(day, report.absentees(day)) for day in page],
            people=report.people,
        )
    return render(request, "rosters/staffing.html", context)
