"""Weekly quality meetings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.errors import apply_service_error
from common.permissions import require_perm
from contracts.decorators import contract_required

from .. import selectors, services
from ..forms import (
    ActionItemFormSet,
    MeetingForm,
)


@require_GET
@require_perm("rosters.view_weeklymeeting")
@contract_required("rosters/no_contract.html")
def meeting_list(request, contract):
    meetings = selectors.meeting_queryset(request.user, contract).prefetch_related("action_items")
    page = Paginator(meetings, 20).get_page(request.GET.get("page"))
    return render(request, "rosters/meeting_list.html", {"contract": contract, "page": page})


def _item_data(formset) -> list[services.ActionItemData]:
    items = []
    for f in formset.forms:
        data = f.cleaned_data
        if not data or data.get("DELETE") or not (data.get("description") or "").strip():
            continue
        items.append(
            services.ActionItemData(
                description=data["description"],
                owner=data.get("owner"),
                due_on=data.get("due_on"),
                done=bool(data.get("done")),
                pk=data.get("pk"),
            )
        )
    return items


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_weeklymeeting")
@contract_required("rosters/no_contract.html")
def meeting_create(request, contract):
    if request.method == "POST":
        form = MeetingForm(request.POST)
        formset = ActionItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                meeting = services.meeting_record(
                    contract=contract, actor=request.user, items=_item_data(formset), **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("例会纪要已保存。"))
                return redirect("rosters:meeting_detail", pk=meeting.pk)
    else:
        today = clock.today()
        form = MeetingForm(
            initial={
                "held_on": today,
                "place": _("区人社局信息中心会议室"),
                "attendees": [e.person_id for e in selectors.roster_on(contract, today)],
            }
        )
        formset = ActionItemFormSet(prefix="items")
    return render(
        request, "rosters/meeting_form.html", {"form": form, "formset": formset, "contract": contract}
    )


@require_GET
@require_perm("rosters.view_weeklymeeting")
def meeting_detail(request, pk: int):
    meeting = selectors.get_for(selectors.meeting_queryset(request.user), pk)
    return render(
        request,
        "rosters/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.all(),
            "items": meeting.action_items.select_related("owner"),
            "can_edit": request.user.has_perm("rosters.change_weeklymeeting"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.change_weeklymeeting")
def meeting_edit(request, pk: int):
    meeting = selectors.get_for(selectors.meeting_queryset(request.user), pk)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        formset = ActionItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                services.meeting_update(
                    meeting=meeting, actor=request.user, items=_item_data(formset), **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("例会纪要已修改。"))
                return redirect("rosters:meeting_detail", pk=meeting.pk)
    else:
        form = MeetingForm(
            initial={
                "held_on": meeting.held_on,
                "place": meeting.place,
                "attendees": list(meeting.attendees.values_list("pk", flat=True)),
                "other_attendees": meeting.other_attendees,
                "summary": meeting.summary,
                "decisions": meeting.decisions,
            }
        )
        formset = ActionItemFormSet(
            prefix="items",
            initial=[
                {
                    "pk": i.pk,
                    "description": i.description,
                    "owner": i.owner_id,
                    "due_on": i.due_on,
                    "done": i.done,
                }
                for i in meeting.action_items.all()
            ],
        )
    return render(
        request,
        "rosters/meeting_form.html",
        {"form": form, "formset": formset, "meeting": meeting, "contract": meeting.contract},
    )
