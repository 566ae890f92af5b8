"""Key days: the list and manual marking."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.permissions import require_perm
from contracts.calendar import get_calendar
from contracts.decorators import contract_required

from .. import selectors, services
from ..forms import (
    KeyDayForm,
)
from ..models import (
    KeyDay,
    KeyDaySource,
)
from ._base import _error_text


@require_GET
@require_perm("rosters.view_keyday")
@contract_required("rosters/no_contract.html")
def key_day_list(request, contract):
    calendar = get_calendar(contract)
    days, pending = selectors.key_day_list(contract, calendar)
    return render(
        request,
        "rosters/key_days.html",
        {
            "contract": contract,
            "days": days,
            "pending": pending,
            "form": KeyDayForm(),
            "can_add": request.user.has_perm("rosters.add_keyday"),
            "can_delete": request.user.has_perm("rosters.delete_keyday"),
        },
    )


@require_POST
@require_perm("rosters.add_keyday")
@contract_required("rosters/no_contract.html")
def key_day_add(request, contract):
    form = KeyDayForm(request.POST)
    if form.is_valid():
        try:
            services.key_day_mark(
                contract=contract, actor=request.user, source=KeyDaySource.MANUAL, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已标记关键日。"))
    else:
        messages.error(request, _("请填写日期和说明。"))
    return redirect("rosters:key_days")


@require_POST
@require_perm("rosters.delete_keyday")
def key_day_delete(request, pk: int):
    key_day = get_object_or_404(KeyDay, pk=pk)
    if key_day.source != KeyDaySource.MANUAL:
        messages.error(request, _("来自软件升级记录的关键日随升级记录维护，不能在此取消。"))
    else:
        services.key_day_unmark(key_day=key_day, actor=request.user)
        messages.success(request, _("已取消该关键日。"))
    return redirect("rosters:key_days")
