"""Daily work logs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.errors import apply_service_error
from common.params import int_param
from common.permissions import deny, require_perm
from contracts.decorators import contract_required
from contracts.workdays import CalendarNotLoaded

from .. import selectors, services
from ..forms import (
    WorkLogForm,
)
from ._base import PAGE_SIZE, _back


@require_GET
@require_perm("rosters.view_worklog")
@contract_required("rosters/no_contract.html")
def worklog_list(request, contract):
    team = request.user.has_perm("rosters.view_team_worklogs")
    logs = selectors.worklog_queryset(request.user, contract)
    person = int_param(request.GET, "person")
    person_id = str(person) if person else ""
    q = (request.GET.get("q") or "").strip()[:50]
    if team and person:
        logs = logs.filter(person_id=person)
    if q:
        logs = logs.filter(content__icontains=q) | logs.filter(references__icontains=q)
    page = Paginator(logs.order_by("-date", "person__username"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "contract": contract,
        "page": page,
        "team": team,
        "person_id": person_id,
        "q": q,
        "people": [e.person for e in selectors.roster_entries(contract)] if team else [],
    }
    try:
        missing = selectors.missing_logs(contract, person=None if team else request.user)
    except CalendarNotLoaded as exc:
        context["missing_pending"] = exc
    else:
        if not team:
            missing = [m for m in missing if m.person.pk == request.user.pk]
        context["missing"] = missing[:30]
        context["missing_count"] = len(missing)
    context["people"] = list(dict.fromkeys(context["people"]))
    return render(request, "rosters/worklog_list.html", context)


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_worklog")
def worklog_create(request):
    if request.method == "POST":
        form = WorkLogForm(request.POST, person=request.user)
        if form.is_valid():
            try:
                log = services.worklog_create(person=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("%(date)s 的工作日志已保存。") % {"date": f"{log.date:%Y-%m-%d}"})
                return _back(request, reverse("rosters:worklog_list"))
    else:
        form = WorkLogForm(
            initial={"date": request.GET.get("date") or clock.today(), "hours": "8"}, person=request.user
        )
    return render(request, "rosters/worklog_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("rosters.change_worklog")
def worklog_edit(request, pk: int):
    log = selectors.get_for(selectors.worklog_queryset(request.user), pk)
    if log.person_id != request.user.pk:
        deny(request, "not the author")
    if request.method == "POST":
        linked = list(log.tickets.all())
        form = WorkLogForm(
            request.POST, editing=True, initial={"date": log.date}, person=request.user, linked=linked
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.worklog_update(
                    log=log,
                    actor=request.user,
                    hours=data["hours"],
                    content=data["content"],
                    references=data["references"],
                    tickets=data["tickets"],
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("工作日志已修改。"))
                return redirect("rosters:worklog_list")
    else:
        linked = list(log.tickets.all())
        form = WorkLogForm(
            editing=True,
            person=request.user,
            linked=linked,
            initial={
                "tickets": linked,
                "date": log.date,
                "hours": log.hours,
                "content": log.content,
                "references": log.references,
            },
        )
    return render(request, "rosters/worklog_form.html", {"form": form, "log": log})
