"""Staff changes and their handover."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.errors import apply_service_error
from common.permissions import require_perm
from contracts.decorators import contract_required

from .. import rules, selectors, services
from ..forms import (
    ConfirmForm,
    DecisionForm,
    DemandForm,
    HandoverItemForm,
    StaffChangeForm,
)
from ..models import (
    ChangeKind,
    ChangeStatus,
    HandoverItem,
)
from ._base import PAGE_SIZE, _error_text


def _current_entries(contract):
    today = clock.today()
    return selectors.roster_entries(contract).filter(end_on__gte=today)


@require_GET
@require_perm("rosters.view_staffchange")
@contract_required("rosters/no_contract.html")
def change_list(request, contract):
    changes = selectors.change_queryset(request.user, contract)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rosters/change_list.html",
        {
            "contract": contract,
            "page": page,
            "earliest": rules.earliest_effective_date(clock.today(), contract.staff_change_notice_months),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_staffchange")
@contract_required("rosters/no_contract.html")
def change_create(request, contract):
    entries = _current_entries(contract)
    earliest = rules.earliest_effective_date(clock.today(), contract.staff_change_notice_months)
    if request.method == "POST":
        form = StaffChangeForm(request.POST, entries=entries)
        if form.is_valid():
            try:
                change = services.change_apply(contract=contract, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("人员变动申请已提交甲方审批。"))
                return redirect("rosters:change_detail", pk=change.pk)
    else:
        form = StaffChangeForm(entries=entries, initial={"effective_on": earliest})
    return render(
        request, "rosters/change_form.html", {"form": form, "contract": contract, "earliest": earliest}
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.demand_replacement")
@contract_required("rosters/no_contract.html")
def change_demand(request, contract):
    entries = _current_entries(contract)
    form = DemandForm(request.POST or None, entries=entries)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_demand(contract=contract, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已要求乙方更换该人员，乙方将提出接替人选。"))
            return redirect("rosters:change_detail", pk=change.pk)
    return render(request, "rosters/change_demand.html", {"form": form, "contract": contract})


@require_GET
@require_perm("rosters.view_staffchange")
def change_detail(request, pk: int):
    change = selectors.get_for(selectors.change_queryset(request.user), pk)
    user = request.user
    items = list(change.handover_items.select_related("done_by"))
    return render(
        request,
        "rosters/change_detail.html",
        {
            "change": change,
            "items": items,
            "open_items": [i for i in items if not i.done],
            "can_propose": change.status == ChangeStatus.DEMANDED
            and user.has_perm("rosters.add_staffchange"),
            "can_decide": change.status == ChangeStatus.SUBMITTED
            and user.has_perm("rosters.decide_staffchange"),
            "can_withdraw": change.status == ChangeStatus.SUBMITTED
            and change.kind == ChangeKind.APPLICATION
            and user.has_perm("rosters.add_staffchange"),
            "can_handover": change.status == ChangeStatus.APPROVED
            and user.has_perm("rosters.add_staffchange"),
            "can_confirm": change.status == ChangeStatus.APPROVED
            and user.has_perm("rosters.decide_staffchange"),
            "decision_form": DecisionForm(),
            "item_form": HandoverItemForm(),
            "confirm_form": ConfirmForm(),
            "today": clock.today(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("rosters.add_staffchange")
def change_propose(request, pk: int):
    change = selectors.get_for(selectors.change_queryset(request.user), pk)
    if request.method == "POST":
        form = StaffChangeForm(request.POST, proposal=True)
        if form.is_valid():
            try:
                services.change_propose(change=change, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("接替人选已提交甲方审批。"))
                return redirect("rosters:change_detail", pk=change.pk)
    else:
        form = StaffChangeForm(proposal=True, initial={"effective_on": clock.today() + dt.timedelta(days=14)})
    return render(
        request, "rosters/change_form.html", {"form": form, "change": change, "contract": change.contract}
    )


@require_POST
@require_perm("rosters.decide_staffchange")
def change_decide(request, pk: int):
    change = selectors.get_for(selectors.change_queryset(request.user), pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回。"))
        return redirect("rosters:change_detail", pk=change.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.change_decide(
            change=change, actor=request.user, approve=approve, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已批准人员变动，交接清单已生成。") if approve else _("已驳回。"))
    return redirect("rosters:change_detail", pk=change.pk)


@require_POST
@require_perm("rosters.add_staffchange")
def change_withdraw(request, pk: int):
    change = selectors.get_for(selectors.change_queryset(request.user), pk)
    try:
        services.change_withdraw(change=change, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("rosters:change_detail", pk=change.pk)


@require_POST
@require_perm("rosters.add_staffchange")
def handover_add(request, pk: int):
    change = selectors.get_for(selectors.change_queryset(request.user), pk)
    form = HandoverItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写交接事项。"))
    else:
        try:
            services.handover_item_add(change=change, title=form.cleaned_data["title"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return redirect("rosters:change_detail", pk=change.pk)


@require_POST
@require_perm("rosters.add_staffchange")
def handover_toggle(request, pk: int):
    item = get_object_or_404(HandoverItem.objects.select_related("change"), pk=pk)
    selectors.get_for(selectors.change_queryset(request.user), item.change_id)
    try:
        services.handover_item_set(
            item=item,
            actor=request.user,
            done=request.POST.get("done") == "1",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("rosters:change_detail", pk=item.change_id)


@require_POST
@require_perm("rosters.decide_staffchange")
def change_confirm(request, pk: int):
    change = selectors.get_for(selectors.change_queryset(request.user), pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        change = services.change_confirm(
            change=change, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("交接已确认：%(name)s 驻场至 %(day)s。")
            % {
                "name": change.leaving_entry.person.display_name,
                "day": f"{change.leaving_entry.end_on:%Y-%m-%d}",
            },
        )
    return redirect("rosters:change_detail", pk=change.pk)
